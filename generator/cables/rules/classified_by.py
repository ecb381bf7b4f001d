"""Header rule: ``Classified By: POLITICAL MINISTER-COUNSELOR JOSIAH ROSENBLATT FOR
REASON 1.4 (B) AND (D)`` -> ``{name, title, reasons}``.

Wrapped lines are joined (``FOR REAS`` / ``ONS 1.4 B/D`` becomes ``FOR REASONS``).
"""
from __future__ import annotations

import re

from ...names import split_title
from ...model import ClassifiedBy
from ..state import State
from .paragraph_start import is_paragraph_start

NAME = "classified_by"
_CB = re.compile(r"^\s*(?:\(U\)\s*)?CLASSIFIED\s+BY\s*:?\s*(.*)$", re.I)
_SPLIT = re.compile(r"[\s,;.]+(?:FOR\s+REASONS?|FOR\s+REASON|REASONS?|FOR|PER)\b[\s:]*|"
                    r"[\s,;.]+(?=E\.?O\.?\s*\d)|[\s,;.]+(?=1\.[45]\b)", re.I)
_REASON = re.compile(r"\b(1\.[45])\s*\(?\s*([A-Ha-h](?:\s*\)?\s*(?:,|/|&|AND|and|\+)?\s*\(?\s*"
                     r"[A-Ha-h](?![a-z]))*)\s*\)?")
_NEXT_FIELD = re.compile(r"^\s*(?:TAGS|SUBJECT|SUBJ|REFS?|REFTEL)\b\s*:?|^\s*E\.?\s?O\.?\s*1\d{4}|"
                         r"^\s*(?:SIPDIS|NOFORN|SUMMARY)\b|^\s*-{3,}")
_WORD_JOIN = {"REASONS", "REASON", "Reasons", "reasons", "reason"}


def match(state: State, i: int) -> int:
    m = _CB.match(state.lines[i])
    if not m:
        return 0
    text = m.group(1).strip()
    n = 1
    lines = state.lines
    while i + n < len(lines) and not _REASON.search(text):
        nxt = lines[i + n]
        if not nxt.strip():
            j = i + n + 1
            if (j < len(lines) and lines[j].strip() and not is_paragraph_start(lines[j])
                    and len(lines[j].strip()) < 40 and not text.endswith(".")):
                n += 1
                continue
            break
        if is_paragraph_start(nxt) or nxt.lstrip().startswith("¶") or _NEXT_FIELD.match(nxt):
            break
        text = _join(text, nxt.strip())
        n += 1
    state.set("classified_by", parse(text), i)
    return n


def _join(a: str, b: str) -> str:
    last = a.split()[-1] if a.split() else ""
    first = b.split()[0] if b.split() else ""
    if last.isalpha() and first.isalpha() and (last + first) in _WORD_JOIN:
        return a + b
    return a + " " + b


def parse(text: str) -> ClassifiedBy:
    text = " ".join(text.split())
    reasons: list[str] = []
    for m in _REASON.finditer(text):
        for letter in re.findall(r"(?<![A-Za-z])[A-Ha-h](?![A-Za-z])", m.group(2)):
            r = f"{m.group(1)}({letter.lower()})"
            if r not in reasons:
                reasons.append(r)
    who = _SPLIT.split(text, maxsplit=1)[0]
    title, name = split_title(who)
    return ClassifiedBy(name=name, title=title, reasons=tuple(reasons), text=text)
