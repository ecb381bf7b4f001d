"""What a build keeps for the next one besides the parse cache (``cache``): the content
files' hashes, the people's ledger, the related cables' answers, the search words'
terms and documents' analyses, and the pages' fingerprints.  Each is checked against
what it depends on when read, and started afresh when it does not match or cannot be
read.  Apart from ``cache`` because that module's code is part of every parse cache key
(``cache._CODE``): a change here must not make every cable parsed again.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import zlib
from array import array
from pathlib import Path

from .cache import Reader, code_version, keyed_rows

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
        beside it; else None.  The file holds the token, the salt and the ledger's result
        first, then its other state."""
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

    def records(self, keys: list[bytes]) -> dict[bytes, tuple]:
        """The records kept of these cables (by digest)."""
        return {k: pickle.loads(v) for k, v in
                keyed_rows(self._conn(), "SELECT key, value FROM cables WHERE key IN ({})",
                           list(keys))}

    def naming(self, surnames: set[str]) -> set[bytes]:
        """The cables whose decision reads these surnames' facts."""
        out: set[bytes] = set()
        for (keys,) in keyed_rows(self._conn(),
                                  "SELECT keys FROM surnames WHERE surname IN ({})",
                                  sorted(surnames)):
            out.update(keys[i:i + 16] for i in range(0, len(keys), 16))
        return out

    def save(self, ledger, changes, keys: list[bytes], result: tuple) -> None:
        """Keep the ledger, its ``result`` for the cables ``keys`` (``Ledger.result``) and
        what its update changed (``people.resolve.Changes``)."""
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
        kept = {} if changes.fresh else dict(keyed_rows(self._conn(),
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
        persons, refs, digests = result
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
    the index into files, nor the tiers' encoding in ``search/tiers.py``: changing them
    does not make every cable analysed again)."""
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
    """Each cable's related cables from the last build, with the digests of what they are
    made from (``related.inputs``), so a rebuild scores only the cables whose people's or
    tags' cables changed: three strings (``related.related_all``) in one pickle file;
    unreadable, it is started afresh."""

    def __init__(self, path: Path, fresh: bool = False):
        self.path = path
        known = None if fresh else read_pickle(path)
        self.known: tuple[str, bytes, bytes] | None = known if (
            isinstance(known, tuple) and len(known) == 3
            and [type(v) for v in known] == [str, bytes, bytes]) else None

    def save(self, answers: tuple[str, bytes, bytes]) -> None:
        """Keep ``answers`` (this build's) when they differ from those read."""
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
        self._read = Reader(path)
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
    same ``salt`` (the theme's templates and the generator's code); otherwise empty.

    Kept in two parts: the fingerprints of the files the search index makes
    (``new_apart``; a rebuild makes it in a process apart) and those of the others
    (``new``); the exports' are kept by data part (``new_exports``, see
    ``export.write_exports``).  Each is made a table only when asked (``old``), so that each
    process of a rebuild makes its own part's after the fork: at 250,000 cables the
    table of all 1.3 million paths took about a second before it."""

    def __init__(self, path: Path, token: str | None, salt: str, fresh: bool = False):
        self.path, self.salt = path, salt
        self.new: dict[str, bytes] = {}
        # (or packed, as a process apart hands them back: ``packed_prints``)
        self.new_apart: dict[str, bytes] | tuple[str, bytes] = {}
        self.lists: bytes | None = None       # the last build's, then this build's
        self._parts: tuple = ()                # (paths, digests) of the others, of apart's
        # the export's records of its parts (``export.Record`` by name): the last build's,
        # this build's
        self.exports: dict[str, tuple] = {}
        self.new_exports: dict[str, tuple] = {}
        if fresh or token is None:
            return
        kept = read_pickle(path)
        if isinstance(kept, tuple) and len(kept) == 5 and kept[0] == salt and kept[1] == token:
            self._parts, self.lists, self.exports = kept[2:]

    def any(self) -> bool:
        """Whether the last build's fingerprints were read."""
        return any(paths for paths, _ in self._parts)

    def old(self, apart: bool | None = None) -> dict[str, bytes]:
        """The last build's fingerprints by path: of the files the search index made
        (``apart``), of the others (not ``apart``), or all (None)."""
        out: dict[str, bytes] = {}
        for n, (paths, prints) in enumerate(self._parts):
            if apart is None or n == apart:
                out.update(unpacked_prints(paths, prints))
        return out

    def save(self, token: str) -> None:
        """Record the digests against the output folder the build ``token`` just committed:
        the paths as one string, the digests (16 bytes each) as one string of bytes (at
        250,000 cables, 1.3 million of each: 0.3 s to save, against 1.0 s as a dict).  A
        digest of another length, or a path with a line break, is left out (its page is
        made again)."""
        apart = self.new_apart if isinstance(self.new_apart, tuple) else packed_prints(self.new_apart)
        write_pickle(self.path, (self.salt, token, (packed_prints(self.new), apart), self.lists,
                                 self.new_exports))

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)


def packed_prints(prints: dict[str, bytes]) -> tuple[str, bytes]:
    """Paths and 16-byte digests as two strings (``RenderCache.save``; how the process
    apart of a rebuild hands back those of its files: at 250,000 cables 1.3 million,
    which as a dict took 0.9 s to pickle and 0.7 s to read back, and 0.2 s so)."""
    paths, digests = "\n".join(prints), b"".join(prints.values())
    if len(digests) != 16 * len(prints) or paths.count("\n") != max(len(prints) - 1, 0):
        prints = {p: d for p, d in prints.items() if len(d) == 16 and "\n" not in p}
        paths, digests = "\n".join(prints), b"".join(prints.values())
    return paths, digests


def unpacked_prints(paths: str, digests: bytes) -> dict[str, bytes]:
    """Path -> digest, from the two strings ``packed_prints`` makes."""
    return dict(zip(paths.split("\n") if paths else (),
                    [digests[k:k + 16] for k in range(0, len(digests), 16)]))


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
