"""Discovery: the only place that reads the content folder.

``discover(paths)`` returns every source file, sorted by path, with its bytes
(or where to read them again) and SHA-256 (the cache key of the parse stage).  Hidden files and folders are
skipped; a path that does not exist is a diagnostic, not a crash.
"""
from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .diagnostics import Diagnostic, error, warning


@dataclass(frozen=True)
class SourceFile:
    path: str          # as shown to the user (relative where possible, '/' separated)
    data: bytes | None  # None when not kept: ``read()`` reads the file again
    sha256: str | None  # None: not read yet (``discover(defer=True)``); who reads it hashes it
    file: str | None = None   # where it is on disk
    size: int = -1
    stamp: tuple | None = None   # (size, modification time, inode) before it was read

    def __post_init__(self):
        if self.size < 0 and self.data is not None:
            object.__setattr__(self, "size", len(self.data))

    def read(self) -> bytes:
        return self.data if self.data is not None else Path(self.file).read_bytes()


def _display(p: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return p.relative_to(base).as_posix()
        except ValueError:
            pass
    return p.as_posix()


def _displays(base: Path | None):
    """``_display`` for the strings ``_walk`` gives below the folder ``base`` (a prefix
    cut, without a ``Path`` per file)."""
    prefix = str(base).rstrip(os.sep) + os.sep if base is not None else None

    def display(f: str) -> str:
        if prefix is not None and f.startswith(prefix):
            rel = f[len(prefix):]
            return rel if os.sep == "/" else rel.replace(os.sep, "/")
        return _display(Path(f), base)
    return display


def walk(root: Path) -> list[Path]:
    return [Path(f) for f in _walk(str(root))]


def _walk(root: str) -> list[str]:
    """The files below ``root`` (or ``root`` itself, a file), hidden ones and those in
    hidden folders left out, in the order of their ``Path`` objects; as strings
    (``os.scandir``; at 200,000 files the ``Path`` objects of ``os.walk`` took two thirds
    of discovering a built collection).  Symbolic links to folders are not followed (as
    ``os.walk`` does not)."""
    if not os.path.isdir(root):
        return [root]
    out: list[str] = []

    def visit(folder: str) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted((e.name, e) for e in it if not e.name.startswith("."))
        except OSError:
            return
        for _, e in entries:     # a folder's files where its name sorts: the paths' order
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                out.append(e.path)
            elif not e.is_symlink():
                visit(e.path)
    visit(root)
    return out


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


RECENT_NS = 2_000_000_000   # a file modified this recently is hashed again next time

NOT_CABLES = {".md", ".markdown", ".tsv", ".toml", ".yml", ".yaml", ".py", ".sh", ".css", ".js"}


def discover(paths: list[str | Path], base: Path | None = None, skip: set[str] = frozenset(),
             keep: bool = True, hashes: dict | None = None, defer: bool = False
             ) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Every file below ``paths``; files whose suffix is in ``skip`` are reported, not read.
    With ``keep=False`` the files' bytes are hashed, not held (a build reads again only
    the files its cache does not have: 250,000 cables are 1.7 GB).

    ``hashes`` (with ``keep=False``): file on disk -> ((size, modification time, inode),
    SHA-256) from an earlier discovery; a file whose size, time and inode are those is
    not read again (as git's index does).  It is filled anew with this discovery's
    files, except those modified in the last :data:`RECENT_NS` nanoseconds, whose next
    change could keep the same time.

    ``defer=True`` (with ``keep=False``): a file not known from ``hashes`` is not read
    here; its ``sha256`` is None and whoever reads it hashes it and tells ``remember``.
    For a build whose parse cache is empty (``--clean``, a first build), which has no
    use for the hashes before it parses: the parse workers then read the files on all
    cores, where discovery read 250,000 of them one at a time (22 s, most of it waiting
    for the disk)."""
    files: list[SourceFile] = []
    diags: list[Diagnostic] = []
    known = {}
    reuse = hashes is not None and not keep
    if reuse:
        known = dict(hashes)
        hashes.clear()
    defer = defer and not keep
    recent = time.time_ns() - RECENT_NS
    display = _displays(base)
    skipped = tuple(skip)
    for p in map(Path, paths):
        if not p.exists():
            diags.append(error(f"no such file or folder: {p}", kind="input", path=str(p)))
            continue
        folder = p.is_dir()
        for f in _walk(str(p)):
            if folder and f.lower().endswith(skipped):   # a file named explicitly is read
                diags.append(warning(f"skipped: {os.path.splitext(f)[1]} files are notes, not "
                                     "cables; move it out of the cables folder to silence this",
                                     kind="skipped", path=display(f)))
                continue
            try:
                stamp = None
                if reuse or defer:
                    st = os.stat(f)      # before reading: a change meanwhile shows next time
                    stamp = (st.st_size, st.st_mtime_ns, st.st_ino)
                    hit = known.get(f)
                    if hit is not None and hit[0] == stamp:
                        files.append(SourceFile(display(f), None, hit[1], f, st.st_size))
                        hashes[f] = hit
                        continue
                    if defer:      # the stamp kept only if it may be trusted next time
                        files.append(SourceFile(display(f), None, None, f, st.st_size,
                                                stamp if stamp[1] < recent else None))
                        continue
                data = _read(f)
            except OSError as exc:
                diags.append(error(f"cannot read file ({exc.strerror})", kind="input",
                                   path=display(f)))
                continue
            sha = hashlib.sha256(data).hexdigest()
            if stamp is not None and stamp[1] < recent:
                hashes[f] = (stamp, sha)
            files.append(SourceFile(display(f), data if keep else None, sha, f, len(data)))
    files.sort(key=lambda s: s.path)
    return files, diags


def remember(hashes: dict, src: SourceFile, sha256: str) -> None:
    """Record in ``hashes`` the SHA-256 of a file ``discover(defer=True)`` left unread, as
    discovery records those it reads (not one modified in the last :data:`RECENT_NS`
    before it was found: ``discover`` then kept no stamp)."""
    if src.stamp is not None and src.file is not None:
        hashes[src.file] = (src.stamp, sha256)


def read_text(path: Path) -> str | None:
    """A small config file (site.toml, people.toml), or None when absent."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def read_ahead(files: list[SourceFile]) -> Callable[[], None]:
    """Ask the kernel to bring ``files`` (those on disk) into its cache, in order, from a
    thread of this process, without waiting for the disk (``posix_fadvise(WILLNEED)``):
    the processes that parse the files ``discover(defer=True)`` left unread then read
    them from memory, where each would wait for the disk with a core idle (50,000
    cables from a cold disk cache: discovery and parsing took 54.6 and 75.9 s without
    it, 50.8 and 49.8 s with it, 57.1 s when discovery read them).  Returns the function
    that stops the thread and waits for it (call it before forking again); where the
    call is missing (not Linux), nothing is done."""
    stop = threading.Event()
    advise = getattr(os, "posix_fadvise", None)
    paths = [f.file for f in files if f.file is not None]
    if advise is None or not paths:
        return stop.set

    def run() -> None:
        for path in paths:
            if stop.is_set():
                return
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                continue            # the parser reports it
            try:
                advise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
            except OSError:
                pass
            finally:
                os.close(fd)
    thread = threading.Thread(target=run, name="read-ahead", daemon=True)
    thread.start()

    def finish() -> None:
        stop.set()
        thread.join()
    return finish
