"""The inverted index: a weight for every (term, document, field), in impact tiers.

A posting's weight is BM25's term-frequency part (k1 = 1.2, b = 0.75, as lunr's) divided
by the length of the document's field vector of those parts: SMART's "lnc" weighting of
a document.  It depends on the document alone: a field's length is measured against a
fixed typical length (:data:`AVG`, measured on the shared corpus), not the collection's
average, and the vector's length leaves the terms' inverse document frequency out.  The
browser multiplies a posting's weight by its field's boost and by lunr's inverse document
frequency of the term, from the term's document count and the collection's size (both
in the index), then adds the fields up as lunr's cosine similarity does.  So a cable
added changes the postings of the terms it contains and no others.  (lunr's own weights
put the idf inside and divide by the vector with it; every weight moved with every
cable, and every file of the index with it.)

Documents are numbered by ``numbers.blocks``, so that a new cable moves no other
cable's number (mostly): see there.

Each term's postings are cut into tiers by decreasing weight and encoded for search.js
by :mod:`.tiers`, kept apart so that changing it leaves every document's analysis (the
analysis cache, whose version counts this module) valid.
"""
from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass
from hashlib import blake2b
from typing import Iterator

import numpy as np

from .. import forked
from .documents import FIELDS
from ..pagecuts import hash_marks
from . import numbers as numbering
from .pipeline import Analyzer
from .runs import Run, RunStore, term_ids
from .tiers import encode_terms, stable_order

K1, B = 1.2, 0.75
# A field's typical length in terms, which BM25 measures a field's length against: the
# mean of the 668 cables of the shared corpus (rounded), fixed so that a posting's
# weight does not move with the collection.
AVG = {"id": 2.0, "subject": 7.0, "body": 700.0, "tags": 14.0, "people": 33.0, "origin": 2.0}
CHUNK = 250_000          # postings scored and encoded at a time (~20 arrays of 8 bytes each)
ENCODE_FORK_AT = 4       # ranges of CHUNK postings to encode before the work is spread
STAGE = 1 << 20          # postings added one by one before they are packed
FIELD_BITS = 3           # a posting's field and count share a number: count << 3 | field
assert len(FIELDS) <= 1 << FIELD_BITS
_AVG = np.array([AVG[f] for f in FIELDS])


@dataclass
class Term:
    term: str
    docs: int              # documents with the term (any field)
    tiers: list            # encoded tiers, best documents first (None: left out, see terms())
    sums: bytes | None = None   # each tier's identity (uint64s), a term of several tiers


class Postings:
    """Collects documents one by one (:meth:`add`) or a run at a time (:meth:`merge_run`),
    then weighs and encodes them.

    A posting is its term's number (4 bytes) and ``count << 3 | field`` (2 bytes, 4 once
    a count reaches 8192): 6 bytes, not the 9 of a term, a field and a count apart
    (82 million postings at 250,000 cables).  Documents added one by one stage their
    fields and counts apart, packed every :data:`STAGE` postings."""

    def __init__(self, words: dict[str, str | None] | None = None) -> None:
        self.analyzer = Analyzer(words)
        self.vocab: dict[str, int] = {}
        self.term = array("I")
        self.starts = array("I")        # per document, where its postings start
        self.numbers = array("I")       # per document, its number in the index
        self.packed = array("H")        # per posting, count << FIELD_BITS | field
        self.field = array("B")         # staged: postings not yet in ``packed``
        self.tf = array("I")
        self.lengths = array("I")       # per document, per field
        self.count = 0
        self.merged: list | None = []   # (norm2, docs, remap) per merged run; None: added
        self.content = np.zeros(0, dtype=np.uint64)   # per term, see merge_run(); None: unknown
        self.order: list[int] | None = None   # the numbers of the terms in use, by name
        self._ready = False

    def _pack(self) -> None:
        """Move the staged postings into ``packed``."""
        if not self.tf:
            return
        tf = np.frombuffer(self.tf, dtype=np.uint32).astype(np.uint64)
        self._put_packed(tf << FIELD_BITS | np.frombuffer(self.field, dtype=np.uint8), int(tf.max()))
        self.field, self.tf = array("B"), array("I")

    def _put_packed(self, packed: np.ndarray, most: int) -> None:
        """Append packed postings whose largest count is ``most``."""
        if self.packed.typecode == "H" and most >= 1 << (16 - FIELD_BITS):
            wide = array("I")      # a count of 8192 or more: 4 bytes a posting from now on
            wide.frombytes(np.frombuffer(self.packed, dtype=np.uint16).astype(np.uint32).tobytes())
            self.packed = wide
        dtype = np.uint16 if self.packed.typecode == "H" else np.uint32
        self.packed.frombytes(packed.astype(dtype).tobytes())

    def add(self, fields: dict[str, str], number: int | None = None) -> None:
        self.add_analysed(analysed(self.analyzer, fields), number)

    def add_analysed(self, fields: tuple, number: int | None = None) -> None:
        """A document as :func:`analysed` gives it; ``number``: its number in the index
        (default: the one after the last document's)."""
        self.starts.append(len(self.term))
        self.numbers.append(number if number is not None else
                            self.numbers[-1] + 1 if self.numbers else 0)
        self.count += 1
        self.merged = self.content = None
        for f, (length, terms, tf) in enumerate(fields):
            self.lengths.append(length)
            if not terms:
                continue
            self.term.extend(term_ids(self.vocab, terms))     # a field's terms are distinct
            self.tf.extend(tf)
            self.field.extend([f] * len(terms))
        if len(self.tf) >= STAGE:
            self._pack()

    def part(self, hashes: np.ndarray | None = None) -> tuple:
        """These documents' postings as plain data (term numbers are this collection's
        own, document numbers from 0), with what weighing them needs of them alone (each
        field vector's squared length, each term's number of documents), for
        :meth:`merge_run` (as a :class:`runs.Run`) in another process or a later build.
        ``hashes``: per document, the two numbers :func:`_doc_hash` makes of it and its
        number in the run, summed for each term over its postings (see :meth:`merge_run`)."""
        self._pack()
        norm2, docs, sums = _stats(self._arrays(), len(self.vocab), hashes)
        return (list(self.vocab), self.count, self.term.tobytes(), self.starts.tobytes(),
                self.packed.typecode, self.packed.tobytes(), self.lengths.tobytes(),
                norm2.tobytes(), docs.tobytes(), sums)

    def merge_run(self, run: Run, numbers: np.ndarray | None = None, base: int | None = None,
                  keep: np.ndarray | None = None) -> None:
        """Append the documents of a :class:`runs.Run` whose terms are numbered as here,
        with these ``numbers`` (increasing, after the last document's; default: the
        numbers after it).  ``keep`` (a bool per term number): only the postings of
        those terms are kept; a run read without its postings keeps none.  The terms'
        documents and sums count every posting: each term keeps a sum of what its
        postings are made from, over its documents, of ``h1 * number + h2`` (modulo 2**64;
        ``h1``, odd, and ``h2`` from the document's key: :func:`_doc_hash`), made from
        the run's two sums and ``base`` (the number the run's numbers are counted from).
        So two builds give a term the same postings when they give it the same sum,
        wherever the runs were cut; unknown (None) once a run without sums or a base
        comes."""
        self._pack()
        count = run.count
        if numbers is None:
            first = self.numbers[-1] + 1 if self.numbers else 0
            numbers = np.arange(first, first + count, dtype=np.uint32)
        remap = run.gids
        local = keep[remap] if keep is not None and run.term is not None else None
        if run.term is None or (local is not None and not local.any()):
            starts = np.zeros(count, dtype=np.uint32)
            term = packed = np.zeros(0, dtype=np.uint32)
        elif local is None:
            term, starts, packed = remap[run.term], run.starts, run.packed
        else:
            # Only the kept postings are renumbered and placed: the run's own terms are
            # looked up in the small table ``local`` (a bool per term of the run), and
            # each kept posting's document found from where documents start (adding a
            # cable keeps about two fifths of the postings: half the time of numbering
            # and placing them all).
            kept = np.flatnonzero(local[run.term])
            doc = np.searchsorted(run.starts, kept, side="right") - 1
            starts = np.zeros(count, dtype=np.uint32)
            np.cumsum(np.bincount(doc, minlength=count)[:-1], out=starts[1:])
            term, packed = remap[run.term[kept]], run.packed[kept]
        self.starts.frombytes((starts.astype(np.uint32) + np.uint32(len(self.term))).tobytes())
        self.numbers.frombytes(np.asarray(numbers, dtype=np.uint32).tobytes())
        self.term.frombytes(term.astype(np.uint32).tobytes())
        self._put_packed(packed, int(packed.max()) >> FIELD_BITS if len(packed) else 0)
        self.lengths.frombytes(run.lengths.tobytes() if run.lengths is not None else
                               bytes(4 * count * len(FIELDS)))
        self.count += count
        if self.merged is not None:      # copies: a run read from its file is views of all of it
            self.merged.append((run.norm2.copy() if run.norm2 is not None else
                                np.zeros(count * len(FIELDS)), run.docs.copy(), remap.copy()))
        if run.sums is None or base is None or self.content is None:
            self.content = None
            return
        if len(self.content) < len(self.vocab):
            self.content = np.concatenate([self.content, np.zeros(len(self.vocab) - len(self.content),
                                                                   dtype=np.uint64)])
        with np.errstate(over="ignore"):
            self.content[remap] += run.sums[:, 0] + run.sums[:, 1] * np.uint64(base)

    def _arrays(self) -> tuple:
        """(term, starts, packed, lengths) as numpy arrays over this object's buffers."""
        return (np.frombuffer(self.term, dtype=np.uint32), np.frombuffer(self.starts, dtype=np.uint32),
                np.frombuffer(self.packed, dtype=np.uint16 if self.packed.typecode == "H" else np.uint32),
                np.frombuffer(self.lengths, dtype=np.uint32).reshape(self.count, len(FIELDS)))

    def _fields(self, sl) -> tuple[np.ndarray, np.ndarray]:
        """The field and the count of the postings ``sl`` (a slice or index array)."""
        packed = self.packed_a[sl]
        return (packed & ((1 << FIELD_BITS) - 1)).astype(np.uint8), packed >> FIELD_BITS

    def _prepare(self) -> None:
        """Terms renumbered in sorted order; each term's number of postings and of
        documents; the length of every field vector."""
        if self._ready:
            return
        self._ready = True
        self._pack()
        n = self.count
        if self.merged is None:       # documents added one by one: weigh them now
            norm2, docs, _ = _stats(self._arrays(), len(self.vocab))
        else:
            norm2 = np.concatenate([x for x, _, _ in self.merged]) if self.merged else np.zeros(0)
            docs = np.zeros(len(self.vocab), dtype=np.uint32)
            for _, d, remap in self.merged:
                docs[remap] += d
        self.merged = []
        ids = list(self.vocab)           # by number
        if self.order is None:       # the live terms (a table kept across builds has others)
            self.order = sorted(np.flatnonzero(docs).tolist(), key=ids.__getitem__)
        order = self.order
        self.names = [ids[i] for i in order]
        by_name = np.array(order, dtype=np.int64)
        del ids
        rank = np.zeros(len(self.vocab), dtype=np.uint32)
        rank[by_name] = np.arange(len(order), dtype=np.uint32)
        self.vocab = {}
        term = np.frombuffer(self.term, dtype=np.uint32)
        for a in range(0, len(term), CHUNK):
            term[a:a + CHUNK] = rank[term[a:a + CHUNK]]
        self.postings = np.zeros(len(order), dtype=np.int64)
        for a in range(0, len(term), 16 * CHUNK):   # bincount casts to int64: 650 MB at once
            self.postings += np.bincount(term[a:a + 16 * CHUNK], minlength=len(order))
        self.docs = docs[by_name].astype(np.int64)
        if self.content is not None:
            content = np.zeros(len(rank), dtype=np.uint64)
            content[:len(self.content)] = self.content
            self.content = content[by_name]
        del rank
        self.term_a, self.starts_a, self.packed_a, self.lengths_a = self._arrays()
        self.numbers_a = np.frombuffer(self.numbers, dtype=np.uint32)
        self.norm = np.sqrt(norm2) if n else np.zeros(0)

    def _docs(self, postings: np.ndarray) -> np.ndarray:
        """The documents of these postings (by place here), from where each document's
        postings start: a document per posting would be 4 more bytes each."""
        return (np.searchsorted(self.starts_a, postings, side="right") - 1).astype(np.uint32)

    def summary(self) -> tuple[list[str], np.ndarray, np.ndarray | None]:
        """(terms in sorted order, each one's number of documents, each one's content
        sum or None: see :meth:`merge_run`), without encoding anything."""
        self._prepare()
        return self.names, self.docs, self.content

    def terms(self, jobs: int = 1, select: np.ndarray | None = None, kept=None) -> Iterator[Term]:
        """Every term in sorted order (or those where ``select``, a bool per term in
        :meth:`summary`'s order, is true) with its postings encoded in tiers, computed a
        range of terms at a time (about CHUNK postings), so memory stays near the size
        of the posting arrays themselves.  The ranges are encoded on ``jobs`` forked
        processes when there are enough of them (they read the arrays they inherit), at
        most a few ranges ahead of the caller.  ``kept(term number, identities)``: which
        tiers after the first are not encoded (``tiers.encode_terms``; called in the
        processes that encode)."""
        if not self.count or not len(self.term):
            return
        self._prepare()
        counts = self.postings if select is None else np.where(select, self.postings, 0)
        bounds = np.zeros(len(self.names) + 1, dtype=np.int64)
        np.cumsum(counts, out=bounds[1:])
        order = _by_term(self.term_a, bounds, select)
        ranges, t0 = [], 0
        while t0 < len(self.names):
            t1 = int(np.searchsorted(bounds, bounds[t0] + CHUNK, side="right")) - 1
            t1 = max(t1, t0 + 1)
            if bounds[t1] > bounds[t0]:
                ranges.append((int(bounds[t0]), int(bounds[t1])))
            t0 = t1

        def encode(start: int, stop: int) -> list[tuple]:
            out = []
            for a, z in ranges[start:stop]:
                sl = order[a:z]
                out.extend(self._encode_terms(self.term_a[sl], self._docs(sl), *self._fields(sl),
                                              kept=kept))
            return out
        for term, docs, tiers, sums in forked.results(encode, len(ranges), jobs, 1, ENCODE_FORK_AT,
                                                      2 * jobs):
            yield Term(term, docs, tiers, sums)

    def _encode_terms(self, term, doc, field, tf, kept=None) -> Iterator[tuple]:
        """The terms of these postings (by place here), weighed and encoded in tiers
        (``tiers.encode_terms``)."""
        cell = _cell(doc, field)
        with np.errstate(invalid="ignore", divide="ignore"):
            w = np.nan_to_num(_weigh(tf, self.lengths_a.reshape(-1)[cell], field) / self.norm[cell])
        del cell
        return encode_terms(term, self.numbers_a[doc], field, w, self.names, kept)


def _cell(doc, field):
    return doc.astype(np.int64) * len(FIELDS) + field


def _weigh(tf, length, field):
    """BM25's term-frequency part of a posting: its count ``tf`` in a field of
    ``length`` terms, against the field's typical length."""
    tf = tf.astype(np.float64)
    return ((K1 + 1) * tf) / (K1 * (1 - B + B * length / _AVG[field]) + tf)


def _stats(arrays: tuple, nterms: int, hashes=None) -> tuple[np.ndarray, np.ndarray, bytes | None]:
    """Of these documents' postings: the squared length of each (document, field)
    vector of BM25 parts, each term's number of documents, and (given ``hashes``, a row
    of two a document) each term's sums of its postings' documents' rows."""
    term, starts, packed, lengths = arrays
    n, nf = len(starts), len(FIELDS)
    doc = np.repeat(np.arange(n, dtype=np.int64), np.diff(np.r_[starts, len(term)]))
    field, tf = (packed & ((1 << FIELD_BITS) - 1)).astype(np.int64), packed >> FIELD_BITS
    cell = doc * nf + field
    part = _weigh(tf, lengths.reshape(-1)[cell], field)
    norm2 = np.bincount(cell, weights=part * part, minlength=n * nf)
    order = stable_order(term)          # by term, then document
    st, sd = term[order], doc[order]
    new = np.ones(len(st), dtype=bool)
    new[1:] = (st[1:] != st[:-1]) | (sd[1:] != sd[:-1])
    docs = np.bincount(st[new], minlength=nterms).astype(np.uint32)
    sums = None
    if hashes is not None:
        total = np.zeros((nterms, 2), dtype=np.uint64)
        if len(st):
            first = np.flatnonzero(np.r_[True, st[1:] != st[:-1]])
            with np.errstate(over="ignore"):
                total[st[first]] = np.add.reduceat(np.asarray(hashes, dtype=np.uint64)[sd], first,
                                                   axis=0)
        sums = total.tobytes()
    return norm2, docs, sums


def analysed(analyzer: Analyzer, fields: dict[str, str]) -> tuple:
    """A document's fields as the index counts them: per field of :data:`FIELDS`, its
    length in terms, its distinct terms (in order of first use) and their counts."""
    out = []
    for name in FIELDS:
        text = fields.get(name) or ""
        words = text.split() if name == "id" else analyzer.terms(text)
        counts = Counter(words)
        out.append((len(words), tuple(counts), array("I", counts.values())))
    return tuple(out)


def _by_term(term: np.ndarray, bounds: np.ndarray, select: np.ndarray | None = None) -> np.ndarray:
    """``np.argsort(term, kind="stable")`` as uint32, a counting sort done CHUNK postings at
    a time: ``bounds[t]`` is where term t's postings start.  (argsort's int64 result is
    twice the size of the answer and, at 250,000 cables, 1.3 GB on top of the postings.)
    With ``select`` (a bool per term), the postings of the selected terms only."""
    order = np.empty(int(bounds[-1]), dtype=np.uint32)
    free = bounds[:-1].copy()                    # next free position of each term
    for a in range(0, len(term), CHUNK):
        t = term[a:a + CHUNK]
        keep = None if select is None else np.flatnonzero(select[t])
        if keep is not None:
            t = t[keep]
        local = stable_order(t)
        st = t[local]
        first = np.ones(len(st), dtype=bool)
        first[1:] = st[1:] != st[:-1]
        starts = np.flatnonzero(first)
        within = np.arange(len(st)) - np.repeat(starts, np.diff(np.r_[starts, len(st)]))
        order[free[st] + within] = (local if keep is None else keep[local]) + a
        free[st[starts]] += np.diff(np.r_[starts, len(st)])
    return order


_ANALYSE: tuple | None = None    # (documents, words, cache), inherited by forked workers


def _analyse_run(task: tuple) -> tuple[tuple, list, list]:
    """A run of documents analysed, in the order of their numbers: (its postings as
    :meth:`Postings.part`, the words learned, the new analyses for the cache)."""
    docs, words, cache = _ANALYSE
    order, hashes = task
    postings = Postings(words)
    new: list = []
    for d in (docs[i] for i in order):
        fingerprint = getattr(d, "fingerprint", None)
        k = cache.key(fingerprint) if cache is not None and fingerprint else None
        fields = cache.get(k) if k is not None else None
        if fields is None:
            fields = analysed(postings.analyzer, d.load()[0])
            if k is not None:
                new.append((k, cache.pack(fields)))
        postings.add_analysed(fields)
    return postings.part(hashes), postings.analyzer.learned, new


def _doc_hash(key: bytes, rel: int) -> tuple[int, int]:
    """What a document with this key and number (``base + rel`` in a run counted from
    ``base``) adds to the sums of its terms: (``h1 * rel + h2``, ``h1``) modulo 2**64,
    ``h1`` (odd) and ``h2`` from its key, so that with ``h1 * base`` added it is
    ``h1 * number + h2``, however the runs are cut (see ``Postings.merge_run``)."""
    digest = blake2b(key, digest_size=16).digest()
    h1 = int.from_bytes(digest[:8], "big") | 1
    return (h1 * rel + int.from_bytes(digest[8:], "big")) % (1 << 64), h1


def runs(docs: list, cut: list[numbering.Block]) -> list[list[tuple[int, int]]]:
    """The documents in the order of their numbers, as (place in ``docs``, number),
    cut in the runs the cache keeps whole: a run ends after a cable whose key is a mark
    (one in ``PART // 4``) once it holds ``PART // 8`` documents, or once it holds
    ``PART // 2`` (about 650 documents: re-analysing the run a new cable joins takes a
    quarter of a second; read one by one, a rebuild would read every document's
    analysis).  The cuts fall at cables, not places, so a new cable changes its own run."""
    size = max(2, numbering.PART // 4)
    out, run = [], []
    for b in cut:
        marks = hash_marks(b.hashes, 2 * size)      # each document's, by place
        for o, i in sorted(zip(b.offsets, range(b.start, b.end))):
            run.append((i, b.base + o))
            if (len(run) >= size // 2 and marks[i - b.start]) or len(run) >= 2 * size:
                out.append(run)
                run = []
    if run:
        out.append(run)
    return out


class Index:
    """The postings of every run of documents, kept in a :class:`runs.RunStore` and read
    as they are asked for: :meth:`summary` reads each run's stats only, :meth:`terms`
    the postings of the terms asked for.  ``doc_numbers`` holds each document's number,
    in the order of the documents; ``blocks`` the blocks."""

    def __init__(self, store: RunStore, plan: list[tuple[np.ndarray, int, object]],
                 blocks: list[numbering.Block], doc_numbers: list[int]) -> None:
        self.store, self.plan = store, plan       # per run: its numbers, base and key
        self.blocks, self.doc_numbers = blocks, doc_numbers
        self._summary: tuple | None = None
        self.order: list[int] | None = None

    def _postings(self, stats_only: bool, keep: np.ndarray | None = None) -> Postings:
        postings = Postings()
        postings.vocab = self.store.table.ids     # read only: every run's terms are in it
        postings.order = self.order               # the terms sorted once
        for numbers, base, key in self.plan:
            postings.merge_run(self.store.run(key, stats_only), numbers, base, keep)
        return postings

    def summary(self) -> tuple[list[str], np.ndarray, np.ndarray | None]:
        """As :meth:`Postings.summary`, from the runs' stats alone."""
        if self._summary is None:
            postings = self._postings(True)
            self._summary = postings.summary()
            self.order = postings.order
            self.store.live = len(self.order)
        return self._summary

    def terms(self, jobs: int = 1, select: np.ndarray | None = None, kept=None) -> Iterator[Term]:
        """As :meth:`Postings.terms`, reading only the postings of the terms selected."""
        self.summary()
        keep = None
        if select is not None:
            keep = np.zeros(len(self.store.table.ids), dtype=bool)
            keep[np.array(self.order, dtype=np.int64)[select]] = True
        yield from self._postings(False, keep).terms(jobs, select, kept)


def analyse(docs: list, words: dict | None = None, jobs: int = 1, cache=None,
            store: RunStore | None = None) -> Index:
    """The postings of ``docs`` (objects with a sort ``key``, ``load() -> (fields, card)``
    and a ``fingerprint``, in index order), numbered by ``numbers.blocks``, analysed a
    run of blocks (:func:`runs`) at a time on ``jobs`` forked processes when there are
    enough documents; ``words`` (word -> term) is used and filled as in
    :class:`Analyzer`; ``cache`` (:class:`generator.kept.AnalysisCache`) gives the
    analysis of documents seen before and takes the new ones; ``store`` keeps the
    postings of each run (a run with a key, with a cache): a rebuild reads the runs it
    has and analyses the others.  The result is the same for any ``jobs`` and with or
    without a cache."""
    words = {} if words is None else words
    store = RunStore() if store is None else store
    akeys = [cache.key(d.fingerprint) if cache is not None and getattr(d, "fingerprint", None)
             else None for d in docs]
    if cache is not None:
        cache.use(k for k in akeys if k is not None)
    cut = numbering.blocks(docs)
    plan = []          # per run: (its first number, its documents, their numbers from it, key)
    for n, run in enumerate(runs(docs, cut)):
        base = run[0][1]
        order = [i for i, _ in run]
        rel = [x - base for _, x in run]
        keys = [akeys[i] for i in order]
        key = ("run", n) if None in keys else \
            blake2b(b"".join(keys) + np.array(rel, dtype=np.uint32).tobytes(), digest_size=16).digest()
        plan.append((base, order, rel, key))
    have = store.kept([k for *_, k in plan if isinstance(k, bytes)])
    todo = [(order, np.array([_doc_hash(akeys[i], n) for i, n in zip(order, rel)], dtype=np.uint64)
             if isinstance(key, bytes) else None) for _, order, rel, key in plan if key not in have]
    global _ANALYSE
    _ANALYSE = (docs, words, cache)
    # At most two runs a process analysed and not yet stored: a pool's imap hands back
    # every result as it is made, and the workers, faster than the stores, left them
    # piling up in this process.
    spread = len(todo) > 1 and sum(len(o) for o, _ in todo) >= numbering.PART
    made = forked.results(lambda a, z: [_analyse_run(task) for task in todo[a:z]], len(todo),
                          jobs if spread else 1, 1, 0, 2 * jobs)
    try:
        for _, _, _, key in plan:
            if key in have:
                continue
            part, learned, new = next(made)
            store.put(key, part)
            words.update(learned)
            if new:
                cache.put(new)
    finally:
        _ANALYSE = None
        made.close()        # the processes, if any, are ended
    return Index(store, [(np.array(rel, dtype=np.uint32) + np.uint32(base), base, key)
                         for base, _, rel, key in plan],
                 cut, [b.base + o for b in cut for o in b.offsets])
