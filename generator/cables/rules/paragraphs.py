"""Body rule: numbered paragraphs, their markings, and section headings.

- a paragraph starts at ``1. (C)``, ``¶3.``, ``¶ 4.``; the number is the
  author's, with the scrape artefact where ``¶`` became ``1`` repaired
  (``11.`` is 1, ``15.`` is 5) when the numbering shows it;
- headings: a short line underlined or framed with dashes, a markdown ``####``
  line, or a short title-like line before a numbered paragraph;
- hard-wrapped lines are rejoined; short lines (lists) keep their line breaks;
  text split by a page break is joined back to its paragraph.
"""
from __future__ import annotations

import re

from ...model import Paragraph
from ..state import State
from .paragraph_start import MARKING, PARAGRAPH, normalize_marking

NAME = "paragraph"
_DASHES = re.compile(r"^\s*[-=_*]{3,}[-=_* ]*$")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+(.*?)\s*#*\s*$")
_SIPDIS = re.compile(r"^\s*SIPDIS\s*$")
_TRAILING_DASHES = re.compile(r"^\s*(\S.*?\S)\s+-{5,}\s*$")
_SENTENCE_END = re.compile(r"[.;:,]\s*$")


def apply(state: State) -> None:
    blocks = _blocks(state)
    width = _wrap_width(state)
    numbers = [b["number"] for b in blocks if b["number"] is not None]
    fixed = _repair_numbers(numbers)
    fixes = iter(fixed)
    out: list[Paragraph] = []
    current: dict | None = None
    for k, b in enumerate(blocks):
        if b["number"] is not None:
            number = next(fixes)
            if current:
                out.append(_close(current))
            text_lines = b["lines"]
            first = text_lines[0][1]
            m = PARAGRAPH.match(first)
            rest = m.group(3)
            marking = normalize_marking(m.group(2))
            if m.group(2) and not marking:
                rest = f"({m.group(2)}) {rest}"
            current = {"number": number, "marking": marking, "line": state.lineno(text_lines[0][0]),
                       "text": _join([(text_lines[0][0], rest)] + text_lines[1:], width)}
            continue
        nxt = blocks[k + 1] if k + 1 < len(blocks) else None
        if b["heading"] or _heading_like(b, nxt, state):
            if current:
                out.append(_close(current))
                current = None
            words = [t.strip() for _, t in b["lines"]]
            md = _MD_HEADING.match(words[0])      # "#### RUSSIA"; not a lone "#" before a line
            if md:
                words[0] = md.group(1)
            out.append(Paragraph("heading", None, None, " ".join(w for w in words if w).strip(),
                                 state.lineno(b["lines"][0][0])))
            continue
        text = _join(b["lines"], width)
        if current is not None:
            # text cut off by a page break continues the sentence
            last_line = current["text"].rsplit("\n", 1)[-1]
            cut = not _ENDS_SENTENCE.search(last_line) and len(last_line) >= width * 0.6
            sep = " " if text[:1].islower() or cut else "\n\n"
            current["text"] = current["text"].rstrip() + sep + text
            continue
        marking = None
        mk = MARKING.match(text)
        if mk and normalize_marking(mk.group(1)):
            marking, text = normalize_marking(mk.group(1)), text[mk.end():]
        current = {"number": None, "marking": marking, "line": state.lineno(b["lines"][0][0]),
                   "text": text}
    if current:
        out.append(_close(current))
    state.fields["paragraphs"] = tuple(p for p in out if p.text or p.kind == "heading")


def _close(cur: dict) -> Paragraph:
    return Paragraph("paragraph", cur["number"], cur["marking"], cur["text"].strip(), cur["line"])


def _blocks(state: State) -> list[dict]:
    """Runs of body lines between blank lines, page breaks and rules of dashes;
    a run is also cut before a line that starts a numbered paragraph."""
    lines, used = state.lines, state.used
    blocks: list[dict] = []
    cur: list[tuple[int, str]] = []

    def close():
        nonlocal cur
        if cur:
            m = PARAGRAPH.match(cur[0][1])
            number = m.group(1) if m and int(m.group(1)) > 0 else None
            blocks.append({"lines": cur, "number": number, "heading": False})
            cur = []

    for i in range(state.body_start, state.body_end):
        line = lines[i]
        if used[i] or not line.strip():
            close()
            continue
        first = line.lstrip()[:1]
        if "SIPDIS" in line and _SIPDIS.match(line):
            state.take(i, "caveat")
            continue
        trailing = _TRAILING_DASHES.match(line) if "-----" in line else None
        if trailing and _title_line(trailing.group(1)):
            close()
            state.take(i, NAME)
            blocks.append({"lines": [(i, trailing.group(1))], "number": None, "heading": True})
            continue
        if first in "-=_*" and _DASHES.match(line):
            state.take(i, "decoration")
            # a heading written right under the last line of a paragraph
            if len(cur) >= 2 and _title_line(cur[-1][1]) and _ENDS_SENTENCE.search(cur[-2][1]):
                last = cur.pop()
                close()
                cur = [last]
            close()
            if blocks and blocks[-1]["number"] is None and _short_block(blocks[-1]) \
                    and blocks[-1]["lines"][-1][0] >= i - 3:
                blocks[-1]["heading"] = True
            continue
        if cur and (first.isdigit() or first == "¶") and PARAGRAPH.match(line) and (
                first == "¶" or _SENTENCE_END.search(cur[-1][1])):
            close()
        state.take(i, NAME)
        cur.append((i, line.rstrip()))
        if first == "#" and _MD_HEADING.match(line) and len(cur) == 1:
            close()
            blocks[-1]["heading"] = True
    close()
    return blocks


_ENDS_SENTENCE = re.compile(r"[.!?:\"')]\s*$")


def _title_line(s: str) -> bool:
    s = s.strip()
    return 0 < len(s) <= 70 and len(s.split()) <= 9 and not _ENDS_SENTENCE.search(s)


def _short_block(b: dict) -> bool:
    return len(b["lines"]) <= 3 and all(len(t.strip()) <= 80 for _, t in b["lines"])


def _heading_like(b: dict, nxt: dict | None, state: State) -> bool:
    if len(b["lines"]) != 1:
        return False
    s = b["lines"][0][1].strip()
    words = s.split()
    if not (1 <= len(words) <= 9) or len(s) > 70 or (s.endswith((".", ",", ";", ":"))
                                                    and not s.endswith("..")):
        return False
    if nxt is None or nxt["number"] is None:
        return False
    if s.isupper():
        return True
    caps = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return "," not in s and caps >= max(1, len(words) - 2) and not MARKING.match(s)


def _wrap_width(state: State) -> int:
    lengths = sorted(len(state.lines[i].rstrip()) for i in range(state.body_start, state.body_end)
                     if state.lines[i].strip())
    if not lengths:
        return 80
    return max(40, lengths[int(len(lengths) * 0.9) - (1 if len(lengths) > 1 else 0)])


def _join(lines: list[tuple[int, str]], width: int) -> str:
    out = ""
    limit = width * 0.6
    prev = None
    for _, text in lines:
        t = text.strip()
        if prev is None:
            out = t
        elif prev.endswith("-") and not prev.endswith("--") and t[:1].islower():
            out += t
        elif len(prev) >= limit or t[:1].islower() or not t[:1].isalnum() and t[:1] not in "-*•(":
            out += " " + t
        else:
            out += "\n" + t
        prev = text.rstrip()
    return out


def _repair_numbers(numbers: list[str]) -> list[int]:
    """Choose between the numbers as written and the reading where a leading
    ``1`` is a paragraph mark turned into a digit; keep the likelier sequence."""
    raw = [int(n) for n in numbers]

    def breaks(seq: list[int]) -> float:
        b = sum(1 for a, c in zip(seq, seq[1:]) if c != a + 1)
        return b + (0.5 if seq and seq[0] != 1 else 0)

    fixed, expected = [], 1
    for n in numbers:
        v = int(n)
        if v != expected and len(n) >= 2 and n[0] == "1" and int(n[1:]) == expected:
            v = expected
        fixed.append(v)
        expected = v + 1
    return fixed if breaks(fixed) < breaks(raw) else raw
