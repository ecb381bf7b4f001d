"""The numbers of the search index's documents: each cable keeps its number when others
come and go.

The index refers to documents by number: postings hold number deltas, and ``meta.js``
says which year, origin and classification each range of numbers has.  Numbered 0, 1,
2 ... in index order, a cable added early in that order moved the number of every cable
after it, and with it a posting of nearly every term: every file of the index changed.
Here:

- the documents of one year, origin and classification (consecutive in index order)
  are cut into *blocks*, at cables whose key is a mark (``pagecuts``: one in
  ``PART``), once a block holds ``PART // 2`` documents, and at ``2 * PART``
  documents at most, so the cuts depend on the cables, not on their places;
- a block of n documents holds the numbers ``base`` to ``base + space - 1``, where
  ``space`` is the smallest power of two of at least 2n (and at least ``LEAST``), and
  ``base`` is where the block before it ends;
- in its block, a cable takes the number its key's hash picks, or the next free one
  (the keys taken in sorted order).

A new cable then takes a free number of its block and moves no other (unless one
collides after it).  Every number after its block moves only when its block's space
doubles, when it starts a new block, or when it is the first of its year, origin and
classification: a few cables in a hundred.  Most runs of a year, origin and
classification are small (half of them one cable in a synthetic collection of 10,000,
18 on average in one of 250,000), so the least space is what keeps their doubling
rare: with 16, 3.7% of cables added at random to the 10,000 move the numbers after
them, against 56% with 2, for 8 numbers a document instead of 2.4.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..pagecuts import hash_marks, key_hash, page_starts

PART = 2048          # documents of a block, about (half to twice)
LEAST = 16           # the smallest space: a run of 8 cables or fewer never moves the others


@dataclass(frozen=True, slots=True)
class Block:
    start: int                  # its first document, by place in index order
    end: int                    # after its last
    base: int                   # its first number
    space: int                  # how many numbers it holds
    offsets: tuple[int, ...]    # each document's number - base, in index order
    # each document's key's hash (``pagecuts.key_hash``), in index order: it picks the
    # blocks' cuts, the slots and the runs' cuts (``postings.runs``), and is made once
    hashes: tuple[int, ...]


def slots(keys: list[str], space: int, hashes: list[int] | None = None) -> list[int]:
    """Each key's place among ``space`` numbers: its hash's, or the next free one
    (wrapping), the keys taken in sorted order (``hashes``: each key's ``key_hash``, when
    made already)."""
    taken = bytearray(space)
    place = {}
    for k, h in sorted(zip(keys, hashes if hashes is not None else map(key_hash, keys))):
        s = h % space
        while taken[s]:
            s = (s + 1) % space
        taken[s] = 1
        place[k] = s
    return [place[k] for k in keys]


def blocks(docs: list, part: int | None = None) -> list[Block]:
    """The blocks of ``docs`` (in index order; each with a ``key`` whose first three
    items are its year, origin and classification and whose last is its cable key)."""
    part = part or PART
    out, base, a = [], 0, 0
    while a < len(docs):
        group = docs[a].key[:3]
        z = a
        while z < len(docs) and docs[z].key[:3] == group:
            z += 1
        keys = [d.key[-1] for d in docs[a:z]]
        hashes = list(map(key_hash, keys))
        marked = [n for n, mark in enumerate(hash_marks(hashes, 2 * part)) if mark]
        starts = page_starts(len(keys), marked, part)
        for s, e in zip(starts, starts[1:] + [len(keys)]):
            space = max(LEAST, 1 << (2 * (e - s) - 1).bit_length())
            out.append(Block(a + s, a + e, base, space,
                             tuple(slots(keys[s:e], space, hashes[s:e])), tuple(hashes[s:e])))
            base += space
        a = z
    return out
