"""The files of the search index, as ``.js`` files that call back into search.js, so
the browser loads them with script tags (works from ``file://``: no fetch, no
workers, no WASM).  Everything lives under ``search/index/``:

``meta.js``
    fields, boosts, pipeline labels, the first term of every directory part, the names of
    years, origins, classifications and tags, and the runs of document numbers that
    share a year, origin and classification.
``dir/<j>.js``
    the first term of shards j*DIR_SIZE ... (j+1)*DIR_SIZE-1.
``t/<k>.js``
    shard k: its terms in order, each with its document count, its number of tiers
    and its first tier (see :mod:`.postings`).
``t/<k>/<i>-<n>.js``
    tier n (1, 2, ...) of the i-th term of shard k.
``tags/<p>.js``
    the tags of documents p*TAG_PART ... (p+1)*TAG_PART-1.
``d/<y>/<o>-<c>/<k>.js``
    the result card (ID, link, subject, date, tags and text, for snippets and phrase
    checks) of the k-th document of the run of year y, origin o and classification c
    (their numbers in ``meta.js``): a new cable moves only the cards after it in its own
    run, where a card named by document number would move every card after it.
"""
from __future__ import annotations

import json
from functools import partial
from typing import Callable, Iterator

from .. import forked
from ..registry import tags as tag_table
from ..render import digest_of
from ..site import Site
from .documents import BOOST, FIELDS, SearchDoc, documents
from .pipeline import LABELS, SEPARATOR
from .postings import ALPHABET, TIER, Term, analyse

SHARD_BYTES = 24_000        # target size of a shard file
DIR_SIZE = 64               # shards listed by one directory part
TAG_PART = 4096             # documents per tags part
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


def _shards(terms: Iterator[Term]) -> Iterator[list[Term]]:
    cur, size = [], 0
    for t in terms:
        cost = len(t.term) + len(t.tiers[0]) + 16
        if cur and size + cost > SHARD_BYTES:
            yield cur
            cur, size = [], 0
        cur.append(t)
        size += cost
    if cur:
        yield cur


_DIGITS = ALPHABET.tobytes().decode("ascii")


def _varint(v: int) -> str:
    """Base-32 digits of the postings' alphabet, 32-63 continuing (see postings.py)."""
    out = [_DIGITS[v & 31]]
    v >>= 5
    while v:
        out.append(_DIGITS[32 | (v & 31)])
        v >>= 5
    return "".join(reversed(out))


def _runs(docs: list[SearchDoc], years, origins, classes) -> str:
    """Runs of documents sharing year, origin and classification: for each, the
    distance from the previous run's first document and the three values' numbers."""
    out, last, prev = [], None, 0
    for n, d in enumerate(docs):
        key = (years[d.year], origins[d.origin], classes[d.classification])
        if key != last:
            out.append(_varint(n - prev) + "".join(_varint(x) for x in key))
            last, prev = key, n
    return "".join(out)


def _index(values) -> dict[str, int]:
    return {v: k for k, v in enumerate(sorted(set(values)))}


def search_parts(site: Site, words: dict | None = None, jobs: int = 1, cache=None,
                 wanted: Callable[[str, bytes | None], bool] | None = None,
                 put: Callable[[str, bytes], object] | None = None
                 ) -> Iterator[tuple[str, bytes | None, Callable[[], bytes]]]:
    """Every file of the search index, as (path, fingerprint, make): ``make()`` gives the
    bytes, and equal fingerprints (None: unknown) give equal bytes, so a rebuild keeps a
    result card it wrote before without reading its cable.  ``words``: word -> term from
    earlier builds (:class:`generator.cache.TermCache`), filled with new words;
    ``cache``: documents analysed before (:class:`generator.cache.AnalysisCache`);
    ``wanted(path, fingerprint)``: whether the build will make the file (None: every
    file), so the cards it will make are made beforehand on ``jobs`` processes;
    ``put(path, bytes)`` (:meth:`generator.write.SiteWriter.put`): those cards are staged
    by the processes that make them, and their ``make()`` gives what ``put`` returned."""
    yield from _parts(documents(site), site.config.title, words, jobs, cache, wanted, put)


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


def _parts(docs: list[SearchDoc], title: str, words: dict | None, jobs: int,
           cache=None, wanted: Callable[[str, bytes | None], bool] | None = None, put=None
           ) -> Iterator[tuple[str, bytes | None, Callable[[], bytes]]]:
    postings = analyse(docs, words, jobs, cache)
    firsts = []
    for k, shard in enumerate(_shards(postings.terms(jobs))):
        firsts.append(shard[0].term)
        rows = []
        for i, t in enumerate(shard):
            rows.append([t.term, t.docs, len(t.tiers), t.tiers[0]])
            for n, tier in enumerate(t.tiers[1:], 1):
                yield f"{ROOT}/t/{k}/{i}-{n}.js", None, _ready(_js("tier", f"{k}/{i}-{n}", tier))
        yield f"{ROOT}/t/{k}.js", None, _ready(_js("shard", k, rows))
    del postings
    dirs = [firsts[j:j + DIR_SIZE] for j in range(0, len(firsts), DIR_SIZE)]
    for j, part in enumerate(dirs):
        yield f"{ROOT}/dir/{j}.js", None, _ready(_js("dir", j, part))
    years = _index(d.year for d in docs)
    origins = _index(d.origin for d in docs)
    classes = _index(d.classification for d in docs)
    tags = _index(t for d in docs for t in d.tags)
    table = tag_table()
    for p in range(0, len(docs), TAG_PART):
        rows = " ".join(".".join(format(tags[t], "x") for t in d.tags) for d in docs[p:p + TAG_PART])
        yield f"{ROOT}/tags/{p // TAG_PART}.js", None, _ready(_js("tags", p // TAG_PART, rows))
    cards, start, last = [], 0, None
    for n, d in enumerate(docs):
        run = (years[d.year], origins[d.origin], classes[d.classification])
        if run != last:
            start, last = n, run
        name = f"{run[0]}/{run[1]}-{run[2]}/{n - start}"
        path = f"{ROOT}/d/{name}.js"
        digest = digest_of(("card", name, d.fingerprint)) if d.fingerprint else None
        cards.append((path, digest, name, d, wanted is None or wanted(path, digest)))
    made = _made_cards([(path, name, d) for path, _, name, d, want in cards if want], jobs, put)
    for path, digest, name, d, want in cards:
        yield path, digest, _ready(next(made)) if want else partial(_card, name, d)
    for _ in made:      # none left; closes the pool
        pass
    meta = {
        "version": 1, "title": title, "documents": len(docs), "fields": list(FIELDS),
        "boost": [BOOST[f] for f in FIELDS], "pipeline": LABELS, "separator": SEPARATOR.pattern,
        "tier": TIER, "tagPart": TAG_PART, "autoTierDocs": AUTO_TIER_DOCS,
        "autoTagParts": AUTO_TAG_PARTS, "dirSize": DIR_SIZE, "dirs": [d[0] for d in dirs],
        "years": sorted(years, key=years.get), "origins": sorted(origins, key=origins.get),
        "classes": sorted(classes, key=classes.get),
        "tags": [[t, table[t].name if t in table else ""] for t in sorted(tags, key=tags.get)],
        "runs": _runs(docs, years, origins, classes),
    }
    yield f"{ROOT}/meta.js", None, _ready(_js("meta", meta))
