"""People across the collection: one person for the forms a collection uses, kept
between builds so that a rebuild decides again only the cables whose people can have
changed.

Each cable's decision (``decide``) reads, of the rest of the collection, only the facts
of the surnames it names: the full keys known for them, whether one is named on strong
evidence, whether the collection writes it in lower case.  The ``Ledger`` keeps those
facts (counted, so that a cable can be taken out again), each person's forms, titles
and cables counted, and each cable's rows.  A rebuild counts in the new cables' facts
and out the removed ones', decides the new cables and those naming a surname whose facts
changed, and makes again the persons and the cables' rows those decisions touch.  What it
reads of earlier decisions (each cable's record, and which cables name a surname) comes
from a store (``kept.PeopleStore``); starting from an empty ledger is resolving the
whole collection, the same code.  Editors' rules (people.toml) come first.
"""
from __future__ import annotations

import io
import pickle
from collections import Counter, defaultdict
from hashlib import blake2b
from typing import Callable, Hashable, Iterable, Protocol, Sequence

from ..model import Cable, Person, PersonRef, make_person, make_person_ref
from .decide import (Decided, Ident, assign_slugs, decide, depends_on, full_keys, is_dropped,
                     person_name, person_row, ref_row, slugify)
from .editorial import Editorial
from .inputs import PeopleInput, people_input
from .lexicon import not_names

# What a cable gave resolving, kept per cable: its decision, the surnames it depends on,
# the (surname, full key) pairs and the strong surnames it counted into the facts.
Record = tuple[Decided, tuple[str, ...], tuple[tuple[str, str], ...], tuple[str, ...]]


class Store(Protocol):
    def records(self, keys: list) -> dict[Hashable, Record]: ...
    def naming(self, surnames: set[str]) -> set: ...


class Keeper(Store, Protocol):
    """A store that also keeps the ledger itself (``kept.PeopleStore``)."""
    def ledger(self, salt: str) -> "Ledger | None": ...
    def save(self, ledger: "Ledger", changes: "Changes", keys: list, result: tuple) -> None: ...


class NoStore:
    """Nothing kept: every ledger starts empty."""

    def records(self, keys: list) -> dict:
        return {}

    def naming(self, surnames: set[str]) -> set:
        return set()


class Changes:
    """What an update wrote into the ledger that the store must keep too."""

    def __init__(self) -> None:
        self.put: dict[Hashable, Record] = {}          # cables decided (again)
        self.new: list[Hashable] = []                  # of them, those new to the ledger
        self.removed: dict[Hashable, Record] = {}      # cables gone, as they were kept
        self.fresh = False                             # the ledger was started afresh
        self.dirty = False                             # anything changed at all


class Ledger:
    """What resolving the people of a collection knows (see the module's docstring)."""

    def __init__(self, salt: str = "") -> None:
        self.salt = salt
        self.lower: frozenset[str] = frozenset()
        self.fulls: dict[str, dict[str, int]] = {}     # surname -> full key -> cables
        self.known: dict[str, int] = {}                # surname -> cables naming it strongly
        self.forms: dict[Ident, Counter] = {}
        self.titles: dict[Ident, Counter] = {}
        self.cables: dict[Ident, int] = {}
        self.names: dict[Ident, str] = {}
        self.bases: dict[Ident, str] = {}
        self.dropped: set[Ident] = set()
        self.slugs: dict[Ident, str] = {}              # in the persons' order
        self.persons: dict[Ident, tuple] = {}          # ``Person``'s fields
        self.rows: dict[Hashable, tuple] = {}          # cable key -> (its rows, their digest)
        self.keys: list[Hashable] = []                 # the cables of the last result kept

    def _known(self, s: str) -> bool:
        return s in self.known and s not in not_names()

    def _fact(self, s: str) -> tuple:
        return frozenset(self.fulls.get(s, ())), self._known(s), s in self.lower

    def _count(self, fulls: Iterable[tuple[str, str]], strong: Iterable[str], by: int) -> None:
        for s, key in fulls:
            keys = self.fulls.setdefault(s, {})
            n = keys.get(key, 0) + by
            if n:
                keys[key] = n
            else:
                del keys[key]
                if not keys:
                    del self.fulls[s]
        for s in strong:
            n = self.known.get(s, 0) + by
            if n:
                self.known[s] = n
            else:
                del self.known[s]

    def update(self, cables: Sequence[Cable], keys: list[Hashable],
               inputs_at: Callable[[list[int]], list[PeopleInput]], store: Store,
               lower: frozenset[str], editorial: Editorial = Editorial()) -> Changes:
        """Bring the ledger to the collection ``cables`` (``keys``: one per cable, equal
        keys equal cables; ``inputs_at``: the ``people_input`` of the cables at the given
        places).  A cable itself is asked for (``cables[n]``) only when it is decided and
        the editors have rules (which may name its origin, ID or year): ``cables`` may
        read them on demand."""
        changes = Changes()
        at = {k: n for n, k in enumerate(keys)}
        rows = self.rows
        removed = [k for k in rows if k not in at]
        new = [n for n, k in enumerate(keys) if k not in rows]
        gone = store.records(removed)
        changes.removed = gone
        changes.new = [keys[n] for n in new]
        changes.dirty = bool(new or removed or lower != self.lower)
        new_facts = [(depends_on(inp), full_keys(inp[0]), inp[2])
                     for part in _parts(new) for inp in inputs_at(part)]
        changed = self._recount(gone.values(), new_facts, lower)
        # the cables kept whose decision can change: they name a surname whose facts did
        again = sorted(at[k] for k in store.naming(changed) if k in at and k in rows)
        old = store.records([keys[n] for n in again])
        decided: dict[Hashable, Decided] = {}
        ask = bool(editorial.persons)      # only the editors' rules read the cable itself
        for part in _parts(new + again):     # inputs read again, a part at a time
            for n, inp in zip(part, inputs_at(part)):
                decided[keys[n]] = decide(cables[n] if ask else None, inp, self.fulls,
                                          self._known, lower, editorial)
        for n, facts in zip(new, new_facts):
            changes.put[keys[n]] = (decided[keys[n]], tuple(sorted(facts[0])),
                                    tuple(sorted(facts[1])), tuple(facts[2]))
        for n in again:
            changes.put[keys[n]] = (decided[keys[n]], *old[keys[n]][1:])
        del new_facts
        moved, everything = self._tally([rec[0] for rec in (*gone.values(), *old.values())],
                                         list(decided.values()), editorial)
        for k in removed:
            del rows[k]
        self._remake_rows(decided, moved, everything, store)
        return changes

    def _recount(self, gone: Iterable[Record], new_facts: list[tuple], lower: frozenset[str]
                 ) -> set[str]:
        """Count the facts of cables gone out and of new cables in; the surnames whose facts
        changed."""
        touched = set(lower ^ self.lower)
        gone = list(gone)
        for rec in gone:
            touched.update(rec[1])
        for deps, _, _ in new_facts:
            touched.update(deps)
        before = {s: self._fact(s) for s in touched}
        for rec in gone:
            self._count(rec[2], rec[3], -1)
        for _, fulls, strong in new_facts:
            self._count(fulls, strong, 1)
        self.lower = lower
        return {s for s in touched if self._fact(s) != before[s]}

    def _remake_rows(self, decided: dict[Hashable, Decided], moved: set[str], everything: bool,
                     store: Store) -> None:
        """Make again the rows of the cables decided, and of those naming a person whose
        slug or name changed (found by the slug their rows carried; every cable's when a
        person dropped came back)."""
        rows, redo = self.rows, dict(decided)
        if everything:
            hits = [k for k in rows if k not in redo]
        else:
            hits = [k for k, (row, _) in rows.items()
                    if k not in redo and any(r[0] in moved for r in row)] if moved else []
        for k, rec in store.records(hits).items():
            redo[k] = rec[0]
        shared: dict[tuple, tuple] = {}
        made = [ref_row(redo[k], self.slugs, self.names, shared) for k in redo]
        for k, row, digest in zip(redo, made, people_digests(made)):
            rows[k] = (row, digest)

    def _tally(self, minus: list[Decided], plus: list[Decided], editorial: Editorial
               ) -> tuple[set[str], bool]:
        """Count decisions out and in; name, slug and row the persons that changed.  Gives
        the slugs (as they were) of persons renamed or slugged anew, and whether a person
        the editors had dropped came back (whose cables then cannot be found by slug)."""
        forms, titles, count = _by_person(minus, plus)
        old_slugs = dict(self.slugs) if count else self.slugs
        existed = set(self.cables)
        reslug = False
        renamed: set[Ident] = set()
        for i, by in count.items():
            n = self.cables.get(i, 0) + by
            if n <= 0:
                for d in (self.forms, self.titles, self.cables, self.names, self.bases,
                          self.persons):
                    d.pop(i, None)
                self.dropped.discard(i)
                reslug = True
                continue
            self.cables[i] = n
            f = self.forms.setdefault(i, Counter())
            t = self.titles.setdefault(i, Counter())
            for into, (out, add) in ((f, forms), (t, titles)):
                if i in add:
                    into.update(add[i])
                if i in out:
                    into.subtract(out[i])
                    for x in [x for x, c in into.items() if c <= 0]:
                        del into[x]
            name = person_name(i, f)
            if self.names.get(i) != name:
                self.names[i] = name
                renamed.add(i)
                base = slugify(name)
                if self.bases.get(i) != base:
                    self.bases[i] = base
                    reslug = True
            drop = is_dropped(name, f, editorial.drop)
            if drop != (i in self.dropped):
                reslug = True
                (self.dropped.add if drop else self.dropped.discard)(i)
        everything = False
        if reslug:
            self.slugs = assign_slugs(self.bases, self.dropped)
            for i in set(old_slugs) | set(self.slugs):
                if old_slugs.get(i) != self.slugs.get(i):
                    renamed.add(i)
                    if i not in old_slugs and i in existed and i in self.slugs:
                        everything = True      # dropped before, named again
        for i in renamed | set(count):
            slug = self.slugs.get(i)
            if slug is None:
                self.persons.pop(i, None)
            else:
                self.persons[i] = person_row(i, slug, self.names[i], self.forms[i],
                                             self.titles[i], self.cables[i], editorial)
        return {old_slugs[i] for i in renamed if i in old_slugs}, everything

    def result(self, keys: list[Hashable]) -> tuple[list[tuple], list[tuple], list[bytes]]:
        """The persons (in their order), and each cable's rows and their digest."""
        rows = self.rows
        return ([self.persons[i] for i in self.slugs], [rows[k][0] for k in keys],
                [rows[k][1] for k in keys])


def _by_person(minus: list[Decided], plus: list[Decided]) -> tuple[tuple[dict, dict],
                                                                    tuple[dict, dict], Counter]:
    """The forms and titles of decisions counted out (``minus``) and in (``plus``), listed
    by person as (out, in), and by how many cables each person's count moves."""
    forms: tuple[dict, dict] = (defaultdict(list), defaultdict(list))
    titles: tuple[dict, dict] = (defaultdict(list), defaultdict(list))
    count: Counter = Counter()
    for side, sign, decisions in ((0, -1, minus), (1, 1, plus)):
        f_side, t_side = forms[side], titles[side]
        for dec in decisions:
            for i, f, t, _, _ in dec:
                f_side[i].extend(f)
                t_side[i].extend(t)
                count[i] += sign
    return forms, titles, count


_PART = 20_000     # cables whose inputs are held at once (all of them when resolving afresh)


def _parts(places: list[int]) -> list[list[int]]:
    return [places[a:a + _PART] for a in range(0, len(places), _PART)]


def resolve_people(cables: list[Cable], editorial: Editorial = Editorial(),
                   lower_words: set[str] | frozenset[str] = frozenset(),
                   inputs: Iterable[PeopleInput] | None = None) -> tuple[
        dict[str, Person], list[tuple[PersonRef, ...]]]:
    """Persons by key, and for each cable (same order) the persons it names (see
    :func:`resolve_rows`)."""
    return people_objects(resolve_rows(cables, editorial, lower_words, inputs))


def kept_update(kept: Keeper | None, salt: str, cables: Sequence[Cable], keys: list[Hashable],
                inputs_at: Callable[[list[int]], list[PeopleInput]], lower: frozenset[str],
                editorial: Editorial = Editorial()) -> tuple[Ledger, Changes]:
    """The ledger ``kept`` holds brought up to this collection (see ``Ledger.update``),
    for the caller to keep again (``Keeper.save``, given the changes); resolved afresh when
    none is kept, it was made with another ``salt`` (the resolving code, the editors'
    rules), or most cables changed (a parser upgrade changes every cable's key)."""
    ledger = kept.ledger(salt) if kept is not None else None
    if ledger is not None:
        now = set(keys)
        if sum(k not in now for k in ledger.rows) > len(ledger.rows) // 2:
            ledger = None
    fresh = ledger is None
    if fresh:
        ledger = Ledger(salt)
    changes = ledger.update(cables, keys, inputs_at, NoStore() if fresh or kept is None else kept,
                            lower, editorial)
    changes.fresh = fresh
    return ledger, changes


def resolve_rows(cables: list[Cable], editorial: Editorial = Editorial(),
                 lower_words: set[str] | frozenset[str] = frozenset(),
                 inputs: Iterable[PeopleInput] | None = None) -> tuple[
        list[tuple], list[tuple[tuple, ...]]]:
    """The persons (in key order), and for each cable (same order) the persons it names,
    as the fields of ``Person`` and ``PersonRef`` in plain tuples, which pickle in C: a
    large collection's people are resolved in a process of their own.  Resolved from an
    empty ledger, nothing kept.

    ``lower_words``: common English words the collection writes in lower case;
    a bare capitalised word that is one of them ("Hill", "Report") is not taken
    for a known surname, while "Putin", never written in lower case, is.
    ``inputs``: each cable's ``people_input``, when the cables do not carry their
    mentions (summaries do not); made from ``cable.mentions`` otherwise."""
    given = list(inputs) if inputs is not None else [people_input(c.mentions) for c in cables]
    keys = list(range(len(cables)))
    ledger, _ = kept_update(None, "", cables, keys, lambda at: [given[n] for n in at],
                            frozenset(lower_words), editorial)
    persons, refs, _ = ledger.result(keys)
    return persons, refs


def people_objects(rows: tuple[list[tuple], list[tuple[tuple, ...]]]) -> tuple[
        dict[str, Person], list[tuple[PersonRef, ...]]]:
    """What :func:`resolve_rows` gives, as persons by key and each cable's ``PersonRef``s."""
    persons, refs = rows
    return ({p[0]: make_person(p) for p in persons},
            [tuple(map(make_person_ref, cable)) if cable else () for cable in refs])


def people_digests(refs: list[tuple[tuple, ...]]) -> list[bytes]:
    """Per cable, a digest of the persons it names (its rows: plain tuples, pickled in C):
    equal digests, equal ``PersonRef``s.  What a page or file shows of a cable's people is
    then fingerprinted by 16 bytes, not by pickling its persons again (once per cable page
    and data file)."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=5)
    pickler.fast = True     # no memo: equal rows pickle alike, shared strings or not
    ends = []
    for r in refs:
        pickler.dump(r)     # each row whole: without a memo, no row refers to another
        ends.append(buf.tell())
    view, out, start = buf.getbuffer(), [], 0
    for end in ends:
        out.append(blake2b(view[start:end], digest_size=16).digest())
        start = end
    del view
    return out
