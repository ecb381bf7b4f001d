"""The data export (generator.export): each cable's .json and .txt, and each data part's
JSON lines and CSV; the same on forked processes as on one, and a rebuild making only
the files whose fingerprint changed."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from generator import export, pages
from generator.feeds import cable_exports, cable_json
from generator.pages import cable_path, data_parts

from .conftest import CORPUS, SEEDS, resolved_site


def _export(site, last: dict | None = None, jobs: int = 1, previous=None) -> tuple[dict, dict]:
    """The files ``write_exports`` writes (path -> bytes), given the records ``last`` of a
    last build, and the records it returns.  ``previous``: the files the previous site
    has (None: every file)."""
    written = {}

    def has(path):
        return previous is None or path in previous

    def add(path, data):
        assert path not in written, f"{path} written twice"
        written[path] = data
    records = export.write_exports(site, has, lambda paths: all(map(has, paths)), add, jobs,
                                   last=last)
    return written, records


def _check_export(site, files: dict) -> None:
    """Every cable's .json is its JSON contract and its .txt its text; each part's JSON
    lines are its cables' .json files in order and its CSV lists them in that order."""
    seen = []
    for name, idx in data_parts(site):
        lines = files[f"data/{name}.jsonl"].decode().splitlines(keepends=True)
        rows = list(csv.DictReader(io.StringIO(files[f"data/{name}.csv"].decode())))
        assert [r["path"] for r in rows] == [cable_path(site, i) for i in idx]
        for i, line in zip(idx, lines, strict=True):
            base = cable_path(site, i)[:-5]
            assert files[base + ".json"] == line.encode() == cable_json(site, i)
            assert json.loads(line)["id"] == site.cables[i].id
            text = site.full(i).text
            assert files[base + ".txt"].decode().rstrip("\n") == text.rstrip("\n")
            seen.append(i)
    assert sorted(seen) == list(range(len(site.cables)))
    assert len(files) == 2 * len(site.cables) + 2 * len(data_parts(site))


def test_forked_export_equals_one_process(tmp_path, monkeypatch):
    """Spread over two processes a few cables at a time, with at most one chunk ahead of
    the writing, the export is the one made in this process, file for file."""
    site = resolved_site(tmp_path, [SEEDS])
    monkeypatch.setattr(pages, "DATA_PART_CABLES", 2)      # three parts
    one, prints = _export(site)
    assert len(data_parts(site)) > 1
    _check_export(site, one)
    monkeypatch.setattr(export, "FORK_AT", 1)
    monkeypatch.setattr(export, "CHUNK", 2)
    monkeypatch.setattr(export, "AHEAD", 1)
    two, prints2 = _export(site, jobs=2)
    assert two == one and prints2 == prints


@pytest.mark.corpus
def test_corpus_export_on_two_processes(tmp_path, monkeypatch):
    site = resolved_site(tmp_path, [CORPUS])
    monkeypatch.setattr(pages, "DATA_PART_CABLES", 100)
    assert len(site.cables) >= export.FORK_AT
    two, _ = _export(site, jobs=2)
    _check_export(site, two)
    assert two == _export(site)[0]


def test_a_rebuild_exports_what_changed(tmp_path, monkeypatch):
    """Nothing changed: nothing is made; a new cable: its two files and its part's JSON
    lines, made from its cables' .json files, reading only the cables of that part, and
    the CSV parts whose bytes change (its own, and those of the cables it cites)."""
    monkeypatch.setattr(pages, "DATA_PART_CABLES", 3)
    cables = tmp_path / "cables"
    shutil.copytree(SEEDS, cables)
    site = resolved_site(tmp_path / "a", [cables])
    first, prints = _export(site)
    again, _ = _export(site, prints)
    assert again == {}
    text = (SEEDS / "000_fedcf07303434e2b.txt").read_text()
    (cables / "new.txt").write_text(text.replace("003198", "003299").replace("270913Z", "280913Z"))
    grown = resolved_site(tmp_path / "b", [cables])
    new = next(i for i in range(len(grown.cables)) if grown.cables[i].id == "07PARIS3299")
    reads = []
    full = type(grown).full
    monkeypatch.setattr(type(grown), "full", lambda self, i: reads.append(i) or full(self, i))
    third, _ = _export(grown, prints)
    part = next((name, idx) for name, idx in data_parts(grown) if new in idx)
    base = cable_path(grown, new)[:-5]
    assert sorted(p for p in third if not p.endswith(".csv")) == sorted(
        [base + ".json", base + ".txt", f"data/{part[0]}.jsonl"])
    assert sorted(set(reads)) == sorted(part[1])
    whole, _ = _export(grown)
    assert all(whole[p] == data for p, data in third.items())
    assert {p for p in third if p.endswith(".csv")} == {
        p for p, data in whole.items() if p.endswith(".csv") and first.get(p) != data}
    assert f"data/{part[0]}.csv" in third


def test_cable_exports_reads_a_cable_once(tmp_path, monkeypatch):
    site = resolved_site(tmp_path, [SEEDS])
    reads = []
    read = site.store.cable
    monkeypatch.setattr(site.store, "cable", lambda i: reads.append(i) or read(i))
    site.last_full = (-1, None)
    data, text = cable_exports(site, 1)
    assert reads == [1] and data == cable_json(site, 1) and text.endswith(b"\n")
    assert cable_exports(site, 2, json=False)[0] is None and cable_exports(site, 2, text=False)[1] is None


def test_an_unchanged_part_is_kept_whole_without_a_fingerprint_a_file(tmp_path, monkeypatch):
    """A rebuild with nothing changed keeps each part's files at once (``keep_all`` with
    exactly the part's files), making no file's fingerprint; each record lists its part's
    files with 16-byte fingerprints."""
    monkeypatch.setattr(pages, "DATA_PART_CABLES", 2)
    site = resolved_site(tmp_path, [SEEDS])
    first, records = _export(site)
    parts = data_parts(site)
    assert sorted(records) == sorted(name for name, _ in parts)
    for name, idx in parts:
        whole, paths, prints = records[name]
        files = paths.split("\n")
        assert sorted(files) == sorted(
            [f"data/{name}.jsonl", f"data/{name}.csv"]
            + [cable_path(site, i)[:-5] + ext for i in idx for ext in (".json", ".txt")])
        assert len(prints) == 16 * len(files) and len(whole) == 16
    kept_whole = []
    monkeypatch.setattr(export, "export_prints", lambda *a: pytest.fail("a file fingerprinted"))
    again = export.write_exports(site, lambda p: pytest.fail("a file kept alone"),
                                 lambda paths: kept_whole.append(sorted(paths)) or True,
                                 lambda p, d: pytest.fail(f"{p} written"), last=records)
    assert again == records
    assert kept_whole == sorted(sorted(records[name][1].split("\n")) for name, _ in parts)


def test_a_part_whose_files_are_not_all_there_is_kept_file_by_file(tmp_path, monkeypatch):
    """When the previous site lacks one of an unchanged part's files, the part is not
    kept whole: that file is made again and its other files are kept one by one."""
    monkeypatch.setattr(pages, "DATA_PART_CABLES", 2)
    site = resolved_site(tmp_path, [SEEDS])
    first, records = _export(site)
    gone = cable_path(site, site.order[0])[:-5] + ".txt"
    written, again = _export(site, records, previous=set(first) - {gone})
    assert written == {gone: first[gone]}
    assert again == records


def test_a_part_print_counts_what_its_files_are_made_from(tmp_path):
    """The part's fingerprint changes with a cable's digest, its people's digest, its
    key, the cable it is a version of and the cables citing it, and with the part's name."""
    site = resolved_site(tmp_path, [SEEDS])
    idx = list(site.order)
    i = idx[1]
    base = export.part_print(site, "cables", idx)
    assert export.part_print(site, "cables", idx) == base
    assert export.part_print(site, "cables-2007", idx) != base
    changes = []
    for field, value in (("digests", b"d" * 16), ("people_digests", b"p" * 16), ("keys", "OTHER")):
        column = getattr(site, field)
        was, column[i] = column[i], value
        changes.append(export.part_print(site, "cables", idx))
        column[i] = was
    site.version_of[i] = idx[0]
    changes.append(export.part_print(site, "cables", idx))
    del site.version_of[i]
    was = site.cited_by.get(i)
    site.cited_by[i] = [idx[0]]
    changes.append(export.part_print(site, "cables", idx))
    site.cited_by[i] = [idx[0], idx[2]]
    changes.append(export.part_print(site, "cables", idx))
    if was is None:
        del site.cited_by[i]
    else:
        site.cited_by[i] = was
    assert export.part_print(site, "cables", idx) == base
    assert len({base, *changes}) == len(changes) + 1
