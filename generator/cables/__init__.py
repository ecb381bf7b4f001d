"""The cable parser: ``parse_cable(raw) -> Cable``, a pure function of the record.

The work is done by small named rules (see :mod:`.rules`) over a shared
:class:`~.state.State`, in the manner of markdown-it.  A rule that fails on
strange input never takes the build down: the cable is kept, with a warning.
"""
from __future__ import annotations

import re

from ..diagnostics import Diagnostic
from ..model import Cable, Paragraph, Source
from ..readers.record import RawRecord
from .rules import BODY, FINAL, HEADER, REPAIRS, TAIL
from .rules.paragraph_start import is_paragraph_start
from .state import State

PARSER_VERSION = "1"
_DASHES = re.compile(r"^\s*[-=_*]{3,}[-=_* ]*$")
_SUMMARY = re.compile(r"^\s*(?:BEGIN\s+)?SUMMARY\b|^\s*Summary\b")


def parse_cable(raw: RawRecord) -> Cable:
    return parse_state(raw)[0]


def parse_record(raw: RawRecord) -> tuple[Cable, frozenset[str]]:
    """The cable and the common words it writes in lower case (a collection statistic
    people resolution uses to tell surnames from words)."""
    cable, state = parse_state(raw)
    return cable, state.fields.get("lower_common", frozenset())


def parse_state(raw: RawRecord) -> tuple[Cable, State]:
    lines = raw.text.split("\n")
    state = State(raw=lines, lines=list(lines), meta=dict(raw.meta))
    try:
        for rule in REPAIRS:
            rule.apply(state)
        _header(state)
        for rule in TAIL + BODY + FINAL:
            rule.apply(state)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not lose the cable
        state.warn(f"internal parser error ({type(exc).__name__}: {exc}); the cable is kept as "
                   "plain text. Please report it with this file.", kind="internal")
        _fallback(state)
    return _cable(state, raw), state


def _header(state: State) -> None:
    """Run the header rules over the lines until the body starts."""
    lines, used = state.lines, state.used
    i, n = 0, len(lines)
    seen = False
    while i < n:
        line = lines[i]
        if used[i] or not line.strip():
            i += 1
            continue
        if is_paragraph_start(line):
            break
        for rule in HEADER:
            k = rule.match(state, i)
            if k:
                name = rule.NAME if k > 0 else "header"
                for j in range(i, min(n, i + abs(k))):
                    if used[j] is None:
                        used[j] = name
                i += abs(k)
                seen = True
                break
        else:
            after_subject = "subject" in state.fields and not _PASSING_HEAD.match(line)
            if (_body_begins(line, seen) or after_subject) and not _header_follows(
                    lines, i, 4 if after_subject else 20):
                break
            used[i] = "header"
            i += 1
    state.body_start = i


_HEADER_KEY = re.compile(r"^\s*(?:SUBJECT|SUBJ|TAGS|FM|TO)\b\s*:?|^\s*E\.?\s?O\.?\s*1\d{4}|"
                         r"^\s*Classified [Bb]y|^\s*CLASSIFIED BY")


def _header_follows(lines: list[str], i: int, window: int = 20) -> bool:
    """A SUBJECT, TAGS, E.O. or Classified By line still to come: a note inside the header."""
    seen = 0
    for line in lines[i + 1:]:
        if not line.strip():
            continue
        if is_paragraph_start(line):
            return False
        if _HEADER_KEY.match(line):
            return True
        seen += 1
        if seen >= window:
            return False
    return False


_PASSING_HEAD = re.compile(r"^\s*[A-Z/ .-]{2,30}\s+(?:FOR|PASS)\b|^\s*PAGE\s+\d")
_WORDLIKE = re.compile(r"^[A-Za-z][A-Za-z'’-]*[,.;:)]?$")


def _body_begins(line: str, seen: bool) -> bool:
    """Prose (eight words or more), a summary, or after a header a rule of dashes."""
    s = line.strip()
    if _SUMMARY.match(line):
        return True
    if sum(1 for w in s.split() if _WORDLIKE.match(w)) >= 8:
        return True
    return seen and (_DASHES.match(line) is not None or s.startswith(("¶", "#")))


def _fallback(state: State) -> None:
    text = "\n".join(state.raw)
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    state.fields["paragraphs"] = tuple(Paragraph("paragraph", None, None, b, 1) for b in blocks)
    state.used = ["paragraph" if ln.strip() else None for ln in state.raw]
    for key in ("id", "date", "origin", "classification", "references", "mentions"):
        state.fields.setdefault(key, None if key not in ("references", "mentions") else ())


def _located(d: Diagnostic, raw: RawRecord) -> Diagnostic:
    """Name the file; in a plain text file the cable line is the file line."""
    if raw.format == "text":
        line = None if d.line is None else raw.line + d.line - 1
        return Diagnostic(d.severity, d.message, d.kind, raw.path, line, None)
    return Diagnostic(d.severity, d.message, d.kind, raw.path, d.line, raw.record)


def _cable(state: State, raw: RawRecord) -> Cable:
    f = state.fields
    header = tuple(state.lines[i].rstrip() for i, u in enumerate(state.used) if u == "header")
    footer = tuple(state.lines[i].strip() for i, u in enumerate(state.used) if u == "footer")
    diags: list[Diagnostic] = [d if d.path else _located(d, raw) for d in raw.problems]
    # (notes, such as the encoding a file was read in, stay in the build report only)
    diags += [_located(d, raw) for d in state.warnings]
    return Cable(
        id=f.get("id"), date=f.get("date"), origin=f.get("origin"),
        classification=f.get("classification"), caveats=tuple(f.get("caveats") or ()),
        precedence=f.get("precedence"), tags=tuple(f.get("tags") or ()), subject=f.get("subject"),
        to=tuple(f.get("to") or ()), info=tuple(f.get("info") or ()),
        references=tuple(f.get("references") or ()), classified_by=f.get("classified_by"),
        declassify_on=f.get("declassify_on"), executive_order=f.get("executive_order"),
        sections=f.get("sections"), partial=bool(f.get("partial")),
        corrected=bool(f.get("corrected")), signer=f.get("signer"),
        paragraphs=tuple(f.get("paragraphs") or ()), header=header, footer=footer,
        mentions=tuple(f.get("mentions") or ()),
        source=Source(raw.path, raw.format, raw.record, raw.line),
        warnings=tuple(diags), text=raw.text)
