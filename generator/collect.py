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

from .cables import parse_record
from .diagnostics import Diagnostic, warning
from .discover import SourceFile
from .model import Cable, Person, PersonRef
from .people.editorial import Editorial
from .people.resolve import resolve_people
from .progress import Progress, Silent
from .readers import RawRecord, read_records


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


def _parse_task(task) -> tuple[list[tuple[Cable, frozenset[str]]], list[Diagnostic], int]:
    """A task is a list of small files (read and parsed here) or of records of a big file."""
    kind, items = task
    out, diags = [], []
    records = items if kind == "records" else [r for src in items
                                               for r in read_records(src.path, src.data)]
    for raw in records:
        if raw.text.strip():
            out.append(parse_record(raw))
        else:
            diags.extend(raw.problems)
    return out, diags, len(items) if kind == "files" else 0


def _tasks(sources: list[SourceFile], per_task: int = 32) -> list[tuple[str, list]]:
    tasks: list[tuple[str, list]] = []
    small: list[SourceFile] = []
    for src in sources:
        if len(src.data) >= _BIG_FILE:
            if small:
                tasks.append(("files", small))
                small = []
            records = read_records(src.path, src.data)
            tasks += [("records", records[k:k + per_task]) for k in range(0, len(records), per_task)]
        else:
            small.append(src)
            if len(small) == per_task:
                tasks.append(("files", small))
                small = []
    if small:
        tasks.append(("files", small))
    return tasks


def parse_sources(sources: list[SourceFile], jobs: int = 1,
                  progress: Progress | None = None) -> tuple[list[Cable], list[Diagnostic], set[str]]:
    """Read and parse every file on ``jobs`` processes; results keep the sources' order."""
    progress = progress or Silent()
    tasks = _tasks(sources)
    results: list[tuple[Cable, frozenset[str]]] = []
    diags: list[Diagnostic] = []
    files = 0
    if jobs > 1 and len(tasks) > 2:
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                          else None)
        with ctx.Pool(jobs) as pool:
            parts = pool.imap(_parse_task, tasks)
            for part, problems, nfiles in parts:
                results += part
                diags += problems
                files += nfiles
                progress.step("parse", len(results), 0, "cables")
    else:
        for part, problems, nfiles in map(_parse_task, tasks):
            results += part
            diags += problems
            files += nfiles
            progress.step("parse", len(results), 0, "cables")
    progress.done("parse", len(results), f"cables from {files} files")
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
            progress: Progress | None = None) -> Collection:
    cables, diags, lower = parse_sources(sources, jobs, progress)
    for c in cables:
        diags.extend(c.warnings)
    version_of, dup_diags = settle_duplicates(cables)
    diags.extend(dup_diags)
    persons, refs = resolve_people(cables, editorial, lower)
    return Collection(cables, persons, refs, version_of, diags)
