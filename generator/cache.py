"""The parse cache: parsed cables by (file content, parser code), in one SQLite file.

A rebuild re-parses only the files whose bytes changed; a change to the parser's
own code (or its data) changes every key, so a stale cache is never used.  A file's
entry holds its cables' summaries (what the collection-wide stages need), problems
and what people resolution needs of its cables (pickled); each full cable is a row of
its own, loaded by :class:`CableStore` when its text is needed.  The common words each
file writes in lower case (a ``common_mask``) are rows of their own too, and the
collection's union is kept as a count of files per word, updated with the files that
come and go (:meth:`ParseCache.lower`), so a rebuild reads no file's words but theirs.
The full cables are in a second SQLite file beside the first (``-cables``): every
build reads every entry, and with the full cables in the same file the entries' pages
would be spread over all of it.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import zlib
from array import array
from functools import lru_cache
from itertools import chain
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


_UNREADABLE = (OSError, pickle.UnpicklingError, ValueError, TypeError, EOFError, AttributeError)


def read_pickle(path: Path, default=None):
    """What ``path`` holds pickled; ``default`` when it is missing or unreadable (a cache
    file that cannot be read is started afresh)."""
    try:
        return pickle.loads(path.read_bytes())
    except _UNREADABLE:
        return default


def write_pickle(path: Path, *values) -> None:
    """Pickle each of ``values`` in turn into ``path`` (read back one ``pickle.load`` each),
    whole or not at all (written aside, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        for value in values:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


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
        # 1 from the cables' commit to the entries' (see ``close``)
        self.full.execute("CREATE TABLE IF NOT EXISTS saving (id INTEGER PRIMARY KEY, now INTEGER)")
        self.others: list[str] | None = None    # keys a scan found and was not asked for
        self.hits = 0
        self.misses = 0

    def _tables(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, value BLOB)")
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

    def found(self, keys: list[str], chunk: int = 500, scan_from: int = 5000):
        """(key, entry) for each of ``keys`` that is cached, each entry unpickled as it is
        read, in no set order (``hits`` and ``misses`` count them once all are read).
        From ``scan_from`` keys the table is read through in its own order: a rebuild
        looks up every file, and the table holds the files of the last build (at 250,000
        cables, 200,000 files: 0.9-1.3 s against 1.8 s of queries).  Fewer keys are
        queried ``chunk`` at a time (a query per key costs more than the lookup; one
        query for all would hold every entry's bytes at once)."""
        want = set(keys)
        others: list[str] | None = None     # read through: the keys not asked for (``prune``)
        if len(want) >= scan_from:
            rows = self.db.execute("SELECT key, value FROM parsed ORDER BY rowid")
            others = []
        else:
            part = sorted(want)
            rows = chain.from_iterable(self.db.execute(
                f"SELECT key, value FROM parsed WHERE key IN ({','.join('?' * len(p))})", p)
                for p in (part[a:a + chunk] for a in range(0, len(part), chunk)))
        hits = 0
        for key, data in rows:       # each key once: it is the table's primary key
            if key in want:
                hits += 1
                yield key, pickle.loads(data)
            elif others is not None:
                others.append(key)
        self.others = others
        self.hits += hits
        self.misses += len(want) - hits

    def put(self, key: str, blobs: list[bytes], value, words: int = 0) -> None:
        """A file's full cables, pickled (a row each), its entry ``value`` (summaries,
        problems, people inputs) and the common words it writes in lower case (a
        ``common_mask``), counted in :meth:`lower`.  A key names one file's bytes under
        one parser: put again, its words are the same, and counted once."""
        self.full.execute("DELETE FROM cables WHERE key = ?", (key,))
        self.full.executemany("INSERT INTO cables VALUES (?, ?, ?)",
                              [(key, n, b) for n, b in enumerate(blobs)])
        self.db.execute("INSERT OR REPLACE INTO parsed VALUES (?, ?)",
                        (key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
        self.words.put(key, words)

    def prune(self, keep: set[str]) -> None:
        """Forget entries of files no longer in the collection (and of older parser code),
        their words uncounted, and their full cables.  After :meth:`found` read the table
        through, the keys it was not asked for are the only ones that can be stale, and
        their cables the only ones to delete, unless the last build was stopped between
        saving its cables and its entries (``close``): the cables' table is then read
        through for keys without an entry (at 250,000 cables, the two reads took 0.5 s)."""
        if self.others is not None:
            stale = [k for k in self.others if k not in keep]
        else:
            stale = [k for (k,) in self.db.execute("SELECT key FROM parsed") if k not in keep]
        self.words.forget(stale)
        self.db.executemany("DELETE FROM parsed WHERE key = ?", [(k,) for k in stale])
        if self.others is None or self.full.execute("SELECT now FROM saving").fetchone() == (1,):
            stale = [k for (k,) in self.full.execute("SELECT DISTINCT key FROM cables")
                     if k not in keep]
        self.full.executemany("DELETE FROM cables WHERE key = ?", [(k,) for k in stale])

    def lower(self) -> int:
        """The common words the cached files write in lower case, as one ``common_mask``
        (:class:`WordCounts`)."""
        return self.words.union()

    def close(self) -> None:
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
        for a in range(0, len(keys), 500):
            part = keys[a:a + 500]
            self._fold([m for (m,) in self.db.execute(
                f"SELECT mask FROM words WHERE key IN ({','.join('?' * len(part))})", part)], -1)
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


class PeopleStore:
    """What resolving the people left (``people.resolve.Ledger``), kept between builds: the
    ledger pickled (``people.pickle``) and, in ``people.sqlite``, each cable's record and
    the cables naming each surname, read only for the cables a rebuild decides again.
    Both carry one token, the SQLite file's committed first: a build stopped between the
    two leaves a ledger that is not used, and the next build resolves afresh.  Opened by
    whichever process resolves (a connection must not cross a fork)."""

    def __init__(self, folder: Path, fresh: bool = False):
        self.pickle_path = folder / "people.pickle"
        self.path = folder / "people.sqlite"
        if fresh:
            self.remove()
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    def remove(self) -> None:
        for p in (self.pickle_path, self.path, Path(f"{self.path}-journal")):
            p.unlink(missing_ok=True)

    def _conn(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db, self._pid = sqlite3.connect(self.path), os.getpid()
            for table in ("meta (key TEXT PRIMARY KEY, value BLOB)",
                          "cables (key BLOB PRIMARY KEY, value BLOB)",
                          "surnames (surname TEXT PRIMARY KEY, keys BLOB)"):
                self._db.execute(f"CREATE TABLE IF NOT EXISTS {table}")
        return self._db

    def ledger(self, salt: str):
        """The ledger kept, if it was made with ``salt`` and its records are the ones
        beside it; else None.  The file holds the result first (for ``result``), then the
        ledger's other state."""
        try:
            with open(self.pickle_path, "rb") as f:
                head = pickle.load(f)
                if not (isinstance(head, tuple) and len(head) == 6 and head[1] == salt):
                    return None
                row = self._conn().execute("SELECT value FROM meta WHERE key = 'token'").fetchone()
                if row is None or row[0] != head[0]:
                    return None
                ledger = pickle.load(f)
        except (*_UNREADABLE, sqlite3.DatabaseError):
            return None
        _, _, keys, _, refs, digests = head
        ledger.keys = keys
        ledger.rows = dict(zip(keys, zip(refs, digests)))
        return ledger

    def result(self) -> tuple[list, list, list[bytes]]:
        """The persons' rows, each cable's rows and their digests, as the last ``save``
        left them."""
        with open(self.pickle_path, "rb") as f:
            return pickle.load(f)[3:]

    def _chunks(self, sql: str, items: list, chunk: int = 500):
        db = self._conn()
        for a in range(0, len(items), chunk):
            part = items[a:a + chunk]
            yield from db.execute(sql.format(",".join("?" * len(part))), part)

    def records(self, keys: list[bytes]) -> dict[bytes, tuple]:
        """The records kept of these cables (by digest)."""
        return {k: pickle.loads(v) for k, v in
                self._chunks("SELECT key, value FROM cables WHERE key IN ({})", list(keys))}

    def naming(self, surnames: set[str]) -> set[bytes]:
        """The cables whose decision reads these surnames' facts."""
        out: set[bytes] = set()
        for (keys,) in self._chunks("SELECT keys FROM surnames WHERE surname IN ({})",
                                    sorted(surnames)):
            out.update(keys[i:i + 16] for i in range(0, len(keys), 16))
        return out

    def save(self, ledger, changes, keys: list[bytes]) -> None:
        """Keep the ledger, its result for the cables ``keys`` and what its update changed
        (``people.resolve.Changes``)."""
        if not changes.dirty and getattr(ledger, "keys", None) == keys:
            return
        db = self._conn()
        if changes.fresh:
            db.execute("DELETE FROM cables")
            db.execute("DELETE FROM surnames")
        db.executemany("DELETE FROM cables WHERE key = ?", [(k,) for k in changes.removed])
        db.executemany("INSERT OR REPLACE INTO cables VALUES (?, ?)",     # pickled as inserted
                       ((k, pickle.dumps(rec, protocol=pickle.HIGHEST_PROTOCOL))
                        for k, rec in changes.put.items()))
        added: dict[str, list[bytes]] = {}
        gone: dict[str, set[bytes]] = {}
        for k in changes.new:
            for s in changes.put[k][1]:
                added.setdefault(s, []).append(k)
        for k, rec in changes.removed.items():
            for s in rec[1]:
                gone.setdefault(s, set()).add(k)
        names = sorted(added.keys() | gone.keys())
        kept = {} if changes.fresh else dict(self._chunks(
            "SELECT surname, keys FROM surnames WHERE surname IN ({})", names))
        rows = []
        for s in names:
            old = kept.get(s, b"")
            out = gone.get(s)
            naming = [old[i:i + 16] for i in range(0, len(old), 16)
                      if out is None or old[i:i + 16] not in out]
            naming += added.get(s, ())
            rows.append((s, b"".join(naming)))
        db.executemany("INSERT OR REPLACE INTO surnames VALUES (?, ?)", [r for r in rows if r[1]])
        db.executemany("DELETE FROM surnames WHERE surname = ?", [(r[0],) for r in rows if not r[1]])
        token = os.urandom(16)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('token', ?)", (token,))
        db.commit()
        persons, refs, digests = ledger.result(keys)
        rows, ledger.rows, ledger.keys = ledger.rows, {}, []
        try:
            write_pickle(self.pickle_path, (token, ledger.salt, keys, persons, refs, digests),
                         ledger)
        finally:
            ledger.rows, ledger.keys = rows, keys

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None


class _Reader:
    """A read-only connection to an SQLite file, opened in each process that uses it
    (render and search workers are forked; a connection must not cross a fork)."""

    def __init__(self, path: Path):
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    def __call__(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            self._db, self._pid = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True), os.getpid()
        return self._db

    def __reduce__(self):     # a copy opens its own
        return (_Reader, (self.path,))


class CableStore:
    """Full cables read back from the parse cache: cable ``i`` is row ``refs[i]`` (file
    key, position)."""

    def __init__(self, path: Path, refs: list[tuple[str, int]]):
        self.path, self.refs = path, refs
        self._read = _Reader(path)

    def cable(self, i: int):
        row = self._read().execute("SELECT value FROM cables WHERE key = ? AND n = ?",
                                   self.refs[i]).fetchone()
        if row is None:
            raise LookupError(f"{self.path}: cable {self.refs[i][1] + 1} of a file is missing; "
                              "was the cache changed by another build? Build again with --clean")
        return pickle.loads(row[0])


class MemoryStore:
    """Full cables held in memory, pickled, for a build without a cache (and
    ``cablesite parse``)."""

    def __init__(self) -> None:
        self.blobs: list[bytes] = []

    def cable(self, i: int):
        return pickle.loads(self.blobs[i])


def _lunr_salted(*parts: str) -> str:
    """A digest of parts of the generator's code, and lunr's version."""
    import lunr
    return f"{code_version(parts)}:{getattr(lunr, '__VERSION__', '')}"


def _pipeline_version() -> str:
    """What a word's index term depends on: the search pipeline's code and lunr."""
    return _lunr_salted("search/pipeline.py")


def _search_version() -> str:
    """What a document's analysis depends on besides the document: the code that makes
    its fields, analyses them and keeps their postings, and lunr (not the code that cuts
    the index into files: changing it does not make every cable analysed again)."""
    return _lunr_salted("search/documents.py", "search/pipeline.py", "search/postings.py")


class FileHashes:
    """The SHA-256 of each content file with its size, time and inode when hashed
    (``discover``'s ``hashes``), so a rebuild reads only the files that changed.  One
    pickle file; unreadable, it is started afresh."""

    def __init__(self, path: Path, fresh: bool = False):
        self.path = path
        hashes = None if fresh else read_pickle(path)
        self.hashes: dict[str, tuple] = hashes if isinstance(hashes, dict) else {}

    def save(self) -> None:
        write_pickle(self.path, self.hashes)


class RelatedCache:
    """Each cable's related cables from earlier builds, by the digest of what they are
    made from (``related.inputs``), so a rebuild scores only the cables whose people's or
    tags' cables changed.  One pickle file; unreadable, it is started afresh."""

    def __init__(self, path: Path, fresh: bool = False):
        self.path = path
        known = None if fresh else read_pickle(path)
        self.known: dict[bytes, str] = known if isinstance(known, dict) else {}

    def save(self, answers: dict[bytes, str]) -> None:
        """Keep ``answers`` (those of this build only) when they differ from those read."""
        if answers != self.known:
            write_pickle(self.path, answers)


class TermCache:
    """Words and their index terms from earlier builds (running the Porter stemmer on
    every distinct word is most of the search stage's time on a rebuild).  One pickle
    file; a change to the pipeline's code starts it afresh."""

    def __init__(self, path: Path, fresh: bool = False):
        self.path = path
        self.version = _pipeline_version()
        self.terms: dict[str, str | None] = {}
        self.loaded = -1
        if fresh:
            return
        kept = read_pickle(path)
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == self.version:
            self.terms = kept[1]
        self.loaded = len(self.terms)

    def save(self) -> None:
        if len(self.terms) != self.loaded:
            write_pickle(self.path, (self.version, self.terms))


class AnalysisCache:
    """Each search document's analysed fields (:func:`generator.search.postings.analysed`)
    by the document's fingerprint and the search code's version, in one SQLite file, so
    a rebuild runs the pipeline only on new and changed cables (the postings of whole
    runs of documents are kept apart: ``search.runs.RunStore``).  Every process reads
    with a connection of its own; the building process writes (WAL: readers and the
    writer do not wait on each other).  :meth:`finish` forgets what this build did not
    use."""

    def __init__(self, path: Path, fresh: bool = False):
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        self.salt = _search_version().encode()
        self._writer = sqlite3.connect(path)
        self._writer.execute("PRAGMA journal_mode=WAL")
        self._writer.execute("CREATE TABLE IF NOT EXISTS docs (key BLOB PRIMARY KEY, value BLOB)")
        self._writer.commit()
        self._read = _Reader(path)
        self.used: set[bytes] = set()

    def key(self, fingerprint: bytes) -> bytes:
        return hashlib.blake2b(self.salt + fingerprint, digest_size=16).digest()

    def get(self, key: bytes):
        row = self._read().execute("SELECT value FROM docs WHERE key = ?", (key,)).fetchone()
        return self.unpack(row[0]) if row is not None else None

    @staticmethod
    def pack(fields: tuple) -> bytes:
        return zlib.compress(pickle.dumps(tuple((n, "\n".join(terms), tf.tobytes())
                                               for n, terms, tf in fields), protocol=5), 1)

    @staticmethod
    def unpack(data: bytes) -> tuple:
        out = []
        for n, terms, tf in pickle.loads(zlib.decompress(data)):
            counts = array("I")
            counts.frombytes(tf)
            out.append((n, tuple(terms.split("\n")) if terms else (), counts))
        return tuple(out)

    def use(self, keys) -> None:
        """Keep these documents' analyses past :meth:`finish`."""
        self.used.update(keys)

    def put(self, rows: list[tuple[bytes, bytes]]) -> None:
        """New analyses (key, packed), from this process or a worker's."""
        self._writer.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?)", rows)
        self._writer.commit()

    def finish(self, prune: bool = True) -> None:
        """Forget the documents this build did not use (when ``prune``); close."""
        if prune:
            stale = [(k,) for (k,) in self._writer.execute("SELECT key FROM docs") if k not in self.used]
            self._writer.executemany("DELETE FROM docs WHERE key = ?", stale)
            self._writer.commit()
        self._writer.close()


class RenderCache:
    """What each page of the last build was made from (path -> ``render.fingerprint``), so
    a rebuild renders only the pages whose template context changed, and what its lists
    were made from (``pages.Plan.lists``), so a rebuild plans only the lists that
    changed.  Valid only for the output folder as that build left it (the build's token,
    which the writer keeps in the list beside the site: see ``SiteWriter``), under the
    same ``salt`` (the theme's templates and the generator's code); otherwise empty."""

    def __init__(self, path: Path, token: str | None, salt: str, fresh: bool = False):
        self.path, self.salt = path, salt
        self.old: dict[str, bytes] = {}
        self.new: dict[str, bytes] = {}
        self.lists: bytes | None = None       # the last build's, then this build's
        if fresh or token is None:
            return
        kept = read_pickle(path)
        if isinstance(kept, tuple) and len(kept) == 5 and kept[0] == salt and kept[1] == token:
            paths, prints, self.lists = kept[2:]
            self.old = dict(zip(paths.split("\n") if paths else (),
                                [prints[k:k + 16] for k in range(0, len(prints), 16)]))

    def save(self, token: str) -> None:
        """Record the digests against the output folder the build ``token`` just committed:
        the paths as one string, the digests (16 bytes each) as one string of bytes (at
        250,000 cables, 1.3 million of each: 0.3 s to save, against 1.0 s as a dict).  A
        digest of another length, or a path with a line break, is left out (its page is
        made again)."""
        new = self.new
        paths, prints = "\n".join(new), b"".join(new.values())
        if len(prints) != 16 * len(new) or paths.count("\n") != max(len(new) - 1, 0):
            new = {p: d for p, d in new.items() if len(d) == 16 and "\n" not in p}
            paths, prints = "\n".join(new), b"".join(new.values())
        write_pickle(self.path, (self.salt, token, paths, prints, self.lists))

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)


def render_salt(template_dirs: list[Path]) -> str:
    """A digest of the generator's code, of the versions of the libraries that shape a
    page (Jinja2, MarkupSafe, Pygments, markdown-it-py) and of the templates."""
    from importlib.metadata import PackageNotFoundError, version
    h = hashlib.sha256(code_version(("",)).encode())
    for lib in ("jinja2", "markupsafe", "pygments", "markdown-it-py"):
        try:
            h.update(f"{lib} {version(lib)}\n".encode())
        except PackageNotFoundError:
            pass
    for folder in template_dirs:
        for f in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if f.is_file():
                h.update(f.relative_to(folder).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]
