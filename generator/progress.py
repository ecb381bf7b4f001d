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
        self._t0 = time.monotonic()     # a stage starts when the one before it ended

    def step(self, stage: str, done: int, total: int, unit: str = "") -> None:
        """``total`` 0 means not known in advance: a count, no bar."""
        if self.quiet:
            return
        now = time.monotonic()
        if stage not in self._start:
            self._start[stage] = self._t0
            self._last = now     # the first line comes after `every` seconds, or at the end
        if self.tty:
            if now - self._last < 0.1 and done < total:
                return
            width = 30
            rate = done / max(now - self._start[stage], 1e-9)
            if total:
                filled = int(width * done / total)
                bar = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
            else:
                bar = f"{done}"
            self.stream.write(f"\r{stage:>7} {bar} {unit} ({rate:,.0f}/s)  ")
            self.stream.flush()
        elif now - self._last >= self.every or (total and done == total):
            rate = done / max(now - self._start[stage], 1e-9)
            count = f"{done}/{total}" if total else f"{done}"
            print(f"cablesite: {stage}: {count} {unit} ({rate:,.0f}/s)", file=self.stream)
        else:
            return
        self._last = now

    def done(self, stage: str, done: int | None = None, unit: str = "") -> None:
        """End of a stage: the terminal line is closed; a log gets the final count."""
        now = time.monotonic()
        start = self._start.get(stage, self._t0)
        self._t0 = now
        if self.quiet:
            return
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
        elif done is not None:
            rate = done / max(now - start, 1e-9)
            print(f"cablesite: {stage}: {done} {unit} ({rate:,.0f}/s)", file=self.stream)


class Silent(Progress):
    def __init__(self):
        super().__init__(quiet=True)
