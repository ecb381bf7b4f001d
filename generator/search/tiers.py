"""A term's postings cut into tiers and encoded for search.js.

A term in more than :data:`TIER` documents has them ranked by decreasing weight and
cut into tiers: tier 0 holds the documents where the term weighs most and is what a
first query loads; the other tiers are loaded only when a query needs every match.  A
tier ends after a document whose number is a mark (``pagecuts.number_marks``: one in
``TIER // 2``), once it holds ``TIER // 2`` documents; it never holds more than
``2 * TIER`` (``pagecuts.page_starts``).  So tiers hold about ``TIER`` documents, and a
document added or removed changes its own tier of each of its terms and, rarely, the
next: the others keep their bytes (cut every ``TIER`` by rank, a new document moved
one document across every later cut: at 250,000 cables a new cable rewrote about 2,770
tier files).  A term in ``TIER`` documents or fewer is one tier.

Encoding (read by search.js): a tier is a string of postings sorted by document,
each posting a document-number delta as a base-32 varint (digits 32-63 continue,
0-31 end) followed by two digits holding ``field << 9 | weight`` where weight is
``round(sqrt(w) * 511)``; digits are the 64 characters of :data:`ALPHABET`.

A tier of a term in several tiers has an identity (:func:`identities`), which with its
path fingerprints its file (``lastshards.tier_print``): a rebuild encodes only the tiers
whose files the last build did not write with the fingerprint they have now.

Apart from :mod:`.postings` (whose code the analysis cache's version counts): what is
here changes the index files, not what a document's analysis is.
"""
from __future__ import annotations

from typing import Callable, Iterator

import numpy as np

from ..numhash import mix64
from ..pagecuts import number_marks, page_starts
from .documents import BOOST, FIELDS

TIER = 4096
ALPHABET = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_",
                         dtype=np.uint8)


def encode_terms(term: np.ndarray, doc: np.ndarray, field: np.ndarray, w: np.ndarray,
                 names: list[str], kept: Callable[[int, np.ndarray], list[bool]] | None = None
                 ) -> Iterator[tuple[str, int, list, bytes | None]]:
    """The terms of these postings, each as (term, documents, tiers, identities): tuples,
    which pickle in C on their way back from a worker.  ``term``: each posting's term (its
    number in ``names``), ``doc`` its document's number, ``field`` and ``w`` its field and
    weight; sorted by term, then document, then field, every term's postings here.

    A term of several tiers has each tier's identity (:func:`identities`; uint64s as
    bytes, None for a term of one tier); ``kept(term number, identities)`` says of each
    tier after the first whether the last build's file of it stands (its identity and
    place are the ones that file was written with), and such a tier is not encoded: it
    comes as None.  The first tier is always encoded (it is in the term's shard).
    """
    # The postings come sorted by term, then document (added in document order, sorted
    # by term stably), then field: every sort below need only order what differs, and
    # sorts terms counted from the first one here (numbers of fewer bits, fewer passes).
    first = np.ones(len(term), dtype=bool)
    first[1:] = (term[1:] != term[:-1]) | (doc[1:] != doc[:-1])
    starts = np.flatnonzero(first)
    group = np.cumsum(first) - 1                                   # (term, doc) group
    base = int(term[0]) if len(term) else 0
    gterm = (term[starts] - base).astype(np.int64)                 # sorted
    ndocs = np.bincount(gterm, minlength=1)
    # A term in more than TIER documents has its documents ranked by their weight in it
    # (fields summed, boosted), best first, ties in document order, and cut into tiers
    # where their numbers say; a term in fewer is one tier, in whatever order.
    gtier = np.zeros(len(gterm), dtype=np.int64)
    big = np.flatnonzero(ndocs[gterm] > TIER)
    q = quantized(w)
    ident: dict[int, np.ndarray] = {}          # local term -> its tiers' identities
    if len(big):
        boost = np.array([BOOST[f] for f in FIELDS])
        gimpact = np.add.reduceat(w * boost[field], starts)[big]
        bterm = gterm[big]
        by_impact = by_impact_order(bterm, gimpact)    # by term (still), then impact
        tstart = np.flatnonzero(np.r_[True, bterm[1:] != bterm[:-1]])
        gtier[big[by_impact]] = tier_numbers(tstart, doc[starts][big][by_impact])
    tier = gtier[group]
    if len(big):
        local = (term - base).astype(np.int64)
        sums, tbase = identities(local, tier, doc, field, q, len(ndocs))
        for t in bterm[tstart].tolist():            # each term of several tiers
            ident[t] = sums[tbase[t]:tbase[t + 1]]
        if kept is not None:            # the tiers whose files stand are left out
            skip = np.zeros(len(sums), dtype=bool)
            for t, s in ident.items():
                skip[tbase[t] + 1:tbase[t + 1]] = kept(t + base, s)
            if skip.any():
                enc = ~skip[tbase[local] + tier]
                term, local, doc, field, q, tier = (term[enc], local[enc], doc[enc], field[enc],
                                                    q[enc], tier[enc])
        # a term in more than TIER documents: its tiers one after another
        order = stable_order(local * (int(tier.max()) + 1) + tier)
        term, doc, field, q, tier = term[order], doc[order], field[order], q[order], tier[order]
    # Document deltas within each (term, tier) run.
    newrun = np.ones(len(term), dtype=bool)
    newrun[1:] = (term[1:] != term[:-1]) | (tier[1:] != tier[:-1])
    delta = doc.astype(np.int64)
    delta[1:] -= doc[:-1]
    delta[newrun] = doc[newrun]
    text, offsets = _encode(delta, field, q)
    runs = np.flatnonzero(newrun)
    # each run's text, then each term's runs (plain ints and one C loop for each)
    pieces = [text[x:y] for x, y in zip(offsets[runs].tolist(),
                                        offsets[np.r_[runs[1:], len(term)]].tolist())]
    rterm = term[runs]
    rtier = tier[runs].tolist()
    tfirst = np.flatnonzero(np.r_[True, rterm[1:] != rterm[:-1]])
    ndocs = ndocs.tolist()
    for t, x, y in zip(rterm[tfirst].tolist(), tfirst.tolist(),
                       np.r_[tfirst[1:], len(runs)].tolist()):
        s = ident.get(t - base)
        if s is None:
            yield names[t], ndocs[t - base], pieces[x:y], None
            continue
        out: list = [None] * len(s)                    # a tier left out stays None
        for n, piece in zip(rtier[x:y], pieces[x:y]):
            out[n] = piece
        yield names[t], ndocs[t - base], out, s.tobytes()


def identities(local: np.ndarray, tier: np.ndarray, doc: np.ndarray, field: np.ndarray,
               q: np.ndarray, nterms: int) -> tuple[np.ndarray, np.ndarray]:
    """Each tier's identity: the sum (modulo 2**64) of a 64-bit hash of each of its
    postings' document number, field and encoded weight ``q``, which are all its file
    is made of; and where each term's tiers start among them (``local``: each posting's
    term, numbered from 0 up to ``nterms``, sorted).  A sum does not depend on the postings'
    order, and equal sums mean equal tiers (but for odds of 2**-64)."""
    ntiers = np.zeros(nterms, dtype=np.int64)
    if len(local):                      # sorted by term: each term's last tier, plus one
        first = np.flatnonzero(np.r_[True, local[1:] != local[:-1]])
        ntiers[local[first]] = np.maximum.reduceat(tier, first) + 1
    tbase = np.zeros(nterms + 1, dtype=np.int64)
    np.cumsum(ntiers, out=tbase[1:])
    key = tbase[local] + tier
    h = mix64((doc.astype(np.uint64) << np.uint64(12)) | (field.astype(np.uint64) << np.uint64(9))
              | q.astype(np.uint64))
    # summed 32 bits at a time in float64, exactly while a tier has under 2**21 postings
    # (it holds at most 2 * TIER documents, a posting a field each: 49,152 at most)
    lo = np.bincount(key, weights=(h & np.uint64(0xFFFFFFFF)).astype(np.float64),
                     minlength=int(tbase[-1]))
    hi = np.bincount(key, weights=(h >> np.uint64(32)).astype(np.float64), minlength=int(tbase[-1]))
    with np.errstate(over="ignore"):
        sums = lo.astype(np.uint64) + (hi.astype(np.uint64) << np.uint64(32))
    return sums, tbase


def tier_numbers(tstart: np.ndarray, ranked: np.ndarray) -> np.ndarray:
    """Each document's tier in its term: ``ranked`` holds the documents' numbers, each
    term's best first, its terms one after another, starting at ``tstart``."""
    n = len(ranked)
    ends = np.r_[tstart[1:], n]
    marked = np.flatnonzero(number_marks(ranked, TIER))
    cuts = np.zeros(n, dtype=np.int64)
    lo = np.searchsorted(marked, tstart).tolist()
    hi = np.searchsorted(marked, ends).tolist()
    for a, z, i, j in zip(tstart.tolist(), ends.tolist(), lo, hi):
        cuts[[a + s for s in page_starts(z - a, (marked[i:j] - a).tolist(), TIER)[1:]]] = 1
    tier = np.cumsum(cuts)
    return tier - np.repeat(tier[tstart], ends - tstart)


def stable_order(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for non-negative integers, as stable sorts of
    16 bits at a time, lowest first (one pass below 2**16, two below 2**32): numpy sorts
    16-bit keys by radix, four to seven times as fast as it sorts 32-bit keys (timsort;
    250,000 term numbers: 2.7 ms against 11 ms).  The postings are sorted by term a chunk
    at a time on every build."""
    if not len(keys):
        return np.zeros(0, dtype=np.intp)
    if keys.dtype.kind != "u" and int(keys.min()) < 0:
        raise ValueError("stable_order sorts non-negative integers")
    top = int(keys.max())
    order = None
    shift = 0
    while True:
        # the cast to 16 bits keeps the low 16 (a pass fewer than masking them first)
        digit = ((keys if order is None else keys[order]) >> shift).astype(np.uint16)
        step = np.argsort(digit, kind="stable")
        order = step if order is None else order[step]
        shift += 16
        if top >> shift == 0:
            return order


def by_impact_order(term: np.ndarray, impact: np.ndarray) -> np.ndarray:
    """``np.lexsort((-impact, term))`` with the impacts rounded to float32: by term, then
    best impact first, ties in the order given (float32 keeps 24 bits of an impact, so
    only impacts equal to about seven digits tie).  Impacts of zero or more, as the bits
    of a float32, order as the numbers do (+0.0 for -0.0), so their complement orders
    them best first as an integer, which :func:`stable_order` sorts 16 bits at a time (two
    passes: float64's bits took four, and ranking was a fifth of the encoding workers'
    time when a cable was added at 250,000); then the order is made stable by term.
    Three times as fast as with float64's bits (2,000,000 postings: 0.11 s against
    0.33 s), which were twice as fast as lexsort."""
    impact = np.asarray(impact, dtype=np.float32)
    if len(impact) and not impact.min() >= 0:          # a negative impact, or NaN
        return np.lexsort((-impact, term))
    order = stable_order(~(impact + np.float32(0)).view(np.uint32))
    return order[stable_order(term[order])]


def quantized(w: np.ndarray) -> np.ndarray:
    """Each weight as the tiers encode it: ``round(sqrt(w) * 511)``, from 1 to 511."""
    return np.clip(np.rint(np.sqrt(np.clip(w, 0, 1)) * 511), 1, 511).astype(np.int64)


def _encode(delta: np.ndarray, field: np.ndarray, q: np.ndarray) -> tuple[str, np.ndarray]:
    """All postings as one ASCII string, and each posting's start offset in it (``q``:
    each posting's weight, :func:`quantized`)."""
    nd = np.ones(len(delta), dtype=np.int64)
    for bits in (5, 10, 15, 20, 25, 30):
        nd += delta >= (1 << bits)
    width = nd + 2
    offsets = np.zeros(len(delta) + 1, dtype=np.int64)
    np.cumsum(width, out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=np.uint8)
    for j in range(int(nd.max()) if len(nd) else 0):
        sel = nd > j
        shift = 5 * (nd[sel] - 1 - j)
        digit = (delta[sel] >> shift) & 31
        digit |= np.where(j < nd[sel] - 1, 32, 0)
        out[offsets[:-1][sel] + j] = ALPHABET[digit]
    pair = (field.astype(np.int64) << 9) | q
    out[offsets[:-1] + nd] = ALPHABET[pair >> 6]
    out[offsets[:-1] + nd + 1] = ALPHABET[pair & 63]
    return out.tobytes().decode("ascii"), offsets
