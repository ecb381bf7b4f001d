"""Header rule: ``TAGS: PREL PGOV`` (also ``TAGS PGOV, PHUM`` and continued lines).

Codes are kept in their order, duplicates dropped.  Words that are not codes
(``War Crimes``, names in parentheses) stay in the kept header line only.
"""
from __future__ import annotations

import re

from ..state import State

NAME = "tags"
_TAGS = re.compile(r"^\s*TAGS?\s*[:;]?\s+(.*)$")
_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")
_ONLY_CODES = re.compile(r"^\s*([A-Z][A-Z0-9]{1,7}[\s,;]*)+$")
_STOP = re.compile(r"^\s*(SUBJ|REF|E\.?\s?O|CLASSIFIED|SIPDIS|NOFORN|BT)\b", re.I)


def codes(text: str) -> list[str]:
    text = re.sub(r"\([^)]*\)?", " ", text)
    out: list[str] = []
    for tok in re.split(r"[\s,;]+", text):
        tok = tok.strip(".")
        if _CODE.match(tok) and tok not in out:
            out.append(tok)
    return out


def match(state: State, i: int) -> int:
    m = _TAGS.match(state.lines[i])
    if not m:
        return 0
    found = codes(m.group(1))
    n = 1
    while i + n < len(state.lines):
        nxt = state.lines[i + n]
        if not _ONLY_CODES.match(nxt) or _STOP.match(nxt) or len(nxt.split()) > 8:
            break
        found += [c for c in codes(nxt) if c not in found]
        n += 1
    state.set("tags", tuple(found), i)
    return n
