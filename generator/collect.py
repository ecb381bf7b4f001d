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
from .diagnostics import Diagnostic, warning
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
Parsed = tuple[list[tuple[Cable, frozenset[str]]], list[Diagnostic]]


def _parse_task(task) -> list[tuple[int, list[tuple[Cable, frozenset[str]]], list[Diagnostic]]]:
    """A task: small files (read and parsed here), or some records of one big file."""
    kind, items = task
    out = []
    if kind == "records":
        index, records = items
        out.append((index, [parse_record(r) for r in records if r.text.strip()],
                    [p for r in records if not r.text.strip() for p in r.problems]))
        return out
    for index, src in items:
        parsed, diags = [], []
        for raw in read_records(src.path, src.data):
            if raw.text.strip():
                parsed.append(parse_record(raw))
            else:
                diags.extend(raw.problems)
        out.append((index, parsed, diags))
    return out


def _tasks(todo: list[tuple[int, SourceFile]], per_task: int = 32) -> list[tuple[str, object]]:
    tasks: list[tuple[str, object]] = []
    small: list[tuple[int, SourceFile]] = []
    for index, src in todo:
        if len(src.data) >= _BIG_FILE:
            records = read_records(src.path, src.data)
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
    cache; results keep the sources' order."""
    progress = progress or Silent()
    done: dict[int, Parsed] = {}
    keys = {}
    todo = []
    for index, src in enumerate(sources):
        if cache is not None:
            keys[index] = cache.key(src.path, src.sha256)
            hit = cache.get(keys[index])
            if hit is not None:
                done[index] = hit
                continue
        todo.append((index, src))
    tasks = _tasks(todo)
    count = sum(len(p) for p, _ in done.values())

    def take(parts) -> None:
        nonlocal count
        for index, parsed, diags in parts:
            old = done.setdefault(index, ([], []))
            old[0].extend(parsed)
            old[1].extend(diags)
            count += len(parsed)
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
        for index, _ in todo:
            cache.put(keys[index], done.get(index, ([], [])))
        cache.prune(set(keys.values()))
    progress.done("parse", count, f"cables from {len(sources)} files ({len(todo)} parsed, "
                                  f"{len(sources) - len(todo)} from the cache)")
    results = [r for index in range(len(sources)) for r in done.get(index, ([], []))[0]]
    diags = [d for index in range(len(sources)) for d in done.get(index, ([], []))[1]]
    lower: set[str] = set()
    for _, words in results:
        lower |= words
    return [c for c, _ in results], diags, lower


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
