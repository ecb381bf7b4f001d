"""Header artefact: what a publishing site put before the cable.

- ``This record is a partial extract of the original cable...`` (sets ``partial``);
- cablegatesearch's block ``Identifier / Created / Classification / Origin``
  followed by their values, ``Cable title:``, ``Tags:``, ``pdf how-to read a cable``;
- the 2011 WikiLeaks row dump (row number, date, id, origin, classification);
- the newspaper date line ``Wednesday, 19 November 2008, 06:43``.
Values found here fill ``meta`` where the reader gave none.
"""
from __future__ import annotations

import re

from ..state import State

NAME = "preamble"
_PARTIAL = re.compile(r"partial extract of the original cable", re.I)
_WEEKDAY = re.compile(r"^\s*(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{1,2} "
                      r"[A-Z][a-z]+ \d{4}(, \d{1,2}:\d{2})?\s*$")
_DATETIME = re.compile(r"^\s*\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?\s*$")
_ROWNUM = re.compile(r"^\s*\d{1,6}\s*$")
_IDLINE = re.compile(r"^\s*\d{2}[A-Z][A-Z0-9]*\d+(\|\d{2}[A-Z][A-Z0-9]*\d+)*\s*$")
_CLASSLINE = re.compile(r"^\s*(UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)(//[A-Z ]+)?\s*$")
_LABELS = ("Identifier", "Created", "Classification", "Origin")


def apply(state: State) -> None:
    lines, meta = state.lines, state.meta
    n = len(lines)
    i = _skip_blank(lines, 0)
    # cablegatesearch block
    if i + 8 <= n and [lines[i + k].strip() for k in range(4)] == list(_LABELS):
        for k in range(8):
            state.take(i + k, NAME)
        values = [lines[i + 4 + k].strip() for k in range(4)]
        for key, value in zip(("id", "date", "classification", "origin"), values):
            meta.setdefault(key, value)
        i += 8
        while i < n and not lines[i].lstrip().startswith(("VZCZC", "C O N", "S E C", "UNCLAS")):
            s = " ".join(lines[i].split())
            if s.startswith("Cable title:"):
                title = s[len("Cable title:"):].strip()
                state.take(i, NAME)
                j = _skip_blank(lines, i + 1)
                if not title and j < n and not lines[j].startswith("Tags:"):
                    title, i = lines[j].strip(), j
                    state.take(j, NAME)
                meta.setdefault("subject", title)
            elif s.startswith("Tags:"):
                meta.setdefault("tags", s[5:].split())
                state.take(i, NAME)
            elif s in ("pdf how-to read a cable", "") or s.lower().startswith("pdf "):
                state.take(i, NAME)
            else:
                break
            i += 1
    # 2011 row dump: row number, date, id, origin, classification, references
    j = _skip_blank(lines, 0)
    if (j + 4 < n and _ROWNUM.match(lines[j]) and _DATETIME.match(lines[j + 1])
            and _IDLINE.match(lines[j + 2]) and _CLASSLINE.match(lines[j + 4])):
        for k in range(5):
            state.take(j + k, NAME)
        meta.setdefault("date", lines[j + 1].strip())
        meta.setdefault("id", lines[j + 2].strip())
        meta.setdefault("origin", lines[j + 3].strip())
        meta.setdefault("classification", lines[j + 4].strip())
        k = j + 5
        while k < n and _IDLINE.match(lines[k]):
            state.take(k, NAME)
            k += 1
    # partial-extract notice and newspaper date line, near the top
    for k in range(min(n, 12)):
        s = lines[k]
        if _PARTIAL.search(s) and state.used[k] is None:
            state.take(k, NAME)
            state.fields["partial"] = True
        elif _WEEKDAY.match(s) and state.used[k] is None:
            state.take(k, NAME)
            meta.setdefault("date", s.strip())


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i
