"""Plain text files: raw telegrams, markdown-ish scrapes, cablegatesearch
text, PDF-converted text.  The whole file is one cable; all its repairs are
parser rules, so the raw view shows the file as it is."""
from __future__ import annotations

from .record import RawRecord

FORMAT = "text"


def read(text: str, path: str) -> list[RawRecord]:
    return [RawRecord(text=text, path=path, format=FORMAT)]
