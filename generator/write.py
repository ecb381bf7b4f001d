"""Write: the only place that writes the site, atomically.

The new site is written to a temporary folder beside the output folder and
swapped in only when complete, so a build that fails or is interrupted
leaves the previous site as it was.  Every path is checked to stay inside
the output folder.  (``write_files`` serves the tools that write content:
``synth`` and ``import``.)
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


class UnsafePath(ValueError):
    pass


def _check(rel: str) -> None:
    """Refuse ``rel`` unless it is a plain relative path."""
    parts = rel.replace("\\", "/").split("/")
    if not rel or rel.startswith("/") or "\\" in rel or ".." in parts or ":" in parts[0]:
        raise UnsafePath(f"refusing to write outside the output folder: {rel!r}")
    if "\n" in rel:    # the site's list of files (and a record) has a path a line
        raise UnsafePath(f"refusing a file name with a line break: {rel!r}")


def _target(root: Path, rel: str) -> Path:
    """``root / rel`` when ``rel`` is a plain relative path inside ``root`` (``root`` is
    resolved and was made by us, so no symlink inside it can lead out)."""
    _check(rel)
    return root / rel


MARKER = ".cablesite-site"   # written in every site, so a rebuild knows the folder is ours


def unsafe_output(out_dir: Path, content: Path) -> str | None:
    """Why ``out_dir`` must not be replaced by a build, or None when it may."""
    out, src = out_dir.resolve(), content.resolve()
    if out == src or out in src.parents or src in out.parents:
        return (f"the output folder {out_dir} would overlap the content folder {content}; choose "
                "another --out")
    if out == Path.home().resolve() or out == Path(out.anchor):
        return f"refusing to replace {out_dir}; choose a folder for the site, such as site/"
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        return (f"{out_dir} is not empty and was not built by cablesite (it has no {MARKER} file); "
                "choose an empty folder or remove it first, so that nothing in it is lost")
    return None


@dataclass(frozen=True, slots=True)
class Staged:
    """What :meth:`SiteWriter.put` did with a file: written to the staging folder
    (``changed``), or left as the previous site has it."""
    changed: bool


CHANGED, UNCHANGED = Staged(True), Staged(False)

_CREATE = (os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
           | getattr(os, "O_BINARY", 0))


def _write_file(path: str, data: bytes) -> None:
    """``data`` as the file ``path``, with the three system calls it takes.  ``open(path,
    "wb")`` also asks the file's block size and whether it is a terminal, and wraps it in
    two objects: 57 against 37 us a file of 10 KB, and a site at 250,000 cables has 1.3
    million files."""
    fd = os.open(path, _CREATE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


JOURNAL = ".cablesite-apply"   # in the output folder while a build's changes are moved in


class SiteWriter:
    """Writes a build's changed files into a staging folder, then moves them in.

    Nothing in the output folder changes until ``commit()``: a build that fails or is
    interrupted before then (Ctrl-C, kill) leaves the previous site as it was, and the
    next build removes its staging folder.  A file whose bytes equal the previous site's
    is not written again (its modification time stays), and ``keep(rel)`` takes a file
    from the previous site without reading it.  ``commit()`` moves the staged files in
    (each replaced by an atomic rename) and removes the files the new site no longer
    has, after writing the list of those moves to a journal in the output folder; if
    that short step is interrupted, the next writer on the folder completes it first.
    The first build of a folder, or a ``reuse=False`` one, is swapped in whole.
    The site's files are listed beside it (``.site.files``), so a rebuild knows what to
    remove without walking the folder.  That list also names the build that wrote the
    site (``token``, random): the site, its list and the build's caches copied together
    (a CI cache restored) are still known as that build's, where a file's inode or time
    would have changed.
    """

    def __init__(self, out_dir: Path, reuse: bool = True):
        self.out = out_dir.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        finish(self.out)
        for old in self.out.parent.glob(f".{self.out.name}.building-*"):
            shutil.rmtree(old, ignore_errors=True)   # left by an interrupted build
        for old in self.out.parent.glob(f".{self.out.name}.old-*"):
            if old.name.endswith(REMOVER):
                if not old.with_name(old.name[:-len(REMOVER)]).exists():
                    old.unlink(missing_ok=True)            # its removal is done
            elif not _running(old.name.rsplit("-", 1)[-1]) and not _removing(old):
                remove_later(old)                           # a removal that did not finish
        self.listed, self.previous_token = previous_files(self.out) if reuse else (None, None)
        self.reuse = self.listed is not None
        self.previous: set[str] = set(self.listed or ())
        self.token = secrets.token_hex(16)     # this build's, written in the list at commit
        self.tmp = self.out.parent / f".{self.out.name}.building-{os.getpid()}"
        self.tmp.mkdir()
        self._out, self._tmp = str(self.out), str(self.tmp)
        self.made: set[str] = set()         # folders made in the staging folder
        self.paths: list[str] = []
        self.staged: list[str] = []
        self.changed = 0
        self.unchanged = 0

    def add(self, rel: str, data: "bytes | Staged", compare: bool = True) -> None:
        """Stage ``data`` as the file ``rel``, or record a file a worker process staged
        (``data`` is then what :meth:`put` told it).  ``compare=False``: the caller knows
        the previous site's file differs (see :meth:`put`)."""
        if not isinstance(data, Staged):
            data = self.put(rel, data, compare)
        self.paths.append(rel)
        if data.changed:
            self.staged.append(rel)
            self.changed += 1
        else:
            self.unchanged += 1

    def put(self, rel: str, data: bytes, compare: bool = True) -> "Staged":
        """Write ``data`` as ``rel`` in the staging folder, unless the previous site has
        those bytes there (``compare=False``: the caller knows it has not, and the
        previous file is not read).  Only the staging folder changes, not this writer's
        lists: a forked worker of the build may call it, and the building process then
        records the result with :meth:`add`.  (Paths as strings, not ``Path``s: every
        file of a large site passes here.)"""
        _check(rel)
        if compare and self.has(rel):
            try:
                same_size = os.stat(f"{self._out}/{rel}").st_size == len(data)
            except OSError:
                same_size = False
            if same_size and self.previous_bytes(rel) == data:
                return UNCHANGED
        folder = rel.rpartition("/")[0]
        if folder not in self.made:
            os.makedirs(f"{self._tmp}/{folder}", exist_ok=True)
            self.made.add(folder)
        _write_file(f"{self._tmp}/{rel}", data)
        return CHANGED

    def has(self, rel: str) -> bool:
        """Whether the previous site has a file at ``rel`` that this build may keep."""
        return self.reuse and rel in self.previous

    def previous_bytes(self, rel: str) -> bytes | None:
        """The bytes of the previous site's file at ``rel`` (None: it has none to keep)."""
        if not self.has(rel):
            return None
        try:
            with open(f"{self._out}/{rel}", "rb") as f:
                return f.read()
        except OSError:
            return None

    def keep(self, rel: str) -> bool:
        """Keep the previous site's file as it is; False when there is none to keep.  (Not
        ``_check``ed again: the previous site's paths were when they were written, or
        found inside the folder.)"""
        if not self.has(rel):
            return False
        self.paths.append(rel)
        self.unchanged += 1
        return True

    def keep_all(self, rels: list[str]) -> bool:
        """Keep all of the previous site's files ``rels``, or none when one is missing
        (then False): a set of files the last build wrote together, kept at once."""
        if not self.reuse or not all(map(self.previous.__contains__, rels)):
            return False
        self.paths += rels
        self.unchanged += len(rels)
        return True

    def apart(self) -> None:
        """In a forked process that will hand back what it adds (``record``): start its
        record empty, so that only what it adds goes back (``join``)."""
        self.paths, self.staged, self.changed, self.unchanged = [], [], 0, 0

    def record(self) -> tuple[str, str, int, int]:
        """What this writer added and kept since ``apart`` (for ``join``): the paths a line
        each, in two strings (at 250,000 cables the process apart adds or keeps 1.3
        million files: pickled one by one, their paths took 0.7 s to read back).  No path
        has a line break (``_check``; the previous site's are those of its list)."""
        return "\n".join(self.paths), "\n".join(self.staged), self.changed, self.unchanged

    def join(self, record: tuple[str, str, int, int]) -> None:
        """Take in what a forked process's writer added and kept (its ``record``): its
        files are staged already, in the one staging folder."""
        paths, staged, changed, unchanged = record
        self.paths += paths.split("\n") if paths else []
        self.staged += staged.split("\n") if staged else []
        self.changed += changed
        self.unchanged += unchanged

    def commit(self) -> int:
        current = set(self.paths)
        if self.reuse:
            # The previous site's list is sorted: what it keeps of it is too, and the two
            # sorted runs are merged, not the whole list sorted again (at 250,000 cables
            # 1.3 million paths: 1.0 s to sort, a tenth of that to merge).
            gone = self.previous - current
            paths = [p for p in self.listed if p not in gone] if gone else self.listed[:]
            paths += sorted(current - self.previous)
            paths.sort()
        else:
            paths = sorted(current)
        listing = "\n".join(paths) + "\n" if paths else ""
        digest = hashlib.sha256(listing.encode("utf-8")).hexdigest()[:32]
        (self.tmp / MARKER).write_text(f"{MARKER_TEXT}files: {digest}\n", encoding="utf-8")
        manifest = manifest_path(self.out)
        tmp = manifest.with_name(manifest.name + ".tmp")
        tmp.write_text(f"{digest} {self.token}\n{listing}", encoding="utf-8")
        if not self.reuse:
            old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
            if self.out.exists():
                self.out.rename(old)
            self.tmp.rename(self.out)
            tmp.replace(manifest)
            if old.exists():
                remove_later(old)
            return len(paths)
        journal = {"staging": self.tmp.name, "moves": self.staged + [MARKER], "removals": sorted(gone)}
        jtmp = self.out / (JOURNAL + ".tmp")
        jtmp.write_text(json.dumps(journal), encoding="utf-8")
        jtmp.replace(self.out / JOURNAL)
        finish(self.out)
        tmp.replace(manifest)
        return len(paths)

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def _running(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, OSError):
        return False
    return True


REMOVER = ".remover"    # beside a replaced site being removed: the remover's process id


def remove_later(folder: Path) -> None:
    """Remove a replaced site in a background process: the new site is in place, and
    deleting a large tree file by file takes longer than building it on some disks.
    The remover's process id is left beside the folder, so a build that starts meanwhile
    leaves it to that process (at 250,000 cables, a build right after a clean one
    removed the same 1.3 million files again, and waited for them: 258 s instead of 101
    s); if it does not finish, the next build starts another.  The remover runs at the
    lowest CPU priority: a build started meanwhile comes first."""
    mark = folder.with_name(folder.name + REMOVER)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", "import os, shutil, sys\n"
             "try:\n    os.nice(19)\nexcept (AttributeError, OSError):\n    pass\n"
             "shutil.rmtree(sys.argv[1], True)\n"
             "try:\n    os.remove(sys.argv[2])\nexcept OSError:\n    pass\n", str(folder), str(mark)],
            start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    try:
        mark.write_text(str(proc.pid), encoding="utf-8")
    except OSError:
        pass


def _removing(folder: Path) -> bool:
    """Whether a remover started by :func:`remove_later` is still removing ``folder``."""
    try:
        return _running(folder.with_name(folder.name + REMOVER).read_text(encoding="utf-8"))
    except OSError:
        return False


MARKER_TEXT = "This folder is a site built by cablesite; a rebuild replaces it.\n"


def manifest_path(out: Path) -> Path:
    """The list of the site's files, beside the site (not published with it)."""
    return out.parent / f".{out.name}.files"


def previous_files(out: Path) -> tuple[list[str] | None, str | None]:
    """The files of the site in ``out``, sorted (None: no site of ours there, or one whose marker
    is of an older cablesite: it is then rewritten whole), and the token of the build that
    wrote it (None when unknown).  Read from the list beside the site when that list is
    the one the marker names, else found by walking the folder (a site copied or moved
    without its list; its build is then unknown)."""
    try:
        text = (out / MARKER).read_text(encoding="utf-8")
    except OSError:
        return None, None
    if not text.startswith(MARKER_TEXT) or "\nfiles: " not in text:
        return None, None
    digest = text.rsplit("files: ", 1)[1].strip()
    try:
        with open(manifest_path(out), encoding="utf-8") as f:
            head = f.readline().split()
            if head and head[0] == digest:
                return f.read().splitlines(), head[1] if len(head) == 2 else None
    except OSError:
        pass
    found = set()
    for folder, dirs, files in os.walk(out):
        rel = Path(folder).relative_to(out).as_posix()
        for name in files:
            found.add(name if rel == "." else f"{rel}/{name}")
    found.discard(MARKER)
    found.discard(JOURNAL)
    return sorted(found), None


def finish(out: Path) -> None:
    """Complete the moves a journal in ``out`` lists (a commit that was interrupted)."""
    try:
        journal = json.loads((out / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    staging = out.parent / journal["staging"]
    made: set[Path] = set()
    for rel in journal["moves"]:
        src, dst = _target(staging, rel), _target(out, rel)
        if not src.exists():
            continue                     # moved before the interruption
        if dst.parent not in made:
            dst.parent.mkdir(parents=True, exist_ok=True)
            made.add(dst.parent)
        os.replace(src, dst)
    parents = set()
    for rel in journal["removals"]:
        target = _target(out, rel)
        target.unlink(missing_ok=True)
        parents.add(target.parent)
    for folder in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        while folder != out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    (out / JOURNAL).unlink()
    shutil.rmtree(staging, ignore_errors=True)


def write_files(files, out_dir: Path, progress=None, total: int | None = None) -> int:
    """Write (relative path, bytes) pairs under ``out_dir`` (used by synth and import)."""
    out_dir = out_dir.resolve()
    n = 0
    made: set[Path] = set()
    for rel, data in files:
        target = _target(out_dir, rel)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)
        n += 1
        if progress is not None:
            progress.step("write", n, total or 0, "files")
    if progress is not None:
        progress.done("write", n, "files")
    return n
