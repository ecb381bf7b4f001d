"""Repair: page-break and continuation lines inserted where a long cable was split.

``PARIS 00003198 002 OF 002``, ``PARIS 00002827 002.3 OF 003``,
``PAGE 02        ZAGREB  01155  01 OF 02  221808Z`` and the classification
line repeated at the top and bottom of each printed page.
"""
from __future__ import annotations

import re

from ..state import State

NAME = "page_break"
_CONT = re.compile(r"^\s*[A-Z][A-Z .'/-]*?\s+\d{5,8}\s+\d{3}(?:\.\d+)?\s+OF\s+\d{3}\s*$")
_PAGE = re.compile(r"^\s*PAGE\s+\d{2,3}\s+[A-Z][A-Z .'/-]*?\s+\d{2,7}(?:\s+\d{1,2}\s+OF\s+\d{1,2})?"
                   r"(?:\s+\d{6}Z?)?\s*$")
LONE_CLASSIFICATION = re.compile(
    r"^\s*(UNCLASSIFIED|UNCLAS|CONFIDENTIAL|SECRET|TOP SECRET|LIMITED OFFICIAL USE)\s*$")


def is_break(line: str) -> bool:
    return bool(_CONT.match(line) or _PAGE.match(line))


def apply(state: State) -> None:
    lines = state.lines
    seen_text = False
    for i, line in enumerate(lines):
        if "OF" in line or "PAGE" in line:
            if is_break(line):
                state.take(i, NAME)
                continue
        if seen_text and LONE_CLASSIFICATION.match(line):
            # repeated at each page's top and bottom; the first one is the banner's business
            state.take(i, NAME)
            state.fields.setdefault("_lone_classification", LONE_CLASSIFICATION.match(line).group(1))
            continue
        if line.strip():
            seen_text = True
