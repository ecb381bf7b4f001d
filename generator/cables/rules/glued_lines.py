"""Repair: header lines glued together where a scrape lost the line ends.

``E.O. 12958: DECL: 01/11/2020 TAGS: ECON PREL`` or
``Cable dated:2010-01-21T11:33:00C O N F I D E N T I A L SECTION 01 OF 03
BERLIN 000081SIPDISE.O. 12958...`` are split before each header keyword, so
that every header rule sees its own line.  Only lines before the first
numbered paragraph are touched; line numbers still point at the source line.
"""
from __future__ import annotations

import re

from ..state import State
from .paragraph_start import is_paragraph_start

NAME = "glued_lines"
_KEYWORDS = (r"(?:TAGS|SUBJECT|SUBJ|REFS?)\s*:|TAGS\s+(?=[A-Z]{2,6}[\s,])|E\.\s?O\.\s*1\d{4}|(?<![A-Za-z])Classified [Bb]y\b|(?<![A-Za-z])CLASSIFIED BY\b|"
             r"C O N F I D E N T I A L|S E C R E T|U N C L A S|SIPDIS")
_SPLIT = re.compile(r"(?<=\S)\s*(?=" + _KEYWORDS + r")|(?<=SIPDIS)(?=\S)|(?<=\d\d:\d\d:\d\d)(?=[A-Z])")
_ANY = re.compile(_KEYWORDS)


def apply(state: State) -> None:
    i = 0
    while i < len(state.lines):
        line = state.lines[i]
        if is_paragraph_start(line):
            return
        if len(line) > 12 and _ANY.search(line, 1):
            parts = [p for p in _SPLIT.split(line) if p.strip()]
            if len(parts) > 1:
                state.split_line(i, parts)
                i += len(parts)
                continue
        i += 1
