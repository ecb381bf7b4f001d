"""Plan: every output page once, with the data its template needs.

``routes(site)`` lists (path, template, context) for every page; two routes
with one path are an error naming both.  Contexts hold plain data and paths;
templates turn paths into relative links with ``link()``.
"""
from __future__ import annotations

import heapq
import html
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Callable
from functools import partial
from itertools import accumulate, islice
from operator import itemgetter

import numpy as np
from markupsafe import Markup

from . import cableprints, pagecuts, related, urls
from .diagnostics import Diagnostic, error
from .highlight import raw_html
from .listings import ListRoutes, Listing, Numbers, Signs, digest, validity
from .markup import render_markdown
from .registry import tags as tag_table
from .model import Cable
from .site import UNDATED, Site, joined_keys

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
TAG_KINDS = [("subject", "Subjects"), ("program", "Programs"), ("organization", "Organizations"),
             ("geographic", "Countries and regions"), ("unknown", "Other codes")]


@dataclass(slots=True)      # two routes a cable: 250,000 cables, half a million of them
class Route:
    path: str
    template: str
    ctx: dict | Callable[[], dict] = field(default_factory=dict)   # a callable: built when rendered
    title: str = ""
    # What the context is made from, when that is much smaller than the context: equal
    # facts (under the same code, templates, settings and navigation), equal pages, so a
    # rebuild keeps the page without building its context.
    facts: Callable[[], tuple] | None = None
    # Its fingerprint given the digest of its frame (the settings and navigation), made
    # without its facts: a cable's routes (``CableRoutes.print_of``).
    printed: Callable[[bytes], bytes] | None = None


def cable_path(site: Site, i: int) -> str:
    return urls.cable_path(site.cables[i], site.keys[i])


class Row(dict):
    """A cable's line in a list: its path, key, ID, date, subject, origin, classification
    and tags, all made from its summary and key.  One row per cable is shared by every
    list of a build (see :func:`row`); a list that adds to it (``where``, ``letter``)
    adds to its own :meth:`copy`.  A page's fingerprint counts a row by its cable's
    digest, key and those additions (see ``render.fingerprint``)."""

    __slots__ = ("digest",)
    FIELDS = ("path", "key", "id", "date", "subject", "origin", "classification", "tags")

    def copy(self) -> "Row":
        r = Row(self)
        r.digest = self.digest
        return r

    def facts(self) -> tuple:
        if len(self) == len(Row.FIELDS):
            return self.digest, self["key"]
        return self.digest, self["key"], [(k, v) for k, v in self.items() if k not in _ROW_FIELDS]


_ROW_FIELDS = frozenset(Row.FIELDS)


def row(site: Site, i: int) -> Row:
    """Cable ``i``'s row, made once per build (``site.rows``); do not change it."""
    rows = site.rows
    if not rows:
        rows.extend([None] * len(site.cables))
    r = rows[i]
    if r is None:
        c = site.cables[i]
        r = rows[i] = Row(path=cable_path(site, i), key=site.keys[i], id=c.id, date=c.date,
                          subject=c.subject or "(no subject)", origin=c.origin,
                          classification=c.classification, tags=c.tags)
        r.digest = site.digests[i]
    return r


NONE, END = b"\x00", b"\x02"     # in a page's facts: no cable; the end of a list of cables


def shown(site: Site) -> list[bytes]:
    """Every cable as the facts of a page that shows it (its row in a list, its link from
    another cable) state it: a mark, its digest (16 bytes), its key in UTF-8, and a byte
    no UTF-8 has, so that no two lists of them join alike.  Made once per build
    (``site.shown``; before the render workers fork, when pages are planned)."""
    out = site.shown
    if not out:
        out.extend([b"\x01" + d + k.encode() + b"\xff" for d, k in zip(site.digests, site.keys)])
    return out


def tag_info(code: str) -> tuple[str, str]:
    info = tag_table().get(code)
    return (info.kind, info.name) if info else ("unknown", "")


@dataclass(frozen=True, slots=True)
class ListKind:
    """A kind of list: its items in order (``order(site, *args)``), and a page of its
    rows (``rows(site, items)``) and their facts (``facts(site, items)``: what the rows
    are made from, a page's fingerprint), both from a slice of the ordered items."""
    order: Callable[..., list]
    rows: Callable[[Site, list], list]
    facts: Callable[[Site, list], list]


class Lazy:
    """A list's items in order, made when one of its pages is first rendered or
    fingerprinted in this process (pages are planned without them, and render workers
    share the work of ordering them); its rows and their facts are made a page at a
    time.  The process keeps the last list ordered only: a list's pages are planned, and
    rendered, one after the other.  A rebuild that renders one page of a long list
    (the list of a classification, 80,000 cables at 250,000) makes that page's rows, not
    the list's."""

    __slots__ = ("kind", "args")
    _last: list = [None, None]

    def __init__(self, kind: ListKind, *args):
        self.kind, self.args = kind, args

    def order(self) -> list:
        last = Lazy._last
        if last[0] is not self:
            last[0] = last[1] = None          # let the last list go before making this one
            last[1] = self.kind.order(*self.args)
            last[0] = self
        return last[1]

    def rows(self, a: int, b: int) -> list:
        return self.kind.rows(self.args[0], self.order()[a:b])

    def facts(self, a: int, b: int) -> list:
        return self.kind.facts(self.args[0], self.order()[a:b])

    @staticmethod
    def forget() -> None:
        """Let the last list go (it holds its site: ``cablesite serve`` kept the last
        build's whole model through the next build)."""
        Lazy._last[:] = [None, None]


def _paginate(site: Site, items: Lazy, cables: Callable[[], list[int]], total: int,
              path_of, template: str, title: str, ctx: dict, lead: dict | None = None,
              label: Callable[[int], str] | None = None) -> list[Route]:
    """The pages of a list of ``total`` rows (made by ``items``, a ``Lazy``), cut where
    :mod:`pagecuts` says from the keys of the cables of its rows, in order (``cables``,
    asked for only when the list is longer than a page).  A later page is named after
    its first cable (``path_of(key)``; the first page is ``path_of(1)``), and labelled
    by it (``label(cable)``, by default its date): a cable added to the list changes
    its own page and the first, which names the count of rows and pages, lists the
    pages, and alone has ``lead`` in its context (a person's names and companions).
    The other pages keep their names and bytes, and a new cut names a new page."""
    per = site.config.per_page
    order = cables() if total > per else []
    starts = pagecuts.page_starts(total, _marked(site, order), per) if order else [0]
    label = label or partial(_date_label, site)
    names = [1, *(site.keys[order[s]] for s in starts[1:])]
    paths = [path_of(name) for name in names]
    contents = [{"path": paths[k], "label": _start_label(site, label, order, s)}
                for k, s in enumerate(starts)] if len(starts) > 1 else []
    bounds = [*starts, total]
    out = []
    for n, path in enumerate(paths):
        first = n == 0
        pager = {"pages": len(paths) if first else None,
                 "total": total if first else None, "contents": contents if first else None,
                 "prev": paths[n - 1] if n else None,
                 "next": paths[n + 1] if n + 1 < len(paths) else None,
                 "first": None if first else paths[0],
                 "label": None if first else contents[n]["label"]}
        page_ctx = {**ctx, **lead} if lead and first else ctx
        span = (bounds[n], bounds[n + 1])
        out.append(Route(path, template, partial(_page, items, span, pager, page_ctx),
                         title if first else f"{title} (from {pager['label']})",
                         partial(_page_facts, items, span, pager, page_ctx)))
    return out


def _date_label(site: Site, i: int) -> str:
    return (site.cables[i].date or "undated")[:10]


def _start_label(site: Site, label: Callable[[int], str], order: list[int], s: int) -> str:
    """The label of the page that starts at row ``s``: its first cable's (``label``), and
    when the row before has the same label (a page that starts inside a day), the first
    cable's key too, so no two pages of a list share a label or a title."""
    text = label(order[s])
    return f"{text}, {site.keys[order[s]]}" if s and label(order[s - 1]) == text else text


def _page_facts(items: Lazy, span: tuple[int, int], pager: dict, ctx: dict) -> tuple:
    """What :func:`_page` makes a page's context from, without making its rows: the
    pager, the list's settings, and the facts of the page's rows (``ListKind.facts``)."""
    return pager, ctx, items.facts(*span)


def _page(items: Lazy, span: tuple[int, int], pager: dict, ctx: dict) -> dict:
    chunk = items.rows(*span)
    groups = []
    if ctx.get("group_by_year"):
        for r in chunk:
            y = r["date"][:4] if r["date"] else "Undated"
            if not groups or groups[-1][0] != y:
                groups.append((y, []))
            groups[-1][1].append(r)
    return {**ctx, "items": chunk, "pg": pager, "groups": groups}


def _marked(site: Site, cables: list[int]) -> list[int]:
    """The positions of the cables whose keys are marks (see :mod:`pagecuts`), from
    ``site.marks``, made once per build."""
    marks = site.marks
    if not marks:
        marks.extend(pagecuts.marks_of(site.keys, site.config.per_page))
    return [k for k, i in enumerate(cables) if marks[i]]


def _ranks(site: Site) -> list[int]:
    """Per cable, its place in every list by date: by date (undated last), then by key.
    Made once per build (before the render workers fork, when pages are planned)."""
    ranks = site.ranks
    if not ranks:
        # one string a cable (``joined_keys``), sorted from the site's order, which
        # differs from this one only among cables of one date: 250,000 cables in a
        # third of the time pairs took
        dates = [c.date or "9999" for c in site.cables]
        by = joined_keys(dates, site.keys) or list(zip(dates, site.keys))
        order = sorted(site.order, key=by.__getitem__)      # keys are unique: any start
        ranks.extend([0] * len(order))
        for r, i in enumerate(order):
            ranks[i] = r
    return ranks


def _by_date(site: Site, indexes: list[int]) -> list[int]:
    return sorted(indexes, key=_ranks(site).__getitem__)


def _cable_rows(site: Site, indexes: list[int]) -> list[Row]:
    return [row(site, i) for i in indexes]


def _cable_row_facts(site: Site, indexes: list[int]) -> list[bytes]:
    cables = shown(site)
    return [cables[i] for i in indexes]


def cable_list(site: Site, indexes: list[int], path_of, title: str, **ctx) -> list[Route]:
    return _paginate(site, Lazy(CABLES, site, indexes), partial(_by_date, site, indexes),
                     len(indexes), path_of, "list.html", title, {"heading": title, **ctx})


def linked_paragraph(text: str, links: list[tuple[str, str]]) -> Markup:
    """Escape cable text and link the people named in it: ``links`` = (form, path).

    Longer forms first; a form matches as a whole word, in any case, and a place of
    the text is linked once."""
    escaped = html.escape(text, quote=False)
    if not links:
        return Markup(escaped)
    forms: dict[str, str] = {}
    for form, path in links:
        forms.setdefault(html.escape(form, quote=False), path)
    low = escaped.lower()
    taken = bytearray(len(escaped))
    spans = []
    for form in sorted(forms, key=len, reverse=True):
        needle, k = form.lower(), 0
        while (k := low.find(needle, k)) >= 0:
            e = k + len(needle)
            if (k == 0 or not _inside_word(escaped[k - 1], before=True)) and \
                    (e == len(escaped) or not _inside_word(escaped[e], before=False)) and \
                    not any(taken[k:e]):
                spans.append((k, e, forms[form]))
                taken[k:e] = b"\x01" * (e - k)
            k += 1
    out, pos = [], 0
    for k, e, path in sorted(spans):
        out += [escaped[pos:k], f'<a class="person" href="{path}">', escaped[k:e], "</a>"]
        pos = e
    out.append(escaped[pos:])
    return Markup("".join(out))


def _inside_word(ch: str, before: bool) -> bool:
    return ch.isalnum() or ch == "_" or (before and ch in "'’")


class CableRoutes(Sequence):
    """The routes of every cable page and raw view, two a cable, each made when it is
    asked for: the render workers make those of their chunk (``plan[start:stop]``), so
    this process neither makes nor holds half a million routes (at 250,000 cables that
    took 5 s a build, and a gigabyte).  Contexts and facts are made when rendered.
    A rebuild fingerprints them all from their facts without making the routes
    (``head`` and ``facts_of``, see ``render.cable_fingerprints``)."""

    def __init__(self, site: Site):
        self.site = site
        n = len(site.cables)
        # each cable's previous and next by date, overall and from its origin, a column
        # each (-1 where there is none; all -1 for a cable that is another version of one:
        # the lists by date and by origin hold none)
        self.neighbours = near = np.full((n, 4), -1, dtype=np.int64)
        listed = np.fromiter((i for i in site.order if i not in site.version_of), dtype=np.int64)
        near[listed[1:], 0], near[listed[:-1], 1] = listed[:-1], listed[1:]
        for same in site.origins.values():
            if len(same) > 1:
                same = np.asarray(same, dtype=np.int64)
                near[same[1:], 2], near[same[:-1], 3] = same[:-1], same[1:]
        if site.version_of:
            near[list(site.version_of), 2:] = -1
        self.versions: dict[int, list[int]] = {}     # each cable's other versions
        for j, p in sorted(site.version_of.items()):
            self.versions.setdefault(p, []).append(j)
        self._paths: list[str] | None = None
        self._prints: tuple[bytes, bytes] | None = None     # (frame, ``prints(frame)``)

    def __len__(self) -> int:
        return 2 * len(self.site.cables)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self._route(j) for j in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        return self._route(k)

    def _route(self, k: int) -> Route:
        i, raw = divmod(k, 2)
        return cable_route(self.site, i, bool(raw), self.head(k), self.neighbours_of(i),
                           self.versions.get(i, []), partial(self.facts_of, k),
                           partial(self.print_of, k))

    def neighbours_of(self, i: int) -> tuple:
        """Cable ``i``'s previous and next, overall and from its origin (None: none)."""
        return tuple(None if j < 0 else j for j in self.neighbours[i].tolist())

    def cable_paths(self) -> list[str]:
        """Each cable's page path, made once per process."""
        if self._paths is None:
            self._paths = [cable_path(self.site, i) for i in range(len(self.site.cables))]
        return self._paths

    def head(self, k: int) -> tuple[str, str, str]:
        """Route ``k``'s path, template and title."""
        i, raw = divmod(k, 2)
        return cable_head(self.site, i, bool(raw), self.cable_paths()[i])

    def facts_of(self, k: int) -> bytes:
        """What route ``k``'s context is made from, without making it: the cable and
        every cable it shows, each by its digest and key (:func:`shown`), and for a cable page
        the people it names (by their digest, ``Site.people_digests``), in one string of
        bytes that says where each list ends.  Keep it in step with :func:`cable_context`
        and :func:`raw_context`, and with :meth:`prints`, which hashes the same facts as
        columns of numbers: tests check on the corpus that equal facts mean equal
        contexts, and that the fingerprints differ where the facts do."""
        site, (i, raw) = self.site, divmod(k, 2)
        cables = shown(site)
        if raw:
            return cables[i]
        primary = site.version_of.get(i)
        return b"".join([
            cables[i], site.people_digests[i],
            *[NONE if t is None else cables[t] for t in site.ref_targets[i]], END,
            *[NONE if j is None else cables[j] for j in self.neighbours_of(i)],
            *[cables[j] for j in site.cited_by.get(i, ())], END,
            NONE if primary is None else cables[primary],
            *[cables[j] for j in self.versions.get(i, ())], END,
            *[cables[j] for j in related.of(site, i)]])

    def prints(self, frame: bytes) -> bytes:
        """Every route's fingerprint under ``frame`` (the digest of the settings and the
        navigation), 16 bytes each in route order: the facts :meth:`facts_of` states,
        hashed as columns of numbers for all routes at once (``cableprints``), once per
        frame and process."""
        if self._prints is None or self._prints[0] != frame:
            site = self.site
            n = len(site.cables)
            if n:
                related.of(site, 0)          # the related cables, made if not yet
            primary = np.full(n, -1, dtype=np.int64)
            for j, p in site.version_of.items():
                primary[j] = p
            self._prints = (frame, cableprints.route_prints(
                frame, "cable.html", "raw.html", shown(site), site.people_digests,
                cableprints.rows(site.ref_targets), self.neighbours,
                cableprints.keyed_rows(site.cited_by, n), primary,
                cableprints.keyed_rows(self.versions, n),
                np.asarray(site.related).reshape(n, -1) if n else np.zeros((0, 0), dtype=np.int64)))
        return self._prints[1]

    def print_of(self, k: int, frame: bytes) -> bytes:
        """Route ``k``'s fingerprint under ``frame`` (see :meth:`prints`)."""
        return self.prints(frame)[16 * k:16 * k + 16]

    def paths(self) -> Iterator[str]:
        for path in self.cable_paths():
            yield path
            yield path[:-5] + "-raw.html"


def cable_head(site: Site, i: int, raw: bool, path: str | None = None) -> tuple[str, str, str]:
    """The path, template and title of cable ``i``'s page, or of its raw view (``raw``);
    ``path``: its page's path, when the caller has it."""
    path = path or cable_path(site, i)
    if raw:
        return path[:-5] + "-raw.html", "raw.html", f"{site.keys[i]} (original text)"
    return path, "cable.html", site.cables[i].subject or site.keys[i]


def cable_route(site: Site, i: int, raw: bool, head: tuple[str, str, str],
                neighbours: tuple = (None, None, None, None), versions: Sequence[int] = (),
                facts: Callable[[], bytes] | None = None,
                printed: Callable[[bytes], bytes] | None = None) -> Route:
    """Cable ``i``'s page or raw view (``raw``) as a route, whose ``head`` is
    :func:`cable_head`'s; ``neighbours`` and ``versions``: see :func:`cable_context`.
    ``CableRoutes`` makes them with their facts, a preview (``preview``) without."""
    path, template, title = head
    if raw:
        return Route(path, template, partial(raw_context, site, i), title, facts, printed)
    return Route(path, template, partial(cable_context, site, i, neighbours, list(versions)),
                 title, facts, printed)


class Plan(Sequence):
    """Every route of the site, in order: lists of routes, ``CableRoutes`` and
    ``ListRoutes`` one after the other, indexed and sliced as one list."""

    def __init__(self, parts: list[Sequence[Route]]):
        self.parts = [p for p in parts if len(p)]
        self.starts = list(accumulate((len(p) for p in self.parts), initial=0))

    def __len__(self) -> int:
        return self.starts[-1]

    def __getitem__(self, k):
        if isinstance(k, slice):
            start, stop, step = k.indices(len(self))
            if step != 1:
                return [self[j] for j in range(start, stop, step)]
            out: list[Route] = []
            for part, a, b in self.segments(start, stop):
                out.extend(part[a:b])
            return out
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        n = bisect_right(self.starts, k) - 1
        return self.parts[n][k - self.starts[n]]

    def segments(self, start: int, stop: int) -> Iterator[tuple[Sequence[Route], int, int]]:
        """(part, a, b): routes ``start`` to ``stop`` are ``part[a:b]`` of each part in turn."""
        for part, first in zip(self.parts, self.starts):
            a, b = max(start - first, 0), min(stop - first, len(part))
            if a < b:
                yield part, a, b

    def __iter__(self) -> Iterator[Route]:
        for part in self.parts:
            yield from part

    def paths(self) -> Iterator[str]:
        """Each route's path, in order, without making the cables' routes."""
        for part in self.parts:
            yield from part.paths() if isinstance(part, (CableRoutes, ListRoutes)) \
                else (r.path for r in part)

    def lists(self) -> bytes | None:
        """What the next build plans its lists against (``routes``' ``last``)."""
        return next((p.record() for p in self.parts if isinstance(p, ListRoutes)), None)


def raw_context(site: Site, i: int) -> dict:
    c = CableView(site, i)
    path = cable_path(site, i)
    return {"c": c, "key": site.keys[i], "cable_path": path, "text_path": path[:-5] + ".txt",
            "raw": Deferred(raw_view, c)}


def raw_view(c) -> str:
    return raw_html(c.text)


class CableView:
    """A cable in a page's context: the fields of its summary, and its text and
    paragraphs from the full cable, read when a template first asks for them (a page
    kept from the last build never reads it).  A page's fingerprint counts it by the
    cable's digest (see ``render.fingerprint``)."""

    __slots__ = ("site", "i", "digest", "_full")
    TEXT = frozenset({"text", "paragraphs", "mentions"})

    def __init__(self, site: Site, i: int):
        self.site, self.i, self.digest, self._full = site, i, site.digests[i], None

    def full(self) -> Cable:
        if self._full is None:
            self._full = self.site.full(self.i)
        return self._full

    def __getattr__(self, name: str):
        if name in CableView.TEXT:
            return getattr(self.full(), name)
        return getattr(self.site.cables[self.i], name)


class Deferred:
    """A context value made when the template first uses it (iterated, or printed as
    HTML), from a module-level function and plain arguments: a page kept from the last
    build never pays for it, and it pickles (for the page's fingerprint) as the
    function's name and its arguments."""

    __slots__ = ("fn", "args", "_value")

    def __init__(self, fn, *args):
        self.fn, self.args, self._value = fn, args, None

    def value(self):
        if self._value is None:
            self._value = self.fn(*self.args)
        return self._value

    def __iter__(self):
        return iter(self.value())

    def __html__(self) -> str:
        return self.value()

    def __reduce__(self):
        return (Deferred, (self.fn, *self.args))


def paragraph_rows(c: Cable, persons: tuple, path: str) -> list[dict]:
    """The body's paragraphs with the people they name linked, and unique anchors."""
    person_paths = {p.key: urls.person_path(p.key) for p in persons}
    paragraphs = []
    for k, p in enumerate(c.paragraphs):
        links = [(f, urls.rel(path, person_paths[pr.key])) for pr in persons
                 if k in pr.paragraphs for f in pr.forms]
        paragraphs.append({"kind": p.kind, "number": p.number, "marking": p.marking,
                           "html": linked_paragraph(p.text, links),
                           "anchor": f"p{p.number}" if p.number is not None else f"b{k + 1}"})
    anchors = [p["anchor"] for p in paragraphs]
    for p in paragraphs:   # the author's numbering may repeat: keep anchors unique
        if anchors.count(p["anchor"]) > 1:
            p["anchor"] = f'{p["anchor"]}-{anchors[:paragraphs.index(p)].count(p["anchor"]) + 1}'
            anchors = [q["anchor"] for q in paragraphs]
    return paragraphs


def cable_context(site: Site, i: int, neighbours: tuple, versions: list[int]) -> dict:
    """``neighbours``: the cables before and after it by date, overall and from its
    origin (``CableRoutes.neighbours_of``); ``versions``: its other versions
    (``CableRoutes.versions``)."""
    c = CableView(site, i)
    path = cable_path(site, i)
    persons = site.persons_of[i]
    person_paths = {p.key: urls.person_path(p.key) for p in persons}
    paragraphs = Deferred(paragraph_rows, c, persons, path)
    refs = []
    for r, t in zip(c.references, site.ref_targets[i]):
        refs.append({"label": r.label, "text": r.text, "id": r.id,
                     "path": cable_path(site, t) if t is not None else None})
    nav = {k: row(site, j) if j is not None else None for k, j in
           zip(("prev", "next", "prev_origin", "next_origin"), neighbours)}
    primary = site.version_of.get(i)
    ctx = {
        "c": c, "key": site.keys[i], "paragraphs": paragraphs, "refs": refs,
        "cited_by": [row(site, j) for j in site.cited_by.get(i, [])],
        "persons": [{"name": p.name, "path": person_paths[p.key], "titles": p.titles}
                    for p in persons],
        "tags": [{"code": t, "name": tag_info(t)[1], "path": urls.tag_path(t)} for t in c.tags],
        "origin_path": urls.origin_path(c.origin) if c.origin else None,
        "class_path": urls.classification_path(c.classification) if c.classification else None,
        "date_path": urls.month_path(c.date[:4], c.date[5:7]) if c.date else None,
        "neighbours": nav, "related": [row(site, j) for j in related.of(site, i)],
        "primary": row(site, primary) if primary is not None else None,
        "versions": [row(site, j) for j in versions],
        "json_path": path[:-5] + ".json", "text_path": path[:-5] + ".txt",
        "raw_path": path[:-5] + "-raw.html",
    }
    return ctx


def index_routes(site: Site, numbers: Numbers, named: Numbers
                 ) -> tuple[list[Route], list[Listing]]:
    """The index pages (tags, people, origins, ...: planned here) and the lists
    (``listings``: planned where their signature changed, ``ListRoutes``); ``numbers``:
    each cable's number for the lists' signatures, and ``named`` with its people too,
    for the people's lists (``listings.Numbers``)."""
    out: list[Route] = []
    lists = Signs(numbers, named)

    def cables(idx: list[int], path_of, title: str, **ctx) -> None:
        lists.add(path_of(1), (title,), idx, partial(cable_list, site, idx, path_of, title, **ctx))
    # tags
    groups = {kind: [] for kind, _ in TAG_KINDS}
    for code, idx in site.tags.items():
        kind, name = tag_info(code)
        groups[kind].append({"code": code, "name": name, "count": len(idx), "path": urls.tag_path(code)})
    out.append(Route("tag/index.html", "tags.html",
                     {"groups": [(label, groups[k]) for k, label in TAG_KINDS if groups[k]]}, "Tags"))
    for code, idx in site.tags.items():
        kind, name = tag_info(code)
        title = f"{code}" + (f" — {name}" if name else "")
        cables(idx, partial(urls.tag_path, code), title, group_by_year=True,
               crumb=("Tags", "tag/index.html"))
    # people
    # (surname first, key, person), sorted; each one's sort name and path made once
    people = sorted(((_surname_sort(p.name), p.key, p) for p in site.persons.values()),
                    key=itemgetter(0, 1))
    paths = [urls.person_path(k) for _, k, _ in people]
    person_cables, co_persons, persons = site.person_cables, site.co_persons, site.persons
    entries = [{"name": p.name, "count": len(person_cables.get(k, ())), "path": path,
                "letter": _letter(surname)} for (surname, k, p), path in zip(people, paths)]
    out += az_routes("person/index.html", "people.html", entries, "People", {})
    for (_, k, p), path in zip(people, paths):
        mentions = person_cables.get(k, [])
        co = tuple((c, n, persons[c].name) for c, n in co_persons.get(k, ()) if c in persons)
        lists.add(path, (digest(p, co),), mentions,
                  partial(_person_list, site, p, mentions, co), named=True, at=0)
    # origins
    out.append(Route("origin/index.html", "counts.html", {"heading": "Origins", "entries": [
        {"name": o, "count": len(idx), "path": urls.origin_path(o)} for o, idx in site.origins.items()]},
        "Origins"))
    for o, idx in site.origins.items():
        cables(idx, partial(urls.origin_path, o), o, group_by_year=True,
               crumb=("Origins", "origin/index.html"))
    # classifications
    out.append(Route("classification/index.html", "counts.html", {"heading": "Classifications",
        "entries": [{"name": k, "count": len(v), "path": urls.classification_path(k)}
                    for k, v in sorted(site.classifications.items(), key=lambda kv: _class_rank(kv[0]))]},
        "Classifications"))
    for k, idx in site.classifications.items():
        cables(idx, partial(urls.classification_path, k), k.title(), group_by_year=True,
               crumb=("Classifications", "classification/index.html"))
    # dates
    years = []
    for y, months in site.years.items():
        entries = [{"name": MONTHS[int(m) - 1] if m else "", "count": len(v),
                    "path": urls.month_path(y, m) if m else urls.year_path(y)} for m, v in months.items()]
        years.append({"year": "Undated" if y == UNDATED else y, "path": urls.year_path(y),
                      "count": sum(e["count"] for e in entries), "months": entries if y != UNDATED else []})
        cables([i for v in months.values() for i in v], partial(urls.year_path, y),
               "Undated cables" if y == UNDATED else y, crumb=("Dates", "date/index.html"))
        if y != UNDATED:
            for m, v in months.items():
                cables(v, partial(urls.month_path, y, m), f"{MONTHS[int(m) - 1]} {y}",
                       crumb=("Dates", "date/index.html"))
    out.append(Route("date/index.html", "dates.html", {"years": years}, "Dates"))
    # subjects: terms A-Z (one page each), and every subject line A-Z
    term_paths = site_term_paths(site)
    entries = [{"name": v["name"], "count": len(v["items"]), "path": term_paths[k],
                "letter": _letter(v["name"])} for k, v in site.terms.items()]
    entries.sort(key=lambda e: (e["name"].upper(), e["path"]))
    out += az_routes("subject/index.html", "terms.html", entries, "Subjects",
                     {"top": heapq.nsmallest(30, entries, key=lambda e: (-e["count"], e["name"])),
                      "lines": len(site.subjects)})
    for k, v in site.terms.items():
        lists.add(urls.paged(term_paths[k], 1), (v["name"],), v["items"],
                  partial(_term_list, site, v, term_paths[k]), at=0)
    lists.add(urls.paged("subject/lines.html", 1), (), site.subjects,
              partial(_subject_lines_list, site), at=1)
    return out, lists.done()


def _person_list(site: Site, p, mentions: list, co: tuple) -> list[Route]:
    return _paginate(site, Lazy(PERSON, site, mentions),
                     partial(_by_date, site, [i for i, _ in mentions]), len(mentions),
                     partial(urls.person_path, p.key), "person.html", p.name, {"name": p.name},
                     {"person": p, "co": [{"name": name, "count": n, "path": urls.person_path(k)}
                                          for k, n, name in co]})


def _term_list(site: Site, term: dict, path: str) -> list[Route]:
    return _paginate(site, Lazy(TERM, site, term["items"]), partial(_cables_of, term["items"]),
                     len(term["items"]), partial(urls.paged, path), "list.html", term["name"],
                     {"heading": term["name"], "crumb": ("Subjects", "subject/index.html")})


def _subject_lines_list(site: Site) -> list[Route]:
    return _paginate(site, Lazy(SUBJECTS, site), partial(_cables_of, site.subjects, 1),
                     len(site.subjects), partial(urls.paged, "subject/lines.html"),
                     "subjects.html", "Subject lines", {},
                     label=lambda i: (site.cables[i].subject or "(no subject)")[:40])


def _cables_of(items: list, at: int = 0) -> list[int]:
    """The cables of ``items`` (tuples holding a cable at ``at``), in order."""
    return [t[at] for t in items]


def _by_date_of_cable(site: Site, items: list) -> list:
    ranks = _ranks(site)
    return sorted(items, key=lambda m: ranks[m[0]])


def _person_rows(site: Site, mentions: list) -> list[Row]:
    """A person's cables, with links to the paragraphs that name them."""
    rows = []
    for i, paras in mentions:
        r = row(site, i).copy()
        c = site.cables[i]
        r["where"] = [{"label": f"¶{c.paragraphs[k].number}" if c.paragraphs[k].number
                       is not None else f"block {k + 1}",
                       "path": r["path"] + "#" + (f"p{c.paragraphs[k].number}" if
                                                  c.paragraphs[k].number is not None else f"b{k + 1}")}
                      for k in paras[:6] if k < len(c.paragraphs)]
        rows.append(r)
    return rows


def _term_rows(site: Site, items: list) -> list[Row]:
    """A subject term's cables, with links to the headings that name it."""
    rows = []
    for i, paras in items:
        r = row(site, i).copy()
        c = site.cables[i]
        r["where"] = [{"label": c.paragraphs[p].heading[:60], "path": r["path"] + f"#b{p + 1}"}
                      for p in paras[:4]]
        rows.append(r)
    return rows


def _subject_rows(site: Site, subjects: list[tuple[str, int]]) -> list[Row]:
    rows = []
    for s, i in subjects:
        r = row(site, i).copy()
        r["letter"] = _letter(s.lstrip("\"'(").upper())
        rows.append(r)
    return rows


def _person_row_facts(site: Site, mentions: list) -> list[tuple]:
    cables = shown(site)
    return [(cables[i], paras[:6]) for i, paras in mentions]


def _term_row_facts(site: Site, items: list) -> list[tuple]:
    cables = shown(site)
    return [(cables[i], tuple(paras[:4])) for i, paras in items]


def _subject_row_facts(site: Site, subjects: list[tuple[str, int]]) -> list[tuple]:
    cables = shown(site)
    return [(cables[i], s) for s, i in subjects]


def _as_given(site: Site, items: list) -> list:
    return items


def _subject_lines(site: Site) -> list[tuple[str, int]]:
    return site.subjects


# Each kind of list: its order, its rows, and their facts (what a row is made from: its
# cable's digest and key, and what the list adds).  Keep each facts function in step
# with its rows function: a test checks on the corpus that equal facts mean equal contexts.
CABLES = ListKind(_by_date, _cable_rows, _cable_row_facts)
PERSON = ListKind(_by_date_of_cable, _person_rows, _person_row_facts)
TERM = ListKind(_as_given, _term_rows, _term_row_facts)
SUBJECTS = ListKind(_subject_lines, _subject_rows, _subject_row_facts)


AZ_SPLIT = 3000   # an A-Z index longer than this gets a page per letter
AZ_PAGE = 2000    # entries per page of a letter


def az_routes(index_path: str, template: str, entries: list[dict], title: str,
              ctx: dict) -> list[Route]:
    """An A-Z index: one page when short; else letters on the index page and a page
    (paginated) per letter, so no index page grows past a few hundred KB.  A letter's
    pages are cut where :mod:`pagecuts` says from the entries' paths, and a later page is
    named after its first entry and labelled by its first and last: an entry added
    changes its own page and the letter's first (which counts the entries and pages);
    the other pages keep their names and bytes."""
    by_letter: dict[str, list[dict]] = {}        # one pass, not one a letter
    for e in entries:
        by_letter.setdefault(e["letter"], []).append(e)
    letters = list(by_letter)
    if len(entries) <= AZ_SPLIT:
        return [Route(index_path, template, {**ctx, "entries": entries, "split": False,
                                             "letters": [{"letter": l, "path": None} for l in letters]},
                      title)]
    folder = index_path.rsplit("/", 1)[0]
    out: list[Route] = []
    links = []
    for letter in letters:
        items = by_letter[letter]
        slug = "other" if letter == "#" else letter.lower()

        def path_of(n: int | str, slug=slug) -> str:
            return urls.paged(f"{folder}/letter-{slug}.html", n)
        marks = pagecuts.marks_of([e["path"] for e in items], AZ_PAGE)
        starts = pagecuts.page_starts(len(items), [k for k, m in enumerate(marks) if m], AZ_PAGE)
        paths = [path_of(1), *(path_of(_entry_name(items[s])) for s in starts[1:])]
        bounds = [*starts, len(items)]
        links.append({"letter": letter, "count": len(items), "path": paths[0]})
        for n, path in enumerate(paths):
            first = n == 0
            chunk = items[bounds[n]:bounds[n + 1]]
            pager = {"pages": len(paths) if first else None, "total": len(items) if first else None,
                     "prev": paths[n - 1] if n else None,
                     "next": paths[n + 1] if n + 1 < len(paths) else None,
                     "first": None if first else paths[0],
                     "label": None if first else " to ".join(dict.fromkeys(
                         (chunk[0]["name"], chunk[-1]["name"]))),
                     "contents": None}
            out.append(Route(path, "az.html", {"heading": f"{title}: {letter}", "entries": chunk,
                                               "pg": pager, "crumb": (title, index_path)},
                             f"{title}: {letter}" + ("" if first else f" ({pager['label']})")))
    return [Route(index_path, template, {**ctx, "entries": [], "split": True, "letters": links},
                  title), *out]


def _entry_name(entry: dict) -> str:
    """What a later page of an A-Z index is named after: its first entry's page's name
    (``person/john-smith.html`` -> ``john-smith``; unique in an index)."""
    return entry["path"].rsplit("/", 1)[-1].rsplit(".", 1)[0]


def site_term_paths(site: Site) -> dict[str, str]:
    paths, used = {}, {"index", "lines"}
    for k in site.terms:
        base = urls.slug(k)
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        paths[k] = f"subject/{slug}.html"
    return paths


def _letter(s: str) -> str:
    ch = s[:1].upper()
    return ch if "A" <= ch <= "Z" else "#"


def _surname_sort(name: str) -> str:
    parts = name.split()
    return (parts[-1] + " " + " ".join(parts[:-1])).upper() if parts else ""


def _class_rank(cls: str) -> tuple:
    order = ["TOP SECRET", "SECRET", "CONFIDENTIAL", "LIMITED OFFICIAL USE", "UNCLASSIFIED"]
    return (order.index(cls) if cls in order else len(order), cls)


def dated_listed(site: Site, newest_first: bool = False) -> Iterator[int]:
    """The listed cables (not other versions) that have a date, in site order or newest
    first: walked from that end of ``Site.order``, so the few asked for cost a few steps
    (undated cables sort last)."""
    cables, versions = site.cables, site.version_of
    for i in reversed(site.order) if newest_first else site.order:
        if cables[i].date and i not in versions:
            yield i


def newest(site: Site, count: int) -> list[int]:
    """The ``count`` newest dated cables listed, newest first (none for a count of 0 or
    less)."""
    return list(islice(dated_listed(site, newest_first=True), max(count, 0)))


def home_route(site: Site) -> Route:
    """The home page: the newest cables, the collection's figures and its cables per
    month (counted from ``Site.years``, which ``site.index_pages`` filled in: the site's
    dates are ISO, so a month's ``YYYY-MM`` is its year and month)."""
    months: dict[str, int] = {}
    for y, ms in site.years.items():
        if y != UNDATED:
            for m, v in ms.items():
                months[f"{y}-{m}" if m else y] = len(v)
    first = next(dated_listed(site), None)
    last = next(dated_listed(site, newest_first=True), None)
    stats = {"cables": len(site.order) - len(site.version_of), "people": len(site.persons),
             "tags": len(site.tags), "origins": len(site.origins),
             "first": site.cables[first].date[:10] if first is not None else None,
             "last": site.cables[last].date[:10] if last is not None else None,
             "refs": sum(len(v) for v in site.cited_by.values())}
    return Route("index.html", "home.html",
                 {"newest": [row(site, i) for i in newest(site, site.config.newest)],
                  "stats": stats, "timeline": timeline(months)}, site.config.title)


def timeline(months: dict[str, int]) -> dict | None:
    """Cables per month as SVG bar geometry, drawn at build time."""
    if not months:
        return None
    keys = sorted(months)
    y0, y1 = int(keys[0][:4]), int(keys[-1][:4])
    series = [(f"{y}-{m:02d}", months.get(f"{y}-{m:02d}", 0)) for y in range(y0, y1 + 1)
              for m in range(1, 13)]
    while series and series[0][1] == 0:
        series.pop(0)
    while series and series[-1][1] == 0:
        series.pop()
    peak = max(n for _, n in series)
    width, height = 720, 120
    bw = width / len(series)
    bars = [{"x": round(k * bw, 2), "w": round(max(bw - 0.5, 0.5), 2),
             "h": round(height * n / peak, 2), "y": round(height - height * n / peak, 2),
             "label": f"{label}: {n} cable{'s' if n != 1 else ''}", "n": n}
            for k, (label, n) in enumerate(series) if n]
    return {"width": width, "height": height, "bars": bars, "first": series[0][0],
            "last": series[-1][0], "peak": peak}


def page_routes(site: Site) -> list[Route]:
    out = []
    for page in site.pages:
        path = f"{page.slug}.html"

        def cable_link(cid: str, path=path) -> str | None:
            i = site.primary.get(cid)
            return urls.rel(path, cable_path(site, i)) if i is not None else None
        out.append(Route(path, "page.html", {"page": page,
                                             "body": Markup(render_markdown(page.markdown, cable_link))},
                         page.title))
    return out


DATA_PART_CABLES = 2000   # ~14 MB of JSON lines: a download a browser or a host takes in one go


def data_parts(site: Site) -> list[tuple[str, list[int]]]:
    """How the data export is cut: one ``cables`` file for a collection of up to
    DATA_PART_CABLES cables, else a file per year (``cables-2007``), a year past the
    limit in numbered parts (``cables-2007-1``); cables without a date in
    ``cables-undated``.  Every cable is in exactly one part, in site order: the order is
    by date (undated last), so each year is a slice of it, found by bisection."""
    order = site.order
    if len(order) <= DATA_PART_CABLES:
        return [("cables", list(order))]
    cables = site.cables

    def year(i: int) -> str:        # "~" sorts after every year's digits
        d = cables[i].date
        return d[:4] if d else "~"
    out = []
    start = 0
    while start < len(order):
        y = year(order[start])
        end = bisect_right(order, y, start, key=year)
        name = "undated" if y == "~" else y
        if end - start <= DATA_PART_CABLES:
            out.append((f"cables-{name}", order[start:end]))
        else:
            for k in range(start, end, DATA_PART_CABLES):
                out.append((f"cables-{name}-{(k - start) // DATA_PART_CABLES + 1}",
                            order[k:min(k + DATA_PART_CABLES, end)]))
        start = end
    return out


def data_route(site: Site) -> Route:
    parts = []
    cables = site.cables
    for name, idx in data_parts(site):
        # a part is in site order, by date with the undated last
        first = next((cables[i].date for i in idx if cables[i].date), None)
        last = next((cables[i].date for i in reversed(idx) if cables[i].date), None)
        parts.append({"name": name, "jsonl": f"data/{name}.jsonl", "csv": f"data/{name}.csv",
                      "count": len(idx), "first": first[:10] if first else None,
                      "last": last[:10] if last else None})
    return Route("data/index.html", "data.html", {"parts": parts, "total": len(site.order)},
                 "Data downloads")


def routes(site: Site, last: bytes | None = None) -> tuple[Plan, list[Diagnostic]]:
    """Every page of the site (``Plan``), and an error for each path two pages would
    share.  ``last``: the lists' record of the last build (``Plan.lists``), whose lists
    are planned again only where their signatures changed (``listings.ListRoutes``)."""
    numbers = Numbers.of_shown(shown(site))    # shown here, for the render workers
    named = numbers.naming(site.people_digests) if site.people_digests else numbers
    pages, lists = index_routes(site, numbers, named)
    listed = ListRoutes(lists, last, validity(site.config, site.pages))
    plan = Plan([[home_route(site)], CableRoutes(site), pages, listed, page_routes(site), [
        data_route(site), Route("404.html", "404.html", {}, "Page not found"),
        Route("search.html", "search.html",
              {"stats_count": f"{len(site.cables) - len(site.version_of):,}"}, "Search")]])
    paths = list(plan.paths())
    if len(set(paths)) == len(paths):     # none shared: found in C (0.6 s at 250,000)
        return plan, []
    seen: dict[str, int] = {}
    diags = []
    for k, path in enumerate(paths):
        if path in seen:
            diags.append(error(f"two pages would be written to {path}: "
                               f"{plan[seen[path]].title!r} and {plan[k].title!r}; rename one (a "
                               "Markdown page may not be named like a built-in page)", kind="route"))
        seen[path] = k
    return plan, diags
