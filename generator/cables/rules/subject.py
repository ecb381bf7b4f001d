"""Header rule: ``SUBJECT:`` / ``SUBJ:``, joined when it wraps onto the next lines."""
from __future__ import annotations

import re

from ..state import State
from .paragraph_start import is_paragraph_start

NAME = "subject"
_MARK = re.compile(r"^\((?:U|C|S|SBU|S/NF|C/NF|LOU|TS)\)\s*")
_SUBJECT = re.compile(r"^\s*(?:SUBJECT|SUBJ|Subject)\s*:\s*(.*)$")
_STOP = re.compile(r"^\s*(?:(?:REF|REFS|Ref|Refs|REFTEL|E\.?\s?O|CLASSIFIED|Classified|SUMMARY|Summary|TAGS|"
                   r"SIPDIS|NOFORN|BT|PAGE)\b|\(U\)|\(C\)|\(S\)|\(SBU\)|1\.|¶|---)")


def match(state: State, i: int) -> int:
    m = _SUBJECT.match(state.lines[i])
    if not m:
        return 0
    parts = [m.group(1).strip()]
    upper = parts[0].isupper() or not parts[0]
    n = 1
    while i + n < len(state.lines) and n <= 3:
        nxt = state.lines[i + n]
        s = nxt.strip()
        if (not s or _STOP.match(nxt) or is_paragraph_start(nxt) or state.used[i + n]
                or (upper and any(ch.islower() for ch in s)) or len(s) > 90 or s.endswith(".")
                and len(s.split()) > 8):
            break
        if not parts[0]:   # "SUBJECT:" alone, the subject on the next line
            parts[0] = s
        else:
            parts.append(s)
        n += 1
    subject = _MARK.sub("", " ".join(" ".join(parts).split()))
    state.set("subject", subject, i)
    return n
