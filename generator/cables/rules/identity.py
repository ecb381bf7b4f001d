"""Final rule: the cable's identity from everything found.

- ``id``: the source's own ID when it has one (canonicalised), else year +
  banner post + serial (``PARIS 003198`` in 2007 -> ``07PARIS3198``);
- ``date``: the date-time group, else the source's date;
- ``origin``: the source's origin, else ``FM`` line, routing indicator, ID token;
- ``classification`` and ``caveats``: the source's marking split at ``//``,
  else the banner;
- REF items get the IDs they name.
Missing essentials become warnings with the fix.
"""
from __future__ import annotations

import re

from ...model import CitedRef
from ...registry import id_token, post_for_indicator, post_for_token, post_name
from ..dates import source_date
from ..ids import ALIASES, canonical_id, known_token, make_id, plausible_token, token_of
from ..state import State
from .banner import CLASSIFICATIONS

NAME = "identity"
_REF_ID = re.compile(r"(?:(?<!\d)(\d{2}|\d{4})\s+)?\b([A-Z][A-Z]+(?:[ .'-][A-Z]+){0,3})\s+-?0*(\d{1,7})\b")
_COMPACT = re.compile(r"\b(\d{2})([A-Z]{3,})\s?0*(\d{1,7})\b")
_CAVEAT_WORDS = {"NOFORN", "FOR OFFICIAL USE ONLY", "SIPDIS", "NODIS", "EXDIS", "LIMDIS", "ORCON"}


def apply(state: State) -> None:
    f, meta = state.fields, state.meta
    # date
    date = f.get("dtg_date")
    if not date and meta.get("date"):
        date = source_date(str(meta["date"]))
        if not date:
            state.warn(f"unknown date form {meta['date']!r} in the source's metadata; "
                       "expected e.g. 2007-07-27 09:13 or 7/27/2007 09:13", kind="date")
    f["date"] = date
    year = int(date[:4]) if date else None
    # id
    cid = None
    if meta.get("id"):
        cid, repaired = canonical_id(str(meta["id"]))
        if repaired:
            state.warn(f"the source's ID {meta['id']!r} is malformed; read as {cid}", kind="id")
        if cid is None:
            state.warn(f"the source's ID {meta['id']!r} is not a cable reference ID", kind="id")
    token, serial = f.get("banner_token"), f.get("banner_serial")
    if not cid and token and serial and year:
        cid = make_id(year, token, serial)
    if not cid and year and f.get("de_serial") and f.get("from_form"):
        tok = _token_for_post(f["from_form"])
        if tok:
            cid = make_id(year, tok, f["de_serial"])
    # a partial extract says itself that its header is gone: a missing ID or date is a note
    report = state.note if f.get("partial") else state.warn
    if not cid:
        report("no cable ID: the source gives none and no classification line with post and "
               "serial (e.g. 'CONFIDENTIAL PARIS 003198') was found", kind="missing-id")
    f["id"] = cid
    if year is None and cid:
        year = int(cid[:2]) + (1900 if int(cid[:2]) >= 60 else 2000)
    if not date:
        report("no date: no date-time group (e.g. 'O 270913Z JUL 07') and no date in the "
               "source's metadata", kind="missing-date")
    # origin
    origin = meta.get("origin") or None
    if not origin and f.get("from_form"):
        origin = post_name(f["from_form"])
    if not origin and f.get("routing_indicator"):
        origin = post_for_indicator(f["routing_indicator"])
    if not origin and cid:
        m = re.match(r"^\d{2}([A-Z][A-Z0-9]*?)\d+$", cid)
        origin = post_for_token(m.group(1)) if m else None
        if not origin and m:
            origin = m.group(1).title()
    f["origin"] = origin
    # classification and caveats
    caveats = list(f.get("caveats") or [])
    cls = None
    if meta.get("classification"):
        parts = [p.strip() for p in str(meta["classification"]).upper().split("//")]
        cls = CLASSIFICATIONS.get(parts[0].replace(" ", ""), parts[0])
        for p in parts[1:]:
            if p and p not in caveats:
                caveats.insert(0, p)
    cls = cls or f.get("banner_classification") or f.get("_lone_classification")
    if cls:
        cls = CLASSIFICATIONS.get(cls.replace(" ", ""), cls)
    else:
        state.warn("no classification: no classification line and none in the source's "
                   "metadata", kind="missing-classification")
    f["classification"] = cls
    f["caveats"] = tuple(caveats)
    # subject and tags from metadata where the text has none
    if not f.get("subject") and meta.get("subject"):
        f["subject"] = " ".join(str(meta["subject"]).split())
    if not f.get("tags") and meta.get("tags"):
        tags = meta["tags"]
        f["tags"] = tuple(t for t in (tags.split() if isinstance(tags, str) else tags)
                          if re.match(r"^[A-Z][A-Z0-9]{1,7}$", t))
    if not f.get("subject"):
        state.warn("no SUBJECT line found", kind="missing-subject")
    if not f.get("tags"):
        state.warn("no TAGS line found", kind="missing-tags")
    # references
    refs = []
    for label, text, line in f.get("ref_items", []):
        ids = ref_ids(text, year)
        if len(ids) <= 1:
            refs.append(CitedRef(label, text, ids[0][1] if ids else None, line))
            continue
        # one item naming several cables ("TEHRAN 1091: TEHRAN 263") becomes one ref each
        for k, (start, cid_) in enumerate(ids):
            end = ids[k + 1][0] if k + 1 < len(ids) else len(text)
            refs.append(CitedRef(label if k == 0 else None, text[start:end].strip(" ;:,"), cid_,
                                 line))
    f["references"] = tuple(refs)
    if f.get("sections") is None and (f.get("banner_classification") or cid):
        f["sections"] = 1


def _token_for_post(form: str) -> str | None:
    name = post_name(form)
    return id_token(name) if name else None


def ref_ids(text: str, year: int | None) -> list[tuple[int, str]]:
    """Every cable an item of a REF line names, with where it starts:
    ``A. STATE 12345`` in 2009 -> ``09STATE12345``; ``01VATICAN 4258``."""
    t = text.upper()
    found: list[tuple[int, str]] = []
    for m in _COMPACT.finditer(t):
        tok = ALIASES.get(m.group(2), m.group(2))
        if plausible_token(tok):
            found.append((m.start(), make_id(m.group(1), tok, m.group(3))))
    taken = [(s, s + 1) for s, _ in found]
    for m in _REF_ID.finditer(t):
        if any(a <= m.start() < b + 12 for a, b in taken):
            continue
        yy, post, serial = m.groups()
        if re.match(r"^[/.-]\d", t[m.end():m.end() + 2]):
            continue  # a date such as JULY 12/14 or a file number, not a serial
        words = post.split()
        # the post may be preceded by other words ("SEPTEL AND STATE 1234"): try suffixes
        for k in range(len(words)):
            tok = token_of(" ".join(words[k:]))
            if plausible_token(tok) and (k == len(words) - 1 or known_token(tok)):
                y = yy[-2:] if yy else (f"{year % 100:02d}" if year else None)
                if y is not None:
                    found.append((m.start(), make_id(y, tok, serial)))
                break
    found.sort()
    return found


def ref_id(text: str, year: int | None) -> str | None:
    ids = ref_ids(text, year)
    return ids[0][1] if ids else None
