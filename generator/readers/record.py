"""What every reader hands the parser."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic


@dataclass
class RawRecord:
    """One cable as a reader found it.

    ``text`` is the cable text (routing header and body) with ``\\n`` line ends;
    ``meta`` holds what the format itself says about the cable, with keys among
    ``id, date, origin, classification, subject, tags, references``.
    """

    text: str
    path: str
    format: str
    record: int = 1
    line: int = 1
    meta: dict = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
