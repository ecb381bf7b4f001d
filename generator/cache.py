"""The parse cache: parsed cables by (file content, parser code), in one SQLite file.

A rebuild re-parses only the files whose bytes changed; a change to the parser's
own code (or its data) changes every key, so a stale cache is never used.
"""
from __future__ import annotations

import hashlib
import pickle
import sqlite3
from functools import lru_cache
from pathlib import Path

_CODE = ["cables", "readers", "people", "registry", "names.py", "text.py", "model.py",
         "diagnostics.py", "collect.py", "__init__.py"]


@lru_cache(maxsize=2)
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


class ParseCache:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, value BLOB)")
        self.version = code_version()
        self.hits = 0
        self.misses = 0

    def key(self, path: str, sha256: str) -> str:
        return f"{self.version}:{sha256}:{path}"

    def get(self, key: str):
        row = self.db.execute("SELECT value FROM parsed WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return pickle.loads(row[0])

    def put(self, key: str, value) -> None:
        self.db.execute("INSERT OR REPLACE INTO parsed VALUES (?, ?)",
                        (key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))

    def prune(self, keep: set[str]) -> None:
        """Forget entries of files no longer in the collection (and of older parser code)."""
        stale = [k for (k,) in self.db.execute("SELECT key FROM parsed") if k not in keep]
        self.db.executemany("DELETE FROM parsed WHERE key = ?", [(k,) for k in stale])

    def close(self) -> None:
        self.db.commit()
        self.db.close()


def _pipeline_version() -> str:
    """A digest of the search pipeline's code and lunr's version: what a word's index
    term depends on."""
    import lunr
    h = hashlib.sha256((Path(__file__).resolve().parent / "search" / "pipeline.py").read_bytes())
    h.update(str(getattr(lunr, "__VERSION__", "")).encode())
    return h.hexdigest()[:16]


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
        try:
            version, terms = pickle.loads(path.read_bytes())
            if version == self.version:
                self.terms = terms
        except (OSError, pickle.UnpicklingError, ValueError, TypeError, EOFError):
            pass
        self.loaded = len(self.terms)

    def save(self) -> None:
        if len(self.terms) == self.loaded:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps((self.version, self.terms), protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(self.path)


class RenderCache:
    """What each page of the last build was made from (path -> ``render.fingerprint``), so
    a rebuild renders only the pages whose template context changed.  Valid only for the
    output folder as that build left it (its marker file's inode, time and size), under
    the same ``salt`` (the theme's templates and the generator's code); otherwise empty."""

    def __init__(self, path: Path, marker: Path, salt: str, fresh: bool = False):
        self.path, self.marker, self.salt = path, marker, salt
        self.old: dict[str, bytes] = {}
        self.new: dict[str, bytes] = {}
        if fresh:
            return
        try:
            salt0, stamp, old = pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, ValueError, TypeError, EOFError):
            return
        if salt0 == salt and stamp == _stamp(marker):
            self.old = old

    def save(self) -> None:
        """Record the digests against the output folder the build just committed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps((self.salt, _stamp(self.marker), self.new),
                                     protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(self.path)

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)


def _stamp(marker: Path) -> tuple | None:
    try:
        st = marker.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


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
