"""Gathering: read and parse every cable, then resolve what spans the collection.

``collect(sources, editorial)`` is pure over already-read files: readers turn
bytes into records, the parser turns records into cables, duplicate IDs are
settled (the fuller text is primary, the others are its versions) and people
are resolved across cables.
"""
from __future__ import annotations

import gc
import hashlib
import pickle
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from . import forked
from .cache import CableStore, MemoryStore, ParseCache, cable_digest, file_key
from .parsed import Parsed, PeopleInputs, Pending
from .kept import PeopleStore
from .cables import parse_record
from .diagnostics import Diagnostic, error, warning
from .discover import SourceFile, read_ahead, remember
from .model import Cable, Person, PersonRef, summary
from .people.editorial import Editorial
from .people.lexicon import common_in_mask, common_mask
from .people.inputs import people_input
from .progress import Progress, Silent
from .readers import read_records
from .resolving import People, people_apart, people_started
from .subjects import candidates


@dataclass
class Collection:
    cables: list[Cable]                      # summaries (``model.summary``)
    people: "People"                         # persons and each cable's, resolved meanwhile
    store: CableStore | MemoryStore          # the full cables: ``full(i)``
    digests: list[bytes]
    version_of: dict[int, int] = field(default_factory=dict)   # index -> index of the primary
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def persons(self) -> dict[str, Person]:
        return self.people.result()[0]

    @property
    def cable_persons(self) -> list[tuple[PersonRef, ...]]:
        return self.people.result()[1]

    @property
    def people_digests(self) -> list[bytes]:
        return self.people.result()[2]

    def full(self, i: int) -> Cable:
        return self.store.cable(i)

    def versions(self, index: int) -> list[int]:
        return [i for i, p in self.version_of.items() if p == index]


_BIG_FILE = 1 << 20   # a file this large (a cables.csv) is read first, its records spread out
# A task's result for one file: its index, its cables' summaries, problems, the common
# words its cables write in lower case (one ``common_mask`` per file, not a set per
# cable: a set per cable held ~34 KB a cable until parsing ended), each full cable
# pickled, what people resolution needs of its cables pickled (``people_input``), and
# whether the file is whole (not some records of it).  The worker summarises and
# pickles: the process that gathers holds only what it keeps (the summaries) as objects;
# objects it made and dropped in between (full cables, mentions) would leave its memory
# fragmented, the summaries spread over mostly empty pages.  Last, the file's SHA-256
# when the worker read a file discovery had not (``discover(defer=True)``), else None.
Part = tuple[int, list[Cable], list[Diagnostic], int, list[bytes], bytes, bool, str | None]


def _dumps(obj) -> bytes:
    return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


def _parse_records(records) -> tuple[list[Cable], list[Diagnostic], int, list[bytes], bytes]:
    cables, diags, words, blobs, people = [], [], set(), [], []
    for raw in records:
        if raw.text.strip():
            cable, lower = parse_record(raw)
            cables.append(summary(cable, candidates(cable.subject, (
                (k, p.text) for k, p in enumerate(cable.paragraphs) if p.kind == "heading"))))
            blobs.append(_dumps(cable))
            people.append(people_input(cable.mentions))
            words |= lower
        else:
            diags.extend(raw.problems)
    return cables, diags, common_mask(words), blobs, _dumps(people)


def _parse_task(task) -> list[Part]:
    """A task: small files (read and parsed here), or some records of one big file."""
    kind, items = task
    if kind == "records":
        index, records = items
        return [(index, *_parse_records(records), False, None)]
    out = []
    for index, src in items:
        try:
            data = src.read()
        except OSError as exc:    # gone or unreadable since it was found
            out.append((index, [], [error(f"cannot read file ({exc.strerror})", kind="input",
                                          path=src.path)], 0, [], _dumps([]), True, None))
            continue
        sha = hashlib.sha256(data).hexdigest() if src.sha256 is None else None
        out.append((index, *_parse_records(read_records(src.path, data)), True, sha))
    return out


def _tasks(todo: list[tuple[int, SourceFile]], hashed, per_task: int = 32
           ) -> list[tuple[str, object]]:
    """The tasks of parsing ``todo``; a big file is read here and its records spread over
    tasks (``hashed(index, sha256)`` is told its hash if discovery left it unread)."""
    tasks: list[tuple[str, object]] = []
    small: list[tuple[int, SourceFile]] = []
    for index, src in todo:
        if src.size >= _BIG_FILE:
            try:
                data = src.read()
            except OSError:          # the task reading it says so (``_parse_task``)
                tasks.append(("files", [(index, src)]))
                continue
            if src.sha256 is None:
                hashed(index, hashlib.sha256(data).hexdigest())
            records = read_records(src.path, data)
            tasks += [("records", (index, records[k:k + per_task]))
                      for k in range(0, len(records), per_task)]
        else:
            small.append((index, src))
            if len(small) == per_task:
                tasks.append(("files", small))
                small = []
    if small:
        tasks.append(("files", small))
    return tasks


def parse_sources(sources: list[SourceFile], jobs: int = 1, progress: Progress | None = None,
                  cache: ParseCache | None = None, hashes: dict | None = None,
                  held: dict | None = None) -> Parsed:
    """Every cable of the sources, parsed or from the cache (``read_sources``, then its
    cached summaries read)."""
    return read_sources(sources, jobs, progress, cache, hashes, held).loaded()


def read_sources(sources: list[SourceFile], jobs: int = 1, progress: Progress | None = None,
                 cache: ParseCache | None = None, hashes: dict | None = None,
                 held: dict | None = None) -> "Pending":
    """Read and parse every file that changed on ``jobs`` processes, taking unchanged files
    from the cache, whose summaries are read last (:meth:`Pending.loaded`); results keep
    the sources' order.  With a cache the full cables stay in it (and are read back by a
    :class:`CableStore`); without one, in memory.  A file that discovery left unread (no
    ``sha256``) is parsed, not looked up, and hashed by the process that reads it; its
    hash is recorded in ``hashes`` (``discover``'s).  ``held``: the summaries a process
    that builds again kept of the last build, by file key (``Pending.held``); without a
    cache, none are kept."""
    progress = progress or Silent()
    done: dict[int, tuple[list[Cable], list[Diagnostic]]] = {}   # index -> summaries, problems
    full: dict[int, list[bytes]] = {}        # index -> full cables pickled, without a cache
    # index -> its cables' people inputs pickled, or the file's key in the cache
    people: dict[int, list[bytes] | str] = {}
    split: dict[int, tuple[list[Cable], list[int], list[bytes], list[bytes]]] = {}  # big files
    lower = 0           # common words in lower case (``common_mask``), without a cache
    keys = {index: file_key(src.path, src.sha256) for index, src in enumerate(sources)
            if src.sha256 is not None}
    todo = [(index, src) for index, src in enumerate(sources) if src.sha256 is None]
    if cache is not None:
        cache.misses += len(todo)      # not looked up: not in the cache
    where: dict[str, int] = {}       # file key -> the first file with it
    for index, key in keys.items():      # in the sources' order
        if key in where:                 # the same file named again: parsed again
            todo.append((index, sources[index]))
            if cache is not None:
                cache.misses += 1
        else:
            where[key] = index
    looked_up = bool(where)
    # the files cached, and their cables counted, without reading their entries; the
    # common words of those files are counted by the cache itself (``ParseCache.lower``)
    cached: dict[int, tuple[str, int]] = {}      # index -> its key, its number of cables
    for key, n in (cache.sizes(list(where)) if cache is not None else {}).items():
        index = where.pop(key)
        cached[index] = (key, n)
        people[index] = key
    todo += [(index, sources[index]) for index in where.values()]
    todo.sort(key=lambda item: item[0])

    def hashed(index: int, sha: str) -> None:
        keys[index] = file_key(sources[index].path, sha)
        if hashes is not None:
            remember(hashes, sources[index], sha)

    tasks = _tasks(todo, hashed)
    count = sum(n for _, n in cached.values())

    def keep(index: int, summaries: list[Cable], diags: list[Diagnostic], words: int,
             blobs: list[bytes], inputs: list[bytes]) -> None:
        done[index] = (summaries, diags)
        people[index] = inputs
        if cache is None:
            full[index] = blobs
        elif index in keys:       # not: a file that could not be read (no hash)
            cache.put(keys[index], blobs, (summaries, diags), words, inputs)

    def take(parts: list[Part]) -> None:
        nonlocal count, lower
        for index, summaries, diags, words, blobs, inputs, whole, sha in parts:
            if sha is not None:
                hashed(index, sha)
            if cache is None:        # (with one, the cache counts them: ``ParseCache.lower``)
                lower |= words
            if whole:
                keep(index, summaries, diags, words, blobs, [inputs])
            else:
                old = split.setdefault(index, ([], [0], [], []))
                old[0].extend(summaries)
                old[1][0] |= words
                old[2].extend(blobs)
                old[3].append(inputs)
                done.setdefault(index, ([], []))[1].extend(diags)
            count += len(summaries)
        progress.step("parse", count, 0, "cables")

    unread = [src for _, src in todo if src.sha256 is None and src.size < _BIG_FILE]
    pool = None
    if jobs > 1 and len(tasks) > 2:
        pool = forked.pool(jobs, gc.enable,     # gc.enable: see build.gathering
                           "fork" if forked.available() else None)
    finish = read_ahead(unread)      # started once the workers are forked
    try:
        for parts in (pool.imap(_parse_task, tasks) if pool is not None
                      else map(_parse_task, tasks)):
            take(parts)
    finally:
        finish()
        if pool is not None:
            pool.terminate()
    for index, (summaries, words, blobs, inputs) in split.items():
        keep(index, summaries, done[index][1], words[0], blobs, inputs)
    for index, _ in todo:
        if index not in done:        # a big file with no records
            keep(index, [], [], 0, [], [])
    if cache is not None and looked_up:   # (none looked up: discovery found the cache empty)
        cache.prune(set(keys.values()))
    if cache is not None:     # the words of every file cached (an unreadable one has none)
        lower = cache.lower()
        # committed before the people process is forked (``people_started``), which reads
        # the cached files' people inputs and entries: no reader waits on this process
        cache.close()
    order = [index for index in range(len(sources)) if index in done or index in cached]
    sizes = [len(done[index][0]) if index in done else cached[index][1] for index in order]
    refs = [(keys[index], n) for index, size in zip(order, sizes) for n in range(size)]
    digests = [cable_digest(key, n) for key, n in refs]
    if cache is not None:
        store: CableStore | MemoryStore = CableStore(cache.cables_path, refs)
    else:
        store = MemoryStore()
        store.blobs = [b for index in order for b in full[index]]
    blobs: list[bytes | str] = []
    counts: list[int | None] = []
    for index, size in zip(order, sizes):
        inputs = people[index]
        if isinstance(inputs, str) or len(inputs) == 1:
            blobs.append(inputs if isinstance(inputs, str) else inputs[0])
            counts.append(size)
        else:
            blobs += inputs
            counts += [None] * len(inputs)
    return Pending(cache, done, cached, order, sizes, store, digests, common_in_mask(lower),
                   PeopleInputs(blobs, counts, cache.people() if cache is not None else None),
                   progress, f"cables from {len(sources)} files ({len(todo)} parsed, "
                             f"{len(sources) - len(todo)} from the cache)",
                   keys, held if cache is not None else None)


def fullness(c: Cable) -> tuple:
    """Of two cables with one ID, the fuller is the primary (``c`` a summary)."""
    return (sum(p.size for p in c.paragraphs), bool(c.date), bool(c.subject), len(c.tags),
            c.source.path)


def settle_duplicates(cables: list[Cable]) -> tuple[dict[int, int], list[Diagnostic]]:
    # the IDs named twice or more found first (counted in C), and only they sorted: a
    # list per ID, all sorted, took 0.5 s of a build at 250,000 cables
    ids = [c.id for c in cables]
    twice = {cid for cid, n in Counter(ids).items() if n > 1 and cid}
    by_id: dict[str, list[int]] = defaultdict(list)
    for i, cid in enumerate(ids):
        if cid in twice:
            by_id[cid].append(i)
    version_of: dict[int, int] = {}
    diags = []
    for cid, idx in sorted(by_id.items()):
        primary = max(idx, key=lambda i: fullness(cables[i]))
        p = cables[primary].source
        for i in idx:
            if i != primary:
                version_of[i] = primary
                s = cables[i].source
                diags.append(warning(
                    f"{cid} is also in {p.path}" + (f" (record {p.record})" if p.record > 1 else "")
                    + "; both are kept, the fuller text as the primary and this one as another "
                    "version of it", kind="duplicate", path=s.path, record=s.record))
    return version_of, diags


def collect(sources: list[SourceFile], editorial: Editorial = Editorial(), jobs: int = 1,
            progress: Progress | None = None, cache: ParseCache | None = None,
            people: PeopleStore | None = None, hashes: dict | None = None,
            held: dict | None = None) -> Collection:
    """The collection, its people still being resolved when it is large (see
    ``people_started``; ``Collection.persons`` waits for them), from what the last build
    left in ``people`` if given; ``hashes`` and ``held``: see ``read_sources``."""
    pending = read_sources(sources, jobs, progress, cache, hashes, held)
    if people_apart(len(pending.digests)):    # forked before the cached summaries are read
        resolving = people_started(pending.summaries(), editorial, pending.lower,
                                   pending.people, pending.digests, people)
        parsed = pending.loaded()
    else:
        parsed = pending.loaded()
        resolving = people_started(parsed.cables, editorial, parsed.lower, parsed.people,
                                   parsed.digests, people)
    diags = parsed.diagnostics
    for c in parsed.cables:
        diags.extend(c.warnings)
    version_of, dup_diags = settle_duplicates(parsed.cables)
    diags.extend(dup_diags)
    return Collection(parsed.cables, resolving, parsed.store, parsed.digests, version_of, diags)
