"""Header rule: captions and handling lines.

``SIPDIS``, ``NOFORN``, ``EXDIS``, ``SENSITIVE``, ``SENSITIVE BUT UNCLASSIFIED``
(caveats), ``C O R R E C T E D C O P Y (CHANGED SUBJECT)`` (sets ``corrected``),
passing instructions such as ``STATE FOR INR/B`` or ``DEPT PASS USTR``, and the
1970s declassification stamp ``Declassified/Released US Department of State EO
Systematic Review 05 JUL 2006`` (kept in the header).
"""
from __future__ import annotations

import re

from ..state import State

NAME = "captions"
_CAVEAT = re.compile(r"^\s*(SIPDIS|NOFORN|NODIS|EXDIS|LIMDIS|STADIS|CHEROKEE|SPECAT|"
                     r"SENSITIVE BUT UNCLASSIFIED|SENSITIVE|FOR OFFICIAL USE ONLY|"
                     r"NOT FOR INTERNET DISTRIBUTION|HANDLE AS SBU)\b[\s.,]*"
                     r"((?:SIPDIS|NOFORN|NODIS|EXDIS|LIMDIS|SENSITIVE)\b[\s.,]*)*$")
_CORRECTED = re.compile(r"^\s*(C O R R E C T E D\s+C O P Y|CORRECTED COPY)\b(.*)$", re.I)
_PASSING = re.compile(r"^\s*(?:[A-Z][A-Z/ ]{1,30}?\s+)?(?:ALSO\s+)?(FOR|PASS(?: TO)?)\s+\S")
_STAMP = re.compile(r"^\s*Declassified/Released US Department of State", re.I)
_STAMP2 = re.compile(r"^\s*Systematic Review \d", re.I)


def match(state: State, i: int) -> int:
    line = state.lines[i]
    m = _CAVEAT.match(line)
    if m:
        caveats = state.fields.setdefault("caveats", [])
        for word in re.findall(r"SENSITIVE BUT UNCLASSIFIED|[A-Z]+(?: [A-Z]+)*", line.strip()):
            for c in ([word] if word in ("SENSITIVE BUT UNCLASSIFIED", "FOR OFFICIAL USE ONLY")
                      else word.split()):
                c = c.strip(" .,")
                if c and c not in caveats and c.isalpha() and len(c) > 3:
                    caveats.append(c)
        return 1
    m = _CORRECTED.match(line)
    if m:
        state.fields["corrected"] = True
        note = m.group(2).strip(" ()")
        if note:
            state.set("correction", note.lower(), i)
        return 1
    if _STAMP.match(line):
        n = 2 if i + 1 < len(state.lines) and _STAMP2.match(state.lines[i + 1]) else 1
        return n
    if line.isupper() and len(line) < 120 and _PASSING.match(line) and not line.rstrip().endswith("."):
        return -1  # recognised, but kept in the header as written
    return 0
