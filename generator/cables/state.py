"""The shared state the parser's rules work on (markdown-it's StateBlock, for cables).

Lines keep their index, so every field and paragraph knows its source line.
``used[i]`` names the rule that took line ``i``; a line no rule takes stays
``None`` and ends up in the kept header or in a paragraph: nothing is lost.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, note, warning


@dataclass
class State:
    raw: list[str]                      # the lines as read
    lines: list[str]                    # the lines after scrape repairs (same count)
    meta: dict                          # what the reader's format says
    used: list[str | None] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    body_start: int = 0                 # first line of the body
    body_end: int = 0                   # first line after the body (footer, signer)
    warnings: list[Diagnostic] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)  # raw line index of each working line

    def __post_init__(self) -> None:
        if not self.used:
            self.used = [None] * len(self.lines)
        if not self.origin:
            self.origin = list(range(len(self.lines)))
        self.body_end = len(self.lines)

    def split_line(self, i: int, parts: list[str]) -> None:
        """Replace working line ``i`` by several (a repair of glued lines)."""
        self.lines[i:i + 1] = parts
        self.used[i:i + 1] = [None] * len(parts)
        self.origin[i:i + 1] = [self.origin[i]] * len(parts)
        self.body_end = len(self.lines)

    def lineno(self, i: int) -> int:
        """1-based line of the record text that working line ``i`` comes from."""
        return self.origin[i] + 1 if 0 <= i < len(self.origin) else i + 1

    def take(self, i: int, rule: str) -> None:
        self.used[i] = rule

    def note(self, message: str, line_index: int | None = None, kind: str = "parse") -> None:
        """Information, not a problem: printed, never fails a strict build."""
        self.warnings.append(note(message, kind=kind,
                                  line=None if line_index is None else self.lineno(line_index)))

    def warn(self, message: str, line_index: int | None = None, kind: str = "parse") -> None:
        self.warnings.append(warning(message, kind=kind,
                                     line=None if line_index is None else self.lineno(line_index)))

    def set(self, name: str, value, line_index: int | None = None) -> bool:
        """Set a field once; later duplicates (a header printed twice) are ignored."""
        if value in (None, "", (), []) or self.fields.get(name) not in (None, "", (), []):
            return False
        self.fields[name] = value
        if line_index is not None:
            self.fields.setdefault("_lines", {})[name] = self.lineno(line_index)
        return True
