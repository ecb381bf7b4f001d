"""The fingerprints of every cable page and raw view, made at once as columns of numbers.

A rebuild fingerprints the routes of every cable (half a million at 250,000 cables) to
find the few whose pages changed.  ``pages.CableRoutes.facts_of`` states what a cable's
page is made from as bytes: the cable and every cable it shows, each by its digest and
key (``pages.shown``), and the people it names.  Hashing those bytes a route at a time
took about 7 us a route.  Here the same facts are hashed as arrays, in two lanes of
64 bits (a route's fingerprint is both, 16 bytes):

- each cable shown is a number a lane, from a digest of its ``shown`` bytes, and "no
  cable" (a missing neighbour, a REF that names no cable of the collection) one more;
- a list of cables (REF targets, citing cables, other versions) is the sum of its
  items' numbers, each first mixed with its place in the list, and its length;
- a route's fingerprint is a running hash (splitmix64's mixer) over its facts in
  ``facts_of``'s order, seeded by its template and the frame (the site's settings and
  the navigation, the same for every cable page).

Equal facts give equal fingerprints; a test checks on the corpus that different facts
give different ones (two lanes: a chance of 2**-128 that two differ alike).
"""
from __future__ import annotations

from hashlib import blake2b
from itertools import chain

import numpy as np

from .numhash import mix64 as _mix

_U = np.uint64
_GOLD = _U(0x9E3779B97F4A7C15)


def _step(h: np.ndarray, value: np.ndarray) -> np.ndarray:
    """The running hash ``h`` after one more fact per row."""
    return _mix(h * _GOLD + value)


def _seed(frame: bytes, template: str, lane: int) -> np.uint64:
    key = f"{template}\xff{lane}".encode()
    return _U(int.from_bytes(blake2b(frame, digest_size=8, key=key[:64]).digest(), "little"))


def _lists(values: np.ndarray, offsets: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """Per row, the sum of its items' numbers (``values[flat[...]]``, the row's items
    being ``flat[offsets[r]:offsets[r + 1]]``), each mixed with its place first."""
    lengths = np.diff(offsets)
    place = np.arange(len(flat), dtype=np.uint64) - np.repeat(offsets[:-1], lengths).astype(np.uint64)
    items = _mix(values[flat] + (place + _U(1)) * _GOLD)
    sums = np.zeros(len(flat) + 1, dtype=np.uint64)
    np.cumsum(items, out=sums[1:])
    return sums[offsets[1:]] - sums[offsets[:-1]]


def _with_list(h: np.ndarray, values: np.ndarray, rows: tuple) -> np.ndarray:
    """``h`` after a list of cables a row (``rows``: offsets and flat, see ``_lists``)
    and its length."""
    offsets, flat = rows
    return _step(_step(h, _lists(values, offsets, flat)), np.diff(offsets).astype(np.uint64))


def route_prints(frame: bytes, page_template: str, raw_template: str, shown: list[bytes],
                 people: list[bytes], refs: tuple, neighbours: np.ndarray, cited: tuple,
                 primary: np.ndarray, versions: tuple, related: np.ndarray) -> bytes:
    """Each cable's page and raw view fingerprints, in that order (route 2i and 2i+1),
    16 bytes each, one after the other.
    ``shown``: each cable's ``pages.shown`` bytes; ``people``: its people's digest (16
    bytes); ``refs``, ``cited``, ``versions``: lists of cables per cable, as (offsets,
    flat) arrays (-1: no cable); ``neighbours``: per cable its previous and next, overall
    and from its origin (-1: none); ``primary``: the cable it is a version of (-1:
    none); ``related``: per cable its related cables (-1 after the last)."""
    n = len(shown)
    if n == 0:
        return b""
    numbers = np.frombuffer(b"".join([blake2b(s, digest_size=16).digest() for s in shown]),
                            dtype="<u8").reshape(n, 2)
    persons = np.frombuffer(b"".join(people), dtype="<u8").reshape(n, 2)
    lanes = []
    for lane in (0, 1):
        # a cable's number, and "no cable" last, so that index -1 finds it
        values = np.append(numbers[:, lane], _mix(np.array([_seed(b"none", "", lane)])))
        own = values[:n]
        page = np.full(n, _seed(frame, page_template, lane), dtype=np.uint64)
        page = _step(page, own)
        page = _step(page, persons[:, lane].copy())
        page = _with_list(page, values, refs)
        for column in range(neighbours.shape[1]):
            page = _step(page, values[neighbours[:, column]])
        page = _with_list(page, values, cited)
        page = _step(page, values[primary])
        page = _with_list(page, values, versions)
        for column in range(related.shape[1]):
            page = _step(page, values[related[:, column]])
        raw = _step(np.full(n, _seed(frame, raw_template, lane), dtype=np.uint64), own)
        lanes.append(np.stack([page, raw], axis=1).reshape(-1))
    return np.stack(lanes, axis=1).astype("<u8").tobytes()


def rows(lists: list[list]) -> tuple[np.ndarray, np.ndarray]:
    """A list of cables (None: no cable) a row, as (offsets, flat) arrays, -1 for None."""
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, lists), dtype=np.int64, count=len(lists)), out=offsets[1:])
    flat = np.array(list(chain.from_iterable(lists)), dtype=object)
    missing = flat == None        # noqa: E711 (an object array, compared item by item)
    if missing.any():
        flat[missing] = -1
    return offsets, flat.astype(np.int64)


def keyed_rows(lists: dict[int, list[int]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows 0 to ``n - 1`` as ``rows`` makes them, from the lists of the rows that have
    one (``lists``: row -> cables; the others are empty)."""
    lengths = np.zeros(n, dtype=np.int64)
    keys = sorted(lists)
    lengths[keys] = [len(lists[k]) for k in keys]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = np.fromiter(chain.from_iterable(lists[k] for k in keys), dtype=np.int64,
                       count=int(offsets[-1]))
    return offsets, flat
