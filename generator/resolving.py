"""The collection's people being resolved: in this process for a small collection, in a
forked one for a large collection while the build goes on (``people_started``).

Kept apart from ``collect`` (whose code is part of every parse cache key): how the people
are resolved and kept can change without parsing the collection again.
"""
from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from hashlib import blake2b
from typing import TYPE_CHECKING

from . import forked
from .cache import code_version
from .model import Cable, Person, PersonRef
from .people.editorial import Editorial
from .people.resolve import kept_update, people_objects

if TYPE_CHECKING:
    from .parsed import PeopleInputs
    from .kept import PeopleStore

_PEOPLE: tuple | None = None      # ``_resolved``'s arguments, inherited by a forked process
_PEOPLE_APART = 2000              # cables from which people are resolved in a process apart


def people_salt(editorial: Editorial) -> str:
    """What a kept ledger of people depends on besides the cables: the code of people/
    and the editors' rules."""
    rules = repr((tuple((r.name, sorted(r.aliases), r.titles, sorted(r.when.items()))
                        for r in editorial.persons), sorted(editorial.drop)))
    return f"{code_version(('people', 'model.py'))}:{blake2b(rules.encode()).hexdigest()[:16]}"


def _resolved(cables: Sequence[Cable], editorial: Editorial, lower: frozenset[str],
              inputs: PeopleInputs, digests: list[bytes], kept: PeopleStore | None
              ) -> tuple[tuple[list, list, list[bytes]], Callable[[], None] | None]:
    """The persons' rows, each cable's rows and their digests (plain tuples, which pickle in
    C), from the ledger the last build kept, brought up to this collection, or resolved
    afresh when none was kept or most cables changed (a parser upgrade changes every
    cable's digest); and what keeps that ledger for the next build (None: no ``kept``)."""
    ledger, changes = kept_update(kept, people_salt(editorial), cables, digests, inputs.at,
                                  lower, editorial)
    rows = ledger.result(digests)
    if kept is None:
        return rows, None

    def keep() -> None:
        kept.save(ledger, changes, digests, rows)
        kept.close()
    return rows, keep


def _rows(*args) -> tuple[list, list, list[bytes]]:
    """``_resolved``'s rows, the ledger kept first: resolving in this process."""
    rows, keep = _resolved(*args)
    if keep is not None:
        keep()
    return rows


def _resolve_apart() -> forked.Then | tuple:
    """In the forked process: ``_resolved`` of ``_PEOPLE``, its rows sent back while the
    ledger is kept (``forked.Then``: keeping it took 3 s at 250,000 cables, part of it
    waited for when the rows waited for it; it is now done before the build asks)."""
    rows, keep = _resolved(*_PEOPLE)
    return rows if keep is None else forked.Then(rows, keep)


def _objects(rows: tuple) -> tuple[dict[str, Person], list[tuple[PersonRef, ...]], list[bytes]]:
    persons, refs, digests = rows
    return (*people_objects((persons, refs)), digests)


class People:
    """Persons by key and each cable's ``PersonRef``s: resolved already, or being resolved
    in a forked process while this one goes on (``result`` waits for them; ``finish``
    for the ledger that process keeps after answering)."""

    def __init__(self, done: tuple | None = None, apart: forked.Apart | None = None) -> None:
        self._done, self._apart = done, apart

    def result(self) -> tuple[dict[str, Person], list[tuple[PersonRef, ...]], list[bytes]]:
        """(persons by key, each cable's ``PersonRef``s, each cable's ``people_digests``)."""
        if self._done is None:
            self._done = _objects(self._apart.result())   # made here: they pickle in Python
        return self._done

    def finish(self) -> None:
        """Wait until the ledger is kept (a build ends with it: the next one, or a CI step
        saving the cache folder, reads it).  The process has long answered by then: it
        keeps the ledger while the build renders."""
        if self._apart is not None:
            self.result()
            self._apart.finish()
            self._apart = None

    def cancel(self) -> None:
        """Stop the process resolving them, if any (the build failed meanwhile): a ledger
        it was keeping is then not used (``kept.PeopleStore``'s token)."""
        if self._apart is not None:
            self._apart.cancel()
            self._apart = None


def people_apart(count: int) -> bool:
    """Whether the people of a collection of ``count`` cables are resolved in a process
    apart (``people_started``)."""
    return count >= _PEOPLE_APART and forked.available()


def people_started(cables: Sequence[Cable], editorial: Editorial, lower: frozenset[str],
                   inputs: PeopleInputs, digests: list[bytes],
                   kept: PeopleStore | None = None) -> People:
    """People resolved (``_rows``: from the ledger ``kept`` by the last build, when there
    is one) in a forked process for a large collection, started and not waited for: the
    stages after parsing that do not need them (most of resolving the site) run meanwhile
    on the other core.  Apart, its working objects
    (several times its result's size: groups of mentions per cable) never enter this
    process's memory, where they would stay fragmented for the rest of the build
    (10,000 cables: 58 MB kept, against 25 MB for the result alone)."""
    global _PEOPLE
    if not people_apart(len(cables)):
        return People(_objects(_rows(cables, editorial, lower, inputs, digests, kept)))
    _PEOPLE = (cables, editorial, lower, inputs, digests, kept)
    # a child starts as large as this process: parsing left a third of it free
    forked.release_free_memory()
    gc.freeze()      # the child's collections then leave the summaries' pages unwritten
    try:      # the child keeps the collector as this process has it: it makes no cycles
        return People(apart=forked.Apart(_resolve_apart))    # forks here: _PEOPLE inherited
    finally:
        _PEOPLE = None
