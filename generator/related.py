"""Related cables: for each cable, those sharing the most people and tags with it.

``related`` scores one cable; ``related_all`` answers for every cable of a site, taking
the answers of earlier builds where what an answer is made from did not change (the
caller keeps them on disk: ``known``), so that a rebuild scores only the cables that
share a person or a tag with a cable added, changed or removed.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from . import forked
from .site import Site

CAP = 2000      # a person or tag in more cables than this says nothing of relatedness
LIMIT = 5       # related cables a cable shows


@dataclass
class RelatedIndex:
    """What ``related`` counts with, built once per site: the cables of each person and
    tag (those in at most ``CAP`` cables; commoner ones say nothing) as integer arrays,
    and each cable's rank by key for ties; ``score`` is ``related``'s scratch pad (zeros
    between calls)."""
    people: dict
    tags: dict
    key_rank: "np.ndarray"
    score: "np.ndarray"


def related_index(site: Site) -> RelatedIndex:
    people = {k: np.fromiter((j for j, _ in cables), np.int64, len(cables))
              for k, cables in site.person_cables.items() if len(cables) <= CAP}
    tags = {t: np.asarray(cables, np.int64) for t, cables in site.tags.items() if len(cables) <= CAP}
    rank = np.empty(len(site.keys), np.int64)
    rank[sorted(range(len(site.keys)), key=site.keys.__getitem__)] = np.arange(len(site.keys))
    return RelatedIndex(people, tags, rank, np.zeros(len(site.keys), np.int64))


def related(site: Site, i: int, limit: int = LIMIT, index: RelatedIndex | None = None) -> list[int]:
    """Cables sharing people (weight 3 each) and tags (weight 1 each): the best ``limit``
    of those scoring at least 2 (one shared tag alone never qualifies), ties by key."""
    index = index or related_index(site)
    score = index.score
    lists = []
    for p in site.persons_of[i]:
        a = index.people.get(p.key)
        if a is not None:
            score[a] += 3                  # a list names each cable once
            lists.append(a)
    for t in site.cables[i].tags:
        a = index.tags.get(t)
        if a is not None:
            score[a] += 1
            lists.append(a)
    if not lists:
        return []
    touched = np.concatenate(lists)
    found = score[touched]
    score[touched] = 0
    keep = found >= 2
    cables, first = np.unique(touched[keep], return_index=True)   # a cable once
    found = found[keep][first]
    mine = cables != i
    cables, found = cables[mine], found[mine]
    best = np.lexsort((index.key_rank[cables], -found))[:limit]
    return cables[best].tolist()


def inputs(site: Site, index: RelatedIndex) -> list[bytes]:
    """Per cable, a digest of everything its related cables are made from: its key, and
    the cables (by key, in order) of each of its people and tags that count.  Scores,
    ties and the cap are functions of these; equal digests, equal answers (by key)."""
    keys = site.keys

    def of(cables) -> bytes:
        return hashlib.blake2b("\n".join([keys[j] for j in cables.tolist()]).encode(),
                               digest_size=16).digest()
    people = {k: b"p" + of(a) for k, a in index.people.items()}
    tags = {t: b"t" + of(a) for t, a in index.tags.items()}
    out = []
    salt = f"related {CAP} {LIMIT}\n".encode()
    for i, c in enumerate(site.cables):
        h = hashlib.blake2b(salt + keys[i].encode(), digest_size=16)
        for p in site.persons_of[i]:
            d = people.get(p.key)
            if d is not None:
                h.update(d)
        for t in c.tags:
            d = tags.get(t)
            if d is not None:
                h.update(d)
        out.append(h.digest())
    return out


def related_all(site: Site, known: tuple | None = None,
                jobs: int = 1) -> tuple[np.ndarray, tuple[str, bytes, bytes], int]:
    """Every cable's related cables, as rows of an array (-1 where fewer than LIMIT);
    the answers to keep for the next build (``known`` then); and how many cables were
    scored.  The answers kept are three strings: the cables' keys, one per line, their
    input digests (``inputs``, 16 bytes each) and the array's bytes.  A cable whose
    digest is one of ``known``'s takes that cable's answer, its cables found again by key
    (``_taken``); the others are scored, on ``jobs`` forked processes when there are
    many."""
    index = related_index(site)
    digests = inputs(site, index)
    out = np.full((len(site.cables), LIMIT), -1, np.int32)
    todo = _taken(site, digests, known, out)
    for i, cables in zip(todo, _score_all(site, index, todo, jobs)):
        out[i, :len(cables)] = cables
    return out, ("\n".join(site.keys), b"".join(digests), out.tobytes()), len(todo)


def _taken(site: Site, digests: list[bytes], known: tuple | None, out: np.ndarray) -> list[int]:
    """Fill in ``out``'s rows from the answers ``known`` has under the cables' digests, and
    return the cables left to score.  Done on whole arrays: at 250,000 cables, reading
    each answer as its keys took 1.7 s of a rebuild."""
    n = len(digests)
    try:
        keys, blob, rows = known
        old = np.frombuffer(rows, np.int32).reshape(-1, LIMIT)
        old_keys = keys.split("\n") if keys else []
        if not len(blob) == 16 * len(old) == 16 * len(old_keys):
            raise ValueError("answers of another shape")
    except (TypeError, ValueError):       # none kept, or kept by an older build
        return list(range(n))
    place = dict(zip([blob[k:k + 16] for k in range(0, len(blob), 16)], range(len(old))))
    at = np.fromiter(map(place.get, digests, repeat(-1, n)), np.int64, n)
    position = dict(zip(site.keys, range(n)))
    moved = np.fromiter(map(position.get, old_keys, repeat(-1, len(old_keys))), np.int32,
                        len(old_keys))
    hit = np.flatnonzero(at >= 0)
    taken = old[at[hit]]
    now = np.where(taken >= 0, moved[taken], -1)
    gone = ((taken >= 0) & (now < 0)).any(axis=1)      # a related cable is no more
    out[hit[~gone]] = now[~gone]
    return np.sort(np.concatenate([np.flatnonzero(at < 0), hit[gone]])).tolist()


def _score_all(site: Site, index: RelatedIndex, cables: list[int], jobs: int) -> list[list[int]]:
    def work(start: int, stop: int) -> list[list[int]]:
        return [related(site, i, index=index) for i in cables[start:stop]]
    return list(forked.results(work, len(cables), jobs, max(100, len(cables) // (4 * max(jobs, 1))),
                               1000))


def of(site: Site, i: int) -> list[int]:
    """Cable ``i``'s related cables (``site.related``, made by ``related_all`` when the
    build has not made it)."""
    if site.related is None:
        site.related, _, _ = related_all(site)
    return [j for j in site.related[i].tolist() if j >= 0]
