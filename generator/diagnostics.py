"""Problems are data: a Diagnostic names where (file, record, line), what, and the fix.

The build never stops on bad input; it collects diagnostics, prints them as
``path:line: warning: message`` and, with ``--strict``, fails on any warning.
"""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, TextIO


@dataclass(frozen=True, slots=True)
class Location:
    """Where something came from: a file, the record inside it, a line of that record."""

    path: str
    line: int | None = None
    record: int | None = None

    def __str__(self) -> str:
        if self.record is None:
            return self.path + (f":{self.line}" if self.line is not None else "")
        where = f"record {self.record}" + (f", cable line {self.line}" if self.line else "")
        return f"{self.path} ({where})"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: str  # "note" (information, never fails a build), "warning" or "error"
    message: str
    kind: str = "parse"
    path: str | None = None
    line: int | None = None
    record: int | None = None

    @property
    def location(self) -> Location:
        return Location(self.path or "?", self.line, self.record)

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


def warning(message: str, kind: str = "parse", line: int | None = None,
            path: str | None = None, record: int | None = None) -> Diagnostic:
    return Diagnostic("warning", message, kind, path, line, record)


def note(message: str, kind: str = "note", line: int | None = None,
         path: str | None = None, record: int | None = None) -> Diagnostic:
    return Diagnostic("note", message, kind, path, line, record)


def error(message: str, kind: str = "input", line: int | None = None,
          path: str | None = None, record: int | None = None) -> Diagnostic:
    return Diagnostic("error", message, kind, path, line, record)


class Report:
    """Collects diagnostics from every stage; counts them by kind for the summary."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False):
        self.items: list[Diagnostic] = []
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet

    def add(self, diags: Iterable[Diagnostic]) -> None:
        for d in diags:
            self.items.append(d)
            if not self.quiet:
                print(d, file=self.stream)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.items if d.severity == "warning")

    @property
    def errors(self) -> int:
        return sum(1 for d in self.items if d.severity == "error")

    def by_kind(self, severity: str | None = None) -> Counter:
        return Counter(d.kind for d in self.items if severity is None or d.severity == severity)

    def failed(self, strict: bool) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)
