"""Header rule: the Executive Order line.

``E.O. 12958: DECL: 07/25/2017`` (order and declassify-on date),
``EO 12958 DECL: 08/15/2017``, ``E.O. 12356:  DECL:  OADR``, ``E.O. 11652: GDS``,
``E.O. 12958: N/A``.
"""
from __future__ import annotations

import re

from ..dates import decl_date
from ..state import State

NAME = "eo"
_EO = re.compile(r"^\s*E\.?\s?O\.?\s*(\d{5})\s*:?\s*(.*)$")
_DECL_ONLY = re.compile(r"^\s*DECL(?:ASSIFY ON)?\s*:\s*(.*)$")


def match(state: State, i: int) -> int:
    line = state.lines[i]
    m = _EO.match(line)
    if m:
        state.set("executive_order", f"E.O. {m.group(1)}", i)
        rest = m.group(2).strip()
    else:
        m = _DECL_ONLY.match(line)
        if not m:
            return 0
        rest = m.group(1)
    n = 1
    # "DECL: 07/25/2017" may be wrapped onto the next line
    if rest.upper().rstrip(":").endswith("DECL") and i + 1 < len(state.lines):
        rest += " " + state.lines[i + 1].strip()
        n = 2
    state.set("decl_text", rest, i)
    iso = decl_date(rest)
    if iso:
        state.set("declassify_on", iso, i)
    return n
