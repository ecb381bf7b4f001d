"""The files of the search index, as ``.js`` files that call back into search.js, so
the browser loads them with script tags (works from ``file://``: no fetch, no
workers, no WASM).  Everything lives under ``search/index/``:

``meta.js``
    fields, boosts, pipeline labels, the number of documents, the first term of every
    directory part, the names of years, origins, classifications and tags, and the
    blocks of document numbers (:mod:`.numbers`), each with its year, origin and
    classification and which of its numbers are documents.
``dir/<j>.js``
    the first term and the name of shards j*DIR_SIZE ... (j+1)*DIR_SIZE-1.
``t/<name>.js``
    a shard: its terms in order, each with its document count, its number of tiers and
    its first tier (see :mod:`.postings`).  A shard ends after a term its hash picks
    (about one in SHARD_BYTES bytes of postings) and is named after its first term, so
    a new cable changes the shards of its own terms and no others.
``t/<name>/<i>-<n>.js``
    tier n (1, 2, ...) of the i-th term of a shard.
``tags/<p>.js``
    the tags of documents numbered p*TAG_SPAN ... (p+1)*TAG_SPAN-1, one row a number.
``d/<y>/<o>-<c>/<k>.js``
    the result card (ID, link, subject, date, tags and text, for snippets and phrase
    checks) of the document numbered k after the first number of year y, origin o and
    classification c (their numbers in ``meta.js``): a new cable moves no card but
    its own (see :mod:`.numbers`), where a card named by document number would move
    with every block before it.
"""
from __future__ import annotations

import json
import zlib
from bisect import bisect_right
from functools import partial
from hashlib import blake2b
from typing import Callable, Iterator

import numpy as np

from .. import forked
from ..registry import tags as tag_table
from ..site import Site
from .documents import BOOST, FIELDS, SearchDoc, documents
from .pipeline import LABELS, SEPARATOR
from . import tiers
from .lastshards import LastShards, shard_print, tier_print
from .postings import Index, analyse
from .tiers import ALPHABET
from .runs import RunStore

SHARD_BYTES = 24_000        # typical size of a shard file
SHARD_MOST = 8              # a shard ends once it holds this many SHARD_BYTES
DIR_SIZE = 64               # shards listed by one directory part
TAG_SPAN = 8192             # document numbers of a tags part (1,000 to 2,500 documents)
# What the browser loads without being asked: every tier of a term in at most this many
# documents (about 3.5 bytes a document), tag parts when a query's results lie in at most
# this many (the tag filter asks before loading more).
AUTO_TIER_DOCS = 60_000
AUTO_TAG_PARTS = 4
ROOT = "search/index"
CARDS_FORK_AT = 400         # cards to make before the work is spread over processes
CARDS_CHUNK = 50            # cards a worker makes at a time
CARDS_AHEAD = 8             # chunks made and not yet written, at most


def _js(call: str, *args) -> bytes:
    body = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    return f"cablesearch.{call}({body});\n".encode("utf-8")


def shard_starts(names: list[str], docs: np.ndarray) -> list[int]:
    """Where each shard starts, in the sorted terms ``names`` (each in ``docs[i]``
    documents).  A term's cost is about the bytes of its row (its first tier holds up to
    TIER documents, about 3 bytes each); a shard ends after a term whose hash, read as a
    fraction, is below its cost over SHARD_BYTES (so shards hold about SHARD_BYTES), or
    once it costs SHARD_MOST times that.  A term's cost moves only with its own
    documents: a new cable moves the cuts at its own terms, rarely."""
    if not names:
        return []
    cost = np.fromiter(map(len, names), dtype=np.int64, count=len(names)) + 16 + \
        3 * np.minimum(docs, tiers.TIER)
    h = np.fromiter((zlib.crc32(t.encode("utf-8")) for t in names), dtype=np.uint64, count=len(names))
    ends = np.flatnonzero(h * SHARD_BYTES < cost.astype(np.uint64) << 32).tolist()
    starts, s = [0], 0
    cum = np.zeros(len(names) + 1, dtype=np.int64)
    np.cumsum(cost, out=cum[1:])
    most = SHARD_MOST * SHARD_BYTES
    for e in ends + [len(names) - 1]:
        while cum[e + 1] - cum[s] > most:          # too much before the mark: cut by cost
            s = max(int(np.searchsorted(cum, cum[s] + most, side="right")) - 1, s + 1)
            starts.append(s)
        if e + 1 < len(names):
            s = e + 1
            starts.append(s)
    return starts


def shard_names(names: list[str], starts: list[int]) -> list[str]:
    """A file name for each shard, from its first term (a second shard with the same
    name, as unlikely as it is, takes a suffix)."""
    out, seen = [], set()
    for s in starts:
        name = blake2b(names[s].encode("utf-8"), digest_size=5).hexdigest()
        while name in seen:
            name += "x"
        seen.add(name)
        out.append(name)
    return out


_DIGITS = ALPHABET.tobytes().decode("ascii")


def _varint(v: int) -> str:
    """Base-32 digits of the postings' alphabet, 32-63 continuing (see postings.py)."""
    out = [_DIGITS[v & 31]]
    v >>= 5
    while v:
        out.append(_DIGITS[32 | (v & 31)])
        v >>= 5
    return "".join(reversed(out))


def _runs(docs: list[SearchDoc], blocks, years, origins, classes) -> str:
    """The blocks of document numbers (``numbers.blocks``: each of one year, origin and
    classification): for each, the distance from the previous block's first number, its
    space, the three values' numbers, and which of its numbers are documents (six a
    digit, the first in the lowest bit)."""
    out, prev = [], 0
    for b in blocks:
        d = docs[b.start]
        bits = bytearray((b.space + 5) // 6)
        for o in b.offsets:
            bits[o // 6] |= 1 << (o % 6)
        out.append(_varint(b.base - prev) + _varint(b.space) + _varint(years[d.year]) +
                   _varint(origins[d.origin]) + _varint(classes[d.classification]) +
                   "".join(_DIGITS[x] for x in bits))
        prev = b.base
    return "".join(out)


def _index(values) -> dict[str, int]:
    return {v: k for k, v in enumerate(sorted(set(values)))}


def search_parts(site: Site, words: dict | None = None, jobs: int = 1, cache=None,
                 wanted: Callable[[str, bytes | None], bool] | None = None,
                 put: Callable[[str, bytes], object] | None = None, store: RunStore | None = None,
                 last: LastShards | None = None
                 ) -> Iterator[tuple[str, bytes | None, Callable[[], bytes]]]:
    """Every file of the search index, as (path, fingerprint, make): ``make()`` gives the
    bytes, and equal fingerprints (None: unknown) give equal bytes, so a rebuild keeps a
    result card it wrote before without reading its cable.  ``words``: word -> term from
    earlier builds (:class:`generator.kept.TermCache`), filled with new words;
    ``cache``: documents analysed before (:class:`generator.kept.AnalysisCache`);
    ``store``: the postings of runs of documents kept before (:class:`.runs.RunStore`);
    ``wanted(path, fingerprint)``: whether the build will make the file (None: every
    file), so the cards it will make are made beforehand on ``jobs`` processes;
    ``put(path, bytes)`` (:meth:`generator.write.SiteWriter.put`): those cards are staged
    by the processes that make them, and their ``make()`` gives what ``put`` returned;
    ``last``: the shards the last build wrote, whose terms that did not change are not
    encoded again (:class:`.lastshards.LastShards`)."""
    yield from _parts(documents(site), site.config.title, words, jobs, cache, wanted, put, store,
                      last)


def index_parts(docs: list[SearchDoc], title: str = "", words: dict | None = None,
                jobs: int = 1) -> Iterator[tuple[str, bytes]]:
    """The index files for ``docs`` (in index order), as (path, bytes), made as they are
    written; also used by the benchmark."""
    for path, _, make in _parts(docs, title, words, jobs):
        yield path, make()


def _ready(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _card(name: str, doc: SearchDoc) -> bytes:
    return _js("doc", name, doc.load()[1])


def _made_cards(cards: list[tuple[str, str, SearchDoc]], jobs: int, put=None) -> Iterator:
    """The bytes of ``cards`` ((path, name, document)), in order, made on ``jobs`` forked
    processes when there are enough (each reads its cable), at most a few chunks ahead
    of the caller; with ``put``, each card is staged where it is made and what ``put``
    returned comes back instead of its bytes."""
    def make(start: int, stop: int) -> list:
        if put is None:
            return [_card(name, d) for _, name, d in cards[start:stop]]
        return [put(path, _card(name, d)) for path, name, d in cards[start:stop]]
    return forked.results(make, len(cards), jobs, CARDS_CHUNK, CARDS_FORK_AT, CARDS_AHEAD)


def _shard_files(index: Index, jobs: int, wanted, firsts: list[str],
                 last: LastShards | None = None) -> Iterator[tuple]:
    """The shards and tiers of the index, as (path, fingerprint, make), then the
    directory parts with ``make`` ready; ``firsts`` gets the first term of each
    directory part.  A shard's fingerprint is its terms' content sums
    (``Postings.merge_run``); None when they are not known.  A shard the build keeps
    (``wanted`` says no) is not encoded unless its ``make`` is called; in a shard it
    makes, a term whose row ``last`` has (``LastShards``) is not encoded either.  The
    tiers of a term encoded come with the fingerprint of their identity and path
    (``lastshards.tier_print``), and a tier whose file the last build wrote with the
    fingerprint it has now is not encoded (``tiers.encode_terms``: a new cable changes
    about one tier of each of its terms, of up to a hundred); those of a term that did
    not change, with the fingerprint the last build recorded for them (``last``), so
    they are kept as they are."""
    names, ndocs, content = index.summary()
    starts = shard_starts(names, ndocs)
    ends = starts[1:] + [len(names)]
    files = shard_names(names, starts)
    prints = [None] * len(starts) if content is None else \
        [shard_print(f, names[a:z], content[a:z]) for f, a, z in zip(files, starts, ends)]
    want = [wanted is None or fp is None or wanted(f"{ROOT}/t/{f}.js", fp)
            for f, fp in zip(files, prints)]
    several = np.flatnonzero(ndocs > tiers.TIER)     # the terms with more than one tier
    counts = np.ones(len(names), dtype=np.uint32)    # each term's tiers, for the next build
    # A shard kept has its terms' tiers counted by the last build, or is made again.
    shard_of = np.searchsorted(starts, several, side="right") - 1
    for t, k in zip(several.tolist(), shard_of.tolist()):
        if not want[k]:
            n = last.tiers_of(names[t], int(content[t])) if last is not None else None
            if n is None:
                want[k] = True
            else:
                counts[t] = n
    kept_rows = _kept_rows(last, names, content, files, starts, ends, want)
    select = None
    if not all(want) or kept_rows:
        select = np.zeros(len(names), dtype=bool)
        for a, z, w in zip(starts, ends, want):
            select[a:z] = w
        for t in kept_rows:
            select[t] = False
    if last is not None:
        last.made = (names, content, counts) if content is not None else None

    def kept_print(path: str) -> bytes | None:        # a tier of a term that did not change
        return None if last is None else last.recorded(path)

    def tier_name(k: int, i: int, n: int) -> str:     # tier n of shard k's i-th term
        return f"{files[k]}/{i}-{n}"

    def standing(t: int, sums) -> list[bool]:
        """Of each tier after the first of term ``t`` (whose tiers have these identities),
        whether the last build wrote its file with the fingerprint it now has."""
        k = bisect_right(starts, t) - 1
        paths = [f"{ROOT}/t/{tier_name(k, t - starts[k], n)}.js" for n in range(1, len(sums))]
        return [kept_print(p) == tier_print(p, int(x)) for p, x in zip(paths, sums[1:].tolist())]

    encoded = index.terms(jobs, select, standing if last is not None else None)

    def files_of(k: int, terms, kept: dict | None = None) -> list[tuple]:
        """The shard's files as (path, term number, fingerprint, bytes), its last the
        shard itself (its first term's number); a tier of a term whose row is ``kept``
        (by term number), or that was not encoded, comes with no bytes (the last build's
        stays)."""
        rows, out = [], []
        for i, t in enumerate(range(starts[k], ends[k])):
            if kept and t in kept:
                rows.append(kept[t])
                out.extend((p, t, kept_print(p), None) for p in
                           (f"{ROOT}/t/{tier_name(k, i, n)}.js" for n in range(1, kept[t][2])))
                counts[t] = kept[t][2]
                continue
            term = next(terms)
            rows.append([term.term, term.docs, len(term.tiers), term.tiers[0]])
            counts[t] = len(term.tiers)
            sums = np.frombuffer(term.sums, dtype=np.uint64).tolist() if term.sums else None
            for n, part in enumerate(term.tiers[1:], 1):
                name = tier_name(k, i, n)
                path = f"{ROOT}/t/{name}.js"
                out.append((path, t, tier_print(path, sums[n]),
                            None if part is None else _js("tier", name, part)))
        out.append((f"{ROOT}/t/{files[k]}.js", starts[k], None, _js("shard", files[k], rows)))
        return out

    shard_made: dict[int, dict] = {}      # the last shard made after all, by number

    def later(k: int, path: str) -> bytes:      # a kept file made after all
        if k not in shard_made:
            only = np.zeros(len(names), dtype=bool)
            only[starts[k]:ends[k]] = True
            shard_made.clear()                # its tiers are asked for one after another
            shard_made[k] = {path: data for path, _, _, data in files_of(k, index.terms(1, only))}
        return shard_made[k][path]

    for k, (a, z) in enumerate(zip(starts, ends)):
        if want[k]:
            made = files_of(k, encoded, kept_rows)
            for path, t, fp, data in made[:-1]:
                yield path, fp, partial(later, k, path) if data is None else _ready(data)
            yield made[-1][0], prints[k], _ready(made[-1][3])
            continue
        for t in several[np.searchsorted(several, a):np.searchsorted(several, z)].tolist():
            for n in range(1, int(counts[t])):
                path = f"{ROOT}/t/{tier_name(k, t - a, n)}.js"
                yield path, kept_print(path), partial(later, k, path)
        yield f"{ROOT}/t/{files[k]}.js", prints[k], partial(later, k, f"{ROOT}/t/{files[k]}.js")
    for _ in encoded:      # none left; closes the pool
        pass
    for j in range(0, len(starts), DIR_SIZE):
        part = [names[s] for s in starts[j:j + DIR_SIZE]]
        firsts.append(part[0])
        yield f"{ROOT}/dir/{j // DIR_SIZE}.js", None, \
            _ready(_js("dir", j // DIR_SIZE, part, files[j:j + DIR_SIZE]))


def _kept_rows(last: LastShards | None, names: list[str], content, files: list[str],
               starts: list[int], ends: list[int], want: list[bool]) -> dict[int, list]:
    """Term number -> its row from the last build's shard, for each term of a shard the
    build makes that has the content sum it had then and the same place in a shard of
    the same name (so the same tiers under the same names)."""
    kept: dict[int, list] = {}
    if last is None or content is None:
        return kept
    for k, (a, z) in enumerate(zip(starts, ends)):
        if not want[k]:
            continue
        same = [t for t in range(a, z) if last.sum_of(names[t]) == int(content[t])]
        rows = last.rows(files[k], f"{ROOT}/t/{files[k]}.js") if same else None
        for t in same if rows else ():      # (a shard none of whose terms kept its sum: not read)
            if t - a < len(rows) and rows[t - a][0] == names[t]:
                kept[t] = rows[t - a]
    return kept


def _parts(docs: list[SearchDoc], title: str, words: dict | None, jobs: int,
           cache=None, wanted: Callable[[str, bytes | None], bool] | None = None, put=None,
           store: RunStore | None = None, last: LastShards | None = None
           ) -> Iterator[tuple[str, bytes | None, Callable[[], bytes]]]:
    index = analyse(docs, words, jobs, cache, store)
    numbers, cut = index.doc_numbers, index.blocks
    firsts: list[str] = []
    yield from _shard_files(index, jobs, wanted, firsts, last)
    del index
    years = _index({d.year for d in docs})
    origins = _index({d.origin for d in docs})
    classes = _index({d.classification for d in docs})
    tags = _index({t for d in docs for t in d.tags})
    table = tag_table()
    hexes = {t: format(k, "x") for t, k in tags.items()}
    rows = [""] * (max(numbers) + 1 if numbers else 0)      # per number, its tags
    ends: dict[int, int] = {}                              # per tags part, its last document
    for n, d in zip(numbers, docs):
        rows[n] = ".".join(map(hexes.__getitem__, d.tags))
        if ends.get(n // TAG_SPAN, -1) < n:
            ends[n // TAG_SPAN] = n
    for p in sorted(ends):
        text = " ".join(rows[p * TAG_SPAN:ends[p] + 1])
        yield f"{ROOT}/tags/{p}.js", None, _ready(_js("tags", p, text))
    del rows
    cards, start, last = [], 0, None
    for b in cut:            # a card is named by its number's place in its run's numbers
        d = docs[b.start]
        run = (years[d.year], origins[d.origin], classes[d.classification])
        if run != last:
            start, last = b.base, run
        for i in range(b.start, b.end):
            name = f"{run[0]}/{run[1]}-{run[2]}/{numbers[i] - start}"
            path = f"{ROOT}/d/{name}.js"
            fp = docs[i].fingerprint      # 16 bytes, then the name
            digest = blake2b(b"card\0" + fp + name.encode(), digest_size=16).digest() if fp else None
            cards.append((path, digest, name, docs[i], wanted is None or wanted(path, digest)))
    made = _made_cards([(path, name, d) for path, _, name, d, want in cards if want], jobs, put)
    for path, digest, name, d, want in cards:
        yield path, digest, _ready(next(made)) if want else partial(_card, name, d)
    for _ in made:      # none left; closes the pool
        pass
    meta = {
        "version": 2, "title": title, "documents": len(docs), "fields": list(FIELDS),
        "boost": [BOOST[f] for f in FIELDS], "pipeline": LABELS, "separator": SEPARATOR.pattern,
        "tier": tiers.TIER, "tagPart": TAG_SPAN, "autoTierDocs": AUTO_TIER_DOCS,
        "autoTagParts": AUTO_TAG_PARTS, "dirSize": DIR_SIZE, "dirs": firsts,
        "years": sorted(years, key=years.get), "origins": sorted(origins, key=origins.get),
        "classes": sorted(classes, key=classes.get),
        "tags": [[t, table[t].name if t in table else ""] for t in sorted(tags, key=tags.get)],
        "runs": _runs(docs, cut, years, origins, classes),
    }
    yield f"{ROOT}/meta.js", None, _ready(_js("meta", meta))
