"""Write: the only place that writes the site, atomically.

The new site is written to a temporary folder beside the output folder and
swapped in only when complete, so a build that fails or is interrupted
leaves the previous site as it was.  Every path is checked to stay inside
the output folder.  (``write_files`` serves the tools that write content:
``synth`` and ``import``.)
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path


class UnsafePath(ValueError):
    pass


def _target(root: Path, rel: str) -> Path:
    """``root / rel`` when ``rel`` is a plain relative path inside ``root`` (``root`` is
    resolved and was made by us, so no symlink inside it can lead out)."""
    parts = rel.replace("\\", "/").split("/")
    if not rel or rel.startswith("/") or "\\" in rel or ".." in parts or ":" in parts[0]:
        raise UnsafePath(f"refusing to write outside the output folder: {rel!r}")
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


class SiteWriter:
    """Writes a new site beside the old one as pages come, then swaps it in.

    A file whose bytes are the same as in the previous site is hard-linked from it,
    not written again (its modification time stays); files the new site does not
    have are gone with the old folder.  ``abort()`` leaves the previous site as it was.
    """

    def __init__(self, out_dir: Path, reuse: bool = True):
        self.reuse = reuse
        self.out = out_dir.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.out.parent / f".{self.out.name}.building-{os.getpid()}"
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        self.tmp.mkdir()
        self.made: set[Path] = set()
        self.paths: list[str] = []
        self.changed = 0
        self.unchanged = 0

    def add(self, rel: str, data: bytes) -> None:
        target = _target(self.tmp, rel)
        if target.parent not in self.made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(target.parent)
        old = self.out / rel
        try:
            if self.reuse and old.stat().st_size == len(data) and old.read_bytes() == data:
                os.link(old, target)
                self.unchanged += 1
                self.paths.append(rel)
                return
        except OSError:
            pass
        target.write_bytes(data)
        self.changed += 1
        self.paths.append(rel)

    def commit(self) -> int:
        (self.tmp / MARKER).write_text("This folder is a site built by cablesite; a rebuild replaces it.\n")
        old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
        if self.out.exists():
            self.out.rename(old)
        self.tmp.rename(self.out)
        if old.exists():
            shutil.rmtree(old)
        return len(self.paths)

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


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
