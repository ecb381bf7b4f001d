"""Nothing lost: every non-empty line of a cable is accounted for.

A line is accounted for when a rule took it (header fields, routing, page
breaks, signer, footer, decoration) or, for body lines, when its words appear
in the paragraphs, or when it is kept verbatim in ``header``/``footer``.
"""
from __future__ import annotations

import re

from generator.cables.rules.paragraph_start import MARKING, PARAGRAPH

_MD = re.compile(r"^\s*#{1,6}\s+")
_TRAIL = re.compile(r"\s+-{5,}\s*$")


def fold(s: str) -> str:
    return " ".join(s.split())


def lost_lines(cable, state) -> list[str]:
    body = fold(" ".join(p.text for p in cable.paragraphs))
    header = {fold(h) for h in cable.header}
    footer = {fold(f) for f in cable.footer}
    lost = []
    for i, line in enumerate(state.lines):
        if not line.strip():
            continue
        used = state.used[i]
        if used is None:
            lost.append(f"line {state.lineno(i)} taken by no rule: {line!r}")
        elif used == "header" and fold(line) not in header:
            lost.append(f"line {state.lineno(i)} not in the kept header: {line!r}")
        elif used == "footer" and fold(line) not in footer:
            lost.append(f"line {state.lineno(i)} not in the footer: {line!r}")
        elif used == "paragraph":
            rest = line
            m = PARAGRAPH.match(rest)
            if m:
                rest = m.group(3)
            mk = MARKING.match(rest)
            if mk and not m:
                rest = rest[mk.end():]
            rest = fold(_TRAIL.sub("", _MD.sub("", rest)))
            if rest and rest not in body:
                lost.append(f"line {state.lineno(i)} not in any paragraph: {line!r}")
    return lost
