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
from typing import Callable, Iterable, Sequence

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


def display_path(f: str, base: Path | None) -> str:
    """The file ``f`` named as ``discover(..., base=base)`` names it (``SourceFile.path``)."""
    return _displays(base)(f)


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
             keep: bool = True, hashes: dict | None = None, defer: bool = False,
             found: dict | None = None) -> tuple[list[SourceFile], list[Diagnostic]]:
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
    for the disk).

    ``found``: filled with what was found of each file on disk (see :class:`Discovery`)."""
    files: list[SourceFile] = []
    diags: list[Diagnostic] = []
    known = {}
    if hashes is not None and not keep:
        known = dict(hashes)
        hashes.clear()
    find = _finder(base, skip, keep, known, hashes, defer)
    for p in map(Path, paths):
        if not p.exists():
            diags.append(error(f"no such file or folder: {p}", kind="input", path=str(p)))
            continue
        folder = p.is_dir()
        for f in _walk(str(p)):
            src, said = find(f, folder)
            if found is not None:
                found[f] = (src, said)
            if src is not None:
                files.append(src)
            diags += said
    files.sort(key=lambda s: s.path)
    return files, diags


def _finder(base: Path | None, skip: set[str], keep: bool, known: dict, hashes: dict | None,
            defer: bool) -> Callable[[str, bool], tuple[SourceFile | None, Sequence[Diagnostic]]]:
    """What ``discover`` finds of one file on disk (in a ``folder`` it was asked for, or
    named itself): its :class:`SourceFile` (None when skipped or unreadable) and what is
    said of it (mostly nothing: one empty tuple).  ``known``: the hashes of an earlier discovery; ``hashes``: where this
    one's go (see ``discover``)."""
    reuse = hashes is not None and not keep
    defer = defer and not keep
    recent = time.time_ns() - RECENT_NS
    display = _displays(base)
    skipped = tuple(skip)

    def find(f: str, folder: bool) -> tuple[SourceFile | None, Sequence[Diagnostic]]:
        if folder and f.lower().endswith(skipped):   # a file named explicitly is read
            return None, [warning(f"skipped: {os.path.splitext(f)[1]} files are notes, not "
                                  "cables; move it out of the cables folder to silence this",
                                  kind="skipped", path=display(f))]
        try:
            stamp = None
            if reuse or defer:
                st = os.stat(f)      # before reading: a change meanwhile shows next time
                stamp = (st.st_size, st.st_mtime_ns, st.st_ino)
                hit = known.get(f)
                if hit is not None and hit[0] == stamp:
                    hashes[f] = hit
                    return SourceFile(display(f), None, hit[1], f, st.st_size), ()
                if defer:      # the stamp kept only if it may be trusted next time
                    return SourceFile(display(f), None, None, f, st.st_size,
                                      stamp if stamp[1] < recent else None), ()
            data = _read(f)
        except OSError as exc:
            return None, [error(f"cannot read file ({exc.strerror})", kind="input",
                                path=display(f))]
        sha = hashlib.sha256(data).hexdigest()
        if stamp is not None and stamp[1] < recent and hashes is not None:
            hashes[f] = (stamp, sha)
        return SourceFile(display(f), data if keep else None, sha, f, len(data)), ()
    return find


class Discovery:
    """A discovery of one folder kept by a process that builds again (``serve``), brought
    up to date from the paths its watcher says changed (:meth:`update`) instead of
    walking and stat()ing every file again (at 250,000 cables, 1.3-1.5 s of a rebuild).
    Only for files hashed, not held (``keep=False``), and not deferred: each file kept
    has its SHA-256.  ``hashes``: as ``discover``'s, kept up to date for the files
    found again."""

    def __init__(self, root: Path, base: Path | None, skip: set[str], hashes: dict | None) -> None:
        self.root, self.base, self.skip, self.hashes = str(root), base, skip, hashes
        self.real = os.path.realpath(root)    # how the watcher names what is below it
        self.found: dict[str, tuple[SourceFile | None, Sequence[Diagnostic]]] = {}

    def full(self) -> tuple[list[SourceFile], list[Diagnostic]]:
        """Every file again (``discover``)."""
        self.found = {}
        return discover([self.root], self.base, self.skip, keep=False, hashes=self.hashes,
                        found=self.found)

    def update(self, changed: set[str]) -> tuple[list[SourceFile], list[Diagnostic]]:
        """The files, with those at or below each of the ``changed`` paths (absolute, as
        the watcher gives them; others are ignored) found again: what ``full`` would find
        if the watcher missed nothing.  A changed path not known as a file (a new file,
        or a folder: new, gone, or replaced by a file) costs a pass over the files kept,
        for those below it; past :data:`NEW_PATHS` of them, all are found again."""
        if not os.path.isdir(self.root):
            return self.full()
        files, _ = named_below(self.root, self.real, changed)
        if sum(f not in self.found for f in files) > NEW_PATHS:
            return self.full()
        # (a file changed or gone leaves the hashes first: found again, it is read)
        find = _finder(self.base, self.skip, False, self.hashes or {}, self.hashes, False)
        for f in sorted(files):
            gone = [f] if f in self.found else \
                [k for k in self.found if k.startswith(f + os.sep)]
            for k in gone:
                del self.found[k]
                if self.hashes is not None:
                    self.hashes.pop(k, None)
            if os.path.lexists(f) and not (os.path.islink(f) and os.path.isdir(f)):
                for g in _walk(f):
                    self.found[g] = find(g, True)
        srcs = sorted((src for src, _ in self.found.values() if src is not None),
                      key=lambda s: s.path)
        return srcs, [d for f in sorted(f for f, (_, said) in self.found.items() if said)
                      for d in self.found[f][1]]


def named_below(root: str, real: str, changed: Iterable[str]) -> tuple[list[str], int]:
    """Of the ``changed`` paths (absolute, as a watcher names them, the folder ``root``
    being ``real`` to it), those at or below ``root`` and not hidden (as ``_walk``
    leaves them out), named as a walk of ``root`` names them; and how many were not
    below it."""
    files, outside = [], 0
    for path in changed:
        if path != real and not path.startswith(real + os.sep):
            outside += 1
            continue
        rel = path[len(real) + 1:]
        if not any(part.startswith(".") for part in rel.split(os.sep)):
            files.append(os.path.join(root, rel) if rel else root)
    return files, outside


NEW_PATHS = 20     # paths not known as files past which ``Discovery.update`` finds all again


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
