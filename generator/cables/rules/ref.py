"""Header rule: ``REF:`` / ``REFS:`` and their items.

``REF: A. LA PAZ 00691 B. LA PAZ 00600``, ``REF: (A) STATE 54617 (NOTAL); (B)
STATE 73420``, ``REF: STATE -097844``, items on the next lines (``¶B. LA PAZ
00600`` on WikiLeaks pages).  Each item becomes ``{label, text, id}``; the ID
is resolved in :mod:`.identity`, once the cable's own year is known.
"""
from __future__ import annotations

import re

from ..state import State
from .paragraph_start import is_paragraph_start

NAME = "ref"
_REF = re.compile(r"^\s*(?:REFS?|REFTELS?|REFERENCES?|Refs?|Reftels?)\b\s*[:.]?\s*(.*)$")
_ITEM_LINE = re.compile(r"^\s*(?:¶\s*)?\(?[A-Z]\s*[.)]\s+\S|^\s*\([A-Z]\)\s*\S")
_STOP = re.compile(r"^\s*(?:CLASSIFIED|Classified|E\.?\s?O\.?\s*\d|TAGS|SUBJ|SIPDIS|NOFORN|"
                   r"SUMMARY|Summary|-{3,}|\(U\) Classified|BT\b)")
_LABEL = re.compile(r"(?:(?<=^)|(?<=[\s;,]))(?:¶\s*)?(?:\(([A-Z])\)|([A-Z])[.)])(?=\s|$)")


def match(state: State, i: int) -> int:
    m = _REF.match(state.lines[i])
    if not m:
        return 0
    parts = [m.group(1)]
    n = 1
    lines = state.lines
    while i + n < len(lines):
        nxt = lines[i + n]
        if not nxt.strip():
            # one blank line may sit between items
            if i + n + 1 < len(lines) and _continues(lines[i + n + 1]):
                n += 1
                continue
            break
        if not _continues(nxt) and not (nxt.startswith((" ", "\t")) and len(nxt.strip()) < 60
                                        and not is_paragraph_start(nxt)):
            break
        parts.append(nxt.strip())
        n += 1
    text = " ".join(" ".join(parts).split())
    items = split_items(text)
    if items:
        state.fields.setdefault("ref_items", []).extend((label, t, i + 1) for label, t in items)
    return n


def _continues(line: str) -> bool:
    return bool(_ITEM_LINE.match(line)) and not _STOP.match(line) and not is_paragraph_start(line)


def split_items(text: str) -> list[tuple[str | None, str]]:
    marks = list(_LABEL.finditer(text))
    # keep only labels in sequence A, B, C ... (so "U.S." or an initial is not a label)
    seq, expected = [], "A"
    for mk in marks:
        letter = mk.group(1) or mk.group(2)
        if letter == expected:
            seq.append(mk)
            expected = chr(ord(expected) + 1)
    if not seq:
        pieces = [p.strip(" ;,") for p in re.split(r";", text)]
        return [(None, p) for p in pieces if p]
    items = []
    lead = text[:seq[0].start()].strip(" ;,:")
    if lead:
        items.append((None, lead))
    for k, mk in enumerate(seq):
        end = seq[k + 1].start() if k + 1 < len(seq) else len(text)
        body = text[mk.end():end].strip(" ;,")
        items.append((mk.group(1) or mk.group(2), body))
    return items
