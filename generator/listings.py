"""The site's lists (a tag's cables, a person's, a month's, the subject lines, ...) as
listings: each has a key (its first page's path), a signature (what its pages are
made from, in brief) and a way to plan its pages.

A rebuild plans only the lists whose signature is not the one the last build recorded
under their key (``ListRoutes``): a cable added to 250,000 joins a few of their 45,000,
and planning them all took about 3 s, and fingerprinting their pages about 3 s of the
render workers' time.  A signature counts a list's items as a sum of 64-bit numbers, one a
cable, made once a build from what the list shows of the cable (``pages.shown``: its
digest and key) and, for the people's lists, the persons it names (``Numbers``): equal
sums, equal items, whatever their order, which the items' facts decide (by date and
key, or by name).  What a list adds to its first page (a person's names and
companions) and its title are in the signature too.
"""
from __future__ import annotations

import hashlib
import pickle
import sys
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from operator import itemgetter
from typing import Callable

import numpy as np


class Numbers:
    """Per cable, a 64-bit number of what a list shows of it: its digest and key
    (``pages.shown``: ``of_shown``), and for the people's lists the persons it names too
    (``naming``), which say the paragraphs a person's list links to.  (A term's list
    links to the headings that name it, which the cable's digest says.)"""

    def __init__(self, array: np.ndarray):
        self.array = array

    @classmethod
    def of_shown(cls, shown: list[bytes]) -> "Numbers":
        blake2b = hashlib.blake2b
        return cls(np.frombuffer(b"".join([blake2b(s, digest_size=8).digest() for s in shown]),
                                 dtype="<u8"))

    def naming(self, people: list[bytes]) -> "Numbers":
        """These numbers with each cable's people (``Site.people_digests``) mixed in."""
        if len(people) != len(self.array):
            raise ValueError("a people digest for each cable")
        return Numbers(self.array ^ np.frombuffer(b"".join([d[:8] for d in people]), dtype="<u8"))

    def sums(self, lists: list[list], at: int | None = None) -> list[tuple[int, int]]:
        """Each list's signature: how many cables it holds, and the sum of their numbers
        modulo 2**64 (``at``: lists of tuples that hold their cable at ``at``).  The
        cables of all lists are read into one array in one pass, their numbers summed
        as running sums and taken at each list's end.  At 250,000 cables, 45,000 lists:
        reading their cables takes 0.55 s, and the signatures made list by list with
        numpy or Python took 0.2 s more."""
        lengths = np.fromiter(map(len, lists), dtype=np.intp, count=len(lists))
        ends = np.cumsum(lengths)
        total = int(ends[-1]) if len(lists) else 0
        items = chain.from_iterable(lists if at is None else
                                    (map(itemgetter(at), x) for x in lists))
        cables = np.fromiter(items, dtype=np.intp, count=total)
        running = np.zeros(total + 1, dtype=np.uint64)
        np.cumsum(self.array[cables], out=running[1:])
        return list(zip(lengths.tolist(), (running[ends] - running[ends - lengths]).tolist()))


class Signs:
    """The listings of a build, their signatures made at once when all are known
    (``Numbers.sums``): each a head (a title, a digest) and its cables' sum."""

    def __init__(self, numbers: Numbers, named: Numbers):
        self.numbers, self.named = numbers, named
        self.listings: list[Listing] = []
        self.waiting: dict[tuple[bool, int | None], list] = {}

    def add(self, key: str, head: tuple, cables: list, plan: Callable[[], list],
            named: bool = False, at: int | None = None) -> None:
        """A list by its key, head and ``cables`` (tuples with the cable at ``at``; by
        ``named`` numbers, with the persons each cable names, for a person's list)."""
        item = Listing(key, head, plan)
        self.listings.append(item)
        self.waiting.setdefault((named, at), []).append((item, cables))

    def done(self) -> list[Listing]:
        for (named, at), waiting in self.waiting.items():
            numbers = self.named if named else self.numbers
            for (item, _), sign in zip(waiting, numbers.sums([c for _, c in waiting], at)):
                item.sign = (*item.sign, *sign)
        self.waiting = {}
        return self.listings


def digest(*values) -> bytes:
    """A digest of plain values (strings, numbers, tuples of them, dataclasses of them) by
    their ``repr``: what a list shows as it is (a person and their companions) kept in
    its signature as 16 bytes, which the next build reads back faster than the values."""
    return hashlib.blake2b(repr(values).encode(), digest_size=16).digest()


def validity(config, pages: list) -> tuple:
    """What every list page is made under besides its own facts: the site's settings and
    the navigation (the Markdown pages in it), and the Python (whose ``repr`` the
    digests read).  The last build's signatures count only under the same."""
    return sys.hexversion, config, tuple((p.title, p.slug) for p in pages if p.nav)


@dataclass(slots=True)
class Listing:
    key: str                          # its first page's path
    sign: tuple                       # equal signatures (under one ``validity``), equal pages
    plan: Callable[[], list]          # its routes (``pages.Route``), in order


class ListRoutes(Sequence):
    """The routes of the site's lists, one list after another.  A list whose signature
    is the one the last build recorded under its key (``last``: its ``record``, which
    counts under the same ``now``, see ``validity``) is not planned: its pages are the
    paths recorded, and its routes are made only when asked for (a page the last build
    recorded no fingerprint for, having rendered it with a warning, is rendered again).
    The others are planned here."""

    def __init__(self, listings: list[Listing], last: bytes | None = None, now: tuple = ()):
        was, last = pickle.loads(last) if last else (None, {})
        if was != now:
            last = {}
        self.listings, self.now = listings, now
        self.routes: list[list | None] = []
        self.paths_of: list[list[str]] = []
        self.kept = bytearray(len(listings))
        for n, item in enumerate(listings):
            old = last.get(item.key)
            if old is not None and old[0] == item.sign:
                self.routes.append(None)
                self.paths_of.append(old[1] or [item.key])
                self.kept[n] = 1
            else:
                routes = item.plan()
                self.routes.append(routes)
                self.paths_of.append([r.path for r in routes])
        self.starts = list(accumulate(map(len, self.paths_of), initial=0))

    def __len__(self) -> int:
        return self.starts[-1]

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        n = bisect_right(self.starts, k) - 1
        return self._routes(n)[k - self.starts[n]]

    def _routes(self, n: int) -> list:
        routes = self.routes[n]
        if routes is None:
            routes = self.routes[n] = self.listings[n].plan()
            if [r.path for r in routes] != self.paths_of[n]:
                raise RuntimeError(f"the list {self.listings[n].key} has the signature of the "
                                   "last build's but not its pages; build with --clean")
        return routes

    def paths(self) -> Iterator[str]:
        return chain.from_iterable(self.paths_of)

    def pages(self) -> Iterator[tuple[int, str, bool]]:
        """(k, path, kept) for each route: ``kept``, of a list not planned again."""
        k = 0
        for paths, kept in zip(self.paths_of, self.kept):
            for path in paths:
                yield k, path, bool(kept)
                k += 1

    def record(self) -> bytes:
        """Each list's signature and pages (None for the one page named by its key), for
        the next build (its ``last``), pickled: kept as Python objects, made among the
        routes of the lists, they held on to the memory of the routes after the routes
        were let go (at 50,000 cables, the peak of a build that renders every page rose
        by 80 MB)."""
        lists = {item.key: (item.sign, None if paths == [item.key] else paths)
                 for item, paths in zip(self.listings, self.paths_of)}
        return pickle.dumps((self.now, lists), protocol=pickle.HIGHEST_PROTOCOL)
