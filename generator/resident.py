"""What a process that builds again and again (``cablesite serve``) keeps from one build
for the next, so that a rebuild does not find and read it again: the discovery of the
cables folder, brought up to date from the paths the watcher says changed
(``discover.Discovery``), the files' hashes, and each cached file's summaries (by the
file's key in the parse cache: the same key, the same file parsed by the same code).

A ``cablesite build`` finds all of it again from the disk; at 250,000 cables that was
1.5 s to discover, 0.15 s to read the hashes and 2.6-6.3 s to read the summaries of a
rebuild that adds a cable.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .discover import Discovery
from .kept import FileHashes


@dataclass
class Resident:
    # the paths changed since the last build, as the watcher names them; None when not
    # known (the first build, a watcher just started): everything is found again
    changed: set[str] | None = None
    discovery: Discovery | None = None
    hashes: FileHashes | None = None
    summaries: dict = field(default_factory=dict)     # file key -> (summaries, problems)
    where: tuple[Path, Path] | None = None      # (cables folder, cache folder) kept for

    def fits(self, cables: Path, cache_dir: Path | None, clean: bool) -> bool:
        """Whether what is kept is of this build's folders (else it is let go)."""
        here = (cables, cache_dir) if cache_dir is not None and not clean else None
        if here != self.where:
            self.discovery, self.hashes, self.where = None, None, here
            self.summaries.clear()
        return here is not None

    def forget(self) -> None:
        """Let everything go (a build that failed half-way: found again next time)."""
        self.changed = self.discovery = self.hashes = self.where = None
        self.summaries.clear()
