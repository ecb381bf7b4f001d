"""Related cables: for each cable, those sharing the most people and tags with it.

``related`` scores one cable; ``related_all`` answers for every cable of a site, taking
the answers of earlier builds where what an answer is made from did not change (the
caller keeps them on disk: ``known``), so that a rebuild scores only the cables that
share a person or a tag with a cable added, changed or removed.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

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


def related_all(site: Site, known: dict[bytes, str] | None = None,
                jobs: int = 1) -> tuple[np.ndarray, dict[bytes, str], int]:
    """Every cable's related cables, as rows of an array (-1 where fewer than LIMIT);
    the answers by input digest (``inputs``) to keep for the next build (the related
    cables' keys, one per line); and how many cables were scored.  An answer in
    ``known`` under a cable's digest is taken as it is; the others are scored, on
    ``jobs`` forked processes when there are many."""
    known = known or {}
    index = related_index(site)
    digests = inputs(site, index)
    out = np.full((len(site.cables), LIMIT), -1, np.int32)
    new: dict[bytes, str] = {}
    position = None
    todo = []
    for i, d in enumerate(digests):
        hit = known.get(d)
        if hit is None:
            todo.append(i)
            continue
        if hit:
            if position is None:
                position = {k: n for n, k in enumerate(site.keys)}
            cables = [position[k] for k in hit.split("\n")]
            out[i, :len(cables)] = cables
        new[d] = hit
    for i, cables in zip(todo, _score_all(site, index, todo, jobs)):
        out[i, :len(cables)] = cables
        new[digests[i]] = "\n".join(site.keys[j] for j in cables)
    return out, new, len(todo)


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
