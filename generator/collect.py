"""Gathering: read and parse every cable, then resolve what spans the collection.

``collect(sources, editorial)`` is pure over already-read files: readers turn
bytes into records, the parser turns records into cables, duplicate IDs are
settled (the fuller text is primary, the others are its versions) and people
are resolved across cables.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .cables import parse_record
from .diagnostics import Diagnostic, warning
from .discover import SourceFile
from .model import Cable, Person, PersonRef
from .people.editorial import Editorial
from .people.resolve import resolve_people
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


def parse_sources(sources: list[SourceFile]) -> tuple[list[Cable], list[Diagnostic], set[str]]:
    cables: list[Cable] = []
    diags: list[Diagnostic] = []
    lower: set[str] = set()
    for src in sources:
        for raw in read_records(src.path, src.data):
            if not raw.text.strip():
                diags.extend(raw.problems)
                continue
            cable, words = parse_record(raw)
            cables.append(cable)
            lower |= words
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


def collect(sources: list[SourceFile], editorial: Editorial = Editorial()) -> Collection:
    cables, diags, lower = parse_sources(sources)
    for c in cables:
        diags.extend(c.warnings)
    version_of, dup_diags = settle_duplicates(cables)
    diags.extend(dup_diags)
    persons, refs = resolve_people(cables, editorial, lower)
    return Collection(cables, persons, refs, version_of, diags)
