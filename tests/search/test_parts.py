"""The index files of a built site: all there, loadable as scripts, consistent."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.build import build
from generator.diagnostics import Report
from generator.search import parts as parts_mod
from generator.search.documents import documents
from tests.search.test_postings import decode, varints

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
CALL = re.compile(r"^cablesearch\.(\w+)\((.*)\);\n$", re.S)


def calls(path: Path):
    m = CALL.match(path.read_text(encoding="utf-8"))
    assert m, path
    return m.group(1), json.loads(f"[{m.group(2)}]")


def decode_runs(enc: str) -> list[int]:
    out, i, at = [], 0, 0
    while i < len(enc):
        for k in range(4):
            v, i = varints(enc, i)
            if k == 0:
                at += v
                v = at
            out.append(v)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    assert build(ROOT / "content", out, Report(quiet=True)).ok
    return out


def test_every_part_is_a_script_calling_back(built):
    index = built / "search" / "index"
    kind, (meta,) = calls(index / "meta.js")
    assert kind == "meta"
    assert meta["documents"] == 5 and meta["fields"][0] == "id"
    assert meta["pipeline"] == ["cablesite-fold", "cablesite-trimmer", "cablesite-possessive",
                                "stopWordFilter", "stemmer"]
    shards = sorted(index.glob("t/*.js"), key=lambda p: int(p.stem))
    firsts = []
    for j, first in enumerate(meta["dirs"]):
        kind, (num, part) = calls(index / "dir" / f"{j}.js")
        assert kind == "dir" and num == j and part[0] == first and len(part) <= meta["dirSize"]
        firsts += part
    assert len(shards) == len(firsts)
    seen = []
    for k, path in enumerate(shards):
        kind, (num, rows) = calls(path)
        assert kind == "shard" and num == k and rows[0][0] == firsts[k]
        seen += [r[0] for r in rows]
        for term, ndocs, tiers, enc in rows:
            assert tiers == 1 and len({d for d, _, _ in decode(enc)}) == ndocs
    assert seen == sorted(seen) and "kosovo" in seen and "07paris3198" in seen
    docs = sorted(index.glob("d/*/*/*.js"))
    assert len(docs) == 5
    for path in docs:
        kind, (name, card) = calls(path)
        assert kind == "doc" and path.relative_to(index / "d").as_posix() == name + ".js"
        assert card["u"].startswith("cable/") and (built / card["u"]).exists()
    assert (built / "search.html").exists()
    assert (built / "static" / "search" / "lunr.min.js").exists()


def test_runs_give_each_document_its_year_origin_and_classification(built):
    _, (meta,) = calls(built / "search" / "index" / "meta.js")
    runs = decode_runs(meta["runs"])
    starts = runs[0::4]
    assert starts == sorted(starts) and starts[0] == 0
    cards = []
    for n in range(meta["documents"]):
        k = max(i for i, s in enumerate(starts) if s <= n) * 4
        name = f"{runs[k + 1]}/{runs[k + 2]}-{runs[k + 3]}/{n - runs[k]}"
        _, (_, card) = calls(built / "search" / "index" / "d" / f"{name}.js")
        cards.append(card["id"])
        year = meta["years"][runs[k + 1]]
        assert year == (card["d"][:4] if card["d"] else "undated")
    assert len(set(cards)) == meta["documents"]


def test_a_new_cable_moves_only_the_cards_after_it_in_its_run(tmp_path):
    """Cards are named by run and place in the run: adding a cable writes its own card
    and moves only the later cards of its run (year, origin, classification)."""
    import shutil
    from tests.test_build import _new_cable, digest
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "site"
    assert build(content, out, Report(quiet=True)).ok
    before = {p: h for p, h in digest(out / "search" / "index" / "d").items()}
    _new_cable(content)     # a Paris cable of 2007, one day after the seed it copies
    assert build(content, out, Report(quiet=True)).ok
    after = digest(out / "search" / "index" / "d")
    changed = {p for p in after if before.get(p) != after[p]}
    assert len(after) == 6 and len(changed) == 1 and all(p in after for p in before)


def test_tiers_and_tag_parts_are_written_when_a_collection_is_large(tmp_path, monkeypatch):
    monkeypatch.setattr(parts_mod, "TAG_PART", 2)
    from generator.search import postings
    monkeypatch.setattr(postings, "TIER", 2)
    out = tmp_path / "site"
    assert build(ROOT / "content", out, Report(quiet=True)).ok
    index = out / "search" / "index"
    assert len(list(index.glob("tags/*.js"))) == 3           # 5 documents, 2 per part
    tier_files = list(index.glob("t/*/*.js"))
    assert tier_files
    kind, (name, enc) = calls(tier_files[0])
    assert kind == "tier" and decode(enc)
    k, rest = name.split("/")
    i, n = map(int, rest.split("-"))
    _, (_, rows) = calls(index / "t" / f"{k}.js")
    assert rows[i][2] > n >= 1 and rows[i][1] > 2


def test_search_page_and_box(built):
    page = (built / "search.html").read_text()
    assert 'role="search"' in page and 'aria-live="polite"' in page
    assert 'data-index="search/index/"' in page
    cable = (built / "cable" / "2007" / "07" / "07PARIS3198.html").read_text()
    assert 'class="searchbox"' in cable and 'action="../../../search.html"' in cable


def test_words_analysed_once_across_builds(tmp_path, monkeypatch):
    """The word -> term cache of one build serves the next, and changes no byte."""
    from generator.cache import TermCache
    from generator.search import pipeline
    from tests.test_build import digest
    cache = tmp_path / "cache"
    first = tmp_path / "first"
    assert build(ROOT / "content", first, Report(quiet=True), cache_dir=cache).ok
    words = TermCache(cache / "terms.pickle").terms
    assert words["kosovo's"] == "kosovo" and words["the"] is None and len(words) > 1000

    def no_pipeline(*a, **k):
        raise AssertionError("a cached word went through the pipeline again")
    monkeypatch.setattr(pipeline.PIPELINE, "run", no_pipeline)
    second = tmp_path / "second"
    assert build(ROOT / "content", second, Report(quiet=True), cache_dir=cache).ok
    assert digest(second) == digest(first) == digest(built_without_cache(tmp_path, monkeypatch))


def built_without_cache(tmp_path, monkeypatch):
    monkeypatch.undo()
    out = tmp_path / "none"
    assert build(ROOT / "content", out, Report(quiet=True)).ok
    return out


def test_term_cache_starts_afresh_when_the_pipeline_changes(tmp_path, monkeypatch):
    from generator import cache as cache_mod
    c = cache_mod.TermCache(tmp_path / "t.pickle")
    c.terms["kosovo's"] = "kosovo"
    c.save()
    assert cache_mod.TermCache(tmp_path / "t.pickle").terms == {"kosovo's": "kosovo"}
    assert cache_mod.TermCache(tmp_path / "t.pickle", fresh=True).terms == {}
    monkeypatch.setattr(cache_mod, "_pipeline_version", lambda: "changed")
    assert cache_mod.TermCache(tmp_path / "t.pickle").terms == {}
    (tmp_path / "t.pickle").write_bytes(b"not a pickle")
    assert cache_mod.TermCache(tmp_path / "t.pickle").terms == {}


def _corpus_docs():
    from generator.collect import collect
    from generator.config import Config
    from generator.discover import discover
    from generator.site import resolve
    sources, _ = discover([CORPUS])
    return documents(resolve(collect(sources), Config()))


@pytest.mark.corpus
def test_parallel_analysis_gives_the_same_index_and_words(monkeypatch):
    """Documents analysed on forked processes, in parts: the same files, and the same
    words learned, as one process."""
    import generator.search.postings as postings
    monkeypatch.setattr(postings, "PART", 7)
    docs = _corpus_docs()[:60]
    one_words, two_words = {}, {}
    one = dict(parts_mod.index_parts(docs, "t", one_words, jobs=1))
    two = dict(parts_mod.index_parts(docs, "t", two_words, jobs=2))
    assert one == two and one_words == two_words and len(one_words) > 500


@pytest.mark.parametrize("jobs", [1, 2])
def test_documents_analysed_once_across_builds(tmp_path, monkeypatch, jobs):
    """A rebuild takes each unchanged cable's analysed fields from the analysis cache:
    no change analyses nothing, a new cable is the one analysis, a cable gone is
    forgotten; and the files are those of a build without any cache.  (jobs=2 with
    parts of two documents runs the forked workers.)"""
    import shutil
    import sqlite3
    import generator.search.postings as postings
    from generator.cache import AnalysisCache
    from tests.test_build import _new_cable, digest
    monkeypatch.setattr(postings, "PART", 2)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache, out = tmp_path / "cache", tmp_path / "site"
    put = []
    real_put = AnalysisCache.put
    monkeypatch.setattr(AnalysisCache, "put", lambda self, rows: put.extend(rows) or real_put(self, rows))
    seen: set[str] = set()

    def kept() -> set[str]:       # run files new since the last call (kept by workers too)
        now = {f.name for f in (cache / "search-runs").iterdir()}
        new = now - seen
        seen.update(now)
        return new

    def rows():
        with sqlite3.connect(cache / "search.sqlite") as db:
            return db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
    assert build(content, out, Report(quiet=True), cache_dir=cache, jobs=jobs).ok
    assert len(put) == 5 == rows() and kept()
    put.clear()
    assert build(content, out, Report(quiet=True), cache_dir=cache, jobs=jobs).ok
    assert put == [] and kept() == set()        # every run's postings read whole
    run_files = sorted(f.name for f in (cache / "search-runs").iterdir())
    _new_cable(content)
    assert build(content, out, Report(quiet=True), cache_dir=cache, jobs=jobs).ok
    assert len(put) == 1 and rows() == 6 and 1 <= len(kept()) <= 2
    fresh = tmp_path / "fresh"
    assert build(content, fresh, Report(quiet=True), jobs=jobs).ok
    assert digest(out) == digest(fresh)
    (content / "cables" / "new.txt").unlink()
    put.clear()
    assert build(content, out, Report(quiet=True), cache_dir=cache, jobs=jobs).ok
    assert put == [] and rows() == 5
    assert sorted(f.name for f in (cache / "search-runs").iterdir()) == run_files  # stale ones gone


def test_cards_made_on_forked_processes_and_only_those_wanted(tmp_path, monkeypatch):
    """The cards the build will write are made beforehand, on two processes a few at a
    time, with the bytes one process makes; a card not wanted (kept by the build) is
    made, reading its cable, only if its ``make`` is called."""
    from tests.conftest import SEEDS, resolved_site
    site = resolved_site(tmp_path, [SEEDS])
    one = {p: (digest, make()) for p, digest, make in parts_mod.search_parts(site)}
    monkeypatch.setattr(parts_mod, "CARDS_FORK_AT", 1)
    monkeypatch.setattr(parts_mod, "CARDS_CHUNK", 2)
    monkeypatch.setattr(parts_mod, "CARDS_AHEAD", 1)
    two = {p: (digest, make()) for p, digest, make in parts_mod.search_parts(site, jobs=2)}
    assert two == one and sum("/d/" in p for p in one) == 5
    skip = sorted(p for p in one if "/d/" in p)[:3]
    asked = []

    def wanted(path, digest):
        asked.append(path)
        return path not in skip
    reads = []
    full = type(site).full
    monkeypatch.setattr(type(site), "full", lambda self, i: reads.append(i) or full(self, i))
    files = list(parts_mod.search_parts(site, jobs=1, wanted=wanted))
    assert sorted(asked) == sorted(p for p in one if "/d/" in p)      # only cards are asked
    assert len(reads) == 5 + 2      # the analysis reads each cable; the cards wanted, theirs
    reads.clear()
    assert {p: make() for p, _, make in files if p in skip} == {p: one[p][1] for p in skip}
    assert len(reads) == 3
