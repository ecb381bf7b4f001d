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
from tests.search.test_postings import DIGIT, decode, varints

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
CALL = re.compile(r"^cablesearch\.(\w+)\((.*)\);\n$", re.S)


def calls(path: Path):
    m = CALL.match(path.read_text(encoding="utf-8"))
    assert m, path
    return m.group(1), json.loads(f"[{m.group(2)}]")


def decode_runs(enc: str) -> list[list]:
    """meta.js's blocks as search.js reads them: [start, space, year, origin, class, the
    first number of its run of blocks of that year, origin and class, its documents'
    numbers]."""
    out, i, at = [], 0, 0
    while i < len(enc):
        run = []
        for k in range(5):
            v, i = varints(enc, i)
            if k == 0:
                at += v
                v = at
            run.append(v)
        same = out and out[-1][2:5] == run[2:5]
        bits = enc[i:i + (run[1] + 5) // 6]
        i += len(bits)
        docs = [run[0] + o for o in range(run[1]) if DIGIT[bits[o // 6]] >> (o % 6) & 1]
        out.append(run + [out[-1][5] if same else run[0], docs])
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
    firsts, names = [], []
    for j, first in enumerate(meta["dirs"]):
        kind, (num, part, files) = calls(index / "dir" / f"{j}.js")
        assert kind == "dir" and num == j and part[0] == first and len(part) <= meta["dirSize"]
        assert len(files) == len(part)
        firsts += part
        names += files
    assert sorted(p.stem for p in index.glob("t/*.js")) == sorted(names)
    seen = []
    for k, name in enumerate(names):
        kind, (got, rows) = calls(index / "t" / f"{name}.js")
        assert kind == "shard" and got == name and rows[0][0] == firsts[k]
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
    assert [r[0] for r in runs] == sorted(r[0] for r in runs) and runs[0][0] == 0
    assert all(a[0] + a[1] == b[0] for a, b in zip(runs, runs[1:]))      # blocks tile
    cards = []
    for start, space, year, origin, cls, first, numbers in runs:
        assert numbers and len(numbers) * 2 <= space
        for n in numbers:
            name = f"{year}/{origin}-{cls}/{n - first}"
            _, (_, card) = calls(built / "search" / "index" / "d" / f"{name}.js")
            cards.append(card["id"])
            assert meta["years"][year] == (card["d"][:4] if card["d"] else "undated")
    assert len(set(cards)) == meta["documents"] == sum(len(r[6]) for r in runs)


def test_a_new_cable_moves_no_card_but_its_own(tmp_path):
    """Cards are named by run (year, origin, classification) and number, and a new cable
    moves no other cable's number: adding one writes its own card only."""
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
    from generator.search import tiers
    monkeypatch.setattr(parts_mod, "TAG_SPAN", 4)
    monkeypatch.setattr(tiers, "TIER", 2)
    out = tmp_path / "site"
    assert build(ROOT / "content", out, Report(quiet=True)).ok
    index = out / "search" / "index"
    _, (meta,) = calls(index / "meta.js")
    numbers = [n for r in decode_runs(meta["runs"]) for n in r[6]]
    assert meta["tagPart"] == 4 and len(numbers) == 5
    assert sorted(int(p.stem) for p in index.glob("tags/*.js")) == sorted({n // 4 for n in numbers})
    for n in numbers:
        _, (_, rows) = calls(index / "tags" / f"{n // 4}.js")
        assert rows.split(" ")[n % 4]                 # every seed has tags
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
    from generator.kept import TermCache
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
    from generator import kept as cache_mod
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
    import generator.search.numbers as numbers
    monkeypatch.setattr(numbers, "PART", 7)
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
    import generator.search.numbers as numbers
    from generator.kept import AnalysisCache
    from tests.test_build import _new_cable, digest
    monkeypatch.setattr(numbers, "PART", 2)
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


def test_a_new_cable_rewrites_the_shards_of_its_own_terms_and_encodes_no_others(tmp_path, monkeypatch):
    """A posting's weight depends on its document alone, documents are numbered a block
    at a time, and shards are cut at terms: a new cable changes the shards holding its
    terms, its block's tags part and the meta and directory parts, and the build encodes
    its own terms, and of the other terms of those shards only those whose place in
    their shard moved (the others' rows are the last build's, and their tiers are kept).
    The result equals a clean build's."""
    import re
    from generator.search import numbers, postings, tiers as tiers_mod
    from tests.test_build import digest
    monkeypatch.setattr(numbers, "PART", 64)             # blocks of 32 to 128 cables
    monkeypatch.setattr(parts_mod, "SHARD_BYTES", 3000)
    monkeypatch.setattr(parts_mod, "TAG_SPAN", 256)
    monkeypatch.setattr(tiers_mod, "TIER", 8)         # common words in several tiers
    content = _synthetic(tmp_path, 600)
    cache, out = tmp_path / "cache", tmp_path / "site"
    assert build(content, out, Report(quiet=True), cache_dir=cache).ok
    index = out / "search" / "index"
    before = digest(index)
    shards = {p for p in before if re.fullmatch(r"t/\w+\.js", p)}
    tiers = {p for p in before if re.fullmatch(r"t/\w+/\d+-\d+\.js", p)}
    assert len(tiers) > 100
    assert len(shards) > 100 and len(list(index.glob("tags/*.js"))) >= 5
    old_rows = {p: [r[0] for r in calls(index / p)[1][1]] for p in shards}
    tier_times = {p: (index / p).stat().st_mtime_ns for p in tiers}
    source = sorted((content / "cables").rglob("*.txt"))[300]
    text = _crafted(source, "999001", "Zanzibarite quaggas met the Ambassador.")
    assert "Zanzibarite" in text and "999001" in text
    (content / "cables" / "added.txt").write_text(text)
    encoded, tiers_encoded = [], {}
    real = postings.Postings._encode_terms

    def counted(self, term, *rest, **kw):
        out = list(real(self, term, *rest, **kw))
        encoded.extend(t for t, *_ in out)
        tiers_encoded.update((t, {n for n, x in enumerate(ts) if n and x is not None})
                             for t, _, ts, _ in out)
        return iter(out)
    monkeypatch.setattr(postings.Postings, "_encode_terms", counted)
    assert build(content, out, Report(quiet=True), cache_dir=cache).ok
    after = digest(index)
    changed = {p for p in after if p in shards and before.get(p) != after[p]} | \
        {p for p in after if re.fullmatch(r"t/\w+\.js", p) and p not in before}
    gone = {p for p in tiers if p not in after}
    assert {p.split("/")[1] for p in gone} <= {p[2:-3] for p in changed}   # a kept shard's stay
    rows = {p: calls(index / p)[1][1] for p in changed}

    def docs_of(p: str, i: int) -> set[int]:     # every tier of the shard's i-th term
        row = rows[p][i]
        tiers = [row[3]] + [calls(index / p[:-3] / f"{i}-{n}.js")[1][1] for n in range(1, row[2])]
        return {doc for tier in tiers for doc, _, _ in decode(tier)}
    (number,) = {doc for p in changed for i, r in enumerate(rows[p]) if "999001" in r[0]
                 for doc in docs_of(p, i)}
    mine = {r[0] for p in changed for i, r in enumerate(rows[p]) if number in docs_of(p, i)}
    assert {"zanzibarit", "quagga", "ambassador"} <= mine
    assert {p for p in changed if not any(r[0] in mine for r in rows[p])} == set()
    assert 3 <= len(changed) < len(shards) // 2
    moved = {r[0] for p in changed for i, r in enumerate(rows[p])
             if p not in old_rows or old_rows[p][i:i + 1] != [r[0]]}
    assert sorted(encoded) == sorted(mine | moved)
    kept = {r[0] for p in changed for r in rows[p]} - mine - moved
    assert len(kept) > 10 and len(encoded) > 10       # rows taken from the last build's shards
    kept_tiers = [f"t/{p[2:-3]}/{i}-{n}.js" for p in changed for i, r in enumerate(rows[p])
                  if r[0] in kept for n in range(1, r[2])]
    assert kept_tiers and all((index / t).stat().st_mtime_ns == tier_times[t] for t in kept_tiers)
    # of the new cable's terms' tiers, only the one it is ranked in changed, or a few
    # after it where a cut moved (cut every TIER by rank, every tier after it would)
    terms = [(p, i, r) for p in changed for i, r in enumerate(rows[p])
             if r[0] in mine and r[0] not in moved and r[2] > 3]
    written = [[t for t in (f"t/{p[2:-3]}/{i}-{n}.js" for n in range(1, r[2]))
                if t not in tier_times or (index / t).stat().st_mtime_ns != tier_times[t]]
               for p, i, r in terms]
    assert len(terms) > 10 and max(map(len, written)) <= 4
    # and only those were encoded: the others' files stood, with the identities they have
    assert [{int(t.rsplit("-", 1)[1][:-3]) for t in w} for w in written] == \
        [tiers_encoded[r[0]] for _, _, r in terms]
    assert sum(map(len, written)) <= len(terms) * 3 // 2 < sum(r[2] - 1 for _, _, r in terms) // 4
    assert len([p for p in after if p.startswith("tags/") and before.get(p) != after[p]]) == 1
    cards = [p for p in after if p.startswith("d/") and before.get(p) != after[p]]
    assert len(cards) == 1 and cards[0] not in before
    fresh = tmp_path / "fresh"
    assert build(content, fresh, Report(quiet=True), cache_dir=tmp_path / "cache2", clean=True).ok
    assert digest(fresh / "search" / "index") == after


def _synthetic(tmp_path: Path, count: int) -> Path:
    """A content folder of ``count`` synthetic cables, as text files."""
    from generator.synth import generate
    content = tmp_path / "content"
    for rel, data in generate(count, csv_share=0, html_share=0):
        (content / "cables" / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / "cables" / rel).write_bytes(data)
    return content


def _tiered_site(tmp_path: Path, monkeypatch, count: int) -> tuple[Path, Path, Path]:
    """``count`` synthetic cables built once with small limits, so that common terms
    have several tiers (``TIER`` 8) and shards are small: (content, cache, site)."""
    from generator.search import numbers, tiers
    monkeypatch.setattr(numbers, "PART", 64)
    monkeypatch.setattr(parts_mod, "SHARD_BYTES", 3000)
    monkeypatch.setattr(tiers, "TIER", 8)
    content = _synthetic(tmp_path, count)
    cache, out = tmp_path / "cache", tmp_path / "site"
    assert build(content, out, Report(quiet=True), cache_dir=cache).ok
    return content, cache, out


def _crafted(source: Path, serial: str, sentence: str) -> str:
    """The cable of ``source`` with another serial number and a body of one sentence."""
    text = re.sub(r"^((?:UNCLAS|C ?O ?N ?F ?I ?D ?E ?N ?T ?I ?A ?L|S ?E ?C ?R ?E ?T)\S* "
                  r"[A-Z][A-Z ]* )\d{6}$", lambda m: m.group(1) + serial, source.read_text(),
                  count=1, flags=re.M)
    return text[:text.index("\n1. ")] + f"\n1. (U) {sentence}\n"


def test_rows_are_not_taken_from_shards_of_a_build_that_was_not_committed(tmp_path, monkeypatch):
    """A build whose search index was made, then failed (``--strict``), keeps its terms'
    sums but not its site.  When the next build keeps the cable that failed build added,
    that cable's terms have the sums kept, but the shards on disk were made without it:
    they are refused (their fingerprints, made again from the kept sums, are not the
    recorded ones), and the index equals a clean build's."""
    from generator.search import lastshards, numbers, tiers
    from tests.test_build import digest
    monkeypatch.setattr(numbers, "PART", 64)
    monkeypatch.setattr(parts_mod, "SHARD_BYTES", 3000)
    monkeypatch.setattr(tiers, "TIER", 8)
    content = _synthetic(tmp_path, 400)
    sources = sorted((content / "cables").rglob("*.txt"))
    cache, out = tmp_path / "cache", tmp_path / "site"
    assert build(content, out, Report(quiet=True), cache_dir=cache).ok
    (content / "cables" / "a.txt").write_text(
        _crafted(sources[200], "999001", "Zanzibarite quaggas deplored the tariffs and the drought."))
    (content / "cables" / "notes.md").write_text("not a cable\n")      # warned about
    assert not build(content, out, Report(quiet=True), strict=True, cache_dir=cache).ok
    (content / "cables" / "notes.md").unlink()
    (content / "cables" / "c.txt").write_text(
        _crafted(sources[100], "999002", "Ocelot vineyards met the Ambassador."))
    taken = []
    real = lastshards.LastShards.rows

    def rows(self, file, path):       # taken, or refused though the file is there
        found = real(self, file, path)
        if found is not None or (self.read(path) is not None and self.recorded(path)):
            taken.append(found is not None)
        return found
    monkeypatch.setattr(lastshards.LastShards, "rows", rows)
    assert build(content, out, Report(quiet=True), cache_dir=cache).ok
    assert True in taken and False in taken
    fresh = tmp_path / "fresh"
    assert build(content, fresh, Report(quiet=True), cache_dir=tmp_path / "cache2", clean=True).ok
    assert digest(fresh / "search" / "index") == digest(out / "search" / "index")


def test_tiers_cut_another_way_are_made_again(tmp_path, monkeypatch):
    """The shards a rebuild keeps are those whose tiers it would cut the same way: with
    another TIER (as with another way of cutting), every shard of a term in several tiers
    is made again, and the index equals a clean build's."""
    from generator.search import tiers
    from tests.test_build import digest
    content, cache, out = _tiered_site(tmp_path, monkeypatch, 300)
    before = digest(out / "search" / "index")
    monkeypatch.setattr(tiers, "TIER", 32)
    assert build(content, out, Report(quiet=True), cache_dir=cache).ok
    after = digest(out / "search" / "index")
    fresh = tmp_path / "fresh"
    assert build(content, fresh, Report(quiet=True), cache_dir=tmp_path / "cache2", clean=True).ok
    assert digest(fresh / "search" / "index") == after != before
    assert sum(p.startswith("t/") and p.count("/") == 2 for p in after) < \
        sum(p.startswith("t/") and p.count("/") == 2 for p in before)       # fewer tiers


def test_tiers_left_out_are_made_after_all_when_their_files_cannot_be_kept(tmp_path, monkeypatch):
    """A tier not encoded (its file stood in the last build, with its identity) whose
    file the writer then cannot keep is made after all, from its shard: the index equals
    a clean build's."""
    import re
    from generator import write
    from generator.search import postings as postings_mod, tiers
    from tests.test_build import digest
    content, cache, out = _tiered_site(tmp_path, monkeypatch, 300)
    source = sorted((content / "cables").rglob("*.txt"))[150]
    (content / "cables" / "a.txt").write_text(
        _crafted(source, "999001", "The Ambassador met the minister on the embassy's report."))
    left_out = []
    real_encode = tiers.encode_terms

    def encode(*args, **kw):
        for t in real_encode(*args, **kw):
            left_out.extend(n for n, x in enumerate(t[2]) if x is None)
            yield t
    monkeypatch.setattr(postings_mod, "encode_terms", encode)
    real_has = write.SiteWriter.has
    monkeypatch.setattr(write.SiteWriter, "has", lambda self, rel: real_has(self, rel) and not
                        re.fullmatch(r"search/index/t/\w+/\d+-\d+\.js", rel))
    assert build(content, out, Report(quiet=True), cache_dir=cache).ok
    assert left_out
    fresh = tmp_path / "fresh"
    assert build(content, fresh, Report(quiet=True), cache_dir=tmp_path / "cache2", clean=True).ok
    assert digest(fresh / "search" / "index") == digest(out / "search" / "index")
