"""What reading the sources gives (``collect.read_sources``): each cable's summary, where
its full text is kept, its digest, the collection's words and each cable's input to
resolving the people; first as far as the people need (:class:`Pending`), then whole
(:class:`Parsed`).
"""
from __future__ import annotations

import pickle
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate

from .cache import CableStore, MemoryStore, ParseCache
from .diagnostics import Diagnostic
from .model import Cable
from .progress import Progress


@dataclass
class Parsed:
    """Every cable of the sources, in their order: summaries, where the full cables are
    (``store.cable(i)``), a digest of each (equal digests, equal cables)."""
    cables: list[Cable]
    store: CableStore | MemoryStore
    digests: list[bytes]
    diagnostics: list[Diagnostic]
    lower: frozenset[str]    # the common words the collection writes in lower case
    people: "PeopleInputs"   # each cable's ``people_input`` (summaries have no mentions)


class PeopleInputs:
    """Each cable's ``people_input``, in order, kept pickled and unpickled a list at a time
    each time they are read.  ``blobs[j]`` is a pickled list (of a file this build parsed,
    or of part of a big one) or the key of a file whose lists are in the parse cache
    (``rows(keys)`` reads them: ``cache.PeopleRows``).  A rebuild reads only the files of
    the cables whose people it decides again: with every entry of the cache, their inputs
    were 160 of the 333 MB read at 250,000 cables, and held till the end.  ``counts``: how
    many cables each item holds (None: not known without unpickling it)."""

    def __init__(self, blobs: list[bytes | str], counts: list[int | None] | None = None,
                 rows: Callable[[list[str]], dict[str, list[bytes]]] | None = None) -> None:
        self.blobs = blobs
        self.counts = counts if counts is not None else [None] * len(blobs)
        self.rows = rows
        self.starts: list[int] | None = None

    def __iter__(self):
        for a in range(0, len(self.blobs), 500):
            part = self.blobs[a:a + 500]
            cached = self._cached(part)
            for item in part:
                yield from self._items(item, cached)

    def _cached(self, items: list[bytes | str]) -> dict[str, list[bytes]]:
        keys = [k for k in items if isinstance(k, str)]
        return self.rows(keys) if keys else {}

    @staticmethod
    def _items(item: bytes | str, cached: dict[str, list[bytes]]) -> list:
        if not isinstance(item, str):
            return pickle.loads(item)
        return [x for blob in cached[item] for x in pickle.loads(blob)]

    def at(self, places: list[int]) -> list:
        """The inputs of the cables at these places, unpickling (and reading from the
        cache) only the lists that hold them."""
        if not places:
            return []
        starts = self._starts()
        want = sorted(set(places))
        held = sorted({bisect_right(starts, p) - 1 for p in want})
        cached = self._cached([self.blobs[j] for j in held])
        found: dict[int, object] = {}
        k = 0
        for j in held:
            items = self._items(self.blobs[j], cached)
            end = starts[j] + len(items)
            while k < len(want) and want[k] < end:
                found[want[k]] = items[want[k] - starts[j]]
                k += 1
        if k < len(want):
            raise IndexError(f"no cable at {want[k]}")
        return [found[p] for p in places]

    def _starts(self) -> list[int]:
        """Where each item's cables start (counting, once, those of items of unknown
        length)."""
        if self.starts is None:
            self.starts, at = [], 0
            for j, (blob, n) in enumerate(zip(self.blobs, self.counts)):
                if n is None:
                    self.counts[j] = n = len(self._items(blob, self._cached([blob])))
                self.starts.append(at)
                at += n
        return self.starts


@dataclass
class Pending:
    """The sources read as far as resolving the people needs: the files that changed
    parsed (and cached), the others known by key and size, their summaries not read yet
    (:meth:`loaded` reads them).  A large collection's people process is forked in
    between (``collect``): it needs of the collection the cables' digests, its
    lower-case words and, for the few cables a rebuild decides again, their people
    inputs and (for the editors' rules) summaries, all of which the parse cache gives by
    key.  It then resolves while this process reads the summaries (at 250,000 cables,
    4-5 s of a rebuild), and shares none of them: a pass over them after a fork writes
    every page it reads (their reference counts), which then has to be copied."""
    cache: ParseCache | None
    done: dict[int, tuple[list[Cable], list[Diagnostic]]]   # files parsed: summaries, problems
    cached: dict[int, tuple[str, int]]      # files cached: key, number of cables
    order: list[int]                        # the files, in the sources' order
    sizes: list[int]                        # each file's number of cables
    store: CableStore | MemoryStore
    digests: list[bytes]
    lower: frozenset[str]
    people: PeopleInputs
    progress: Progress
    said: str                               # what the parse stage's line says at its end
    keys: dict[int, str] = field(default_factory=dict)    # file -> its key in the cache
    # file key -> its summaries and problems, kept by a process that builds again
    # (``resident.Resident``): read from here, not the cache, and refilled by ``loaded``
    held: dict[str, tuple[list[Cable], list[Diagnostic]]] | None = None

    def summaries(self) -> "CachedSummaries":
        """The cables' summaries by place, a cached file's read when asked."""
        return CachedSummaries(self)

    def loaded(self) -> Parsed:
        """Every cable: the cached summaries read (each entry as it comes, in the cache's
        order), but those ``held`` from the last build; ``held`` then holds this build's."""
        done, held = self.done, self.held
        if self.cached:
            at = {key: index for index, (key, _) in self.cached.items()}
            if held:       # the same key, the same file parsed by the same code
                for key in [key for key in at if key in held]:
                    done[at.pop(key)] = held[key]
            for key, entry in self.cache.entries(list(at)):
                done[at.pop(key)] = entry
            if at:
                path = next(iter(at)).split(":", 2)[-1]
                raise LookupError(f"{self.cache.path}: the entry of {path} is missing; was the "
                                  "cache changed by another build? Build again with --clean")
        cables = [c for index in self.order for c in done[index][0]]
        if len(cables) != len(self.digests):
            raise LookupError(f"{self.cache.path}: a file holds other cables than the cache "
                              "counted; was it changed by another build? Build again with --clean")
        diags = [d for index in self.order for d in done[index][1]]
        if held is not None:
            held.clear()
            held.update((self.keys[index], done[index]) for index in self.order
                        if index in self.keys)
        self.progress.done("parse", len(cables), self.said)
        return Parsed(cables, self.store, self.digests, diags, self.lower, self.people)


class CachedSummaries:
    """The summaries of a :class:`Pending`'s cables by place (``[n]``, ``len``) before the
    cached ones are read: a parsed file's from memory, a cached file's entry read from
    the cache when one of its cables is asked for (the last one read is held).  The
    people process asks only for cables it decides again, and only when the editors'
    rules may need their origin, ID or year."""

    def __init__(self, pending: Pending) -> None:
        self.pending = pending
        *self.starts, self.count = accumulate(pending.sizes, initial=0)
        self.held: tuple[int, list[Cable]] = (-1, [])

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, n: int) -> Cable:
        if not 0 <= n < self.count:
            raise IndexError(n)
        j = bisect_right(self.starts, n) - 1
        index = self.pending.order[j]
        if index in self.pending.done:
            return self.pending.done[index][0][n - self.starts[j]]
        if self.held[0] != index:
            key = self.pending.cached[index][0]
            self.held = (index, dict(self.pending.cache.entries([key]))[key][0])
        return self.held[1][n - self.starts[j]]
