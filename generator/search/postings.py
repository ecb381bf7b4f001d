"""The inverted index: lunr's scores for every (term, document, field), in impact tiers.

The scores are lunr's own (``lunr.Builder.createFieldVectors``: BM25 with k1 = 1.2,
b = 0.75, lunr's idf, rounded to three decimals), computed for the whole
collection at once with numpy rather than one Python object per posting, so 250,000
cables fit in memory.  The browser scores a document by lunr's cosine similarity,
which divides by the length of the document's field vector; that division is done
here, so a posting carries its final weight ``score / |field vector|`` and the browser
needs no document vectors at all.

Each term's postings are cut into tiers of :data:`TIER` documents by decreasing
weight: tier 0 holds the documents where the term weighs most and is what a first
query loads; the other tiers are loaded only when a query needs every match.

Encoding (read by search.js): a tier is a string of postings sorted by document,
each posting a document-number delta as a base-32 varint (digits 32-63 continue,
0-31 end) followed by two digits holding ``field << 9 | weight`` where weight is
``round(sqrt(w) * 511)``; digits are the 64 characters of :data:`ALPHABET`.
"""
from __future__ import annotations

import multiprocessing
from array import array
from collections import Counter
from dataclasses import dataclass
from hashlib import blake2b
from typing import Iterator

import numpy as np

from .. import forked
from .documents import BOOST, FIELDS
from .pipeline import Analyzer

K1, B = 1.2, 0.75
TIER = 4096
CHUNK = 250_000          # postings scored and encoded at a time (~20 arrays of 8 bytes each)
ENCODE_FORK_AT = 4       # ranges of CHUNK postings to encode before the work is spread
STAGE = 1 << 20          # postings added one by one before they are packed
FIELD_BITS = 3           # a posting's field and count share a number: count << 3 | field
assert len(FIELDS) <= 1 << FIELD_BITS
ALPHABET = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_",
                         dtype=np.uint8)


@dataclass
class Term:
    term: str
    docs: int              # documents with the term (any field)
    tiers: list[str]       # encoded tiers, best documents first


class Postings:
    """Collects documents one by one (:meth:`add`), then scores and encodes them.

    A posting is its term's number (4 bytes) and ``count << 3 | field`` (2 bytes, 4 once
    a count reaches 8192): 6 bytes, not the 9 of a term, a field and a count apart
    (82 million postings at 250,000 cables).  Documents added one by one stage their
    fields and counts apart, packed every :data:`STAGE` postings."""

    def __init__(self, words: dict[str, str | None] | None = None) -> None:
        self.analyzer = Analyzer(words)
        self.vocab: dict[str, int] = {}
        self.term = array("I")
        self.starts = array("I")        # per document, where its postings start
        self.packed = array("H")        # per posting, count << FIELD_BITS | field
        self.field = array("B")         # staged: postings not yet in ``packed``
        self.tf = array("I")
        self.lengths = array("I")       # per document, per field
        self.count = 0

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

    def add(self, fields: dict[str, str]) -> None:
        self.add_analysed(analysed(self.analyzer, fields))

    def add_analysed(self, fields: tuple) -> None:
        """A document as :func:`analysed` gives it."""
        self.starts.append(len(self.term))
        self.count += 1
        vocab = self.vocab
        for f, (length, terms, tf) in enumerate(fields):
            self.lengths.append(length)
            if not terms:
                continue
            ids = list(map(vocab.get, terms))     # most terms are known: one C loop
            if None in ids:
                for k, t in enumerate(terms):
                    if ids[k] is None:
                        ids[k] = vocab[t] = len(vocab)    # a field's terms are distinct
            self.term.extend(ids)
            self.tf.extend(tf)
            self.field.extend([f] * len(ids))
        if len(self.tf) >= STAGE:
            self._pack()

    def part(self) -> tuple:
        """This collection's postings as plain data (term numbers are this collection's
        own), for :meth:`merge` in another process."""
        self._pack()
        return (list(self.vocab), self.count, self.term.tobytes(), self.starts.tobytes(),
                self.packed.typecode, self.packed.tobytes(), self.lengths.tobytes())

    def merge(self, part: tuple) -> None:
        """Append the documents of a :meth:`part` after those already here, as if they
        had been added one by one."""
        vocab, count, term, starts, typecode, packed, lengths = part
        self._pack()
        remap = np.fromiter((self.vocab.setdefault(t, len(self.vocab)) for t in vocab),
                            dtype=np.uint32, count=len(vocab))
        self.starts.frombytes((np.frombuffer(starts, dtype=np.uint32) + np.uint32(len(self.term))).tobytes())
        self.term.frombytes(remap[np.frombuffer(term, dtype=np.uint32)].tobytes())
        packed = np.frombuffer(packed, dtype=np.uint16 if typecode == "H" else np.uint32)
        self._put_packed(packed, int(packed.max()) >> FIELD_BITS if len(packed) else 0)
        self.lengths.frombytes(lengths)
        self.count += count

    def _fields(self, sl) -> tuple[np.ndarray, np.ndarray]:
        """The field and the count of the postings ``sl`` (a slice or index array)."""
        packed = self.packed_a[sl]
        return (packed & ((1 << FIELD_BITS) - 1)).astype(np.uint8), packed >> FIELD_BITS

    def _prepare(self) -> None:
        """Global statistics: terms renumbered in sorted order, lunr's idf per term, the
        average length of each field and the length of every field vector."""
        self._pack()
        n, nf = self.count, len(FIELDS)
        self.names = sorted(self.vocab)
        rank = np.empty(len(self.names), dtype=np.uint32)
        rank[np.fromiter((self.vocab[t] for t in self.names), dtype=np.int64, count=len(self.names))] = \
            np.arange(len(self.names), dtype=np.uint32)
        self.vocab = {}
        term = np.frombuffer(self.term, dtype=np.uint32)
        for a in range(0, len(term), CHUNK):
            term[a:a + CHUNK] = rank[term[a:a + CHUNK]]
        del rank
        self.term_a, self.starts_a = term, np.frombuffer(self.starts, dtype=np.uint32)
        self.packed_a = np.frombuffer(self.packed, dtype=np.uint16 if self.packed.typecode == "H"
                                      else np.uint32)
        self.lengths_a = np.frombuffer(self.lengths, dtype=np.uint32).reshape(n, nf)
        self.postings = np.bincount(term, minlength=len(self.names))      # lunr counts per field
        self.idf = np.log1p(np.abs((n - self.postings + 0.5) / (self.postings + 0.5)))
        avg = self.lengths_a.sum(axis=0) / max(n, 1)
        avg[avg == 0] = 1
        self.avg = avg
        norm2 = np.zeros(n * nf)
        for a in range(0, len(term), CHUNK):
            sl = slice(a, a + CHUNK)
            doc = self._docs(np.arange(a, min(a + CHUNK, len(term)), dtype=np.int64))
            field, tf = self._fields(sl)
            score = self._score(term[sl], doc, field, tf)
            norm2 += np.bincount(self._cell(doc, field), weights=score * score, minlength=n * nf)
        self.norm = np.sqrt(norm2)

    def _docs(self, postings: np.ndarray) -> np.ndarray:
        """The documents of these postings (by number), from where each document's
        postings start: a document number per posting would be 4 more bytes each."""
        return (np.searchsorted(self.starts_a, postings, side="right") - 1).astype(np.uint32)

    def _cell(self, doc, field):
        return doc.astype(np.int64) * len(FIELDS) + field

    def _score(self, term, doc, field, tf):
        """lunr.Builder's score, rounded as lunr rounds it (Math.round(x * 1000) / 1000)."""
        tf = tf.astype(np.float64)
        length = self.lengths_a.reshape(-1)[self._cell(doc, field)]
        score = self.idf[term] * ((K1 + 1) * tf) / (K1 * (1 - B + B * length / self.avg[field]) + tf)
        return np.floor(score * 1000 + 0.5) / 1000

    def terms(self, jobs: int = 1) -> Iterator[Term]:
        """Every term in sorted order with its postings encoded in tiers, computed a range
        of terms at a time (about CHUNK postings), so memory stays near the size of the
        posting arrays themselves.  The ranges are encoded on ``jobs`` forked processes
        when there are enough of them (they read the arrays they inherit), at most a few
        ranges ahead of the caller."""
        if not self.count or not len(self.term):
            return
        self._prepare()
        bounds = np.zeros(len(self.names) + 1, dtype=np.int64)
        np.cumsum(self.postings, out=bounds[1:])
        order = _by_term(self.term_a, bounds)
        ranges, t0 = [], 0
        while t0 < len(self.names):
            t1 = int(np.searchsorted(bounds, bounds[t0] + CHUNK, side="right")) - 1
            t1 = max(t1, t0 + 1)
            ranges.append((int(bounds[t0]), int(bounds[t1])))
            t0 = t1

        def encode(start: int, stop: int) -> list[tuple]:
            out = []
            for a, z in ranges[start:stop]:
                sl = order[a:z]
                out.extend(self._encode_terms(self.term_a[sl], self._docs(sl), *self._fields(sl)))
            return out
        for term, docs, tiers in forked.results(encode, len(ranges), jobs, 1, ENCODE_FORK_AT,
                                                2 * jobs):
            yield Term(term, docs, tiers)

    def _encode_terms(self, term, doc, field, tf) -> Iterator[tuple[str, int, list[str]]]:
        """The terms of these postings, each as (term, documents, tiers): tuples, which
        pickle in C on their way back from a worker."""
        score = self._score(term, doc, field, tf)
        with np.errstate(invalid="ignore", divide="ignore"):
            w = np.where(score > 0, score / self.norm[self._cell(doc, field)], 0.0)
        boost = np.array([BOOST[f] for f in FIELDS])
        # Rank each term's documents by their weight in it (fields summed, boosted).  The
        # postings come sorted by term, then document (added in document order, sorted by
        # term stably), then field: every sort below need only order what differs.
        first = np.ones(len(term), dtype=bool)
        first[1:] = (term[1:] != term[:-1]) | (doc[1:] != doc[:-1])
        starts = np.flatnonzero(first)
        group = np.cumsum(first) - 1                                   # (term, doc) group
        gterm, gdoc = term[starts], doc[starts]
        gimpact = np.add.reduceat(w * boost[field], starts)
        by_impact = np.lexsort((-gimpact, gterm))          # ties stay in document order
        tstart = np.flatnonzero(np.r_[True, gterm[by_impact][1:] != gterm[by_impact][:-1]])
        rank = np.arange(len(by_impact)) - np.repeat(tstart, np.diff(np.r_[tstart, len(by_impact)]))
        gtier = np.empty(len(gterm), dtype=np.int64)
        gtier[by_impact] = rank // TIER
        tier = gtier[group]
        if tier.any():       # a term in more than TIER documents: its tiers one after another
            order = np.argsort(term.astype(np.int64) * (int(tier.max()) + 1) + tier, kind="stable")
            term, doc, field, w, tier = term[order], doc[order], field[order], w[order], tier[order]
        # Document deltas within each (term, tier) run.
        newrun = np.ones(len(term), dtype=bool)
        newrun[1:] = (term[1:] != term[:-1]) | (tier[1:] != tier[:-1])
        delta = doc.astype(np.int64)
        delta[1:] -= doc[:-1]
        delta[newrun] = doc[newrun]
        text, offsets = _encode(delta, field, w)
        offsets = offsets.tolist()
        starts = np.flatnonzero(newrun)
        runs = starts.tolist()
        ends = runs[1:] + [len(term)]
        base = int(gterm.min())
        ndocs = np.bincount(gterm - base, minlength=1).tolist()
        names = self.names
        entry, last = None, -1
        for a, z, t in zip(runs, ends, term[starts].tolist()):   # plain ints: one C loop each
            if t != last:
                if entry is not None:
                    yield entry
                entry, last = (names[t], ndocs[t - base], []), t
            entry[2].append(text[offsets[a]:offsets[z]])
        if entry is not None:
            yield entry


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


def _by_term(term: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """``np.argsort(term, kind="stable")`` as uint32, a counting sort done CHUNK postings at
    a time: ``bounds[t]`` is where term t's postings start.  (argsort's int64 result is
    twice the size of the answer and, at 250,000 cables, 1.3 GB on top of the postings.)"""
    order = np.empty(len(term), dtype=np.uint32)
    free = bounds[:-1].copy()                    # next free position of each term
    for a in range(0, len(term), CHUNK):
        t = term[a:a + CHUNK]
        local = np.argsort(t, kind="stable")
        st = t[local]
        first = np.ones(len(st), dtype=bool)
        first[1:] = st[1:] != st[:-1]
        starts = np.flatnonzero(first)
        within = np.arange(len(st)) - np.repeat(starts, np.diff(np.r_[starts, len(st)]))
        order[free[st] + within] = local + a
        free[st[starts]] += np.diff(np.r_[starts, len(st)])
    return order


def _encode(delta: np.ndarray, field: np.ndarray, w: np.ndarray) -> tuple[str, np.ndarray]:
    """All postings as one ASCII string, and each posting's start offset in it."""
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
    q = np.clip(np.rint(np.sqrt(np.clip(w, 0, 1)) * 511), 1, 511).astype(np.int64)
    pair = (field.astype(np.int64) << 9) | q
    out[offsets[:-1] + nd] = ALPHABET[pair >> 6]
    out[offsets[:-1] + nd + 1] = ALPHABET[pair & 63]
    return out.tobytes().decode("ascii"), offsets


_ANALYSE: tuple | None = None    # (documents, words, cache), inherited by forked workers
PART = 1000                       # documents analysed per task


def _add(postings: Postings, doc, cache, new: list) -> None:
    """Add ``doc`` to ``postings``, from ``cache`` when it holds the document's analysis;
    a new analysis is appended to ``new`` as (key, value) for the cache."""
    fingerprint = getattr(doc, "fingerprint", None)
    key = cache.key(fingerprint) if cache is not None and fingerprint else None
    fields = cache.get(key) if key is not None else None
    if fields is None:
        fields = analysed(postings.analyzer, doc.load()[0])
        if key is not None:
            new.append((key, cache.pack(fields)))
    postings.add_analysed(fields)


def _analyse_part(bounds: tuple[int, int]) -> tuple[tuple, list, list]:
    docs, words, cache = _ANALYSE
    postings = Postings(words)
    new: list = []
    for d in docs[bounds[0]:bounds[1]]:
        _add(postings, d, cache, new)
    return postings.part(), postings.analyzer.learned, new


def _analyse_run(task: tuple[int, int, bytes | None]) -> tuple[tuple, list, list]:
    """A run of documents analysed, its postings kept in the cache under its key (here,
    in the worker: the building process would otherwise pickle them again)."""
    part = _analyse_part(task[:2])
    if task[2] is not None:
        _ANALYSE[2].keep_run(task[2], part[0])
    return part


def runs(docs: list, cache) -> list[tuple[int, int, bytes | None]]:
    """The documents cut into runs (start, end, key) whose postings the cache keeps whole.
    A run ends after a document whose analysis key, read as a number, is a multiple of
    :data:`PART` (about PART documents a run; at most 4 * PART), so the cuts depend on the
    documents, not on their numbers: a new cable changes the run it falls in, and the
    other runs are taken whole.  ``key``: of the run's documents' keys; None for a
    document without a fingerprint, a run of its own that is not kept."""
    out, a, keys = [], 0, []
    for n, d in enumerate(docs):
        fingerprint = getattr(d, "fingerprint", None)
        if not fingerprint:
            if n > a:
                out.append((a, n, blake2b(b"".join(keys), digest_size=16).digest()))
            out.append((n, n + 1, None))
            a, keys = n + 1, []
            continue
        key = cache.key(fingerprint)
        keys.append(key)
        if int.from_bytes(key[:4], "big") % PART == 0 or len(keys) == 4 * PART:
            out.append((a, n + 1, blake2b(b"".join(keys), digest_size=16).digest()))
            a, keys = n + 1, []
    if keys:
        out.append((a, len(docs), blake2b(b"".join(keys), digest_size=16).digest()))
    return out


def analyse(docs: list, words: dict | None = None, jobs: int = 1, cache=None) -> Postings:
    """The postings of ``docs`` (objects with ``load() -> (fields, card)`` and a
    ``fingerprint``), in order, analysed on ``jobs`` forked processes when there are
    enough documents; ``words`` (word -> term) is used and filled as in
    :class:`Analyzer`; ``cache`` (:class:`generator.cache.AnalysisCache`) gives the
    analysis of documents seen before and takes the new ones, and keeps the postings
    of each run of documents (see :func:`runs`): a rebuild merges the runs it has and
    analyses the others.  The result is the same for any ``jobs`` and with or without
    a cache."""
    words = {} if words is None else words
    postings = Postings(words)
    if cache is not None:
        cache.use(cache.key(d.fingerprint) for d in docs if getattr(d, "fingerprint", None))
        return _analyse_runs(postings, docs, words, jobs, cache)
    if jobs <= 1 or len(docs) < 2 * PART or "fork" not in multiprocessing.get_all_start_methods():
        for d in docs:
            postings.add_analysed(analysed(postings.analyzer, d.load()[0]))
        return postings
    global _ANALYSE
    _ANALYSE = (docs, words, cache)
    try:
        tasks = [(a, min(a + PART, len(docs))) for a in range(0, len(docs), PART)]
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for part, learned, _ in pool.imap(_analyse_part, tasks):
                postings.merge(part)
                words.update(learned)
    finally:
        _ANALYSE = None
    return postings


def _analyse_runs(postings: Postings, docs: list, words: dict, jobs: int, cache) -> Postings:
    cut = runs(docs, cache)
    have = cache.runs_kept([k for _, _, k in cut if k is not None])
    todo = [(a, z, k) for a, z, k in cut if k not in have]
    global _ANALYSE
    _ANALYSE = (docs, words, cache)
    pool = None
    try:
        if jobs > 1 and sum(z - a for a, z, _ in todo) >= 2 * PART and \
                "fork" in multiprocessing.get_all_start_methods():
            pool = multiprocessing.get_context("fork").Pool(jobs)
            made = pool.imap(_analyse_run, todo)
        else:
            made = map(_analyse_run, todo)
        for a, z, key in cut:
            if key in have:
                postings.merge(cache.run(key))
                continue
            part, learned, new = next(made)
            postings.merge(part)
            words.update(learned)
            if new:
                cache.put(new)
            if key is not None:
                cache.used_runs.add(key)
    finally:
        _ANALYSE = None
        if pool is not None:
            pool.terminate()
    return postings
