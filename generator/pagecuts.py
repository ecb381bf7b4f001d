"""Where a long list is cut into pages: at its items, not at multiples of a page size.

A list cut every ``per`` items moves every later item to another page when one item
is added near its start: adding a 1978 cable to the tag PREL of a large collection
rewrote all of its hundreds of pages.  Here a page ends after an item whose key is a
*mark* (its hash, one key in ``per // 2``), once the page holds at least ``per // 2``
items; a page never holds more than ``2 * per``.  The cuts then depend on the items
around them, as content-defined chunking cuts a file (the search index's runs are cut
the same way, and its tiers by the numbers of their documents: :func:`number_marks`):
an item added or removed changes its own page and, rarely, the one or two after it,
and every other page keeps its items (``pages._paginate`` names a page after its first
item, so it keeps its name too).

Pages hold ``per`` items on average (``per // 2`` to ``2 * per``; the last may be
shorter, and a last page shorter than ``per // 2`` joins the one before when the two
fit in ``2 * per``).  A list of ``per`` items or fewer is one page.
"""
from __future__ import annotations

from bisect import bisect_left
from hashlib import blake2b
from typing import Iterable, Sequence

import numpy as np

from .numhash import mix64

_U = np.uint64


def key_hash(key: str) -> int:
    """A key's 64-bit hash, which picks the marks (and the search index's slots)."""
    return int.from_bytes(blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


def is_mark(key: str, per: int) -> bool:
    """Whether a page may end after the item ``key`` (one key in ``per // 2``)."""
    return key_hash(key) % max(1, per // 2) == 0


def marks_of(keys: Iterable[str], per: int) -> bytearray:
    """``is_mark`` of each key, as 0 and 1 (one call a key, not two: at 250,000 keys a
    sixth less time)."""
    return hash_marks(map(key_hash, keys), per)


def hash_marks(hashes: Iterable[int], per: int) -> bytearray:
    """``is_mark`` of the keys whose ``key_hash``es these are, as 0 and 1 (for a caller
    that has the hashes already)."""
    m = max(1, per // 2)
    return bytearray(h % m == 0 for h in hashes)


def number_marks(numbers: np.ndarray, per: int) -> np.ndarray:
    """Whether a list may be cut after each of these numbers (bools; one number in
    ``per // 2``, picked by hash): the marks of lists whose items are numbered, such as
    the documents of the search index's tiers."""
    return mix64(np.asarray(numbers, dtype=_U)) % _U(max(1, per // 2)) == 0


def page_starts(total: int, marked: Sequence[int], per: int) -> list[int]:
    """Where each page of a list of ``total`` items starts (the first is 0): ``marked``
    holds, in increasing order, the positions of the items whose keys are marks."""
    if total <= per:
        return [0]
    half, most = max(1, per // 2), 2 * per
    starts, s, j = [0], 0, 0
    while True:
        j = bisect_left(marked, s + half - 1, j)       # the first mark the page may end at
        end = min(marked[j] if j < len(marked) else total, s + most - 1)
        if end + 1 >= total:
            break
        s = end + 1
        starts.append(s)
    if len(starts) > 1 and total - starts[-1] < half and total - starts[-2] <= most:
        starts.pop()
    return starts
