"""Gathering: read and parse every cable, then resolve what spans the collection.

``collect(sources, editorial)`` is pure over already-read files: readers turn
bytes into records, the parser turns records into cables, duplicate IDs are
settled (the fuller text is primary, the others are its versions) and people
are resolved across cables.
"""
from __future__ import annotations

import multiprocessing
from collections import defaultdict
from dataclasses import dataclass, field

from .cache import ParseCache
from .cables import parse_record
from .diagnostics import Diagnostic, error, warning
from .discover import SourceFile
from .model import Cable, Person, PersonRef
from .people.editorial import Editorial
from .people.resolve import resolve_people
from .progress import Progress, Silent
from .readers import read_records


@dataclass
class Collection:
    cables: list[Cable]
    persons: dict[str, Person]
    cable_persons: list[tuple[PersonRef, ...]]
    version_of: dict[int, int] = field(default_factory=dict)   # index -> index of the primary
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def versions(self, index: int) -> list[int]:
        return [i for i, p in self.version_of.items() if p == index]


_BIG_FILE = 1 << 20   # a file this large (a cables.csv) is read first, its records spread out
# A task's result for one file: its index, cables, problems, the common words its cables
# write in lower case (one set per file, not per cable: a set per cable held ~34 KB a
# cable until parsing ended), and whether the file is whole (not some records of it).
Part = tuple[int, list[Cable], list[Diagnostic], frozenset[str], bool]


def _parse_records(records) -> tuple[list[Cable], list[Diagnostic], frozenset[str]]:
    cables, diags, words = [], [], set()
    for raw in records:
        if raw.text.strip():
            cable, lower = parse_record(raw)
            cables.append(cable)
            words |= lower
        else:
            diags.extend(raw.problems)
    return cables, diags, frozenset(words)


def _parse_task(task) -> list[Part]:
    """A task: small files (read and parsed here), or some records of one big file."""
    kind, items = task
    if kind == "records":
        index, records = items
        return [(index, *_parse_records(records), False)]
    out = []
    for index, src in items:
        try:
            data = src.read()
        except OSError as exc:    # gone or unreadable since it was found
            out.append((index, [], [error(f"cannot read file ({exc.strerror})", kind="input",
                                          path=src.path)], frozenset(), True))
            continue
        out.append((index, *_parse_records(read_records(src.path, data)), True))
    return out


def _tasks(todo: list[tuple[int, SourceFile]], per_task: int = 32) -> list[tuple[str, object]]:
    tasks: list[tuple[str, object]] = []
    small: list[tuple[int, SourceFile]] = []
    for index, src in todo:
        if src.size >= _BIG_FILE:
            records = read_records(src.path, src.read())
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
                  cache: ParseCache | None = None) -> tuple[list[Cable], list[Diagnostic], set[str]]:
    """Read and parse every file on ``jobs`` processes, taking unchanged files from the
    cache; results keep the sources' order.  Also the common words the collection writes
    in lower case."""
    progress = progress or Silent()
    done: dict[int, tuple[list[Cable], list[Diagnostic]]] = {}
    split: dict[int, set[str]] = {}          # words of big files parsed in several tasks
    lower: set[str] = set()
    keys = {}
    todo = []
    for index, src in enumerate(sources):
        if cache is not None:
            keys[index] = cache.key(src.path, src.sha256)
            hit = cache.get(keys[index])
            if hit is not None:
                done[index] = (hit[0], hit[1])
                lower |= hit[2]
                continue
        todo.append((index, src))
    tasks = _tasks(todo)
    count = sum(len(p) for p, _ in done.values())

    def take(parts: list[Part]) -> None:
        nonlocal count
        for index, cables, diags, words, whole in parts:
            lower.update(words)
            if whole:
                done[index] = (cables, diags)
                if cache is not None:
                    cache.put(keys[index], (cables, diags, words))
            else:
                old = done.setdefault(index, ([], []))
                old[0].extend(cables)
                old[1].extend(diags)
                split.setdefault(index, set()).update(words)
            count += len(cables)
        progress.step("parse", count, 0, "cables")

    if jobs > 1 and len(tasks) > 2:
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                          else None)
        with ctx.Pool(jobs) as pool:
            for parts in pool.imap(_parse_task, tasks):
                take(parts)
    else:
        for parts in map(_parse_task, tasks):
            take(parts)
    if cache is not None:
        for index, words in split.items():
            cables, diags = done[index]
            cache.put(keys[index], (cables, diags, frozenset(words)))
        for index, _ in todo:
            if index not in done:        # a big file with no records
                cache.put(keys[index], ([], [], frozenset()))
        cache.prune(set(keys.values()))
    progress.done("parse", count, f"cables from {len(sources)} files ({len(todo)} parsed, "
                                  f"{len(sources) - len(todo)} from the cache)")
    cables = [c for index in range(len(sources)) for c in done.get(index, ([], []))[0]]
    diags = [d for index in range(len(sources)) for d in done.get(index, ([], []))[1]]
    return cables, diags, lower


def fullness(c: Cable) -> tuple:
    return (sum(len(p.text) for p in c.paragraphs), bool(c.date), bool(c.subject), len(c.tags),
            c.source.path)


def settle_duplicates(cables: list[Cable]) -> tuple[dict[int, int], list[Diagnostic]]:
    by_id: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(cables):
        if c.id:
            by_id[c.id].append(i)
    version_of: dict[int, int] = {}
    diags = []
    for cid, idx in sorted(by_id.items()):
        if len(idx) < 2:
            continue
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
            progress: Progress | None = None, cache: ParseCache | None = None) -> Collection:
    cables, diags, lower = parse_sources(sources, jobs, progress, cache)
    for c in cables:
        diags.extend(c.warnings)
    version_of, dup_diags = settle_duplicates(cables)
    diags.extend(dup_diags)
    persons, refs = resolve_people(cables, editorial, lower)
    return Collection(cables, persons, refs, version_of, diags)
