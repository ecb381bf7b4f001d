"""Where every page lives, and relative links between them.

Every link is relative and names a file (never a bare directory), so a site
works from ``file://``, from a zip, and under any sub-path.  Output paths use
only safe characters, so nothing in the content can point outside the site.
"""
from __future__ import annotations

import posixpath
import re

from .model import Cable
from .people.lexicon import fold

_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def slug(text: str) -> str:
    s = _SAFE.sub("-", fold(text)).strip("-").lower()
    return s[:80] or "x"


def safe_id(cid: str) -> str:
    return _SAFE.sub("_", cid)[:80]


def cable_path(cable: Cable, key: str) -> str:
    """``cable/2007/07/07PARIS3198.html``, the WikiLeaks layout; cables without an ID or
    a date go under ``cable/undated/`` by their key."""
    if cable.id and cable.date:
        return f"cable/{cable.date[:4]}/{cable.date[5:7]}/{safe_id(key)}.html"
    return f"cable/undated/{safe_id(key)}.html"


def tag_path(code: str, page: int | str = 1) -> str:
    return paged(f"tag/{safe_id(code)}.html", page)


def person_path(key: str, page: int | str = 1) -> str:
    return paged(f"person/{slug(key)}.html", page)


def origin_path(origin: str, page: int | str = 1) -> str:
    return paged(f"origin/{slug(origin)}.html", page)


def classification_path(cls: str, page: int | str = 1) -> str:
    return paged(f"classification/{slug(cls)}.html", page)


def year_path(year: str, page: int | str = 1) -> str:
    return paged(f"date/{safe_id(year)}.html", page)


def month_path(year: str, month: str, page: int | str = 1) -> str:
    return paged(f"date/{safe_id(year)}-{safe_id(month)}.html", page)


def subject_path(term: str, page: int | str = 1) -> str:
    return paged(f"subject/{slug(term)}.html", page)


def paged(path: str, page: int | str) -> str:
    """A later page of a list: ``tag/PREL.2.html`` (page 2 of an A-Z index), or
    ``tag/PREL.04QUEBEC1075.html`` (the page of PREL that begins with cable 04QUEBEC1075:
    a list of cables names its pages after their first cables, see ``pages._paginate``).
    The dot cannot come from a slug or an ID (they keep only letters, digits, ``-`` and
    ``_``), so a page's name never makes the name of another page (``date/2007-10.html``
    is October 2007, not page 10 of 2007)."""
    if isinstance(page, str):
        page = safe_id(page)
    elif page <= 1:
        return path
    stem, ext = posixpath.splitext(path)
    return f"{stem}.{page}{ext}"


def rel(from_path: str, to_path: str) -> str:
    """Relative URL from one output file to another (with any #fragment kept).

    Both are '/'-separated paths from the site's root (what ``posixpath.relpath``
    would give, without its calls to the file system)."""
    target, _, frag = to_path.partition("#")
    here = from_path.split("/")[:-1]
    there = target.split("/")
    i = 0
    while i < len(here) and i < len(there) - 1 and here[i] == there[i]:
        i += 1
    out = "../" * (len(here) - i) + "/".join(there[i:])
    return out + (f"#{frag}" if frag else "")
