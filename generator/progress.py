"""Progress of a long build: a bar on a terminal, plain periodic lines in CI logs."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``step(stage, done, total)`` as work advances; ``done(stage)`` at the end of a stage."""

    def __init__(self, stream: TextIO | None = None, every: float = 10.0, quiet: bool = False):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.every = every
        self.quiet = quiet
        self._last = 0.0
        self._start: dict[str, float] = {}

    def step(self, stage: str, done: int, total: int, unit: str = "") -> None:
        if self.quiet:
            return
        now = time.monotonic()
        if stage not in self._start:
            self._start[stage] = now
            self._last = now     # the first line comes after `every` seconds, or at the end
        if self.tty:
            if now - self._last < 0.1 and done < total:
                return
            width = 30
            filled = int(width * done / total) if total else width
            rate = done / max(now - self._start[stage], 1e-9)
            self.stream.write(f"\r{stage:>7} [{'#' * filled}{'.' * (width - filled)}] "
                              f"{done}/{total} {unit} ({rate:,.0f}/s)  ")
            self.stream.flush()
        elif now - self._last >= self.every or done == total:
            rate = done / max(now - self._start[stage], 1e-9)
            print(f"cablesite: {stage}: {done}/{total} {unit} ({rate:,.0f}/s)", file=self.stream)
        self._last = now

    def done(self, stage: str) -> None:
        if self.tty and not self.quiet:
            self.stream.write("\n")
            self.stream.flush()
        self._last = 0.0


class Silent(Progress):
    def __init__(self):
        super().__init__(quiet=True)
