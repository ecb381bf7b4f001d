"""The parse cache: parsed cables by (file content, parser code), in two SQLite files.

A rebuild re-parses only the files whose bytes changed; a change to the parser's own
code (or its data) changes every key, so a stale cache is never used.  A file's entry
holds its cables' summaries (what the collection-wide stages need) and problems
(pickled); each full cable is a row of its own, loaded by :class:`CableStore` when its
text is needed, and what people resolution needs of a file's cables is a row too, read
by :class:`PeopleRows` only for the cables whose people are decided again.  The common
words each file writes in lower case (a ``common_mask``) are rows of their own too, and
the collection's union is kept as a count of files per word, updated with the files that
come and go (:meth:`ParseCache.lower`), so a rebuild reads no file's words but theirs.
The full cables and the people rows are in a second SQLite file beside the first
(``-cables``): every build reads every entry, and with the full cables in the same file
the entries' pages would be spread over all of it.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from functools import lru_cache
from itertools import islice
from pathlib import Path

import numpy as np

from .people.lexicon import mask_bytes

# The code a cache entry is made by: the parser, of people/ what it uses (mentions and
# each cable's input to resolving; not the collection-wide resolving in resolve.py and
# decide.py), and the subject terms made with each summary (subjects.py).
_CODE = ["cables", "readers", "people/extract.py", "people/lexicon.py", "people/inputs.py",
         "people/data", "people/__init__.py", "registry", "names.py", "text.py", "model.py",
         "diagnostics.py", "collect.py", "cache.py", "subjects.py", "__init__.py"]


CHUNK_MASKS = 10_000      # masks held before they are counted (``WordCounts``)
FOLD_ROWS = 256           # masks unpacked at once


@lru_cache(maxsize=8)
def code_version(names: tuple[str, ...] = tuple(_CODE)) -> str:
    """A digest of the source and data files of the parser (or of the named parts)."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in names:
        p = root / name
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if f.is_file() and f.suffix in (".py", ".csv", ".txt") and "__pycache__" not in f.parts:
                h.update(f.relative_to(root).as_posix().encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


def file_key(path: str, sha256: str) -> str:
    """What a file's parse depends on: the parser's code, the file's bytes and its path."""
    return f"{code_version()}:{sha256}:{path}"


def cable_digest(key: str, n: int) -> bytes:
    """The digest of the ``n``-th cable of the file with this key: equal digests, equal
    cables (parsing is a pure function of the key)."""
    return hashlib.blake2b(f"{key}\0{n}".encode(), digest_size=16).digest()


def cables_path(path: Path) -> Path:
    """The file of the full cables of the parse cache in ``path``."""
    return path.with_name(f"{path.stem}-cables{path.suffix}")


def keyed_rows(db: sqlite3.Connection, sql: str, keys: list, chunk: int = 500):
    """The rows of ``sql``, a query whose ``IN ({})`` takes the keys, for ``keys`` asked
    ``chunk`` at a time (a query per key costs more than the lookup; one query for all
    would hold every row at once)."""
    for a in range(0, len(keys), chunk):
        part = keys[a:a + chunk]
        yield from db.execute(sql.format(",".join("?" * len(part))), part)


CACHE_FOLDER = ".cablesite-cache"


def default_folder(content: Path) -> Path:
    """Where a build of ``content`` keeps its caches unless told: beside the content
    folder (CI configurations save and restore it under this name)."""
    return content.resolve().parent / CACHE_FOLDER


class ParseCache:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.cables_path = cables_path(path)
        self.db = sqlite3.connect(path)
        self._tables()
        self.db.execute("DROP TABLE IF EXISTS cables")     # where an older cablesite kept them
        if self._stale():
            self.db.close()
            self.remove(path)
            self.db = sqlite3.connect(path)
            self._tables()
        self.words = WordCounts(self.db)
        self.full = sqlite3.connect(self.cables_path)
        self.full.execute("CREATE TABLE IF NOT EXISTS cables "
                          "(key TEXT, n INTEGER, value BLOB, PRIMARY KEY (key, n))")
        # each file's people inputs (``parsed.PeopleInputs``), read only where asked
        self.full.execute("CREATE TABLE IF NOT EXISTS people (key TEXT PRIMARY KEY, value BLOB)")
        # 1 from the cables' commit to the entries' (see ``close``)
        self.full.execute("CREATE TABLE IF NOT EXISTS saving (id INTEGER PRIMARY KEY, now INTEGER)")
        self.others: list[str] | None = None    # keys a scan found and was not asked for
        self._reader = Reader(path)              # the entries read back (``entries``)
        self.hits = 0
        self.misses = 0

    def _tables(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, value BLOB)")
        # each entry's number of cables: a small table, read through without the entries
        self.db.execute("CREATE TABLE IF NOT EXISTS sizes (key TEXT PRIMARY KEY, n INTEGER) "
                        "WITHOUT ROWID")
        WordCounts.tables(self.db)

    def _stale(self) -> bool:
        """Whether every entry is of other parser code (an upgrade, or a parser changed):
        the files are then started afresh rather than pruned, which rewrote every page
        of them (at 250,000 cables, ten minutes and a 2.8 GB journal)."""
        prefix = f"{code_version()}:"
        if self.db.execute("SELECT 1 FROM parsed LIMIT 1").fetchone() is None:
            return False
        return self.db.execute("SELECT 1 FROM parsed WHERE key >= ? AND key < ? LIMIT 1",
                               (prefix, prefix[:-1] + chr(ord(":") + 1))).fetchone() is None

    def empty(self) -> bool:
        """Whether nothing is cached (a first build, ``--clean``, an upgrade)."""
        return self.db.execute("SELECT 1 FROM parsed LIMIT 1").fetchone() is None

    @staticmethod
    def remove(path: Path) -> None:
        """Delete the parse cache in ``path`` (``--clean``)."""
        path.unlink(missing_ok=True)
        cables_path(path).unlink(missing_ok=True)

    def sizes(self, keys: list[str], chunk: int = 500, scan_from: int = 5000) -> dict[str, int]:
        """How many cables each of ``keys`` that is cached holds (``hits`` and ``misses``
        count them), without reading the entries: a rebuild knows which files it must
        parse, and its cables' digests, before it reads the summaries (:meth:`entries`).
        From ``scan_from`` keys the table is read through (a rebuild looks up every file;
        the keys not asked for are then the only ones ``prune`` may forget); fewer are
        queried ``chunk`` at a time."""
        want = set(keys)
        if len(want) >= scan_from:      # (in C but for the few keys not asked for)
            found = dict(self.db.execute("SELECT key, n FROM sizes").fetchall())
            self.others = list(found.keys() - want)
            for key in self.others:
                del found[key]
        else:
            found = dict(keyed_rows(self.db, "SELECT key, n FROM sizes WHERE key IN ({})",
                                    sorted(want), chunk))
            self.others = None
        self.hits += len(found)
        self.misses += len(want) - len(found)
        return found

    def entries(self, keys: list[str], chunk: int = 500, scan_from: int = 5000):
        """(key, entry) for each of ``keys`` that is cached, each entry unpickled as it is
        read, in no set order; read on a read-only connection of its own (one per process,
        kept open), so also after ``close`` (the people process, forked after it, reads
        the cache too).  From ``scan_from``
        keys the table is read through in its own order (at 250,000 cables, 200,000 files:
        0.9-1.3 s against 1.8 s of queries); fewer are queried ``chunk`` at a time (a
        query per key costs more than the lookup; one query for all would hold every
        entry's bytes at once)."""
        want = set(keys)
        db = self._reader()
        if len(want) >= scan_from:
            rows = db.execute("SELECT key, value FROM parsed ORDER BY rowid")
        else:
            rows = keyed_rows(db, "SELECT key, value FROM parsed WHERE key IN ({})",
                              sorted(want), chunk)
        for key, data in rows:
            if key in want:
                yield key, pickle.loads(data)

    def put(self, key: str, blobs: list[bytes], value, words: int = 0,
            people: list[bytes] = ()) -> None:
        """A file's full cables, pickled (a row each), its entry ``value`` (summaries and
        problems) and how many cables it holds (:meth:`sizes`), the common words it writes
        in lower case (a ``common_mask``), counted in :meth:`lower`, and its cables' people
        inputs (pickled lists, beside the full cables: :meth:`people`).  A key names one
        file's bytes under one parser: put again, its words are the same, and counted once."""
        self.full.execute("DELETE FROM cables WHERE key = ?", (key,))
        self.full.executemany("INSERT INTO cables VALUES (?, ?, ?)",
                              [(key, n, b) for n, b in enumerate(blobs)])
        self.full.execute("INSERT OR REPLACE INTO people VALUES (?, ?)",
                          (key, pickle.dumps(list(people), protocol=pickle.HIGHEST_PROTOCOL)))
        self.db.execute("INSERT OR REPLACE INTO parsed VALUES (?, ?)",
                        (key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
        self.db.execute("INSERT OR REPLACE INTO sizes VALUES (?, ?)", (key, len(blobs)))
        self.words.put(key, words)

    def prune(self, keep: set[str]) -> None:
        """Forget entries of files no longer in the collection (and of older parser code),
        their words uncounted, and their full cables.  After :meth:`sizes` read its table
        through, the keys it was not asked for are the only ones that can be stale, and
        their cables the only ones to delete, unless the last build was stopped between
        saving its cables and its entries (``close``): the cables' table is then read
        through for keys without an entry (at 250,000 cables, the two reads took 0.5 s)."""
        if self.others is not None:
            stale = [k for k in self.others if k not in keep]
        else:
            stale = [k for (k,) in self.db.execute("SELECT key FROM sizes") if k not in keep]
        self.words.forget(stale)
        self.db.executemany("DELETE FROM parsed WHERE key = ?", [(k,) for k in stale])
        self.db.executemany("DELETE FROM sizes WHERE key = ?", [(k,) for k in stale])
        if self.others is None or self.full.execute("SELECT now FROM saving").fetchone() == (1,):
            stale = [k for (k,) in self.full.execute("SELECT DISTINCT key FROM cables "
                                                     "UNION SELECT key FROM people")
                     if k not in keep]
        self.full.executemany("DELETE FROM cables WHERE key = ?", [(k,) for k in stale])
        self.full.executemany("DELETE FROM people WHERE key = ?", [(k,) for k in stale])

    def lower(self) -> int:
        """The common words the cached files write in lower case, as one ``common_mask``
        (:class:`WordCounts`)."""
        return self.words.union()

    def people(self) -> "PeopleRows":
        """The people inputs of cached files, read by key (in any process)."""
        return PeopleRows(self.cables_path)

    def close(self) -> None:
        """Save and commit what this build put and pruned (again: nothing)."""
        if self.db is None:
            return
        self.words.save()
        # the cables first: an entry is never saved without its cables; and marked as
        # being saved until the entries are, so that cables saved without their entries
        # (a build stopped in between) are found and pruned next time
        self.full.execute("INSERT OR REPLACE INTO saving VALUES (0, 1)")
        self.full.commit()
        self.db.commit()
        self.db.close()
        self.full.execute("INSERT OR REPLACE INTO saving VALUES (0, 0)")
        self.full.commit()
        self.full.close()
        self.db = self.full = None


class WordCounts:
    """The common words each cached file writes in lower case (its ``common_mask``, a row
    of the ``words`` table) and, for the collection, how many files write each (the
    ``lower`` table), in the parse cache's database and its transaction.  The counts are
    updated with the files put and forgotten, not made again from every file's words:
    at 250,000 cables, reading them all read 320 MB of the cache on each rebuild.
    Counts of another size (a lexicon changed under a cache not started afresh), or
    none, are made again from the rows."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.counts: np.ndarray | None = None     # loaded when first needed
        self.added: list[bytes] = []              # masks put and not yet counted

    @staticmethod
    def tables(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE IF NOT EXISTS words (key TEXT PRIMARY KEY, mask BLOB)")
        db.execute("CREATE TABLE IF NOT EXISTS lower (id INTEGER PRIMARY KEY, counts BLOB)")

    def put(self, key: str, words: int) -> None:
        """The words of the file with this key.  A key names one file's bytes under one
        parser: put again, its words are the same, and counted once."""
        mask = words.to_bytes(mask_bytes(), "little")
        if self.db.execute("INSERT OR IGNORE INTO words VALUES (?, ?)", (key, mask)).rowcount:
            self.added.append(mask)
            if len(self.added) >= CHUNK_MASKS:     # not every file's words held at once
                self._load()
                self._fold(self.added, 1)
                self.added = []

    def forget(self, keys: list[str]) -> None:
        """Uncount the words of the files with these keys, and delete them."""
        self._load()
        self._fold(self.added, 1)
        self.added = []
        rows = keyed_rows(self.db, "SELECT mask FROM words WHERE key IN ({})", keys)
        while batch := [m for (m,) in islice(rows, 500)]:   # a chunk at a time: masks are large
            self._fold(batch, -1)
        self.db.executemany("DELETE FROM words WHERE key = ?", [(k,) for k in keys])

    def union(self) -> int:
        """The words counted in at least one file, as one ``common_mask``."""
        self._load()
        self._fold(self.added, 1)
        self.added = []
        return int.from_bytes(np.packbits(self.counts > 0, bitorder="little").tobytes(), "little")

    def save(self) -> None:
        """Keep the counts (in the transaction that keeps the rows they count)."""
        if self.added or self.counts is not None:
            self.union()
            self.db.execute("INSERT OR REPLACE INTO lower VALUES (0, ?)", (self.counts.tobytes(),))

    def _load(self) -> None:
        """The saved counts, or counts made again from the rows as they stand in this
        transaction (the masks put since are in them, so none is left to add)."""
        if self.counts is not None:
            return
        row = self.db.execute("SELECT counts FROM lower WHERE id = 0").fetchone()
        counts = np.frombuffer(row[0], dtype=np.int64).copy() if row else None
        if counts is not None and len(counts) == 8 * mask_bytes():
            self.counts = counts
            return
        self.counts = np.zeros(8 * mask_bytes(), dtype=np.int64)
        self.added = []
        rows = self.db.execute("SELECT mask FROM words")
        while batch := rows.fetchmany(CHUNK_MASKS):
            self._fold([m for (m,) in batch], 1)

    def _fold(self, masks: list[bytes], sign: int) -> None:
        """Count these masks in (``sign`` 1) or out (-1), unpacked to a byte per word
        ``FOLD_ROWS`` masks at a time (blocks that stay in the processor's cache: at
        250,000 masks, 0.5 s against 3 s for 10,000 at a time)."""
        for a in range(0, len(masks), FOLD_ROWS):
            bits = np.unpackbits(np.frombuffer(b"".join(masks[a:a + FOLD_ROWS]), np.uint8)
                                 .reshape(-1, mask_bytes()), axis=1, bitorder="little")
            self.counts += sign * bits.sum(axis=0, dtype=np.uint16).astype(np.int64)


class Reader:
    """A read-only connection to an SQLite file, opened in each process that uses it
    (render and search workers are forked; a connection must not cross a fork).  It may
    cross threads: ``serve`` builds in one and previews from the last build's site in
    another, one at a time (and SQLite serialises a connection's use anyway)."""

    def __init__(self, path: Path):
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    def __call__(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                       check_same_thread=False)
            self._pid = os.getpid()
        return self._db

    def __reduce__(self):     # a copy opens its own
        return (Reader, (self.path,))


class CableStore:
    """Full cables read back from the parse cache: cable ``i`` is row ``refs[i]`` (file
    key, position)."""

    def __init__(self, path: Path, refs: list[tuple[str, int]]):
        self.path, self.refs = path, refs
        self._read = Reader(path)

    def cable(self, i: int):
        row = self._read().execute("SELECT value FROM cables WHERE key = ? AND n = ?",
                                   self.refs[i]).fetchone()
        if row is None:
            raise LookupError(f"{self.path}: cable {self.refs[i][1] + 1} of a file is missing; "
                              "was the cache changed by another build? Build again with --clean")
        return pickle.loads(row[0])


class PeopleRows:
    """Files' people inputs read back from the parse cache: ``rows(keys)`` gives each
    key's pickled lists (``ParseCache.put``), the keys queried 500 at a time."""

    def __init__(self, path: Path):
        self.path = path
        self._read = Reader(path)

    def __call__(self, keys: list[str]) -> dict[str, list[bytes]]:
        found = {k: pickle.loads(v) for k, v in keyed_rows(
            self._read(), "SELECT key, value FROM people WHERE key IN ({})", keys)}
        missing = [k for k in keys if k not in found]
        if missing:
            raise LookupError(f"{self.path}: the people of a cached file are missing; was the "
                              "cache changed by another build? Build again with --clean")
        return found


class MemoryStore:
    """Full cables held in memory, pickled, for a build without a cache (and
    ``cablesite parse``)."""

    def __init__(self) -> None:
        self.blobs: list[bytes] = []

    def cable(self, i: int):
        return pickle.loads(self.blobs[i])
