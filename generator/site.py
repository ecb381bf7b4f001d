"""Resolve: the whole collection as one cross-linked model (no URLs, no HTML).

Each cable gets a unique key (its ID; versions and ID-less cables get derived
keys); REF items become edges to cables in the collection, and their reverse is
"cited by"; indexes map tags, people, origins, classifications and dates to
cables.  Everything refers to cables by index into ``Site.cables``.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain
from typing import Callable

import numpy as np

from .collect import Collection
from .config import Config
from .model import Cable, Person, PersonRef
from .people.extract import surname_key

UNDATED = "undated"
UNKNOWN_ORIGIN = "Unknown origin"      # the origin of a cable that names none (``Site.origins``)
CO_PERSONS = 12       # the persons named with a person that their page lists


@dataclass
class Site:
    config: Config
    cables: list[Cable]                                # summaries: ``full(i)`` has the text
    keys: list[str]
    persons_of: list[tuple[PersonRef, ...]]
    persons: dict[str, Person]
    order: list[int]                                   # cables by date, then id
    primary: dict[str, int]                            # id -> index of the primary version
    version_of: dict[int, int]
    ref_targets: list[list[int | None]]                # per cable, per REF item
    cited_by: dict[int, list[int]]
    tags: dict[str, list[int]]                         # (``index_pages``)
    origins: dict[str, list[int]]                      # (``index_pages``)
    classifications: dict[str, list[int]]              # (``index_pages``)
    # year -> month -> cables (``index_pages``)
    years: dict[str, dict[str, list[int]]]
    person_cables: dict[str, list[tuple[int, tuple[int, ...]]]]   # (``index_people``)
    co_persons: dict[str, list[tuple[str, int]]]                 # (``index_people``)
    subjects: list[tuple[str, int]]                    # (subject, cable) A-Z (``index_people``)
    # term key -> {name, items: [(cable, [paras])]} (``index_people``)
    terms: dict[str, dict] = field(default_factory=dict)
    pages: list = field(default_factory=list)
    store: object = None                               # the full cables (``collect.Collection``)
    digests: list[bytes] = field(default_factory=list)  # per cable: equal digests, equal cables
    people_digests: list[bytes] = field(default_factory=list)  # per cable: of ``persons_of``
    rows: list = field(default_factory=list, repr=False)  # per cable, its list row (``pages.row``)
    ranks: list = field(default_factory=list, repr=False)  # per cable, its place by date (``pages``)
    marks: bytearray = field(default_factory=bytearray, repr=False)   # per cable (``pagecuts``)
    shown: list = field(default_factory=list, repr=False)  # per cable, its facts (``pages.shown``)
    last_full: tuple = field(default=(None, None), repr=False)   # (i, cable): see ``full``
    related: object = field(default=None, repr=False)   # array: per cable, ``related.related_all``

    def full(self, i: int) -> Cable:
        """Cable ``i`` with its text and paragraphs (read back from the cache).  The last
        one read is kept: a cable's page and its raw view are rendered one after the
        other, and read it once.  Do not change what it returns."""
        if self.last_full[0] == i:
            return self.last_full[1]
        cable = self.store.cable(i)
        self.last_full = (i, cable)
        return cable


def _key(c: Cable, seen: dict[str, int]) -> str:
    """Cable ``c``'s key: its ID, or one made from its file; ``-v2``, ``-v3``... for the
    ones after the first (``seen``: how many had each so far)."""
    base = c.id
    if not base:
        src = re.sub(r"[^A-Za-z0-9]+", "-", c.source.path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
        base = f"X-{src}" + (f"-{c.source.record}" if c.source.record > 1 else "")
    n = seen[base] = seen.get(base, 0) + 1
    return base if n == 1 else f"{base}-v{n}"


def order_key(c: Cable) -> str:
    """The cables' order: by date (undated last), ID, file and record, as one string
    (NUL sorts before any character of a field; 250,000 strings sort in a quarter of the
    time tuples of four take)."""
    return f"{c.date or '9999'}\0{c.id or ''}\0{c.source.path}\0{c.source.record:09d}"


def resolve(col: Collection, config: Config) -> Site:
    """The site: :func:`resolve_shared`, then :func:`index_pages`."""
    site = resolve_shared(col, config)
    index_pages(site)
    return site


def resolve_shared(col: Collection, config: Config) -> Site:
    """The site but for what only its pages read (:func:`index_pages` fills it in): first
    what does not need the collection's people, while they are being resolved apart
    (``resolving.people_started``), then the people.  What the search index and the
    exports read is all here: a rebuild makes them in a process forked from this site
    while the building process fills in the rest (``build._alongside``)."""
    try:
        keys, order, primary, ref_targets, cited_by = _without_people(col)
    except BaseException:
        col.people.cancel()
        raise
    return Site(config, col.cables, keys, col.cable_persons, col.persons, order, primary,
                col.version_of, ref_targets, dict(cited_by), {}, {}, {}, {}, {}, {}, [],
                store=col.store, digests=col.digests, people_digests=col.people_digests)


def ref_targets_of(c: Cable, i: int, primary: Callable[[str], int | None]) -> list[int | None]:
    """The cables cable ``i`` (``c``) cites, one per REF item (None: not in the
    collection, or itself), from the primary version of each ID (``primary``)."""
    targets = [primary(r.id) if r.id else None for r in c.references]
    if i in targets:          # a cable citing itself: no link
        targets = [None if t == i else t for t in targets]
    return targets


def _without_people(col: Collection) -> tuple:
    cables, version_of = col.cables, col.version_of
    order = sorted(range(len(cables)), key=list(map(order_key, cables)).__getitem__)
    rank = [0] * len(order)
    for r, i in enumerate(order):
        rank[i] = r
    listed = [i for i in order if i not in version_of]
    # primaries first so they get the plain ID as their key
    seen: dict[str, int] = {}
    keys = [""] * len(cables)
    for i in chain(listed, [i for i in order if i in version_of]):
        keys[i] = _key(cables[i], seen)
    primary = {c.id: i for i, c in enumerate(cables) if c.id and i not in version_of}
    ref_targets, cited_by, get = [], defaultdict(list), primary.get
    for i, c in enumerate(cables):
        if not c.references:
            ref_targets.append([])
            continue
        targets = ref_targets_of(c, i, get)
        ref_targets.append(targets)
        if i not in version_of:
            for t in targets:
                if t is not None and i not in cited_by[t]:
                    cited_by[t].append(i)
    for t in cited_by:
        cited_by[t].sort(key=rank.__getitem__)
    return keys, order, primary, ref_targets, cited_by


def index_pages(site: Site) -> None:
    """Fill in what :func:`resolve_shared` leaves out, which only the pages read: the
    cables by tag, origin, classification and date, and the people's indexes, subject
    terms and subject lines (:func:`index_people`).  A rebuild fills them in while the
    search index and the exports are made apart, not before forking that process (at
    250,000 cables, the lists by tag, origin, classification and date took 0.6 s of
    it, the subject lines sorted 0.8 s)."""
    cables = site.cables
    listed = [i for i in site.order if i not in site.version_of]
    tags, origins, classes = defaultdict(list), defaultdict(list), defaultdict(list)
    years: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i in listed:
        c = cables[i]
        for t in c.tags:
            tags[t].append(i)
        origins[c.origin or UNKNOWN_ORIGIN].append(i)
        classes[c.classification or "UNKNOWN"].append(i)
        if c.date:
            years[c.date[:4]][c.date[5:7]].append(i)
        else:
            years[UNDATED][""].append(i)
    site.tags, site.origins = dict(sorted(tags.items())), dict(sorted(origins.items()))
    site.classifications = dict(sorted(classes.items()))
    site.years = {y: dict(sorted(m.items())) for y, m in sorted(years.items())}
    index_people(site, listed)


def index_people(site: Site, listed: list[int]) -> None:
    """Each person's cables, who is named with whom, the terms of the subject lines and
    headings (which leave out people's names), and the subject lines A-Z (``listed``:
    the cables listed, by date)."""
    cables, keys = site.cables, site.keys
    site.subjects = subject_lines(cables, keys, listed)
    person_cables = defaultdict(list)
    groups = []                    # the persons of each cable naming more than one
    for i in listed:
        refs = site.persons_of[i]
        for p in refs:
            person_cables[p.key].append((i, p.paragraphs))
        if len(refs) > 1:
            groups.append({p.key for p in refs})
    site.person_cables = dict(person_cables)
    site.co_persons = co_persons(groups, sorted(person_cables))
    rank = [0] * len(cables)
    for r, i in enumerate(site.order):
        rank[i] = r
    site.terms = subject_terms(_subject_candidates(cables, listed), site.persons, rank)


def co_persons(groups: list[set[str]], names: list[str], most: int = CO_PERSONS
               ) -> dict[str, list[tuple[str, int]]]:
    """Who is named with whom: for each person of ``groups`` (each the persons of one
    cable; ``names``: every person, sorted), the ``most`` others named in the most of
    the same cables, as (person, cables), by cables then name.  Counted as arrays of
    numbers: every (person, other) pair of each group, sorted and counted once (at
    250,000 cables, a counter per person and a selection from each took about 1.7 s)."""
    if not groups:
        return {}
    num = {k: n for n, k in enumerate(names)}
    sizes = np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))
    flat = np.fromiter((num[k] for g in groups for k in g), dtype=np.int64, count=int(sizes.sum()))
    # member e of group g paired with each member of g: e repeated |g| times, against g
    reps = np.repeat(sizes, sizes)
    a = np.repeat(flat, reps)
    first = np.repeat(np.repeat(np.cumsum(sizes) - sizes, sizes), reps)
    b = flat[first + np.arange(len(a)) - np.repeat(np.cumsum(reps) - reps, reps)]
    pair, count = np.unique((a * len(names) + b)[a != b], return_counts=True)
    a, b = pair // len(names), pair % len(names)
    order = np.lexsort((b, -count, a))      # names are sorted: a number orders as its name
    a, b, count = a[order], b[order], count[order]
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
    top = np.arange(len(a)) - np.repeat(starts, np.diff(np.r_[starts, len(a)])) < most
    out: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for x, y, n in zip(a[top].tolist(), b[top].tolist(), count[top].tolist()):
        out[names[x]].append((names[y], n))
    return dict(out)


def subject_lines(cables: list[Cable], keys: list[str], listed: list[int]) -> list[tuple[str, int]]:
    """(subject, cable) of the listed cables with a subject line, A-Z by the line's upper
    case without leading quotes and brackets, then by key.  Sorted by one string a line
    (``joined_keys``): 250,000 lines in two thirds of the time the pairs took."""
    lines = [(c.subject, i) for i in listed if (c := cables[i]).subject]
    firsts, then = [s.lstrip("\"'(").upper() for s, _ in lines], [keys[i] for _, i in lines]
    by = joined_keys(firsts, then) or list(zip(firsts, then))
    return [lines[k] for k in sorted(range(len(lines)), key=by.__getitem__)]


def joined_keys(*columns: list[str]) -> list[str] | None:
    """Per row of the columns, its strings joined by NUL, which sorts before any other
    character: sorted, they order as the rows' tuples do, in a third to two thirds of
    the time (as ``order_key``'s do).  None when a string holds a NUL of its own (then
    sort by the tuples)."""
    joined = ["\0".join(row) for row in zip(*columns)]
    if any(k.count("\0") > len(columns) - 1 for k in joined):
        return None
    return joined


def _subject_candidates(cables: list[Cable], listed: list[int]) -> list[tuple[str, str, int, int | None]]:
    """(term key, display form, cable, heading's paragraph or None for the subject line) of
    every term of the listed cables' subject lines and section headings, in order: made
    with each summary by the process that parsed it (``Cable.subject_terms``)."""
    return [(tk, shown, i, k) for i in listed for tk, shown, k in cables[i].subject_terms]


def subject_terms(candidates: list[tuple[str, str, int, int | None]],
                  persons: dict[str, Person], rank: list[int]) -> dict[str, dict]:
    """Terms from subject lines and section headings (``_subject_candidates``); people's
    names are left to the people pages.  Each term's cables in the order of
    :func:`order_key`, by ``rank``: each cable's place in ``Site.order``, which is that
    order (making the key again took 0.6 s at 250,000 cables)."""
    people = {surname_key(f) for p in persons.values() for f in p.aliases}
    forms: dict[str, Counter] = defaultdict(Counter)
    items: dict[str, dict[int, list[int]]] = defaultdict(dict)
    for tk, shown, i, k in candidates:
        if tk in people:
            continue
        forms[tk][shown] += 1
        where = items[tk].setdefault(i, [])
        if k is not None:
            where.append(k)
    return {tk: {"name": max(forms[tk], key=lambda f: (forms[tk][f], f)),
                 "items": sorted(v.items(), key=lambda kv: rank[kv[0]])}
            for tk, v in sorted(items.items())}
