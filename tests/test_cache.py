"""The parse cache and the store the full cables are read back from."""
from __future__ import annotations

import multiprocessing
import pickle
from dataclasses import replace

import pytest

from generator.cache import CableStore, ParseCache, cable_digest, file_key
from generator.collect import collect
from generator.discover import discover
from generator.model import summary

from .conftest import ROOT


def _seeds():
    sources, _ = discover([ROOT / "content" / "cables"], base=ROOT)
    return sources


def test_summaries_in_memory_full_cables_in_the_cache(tmp_path):
    sources = _seeds()
    plain = collect(sources)                                   # no cache: held in memory
    cache = ParseCache(tmp_path / "parse.sqlite")
    col = collect(sources, cache=cache)
    cache.close()
    assert isinstance(col.store, CableStore) and len(col.cables) == len(plain.cables) == 5
    for i, c in enumerate(col.cables):
        assert c.is_summary and c.mentions == () and c.text is None
        full = col.full(i)
        assert not full.is_summary and full == plain.full(i)
        assert c.id == full.id and c.references == full.references and c.tags == full.tags
        assert c == replace(summary(full), mentions=(), subject_terms=c.subject_terms)
        assert isinstance(c.subject_terms, tuple)     # made with the summary
    assert col.digests == plain.digests and len(set(col.digests)) == 5
    # a second build reads the summaries back and parses nothing
    again_cache = ParseCache(tmp_path / "parse.sqlite")
    again = collect(sources, cache=again_cache)
    again_cache.close()
    assert (again_cache.hits, again_cache.misses) == (5, 0)
    assert again.cables == col.cables and again.full(3) == col.full(3)


def _read_in_child(store, i, queue):
    queue.put(pickle.dumps(store.cable(i)))


def test_a_forked_worker_opens_its_own_connection(tmp_path):
    cache = ParseCache(tmp_path / "parse.sqlite")
    col = collect(_seeds(), cache=cache)
    cache.close()
    first = col.full(0)                       # the parent's connection is open now
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_read_in_child, args=(col.store, 2, queue))
    child.start()
    got = pickle.loads(queue.get(timeout=60))
    child.join(60)
    assert got == col.full(2) and first == col.full(0)


def test_pruned_files_lose_their_cables_and_a_missing_row_says_what_to_do(tmp_path):
    sources = _seeds()
    cache = ParseCache(tmp_path / "parse.sqlite")
    col = collect(sources, cache=cache)
    cache.close()
    again = ParseCache(tmp_path / "parse.sqlite")
    collect(sources[:1], cache=again)          # the others pruned
    assert col.full(0).id
    with pytest.raises(LookupError, match="--clean"):
        col.full(1)
    assert col.digests[1] == cable_digest(file_key(sources[1].path, sources[1].sha256), 0)


def test_a_cache_made_by_other_parser_code_is_started_afresh_not_pruned(tmp_path, monkeypatch):
    """After an upgrade (or a change to the parser) no entry can be used: both files are
    removed and started again, not pruned row by row (which rewrote every page of them);
    a cache with entries of this code is pruned as before."""
    import sqlite3
    from generator import cache as cache_mod
    sources = _seeds()
    path = tmp_path / "parse.sqlite"
    cache = ParseCache(path)
    collect(sources, cache=cache)
    cache.close()
    again = ParseCache(path)          # the same code: its entries are kept
    assert len(again.sizes([file_key(s.path, s.sha256) for s in sources])) == 5
    again.close()
    monkeypatch.setattr(cache_mod, "code_version", lambda names=None: "0123456789abcdef")
    upgraded = ParseCache(path)
    assert upgraded.db.execute("SELECT count(*) FROM parsed").fetchone()[0] == 0
    assert upgraded.full.execute("SELECT count(*) FROM cables").fetchone()[0] == 0
    col = collect(sources, cache=upgraded)
    upgraded.close()
    assert upgraded.misses == 5 and len(col.cables) == 5
    with sqlite3.connect(path) as db:
        assert {k.split(":")[0] for (k,) in db.execute("SELECT key FROM parsed")} == {"0123456789abcdef"}


def test_summaries_and_full_cables_are_kept_in_two_files(tmp_path):
    """Every build reads every summary; the full cables, read only to print them, live
    in a file of their own so that the summaries stay together on disk.  An older
    cache's table of full cables is dropped; ``remove`` deletes both files."""
    import sqlite3
    path = tmp_path / "parse.sqlite"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE cables (key TEXT, n INTEGER, value BLOB, PRIMARY KEY (key, n))")
    old.execute("INSERT INTO cables VALUES ('x', 0, x'00')")
    old.commit()
    old.close()
    cache = ParseCache(path)
    collect(_seeds(), cache=cache)
    cache.close()
    entries, cables = sqlite3.connect(path), sqlite3.connect(cache.cables_path)
    assert [t for (t,) in entries.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] \
        == ["parsed", "sizes", "words", "lower"]
    assert entries.execute("SELECT count(*) FROM parsed").fetchone()[0] == 5
    assert cables.execute("SELECT count(*) FROM cables").fetchone()[0] == 5
    entries.close()
    cables.close()
    ParseCache.remove(path)
    assert not path.exists() and not cache.cables_path.exists()


def _lower_with_cache(path, sources, **found) -> tuple[frozenset, "ParseCache"]:
    from generator.collect import parse_sources
    cache = ParseCache(path)
    if found:
        real = cache.sizes
        cache.sizes = lambda keys: real(keys, **found)
    lower = parse_sources(sources, cache=cache).lower
    cache.close()
    return lower, cache


def _keys_kept(path) -> tuple[set, set, set, set, set]:
    """The keys of the entries, of the words, of the full cables, of the people inputs
    and of the sizes in the cache."""
    import sqlite3
    from generator.cache import cables_path
    entries, cables = sqlite3.connect(path), sqlite3.connect(cables_path(path))
    try:
        return tuple({k for (k,) in db.execute(sql)} for db, sql in (
            (entries, "SELECT key FROM parsed"), (entries, "SELECT key FROM words"),
            (cables, "SELECT DISTINCT key FROM cables"), (cables, "SELECT key FROM people"),
            (entries, "SELECT key FROM sizes")))
    finally:
        entries.close()
        cables.close()


@pytest.mark.parametrize("scan_from", [5000, 1])
def test_cables_saved_without_their_entry_are_pruned_next_time(tmp_path, scan_from):
    """A build stopped after saving its full cables and before its entries (``close``)
    leaves cables without an entry: the next build deletes them, whether it looks its
    files up or reads the table through."""
    import sqlite3
    from generator.cache import cables_path
    path = tmp_path / "parse.sqlite"
    sources = _seeds()
    _lower_with_cache(path, sources)
    cables = sqlite3.connect(cables_path(path))
    cables.execute("INSERT INTO cables VALUES ('gone', 0, x'00')")
    cables.execute("INSERT INTO people VALUES ('gone', x'00')")
    cables.execute("INSERT INTO people VALUES ('no cables', x'00')")
    cables.execute("INSERT OR REPLACE INTO saving VALUES (0, 1)")     # stopped there
    cables.commit()
    cables.close()
    assert "gone" in _keys_kept(path)[2] and {"gone", "no cables"} <= _keys_kept(path)[3]
    _lower_with_cache(path, sources, scan_from=scan_from)
    assert _keys_kept(path) == ({file_key(s.path, s.sha256) for s in sources},) * 5
    again = sqlite3.connect(cables_path(path))
    assert again.execute("SELECT now FROM saving").fetchall() == [(0,)]
    again.close()


def _counts_saved(path):
    """The counts as saved, and as made again from every file's words."""
    import numpy as np
    cache = ParseCache(path)
    cache.words.union()
    saved = cache.words.counts.copy()
    cache.words.counts = None
    cache.db.execute("DELETE FROM lower")      # (not committed: only to count again)
    cache.words.union()
    again = cache.words.counts.copy()
    cache.db.close()
    cache.full.close()
    assert saved.dtype == again.dtype == np.int64 and (saved >= 0).all()
    return saved, again


@pytest.mark.parametrize("scan_from", [5000, 1])
def test_the_common_words_are_counted_as_files_come_and_go(tmp_path, scan_from):
    """The common words the collection writes in lower case are not read from every
    file's entry but counted as files are put and pruned (``ParseCache.lower``): after
    each rebuild, files removed, edited, added back or named twice, they are those a
    build without a cache finds, and the saved counts are those made again from every
    file's words."""
    from generator.collect import parse_sources
    folder = tmp_path / "cables"
    folder.mkdir()
    for src in _seeds():
        (folder / src.path.rsplit("/", 1)[-1]).write_bytes((ROOT / src.path).read_bytes())

    def sources():
        return discover([folder], base=tmp_path)[0]
    path = tmp_path / "cache" / "parse.sqlite"
    seen = []
    edited = folder / sorted(p.name for p in folder.iterdir())[0]
    for step in ("clean", "two removed", "one edited, one back", "nothing", "named twice"):
        files = sorted(folder.iterdir())
        if step == "two removed":
            kept = {files[1].name: files[1].read_bytes(), files[2].name: files[2].read_bytes()}
            files[1].unlink()
            files[2].unlink()
        elif step == "one edited, one back":
            text = edited.read_bytes()
            assert b"This cable has been cleared" in text
            edited.write_bytes(text.replace(b"This cable has been cleared", b"The harvest of "
                                            b"the vineyard was discussed. This cable has been cleared"))
            name = sorted(kept)[0]
            (folder / name).write_bytes(kept[name])
        found = sources()
        if step == "named twice":
            found += found[:1]
        lower, cache = _lower_with_cache(path, found, scan_from=scan_from)
        assert lower == parse_sources(found).lower, step
        assert _keys_kept(path) == ({file_key(f.path, f.sha256) for f in found},) * 5, step
        saved, again = _counts_saved(path)
        assert (saved == again).all(), step
        assert int(saved.max()) <= len(found) and saved.sum() > 0
        seen.append(lower)
    assert seen[0] != seen[1] != seen[2]          # the files' words did change the union
    assert {"harvest", "vineyard"} <= seen[2] - seen[1]
    assert seen[3] == seen[4] == seen[2]


def test_counts_of_another_size_are_made_again_from_the_words(tmp_path):
    """Saved counts that do not fit the lexicon (or are missing) are not trusted: they
    are made again from every file's words."""
    import numpy as np
    from generator.collect import parse_sources
    path = tmp_path / "parse.sqlite"
    lower, _ = _lower_with_cache(path, _seeds())
    for counts in (np.ones(8, dtype=np.int64).tobytes(), None):
        cache = ParseCache(path)
        cache.db.execute("DELETE FROM lower")
        if counts is not None:
            cache.db.execute("INSERT INTO lower VALUES (0, ?)", (counts,))
        cache.db.commit()
        cache.db.close()
        cache.full.close()
        assert _lower_with_cache(path, _seeds())[0] == lower == parse_sources(_seeds()).lower
        saved, again = _counts_saved(path)
        assert (saved == again).all() and saved.max() >= 2


def test_the_parse_cache_salt_covers_the_code_a_parse_runs_and_not_resolving():
    """A cache entry is made by the readers, the parser and what it imports (mentions and
    each cable's input to resolving people): every module of the package that a parse
    imports is in the salt, so a change to any of them makes every entry stale.  The
    collection-wide resolving of people is not: changing it does not re-parse a
    collection."""
    import subprocess
    import sys
    from pathlib import Path

    from generator import cache as cache_mod
    code = ("import sys, generator.readers, generator.cables, generator.people.inputs\n"
            "print('\\n'.join(m.__file__ for n, m in sys.modules.items()\n"
            "                 if n.startswith('generator') and getattr(m, '__file__', None)))")
    files = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, cwd=ROOT).stdout.split()
    package = Path(cache_mod.__file__).resolve().parent
    salted = [package / name for name in cache_mod._CODE]

    def covered(f: Path) -> bool:
        return any(f == s or s in f.parents for s in salted)
    imported = [Path(f).resolve() for f in files]
    assert len(imported) > 20 and all(covered(f) for f in imported), \
        [str(f) for f in imported if not covered(f)]
    assert not covered(package / "people" / "resolve.py")
    assert covered(package / "people" / "data" / "given_names.txt")


def test_many_keys_are_looked_up_by_reading_the_table_through_with_the_same_answers(tmp_path):
    """From ``scan_from`` keys the tables are read in their own order, not queried: the
    same sizes and entries for the same keys, none for a key not cached, hits and misses
    counted; the entries are read on a connection of their own, after ``close`` too."""
    sources = _seeds()
    cache = ParseCache(tmp_path / "parse.sqlite")
    collect(sources, cache=cache)
    cache.close()
    keys = [file_key(s.path, s.sha256) for s in reversed(sources)]
    keys.insert(2, file_key("content/cables/gone.txt", "0" * 64))
    queried, scanned = ParseCache(tmp_path / "parse.sqlite"), ParseCache(tmp_path / "parse.sqlite")
    sizes = queried.sizes(keys, chunk=2)
    assert scanned.sizes(keys, scan_from=1) == sizes and set(sizes) == set(keys) - {keys[2]}
    assert scanned.others == [] and queried.others is None
    queried.close()
    scanned.close()
    by_query = list(queried.entries(keys, chunk=2))
    by_scan = list(scanned.entries(keys, scan_from=1))
    assert len(by_scan) == 5 and dict(by_scan) == dict(by_query)
    assert {k: len(e[0]) for k, e in by_scan} == sizes == {k: 1 for k in sizes}
    assert {e[0][0].id for _, e in by_scan} == {c.id for c in collect(sources).cables}
    assert (scanned.hits, scanned.misses) == (queried.hits, queried.misses) == (5, 1)


def test_the_summaries_are_read_after_what_the_people_need(tmp_path):
    """``read_sources`` parses what changed and counts the cables of what did not, their
    summaries unread: the digests, words and people inputs are all there, and a
    cable's summary is read from the cache when asked (``CachedSummaries``).  ``loaded``
    then reads them all; a cache whose entry went missing meanwhile says what to do."""
    from generator.collect import parse_sources, read_sources
    sources = _seeds()
    cache = ParseCache(tmp_path / "parse.sqlite")
    whole = parse_sources(sources, cache=cache)
    cache.close()
    changed = ParseCache(tmp_path / "parse.sqlite")
    pending = read_sources(sources, cache=changed)
    assert (changed.hits, changed.misses) == (5, 0) and pending.done == {}
    assert pending.digests == whole.digests and pending.lower == whole.lower
    early = pending.summaries()
    assert len(early) == 5 and [early[n] for n in (3, 0, 4)] == [whole.cables[n] for n in (3, 0, 4)]
    with pytest.raises(IndexError):
        early[5]
    assert list(pending.people) == list(whole.people)
    parsed = pending.loaded()
    assert parsed.cables == whole.cables and parsed.digests == whole.digests
    import sqlite3
    again = ParseCache(tmp_path / "parse.sqlite")
    pending = read_sources(sources, cache=again)
    with sqlite3.connect(tmp_path / "parse.sqlite") as db:
        db.execute("DELETE FROM parsed WHERE key = ?", (pending.cached[2][0],))
    with pytest.raises(LookupError, match="--clean"):
        pending.loaded()


def test_a_file_named_twice_is_taken_once_from_the_cache_and_parsed_again(tmp_path):
    """``cablesite parse A A``: each naming gives its cables (the second parsed again, as
    its own objects), and the second counts as a miss."""
    sources = _seeds()
    cache = ParseCache(tmp_path / "parse.sqlite")
    collect(sources, cache=cache)
    cache.close()
    again = ParseCache(tmp_path / "parse.sqlite")
    col = collect(sources + sources[:1], cache=again)
    again.close()
    assert len(col.cables) == 6 and col.cables[5] == col.cables[0]
    assert col.cables[5] is not col.cables[0]
    assert (again.hits, again.misses) == (5, 1)
