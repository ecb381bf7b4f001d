"""Previews (``generator.preview``): a changed or new cable's pages made from the last
build's site, checked against the pages the build that follows makes."""
from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest

from generator.build import build
from generator.diagnostics import Report
from generator.discover import NOT_CABLES, discover
from generator.preview import MOST_BYTES, keep, preview

from .conftest import CORPUS, ROOT

SEED = "000_fedcf07303434e2b.txt"      # 07PARIS3198, 27 July 2007


def built(content: Path, tmp_path: Path):
    """Build ``content`` (with a cache, as ``serve`` does) and keep its site for previews."""
    left: list = []
    result = build(content, tmp_path / "site", Report(quiet=True), cache_dir=tmp_path / "cache",
                   leave=left)
    assert result.ok
    return keep(left[-1].site, left[-1].env)


def previewed(content: Path, kept, files: list[Path], gone: frozenset[str] = frozenset()):
    sources, diags = discover(files, base=content.parent, skip=NOT_CABLES)
    assert diags == []
    return preview(kept, sources, gone=gone)


def seeds(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def people(page: bytes) -> list[tuple[str, str]]:
    return re.findall(r'href="[./]*person/([^"]+)\.html">([^<]*)<', page.decode())


def nav(page: bytes) -> list[str]:
    return re.findall(r"<li>(?:Previous|Next) [^<]*<a href=\"[^\"]*\">([^<]+)</a>", page.decode())


def section(page: bytes, name: str) -> list[str]:
    """The links of a cable page's section (``refs``, ``citedby``, ...), [] without it."""
    text = page.decode()
    if f'id="{name}-h"' not in text:
        return []
    return re.findall(r'href="([^"]+)"', text.split(f'id="{name}-h"')[1].split("</section>")[0])


def test_an_edit_previews_the_pages_the_build_makes(tmp_path):
    content = seeds(tmp_path)
    kept = built(content, tmp_path)
    cable = content / "cables" / SEED
    cable.write_text(cable.read_text().replace("ELYSEE RUSSIA ADVISOR", "ELYSEE RUSSIA ADVISER"))
    made = previewed(content, kept, [cable])
    assert sorted(made.pages) == ["cable/2007/07/07PARIS2827.html",      # its neighbours' pages
                                  "cable/2007/07/07PARIS3198-raw.html", "cable/2007/07/07PARIS3198.html",
                                  "cable/2007/07/07PARIS3198.json", "cable/2007/07/07PARIS3198.txt",
                                  "cable/2007/09/07MOSCOW4634.html"]
    assert made.cables == [("07PARIS3198", "cable/2007/07/07PARIS3198.html")] and made.notes == []
    assert b"ELYSEE RUSSIA ADVISER" in made.pages["cable/2007/07/07PARIS3198.html"]
    assert not (tmp_path / "site/cable/2007/07/07PARIS3198.html").read_bytes().count(b"ADVISER")
    built(content, tmp_path)
    for path, data in made.pages.items():
        assert (tmp_path / "site" / path).read_bytes() == data, path


@pytest.mark.corpus
def test_edits_across_the_corpus_preview_the_pages_the_build_makes(tmp_path):
    """Two files of each of the corpus's source formats but the 2 MB cables.csv (past
    ``MOST_BYTES``: said, not previewed), each changed in turn: every preview is byte
    for byte the page, raw view, ``.json`` and ``.txt`` the build then makes (the people the build found in
    each are found again by the forms it found, in its order)."""
    content = seeds(tmp_path)
    shutil.copytree(CORPUS, content / "cables" / "corpus",
                    ignore=shutil.ignore_patterns("*.md", "*.tsv"))
    kept = built(content, tmp_path)
    formats: dict[str, list[Path]] = {}
    for f in sorted((content / "cables" / "corpus").rglob("*")):
        if f.is_file():
            formats.setdefault(f.relative_to(content / "cables" / "corpus").parts[0], []).append(f)
    assert len(formats) == 8
    rng, pages, linked, big = random.Random(3), 0, 0, 0
    for fmt, files in sorted(formats.items()):
        for f in rng.sample(files, min(2, len(files))):
            data = f.read_bytes()          # (as bytes: some files are not UTF-8)
            k = data.find(b" and ", len(data) // 2)
            if k < 0:
                continue
            f.write_bytes(data[:k] + b" and also " + data[k + 5:])
            made = previewed(content, kept, [f])
            if f.stat().st_size > MOST_BYTES:
                assert made.pages == {} and "is shown once the site is built" in made.notes[0]
                big += 1
            else:
                assert len(made.pages) >= 5 and made.notes == [], f      # with a neighbour's
            kept = built(content, tmp_path)
            for path, data in made.pages.items():
                assert (tmp_path / "site" / path).read_bytes() == data, path
                linked += len(people(data))
            pages += len(made.pages)
    assert pages >= 60 and linked > 100 and big >= 1


def test_a_new_cable_is_previewed_from_what_the_last_build_knew(tmp_path):
    """A new cable's page: its text, its neighbours by date and origin, the cables it
    cites and those that cite it, and the people the last build knew, as the build then
    shows them; it has no related cables until the build."""
    content = seeds(tmp_path)
    seed = (content / "cables" / SEED).read_text()
    citing = seed.replace("003198", "003300").replace("SUBJECT: DAS", "REF: A. PARIS 3301 B. 07 "
                                                      "MOSCOW 4634\n\nSUBJECT: DAS", 1)
    (content / "cables" / "citing.txt").write_text(citing)
    kept = built(content, tmp_path)
    new = content / "cables" / "new.txt"
    new.write_text(seed.replace("003198", "003301").replace("270913Z", "280913Z")
                   .replace("SUBJECT: DAS", "REF: 07 PARIS 2827\n\nSUBJECT: DAS", 1))
    made = previewed(content, kept, [new])
    page = made.pages["cable/2007/07/07PARIS3301.html"]
    assert "cable/2007/07/07PARIS3301-raw.html" in made.pages
    assert json.loads(made.pages["cable/2007/07/07PARIS3301.json"])["id"] == "07PARIS3301"
    assert b"ELYSEE RUSSIA ADVISOR" in made.pages["cable/2007/07/07PARIS3301.txt"]
    assert b"ELYSEE RUSSIA ADVISOR" in page
    assert b'href="07PARIS2827.html"' in page                     # the cable it cites
    assert "07PARIS3300.html" in section(page, "citedby")          # the cable citing it
    assert section(page, "related") == []
    # the pages it changes: the cable it cites, the one citing it, its neighbours
    touched = {"cable/2007/07/07PARIS2827.html", "cable/2007/07/07PARIS3300.html",
               "cable/2007/09/07MOSCOW4634.html"}
    assert set(made.pages) - {p for p in made.pages if "3301" in p} == touched
    assert "07PARIS3301.html" in section(made.pages["cable/2007/07/07PARIS2827.html"], "citedby")
    assert "07PARIS3301.html" in section(made.pages["cable/2007/07/07PARIS3300.html"], "refs")
    built(content, tmp_path)
    final = (tmp_path / "site/cable/2007/07/07PARIS3301.html").read_bytes()
    assert people(page) == people(final) and len(people(page)) >= 8
    # previous and next by date, previous from Paris (the last from Paris)
    assert nav(page) == nav(final) == ["07PARIS3300", "07MOSCOW4634", "07PARIS3300"]
    assert section(page, "citedby") == section(final, "citedby")
    assert section(page, "refs") == section(final, "refs")
    for path in touched:          # as the build then shows them, but for related cables
        was, now = made.pages[path], (tmp_path / "site" / path).read_bytes()
        for name in ("refs", "citedby", "people", "versions"):
            assert section(was, name) == section(now, name), (path, name)
        assert nav(was) == nav(now) and "07PARIS3301" in " ".join(nav(was) + section(was, "refs")
                                                                  + section(was, "citedby"))
    # (the build's pages differ only in what a build finds across the collection)
    assert section(final, "related")


def test_a_renamed_file_is_previewed_where_a_new_one_with_a_built_id_is_not(tmp_path):
    content = seeds(tmp_path)
    kept = built(content, tmp_path)
    seed = content / "cables" / SEED
    copy = content / "cables" / "copy.txt"
    copy.write_text(seed.read_text().replace("ADVISOR", "ADVISER"))
    made = previewed(content, kept, [copy])
    assert made.pages == {}
    assert made.notes == [f"07PARIS3198 in content/cables/copy.txt is also in content/cables/{SEED}: "
                          "shown once the site is built"]
    seed.unlink()          # renamed: the file it was in is gone in the same change
    made = previewed(content, kept, [copy], frozenset({f"content/cables/{SEED}"}))
    assert b"ELYSEE RUSSIA ADVISER" in made.pages["cable/2007/07/07PARIS3198.html"]


def test_what_is_not_previewed_is_said(tmp_path):
    content = seeds(tmp_path)
    kept = built(content, tmp_path)
    same = content / "cables" / "002_711929c1ae99c3c4.txt"       # no ID
    same.write_text(same.read_text() + "\nMORE TEXT.\n")
    big = content / "cables" / "big.txt"
    big.write_text((content / "cables" / SEED).read_text().replace("003198", "003555")
                   + "\n" + "PADDING " * (MOST_BYTES // 8))
    unchanged = content / "cables" / "003_6c1dc7a3858aa6e5.txt"
    made = previewed(content, kept, [same, big, unchanged])
    assert made.pages == {}
    assert sorted(made.notes) == [
        "content/cables/002_711929c1ae99c3c4.txt: a cable without an ID is shown once the site is built",
        f"content/cables/big.txt: a file of {big.stat().st_size:,} bytes is shown once the site is built"]
