"""What the search index knows of each cable: its fields, facets and result card.

Documents are numbered in the order (year, origin, classification, date, key), so
that year, origin and classification are runs of consecutive numbers: the browser
learns all three for any result from a table of runs (a few thousand rows for the
whole Cablegate release) instead of a table per document.
"""
from __future__ import annotations

import re
from hashlib import blake2b
from dataclasses import dataclass
from functools import partial
from typing import Callable

from ..registry import tags as tag_table
from ..site import UNDATED, Site
from .. import urls

# The fields of the index and the weight of a match in each (applied when scoring).
FIELDS = ("id", "subject", "body", "tags", "people", "origin")
BOOST = {"id": 10.0, "subject": 3.0, "body": 1.0, "tags": 2.0, "people": 2.0, "origin": 1.5}

_ID = re.compile(r"^(\d{2}|\d{4})([A-Z][A-Z-]*?)0*(\d+)$")


def id_terms(cid: str | None) -> list[str]:
    """``07PARIS3198`` -> ``07paris3198`` and ``paris3198``: the ID terms a query in any
    common form (``07 PARIS 3198``, ``PARIS 3198``, ``Paris 003198``) is turned into."""
    if not cid:
        return []
    m = _ID.match(cid.upper())
    if not m:
        return [re.sub(r"[^a-z0-9]+", "", cid.lower())]
    year, post, seq = m.group(1), m.group(2).replace("-", "").lower(), str(int(m.group(3)))
    return [f"{year}{post}{seq}", f"{post}{seq}"]


@dataclass(slots=True)
class SearchDoc:
    key: tuple                  # sort key: (year, origin, classification, date, key)
    year: str
    origin: str
    classification: str
    tags: tuple[str, ...]
    load: Callable[[], tuple[dict[str, str], dict]]
    """-> (fields, card): field -> text (the id field holds ready-made terms), and what a
    result shows (its text is for snippets and phrases).  Made when needed, twice per
    build, so a large collection's text is never held a second time."""
    fingerprint: bytes | None = None
    """Equal fingerprints, equal documents (fields and card); None: not known."""


def tag_text(codes) -> str:
    table = tag_table()
    return " ".join(f"{c} {table[c].name}" if c in table else c for c in codes)


def _load(site: Site, i: int) -> tuple[dict[str, str], dict]:
    c = site.full(i)
    body = "\n".join(p.text for p in c.paragraphs)
    people = " ".join(" ".join((p.name,) + p.forms) for p in site.persons_of[i])
    fields = {"id": " ".join(id_terms(c.id)), "subject": c.subject or "", "body": body,
              "tags": tag_text(c.tags), "people": people, "origin": c.origin or ""}
    card = {"id": c.id or site.keys[i], "u": urls.cable_path(c, site.keys[i]), "s": c.subject or "",
            "d": c.date or "", "t": list(c.tags), "x": body}
    return fields, card


def _fingerprint(site: Site, i: int) -> bytes:
    """What cable ``i``'s document is made from: the cable (its digest), its key, and its
    people (their digest, ``Site.people_digests``: equal digests, equal persons, so equal
    names and forms), hashed as bytes that say where each part ends (the digests have a
    fixed length and the key comes last)."""
    return blake2b(b"doc\0" + site.digests[i] + site.people_digests[i] + site.keys[i].encode(),
                   digest_size=16).digest()


def documents(site: Site) -> list[SearchDoc]:
    """One document per cable page that is not another version of a cable, in index order."""
    out = []
    for i in site.order:
        if i in site.version_of:
            continue
        c = site.cables[i]
        year = c.date[:4] if c.date else UNDATED
        key = (year, c.origin or "", c.classification or "", c.date or "", site.keys[i])
        fingerprint = _fingerprint(site, i) if site.digests else None
        out.append(SearchDoc(key, year, c.origin or "", c.classification or "", tuple(c.tags),
                             partial(_load, site, i), fingerprint))
    out.sort(key=lambda d: d.key)
    return out
