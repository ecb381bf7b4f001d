"""People across the collection: one person for the forms a collection uses.

Within a cable, mentions that share a surname are one person (``Damien
Loras`` ... ``Loras``).  Across cables, a full name is keyed by given name and
surname (``Craig R. Stapleton`` = ``Craig Stapleton``); a surname-only person
(``DAS Kramer``) joins the one full-named person with that surname, if there is
exactly one; bare capitalised words become mentions when they are the surname
of a person the collection knows.  Editors' rules (people.toml) come first.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from ..model import Cable, Mention, Person, PersonRef
from .editorial import Editorial, PersonRule, norm
from .extract import surname_key
from .lexicon import common_words, fold, given_names, not_names


@dataclass(slots=True)
class _Group:
    """The mentions of one person in one cable.  (Slots and lists, not sets: resolving
    holds every cable's groups at once.)"""

    surname: str
    forms: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    paragraphs: list[int] = field(default_factory=list)
    first: int = 10 ** 6
    full: list[str] = field(default_factory=list)     # the forms of two words or more
    givens: list[str] = field(default_factory=list)   # and their given names

    def add(self, name: str, title: str | None, paragraph: int | None) -> None:
        self.forms.append(name)
        if len(name.split()) >= 2:
            self.full.append(name)
            given = _given(name)
            if given not in self.givens:
                self.givens.append(given)
        if title:
            self.titles.append(title)
        if paragraph is not None:
            self.paragraphs.append(paragraph)


_STRONG = {"title", "given", "signer", "classified_by", "surname"}


# Names repeat across a collection (Zipf): the pure functions of a name below are
# memoised, within a bound, as resolving calls them several times per mention.
_NAMES = 1 << 16


@lru_cache(maxsize=_NAMES)
def _given(name: str) -> str:
    first = name.split()[0]
    return fold(first).lower().strip(".")


@lru_cache(maxsize=_NAMES)
def full_key(name: str) -> str:
    return f"{_given(name)} {surname_key(name)}"


@lru_cache(maxsize=_NAMES)
def _names_a_given(full: str) -> bool:
    """Whether a full name begins with a known given name or an initial: its key then
    names a person for the others with that surname."""
    return fold(full.split()[0]).capitalize().strip(".") in given_names() or \
        re.match(r"^[A-Z]\.", full) is not None


def _groups(mentions: tuple[Mention, ...]) -> list[_Group]:
    by_surname: dict[str, list[_Group]] = defaultdict(list)
    order = 0
    for m in mentions:
        if m.where == "bare":
            continue
        s = surname_key(m.name)
        if not s:
            continue
        groups = by_surname[s]
        target = None
        if len(m.name.split()) >= 2:
            for g in groups:
                if not g.full or _given(m.name) in g.givens:
                    target = g
                    break
        elif groups:
            target = groups[0]
        if target is None:
            target = _Group(s)
            groups.append(target)
        target.add(m.name, m.title, m.paragraph)
        target.first = min(target.first, order if m.paragraph is None else 1000 + m.paragraph)
        order += 1
    return [g for gs in by_surname.values() for g in gs]


# What resolving needs of one cable, made from its mentions alone (so by the process that
# parses it, and cached with it): its groups, as tuples of _Group's fields; its bare
# candidates as (surname, name, title, paragraph), those that can never count left
# out; the surnames it names on strong evidence.
PeopleInput = tuple[tuple[tuple, ...], tuple[tuple, ...], tuple[str, ...]]


def people_input(mentions: tuple[Mention, ...]) -> PeopleInput:
    groups = tuple((g.surname, g.forms, g.titles, g.paragraphs, g.first, g.full, g.givens)
                   for g in _groups(mentions))
    bare = []
    for m in mentions:
        if m.where != "bare":
            continue
        s = surname_key(m.name)
        if len(s) < 4 or s in not_names() or (
                m.evidence == "bare-caps" and s in common_words() and not m.title):
            continue
        bare.append((s, m.name, m.title, m.paragraph))
    strong = tuple(sorted({surname_key(m.name) for m in mentions if m.evidence in _STRONG}))
    return groups, tuple(bare), strong


def _rule_for(g: _Group, cable: Cable, editorial: Editorial) -> PersonRule | None:
    if not editorial.persons:
        return None
    forms = {norm(f) for f in g.forms}
    for rule in editorial.persons:
        if not forms & rule.aliases:
            continue
        w = rule.when
        if "titles" in w and not {norm(t) for t in g.titles} & {norm(t) for t in w["titles"]}:
            continue
        if "origins" in w and cable.origin not in w["origins"]:
            continue
        if "cables" in w and cable.id not in w["cables"]:
            continue
        if "years" in w and cable.year not in w["years"]:
            continue
        return rule
    return None


def resolve_people(cables: list[Cable], editorial: Editorial = Editorial(),
                   lower_words: set[str] | frozenset[str] = frozenset(),
                   inputs: Iterable[PeopleInput] | None = None) -> tuple[
        dict[str, Person], list[tuple[PersonRef, ...]]]:
    """Persons by key, and for each cable (same order) the persons it names.

    ``lower_words``: common English words the collection writes in lower case;
    a bare capitalised word that is one of them ("Hill", "Report") is not taken
    for a known surname, while "Putin", never written in lower case, is.
    ``inputs``: each cable's ``people_input``, when the cables do not carry their
    mentions (summaries do not); made from ``cable.mentions`` otherwise."""
    if inputs is None:
        inputs = (people_input(c.mentions) for c in cables)
    per_cable: list[list[_Group]] = []
    bares: list[tuple[tuple, ...]] = []
    known: set[str] = set()
    for groups, bare, strong in inputs:
        per_cable.append([_Group(*g) for g in groups])
        bares.append(bare)
        known.update(strong)
    # 1. assign each group an identity: ("rule", name) | ("full", key) | ("surname", s)
    ident: list[list[tuple[str, str]]] = []
    fulls_by_surname: dict[str, set[str]] = defaultdict(set)
    for groups in per_cable:
        for g in groups:
            for f in g.full:
                if _names_a_given(f):
                    fulls_by_surname[g.surname].add(full_key(f))
    for cable, groups in zip(cables, per_cable):
        ids = []
        for g in groups:
            rule = _rule_for(g, cable, editorial)
            if rule:
                ids.append(("rule", rule.name))
                continue
            keys = [full_key(f) for f in g.full if full_key(f) in fulls_by_surname[g.surname]]
            if keys:
                ids.append(("full", Counter(keys).most_common(1)[0][0]))
            elif len(fulls_by_surname[g.surname]) == 1:
                ids.append(("full", next(iter(fulls_by_surname[g.surname]))))
            else:
                ids.append(("surname", g.surname))
        ident.append(ids)
    # 2. bare candidates whose surname the collection knows as a person's, from strong
    #    evidence (a title, a given name in mixed case, a signer or classifying officer)
    known -= not_names()
    for k, (cable, bare) in enumerate(zip(cables, bares)):
        if not bare:
            continue
        have = {g.surname: g for g in per_cable[k]}
        for s, name, title, paragraph in bare:
            if s not in known or s in lower_words:
                continue
            g = have.get(s)
            if g is None:
                g = _Group(s)
                have[s] = g
                per_cable[k].append(g)
                rule = _rule_for(_Group(s, [name]), cable, editorial)
                if rule:
                    ident[k].append(("rule", rule.name))
                elif len(fulls_by_surname[s]) == 1:
                    ident[k].append(("full", next(iter(fulls_by_surname[s]))))
                else:
                    ident[k].append(("surname", s))
            g.add(name, title, paragraph)
            if paragraph is not None:
                g.first = min(g.first, 1000 + paragraph)
    del bares
    # 3. one group per person per cable: two surnames can name one person ("Than Shwe"
    #    and a bare "Shwe" resolved to him), and a cable names a person once
    for k, (groups, ids) in enumerate(zip(per_cable, ident)):
        if len(set(ids)) < len(ids):
            per_cable[k], ident[k] = _merged(groups, ids)
    # 4. gather persons
    forms: dict[tuple[str, str], Counter] = defaultdict(Counter)
    titles: dict[tuple[str, str], Counter] = defaultdict(Counter)
    cable_count: Counter = Counter()
    for groups, ids in zip(per_cable, ident):
        for g, i in zip(groups, ids):
            forms[i].update(g.forms)
            titles[i].update(g.titles)
            cable_count[i] += 1
    rules = {r.name: r for r in editorial.persons}
    names: dict[tuple[str, str], str] = {}
    for i, c in forms.items():
        if i[0] == "rule":
            names[i] = i[1]
        else:
            names[i] = max(c, key=lambda f: (len(f.split()) >= 2, c[f], len(f), f))
    dropped = {i for i in forms if norm(names[i]) in editorial.drop
               or {norm(f) for f in forms[i]} & editorial.drop}
    slugs: dict[tuple[str, str], str] = {}
    used: set[str] = set()
    for i in sorted(forms, key=lambda x: (slugify(names[x]), x)):
        if i in dropped:
            continue
        base = slugify(names[i]) or "person"
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        slugs[i] = slug
    persons = {}
    for i, slug in slugs.items():
        extra = rules[i[1]].titles if i[0] == "rule" else ()
        t = [t for t, _ in sorted(titles[i].items(), key=lambda kv: (-kv[1], kv[0]))]
        persons[slug] = Person(slug, names[i], tuple(dict.fromkeys([*extra, *t])),
                               tuple(sorted(forms[i])), cable_count[i])
    refs = []
    for groups, ids in zip(per_cable, ident):
        out = []
        for g, i in sorted(zip(groups, ids), key=lambda gi: gi[0].first):
            if i not in slugs:
                continue
            out.append(PersonRef(slugs[i], names[i], tuple(dict.fromkeys(g.titles)),
                                 tuple(dict.fromkeys(g.forms)), tuple(sorted(set(g.paragraphs)))))
        refs.append(tuple(out))
    return persons, refs


def _merged(groups: list[_Group], ids: list) -> tuple[list[_Group], list]:
    """Groups with one identity folded into the first of them, in order."""
    first: dict = {}
    for g, i in zip(groups, ids):
        if i not in first:
            first[i] = g
            continue
        into = first[i]
        into.forms += g.forms
        into.full += g.full
        into.givens += [x for x in g.givens if x not in into.givens]
        into.titles += g.titles
        into.paragraphs += g.paragraphs
        into.first = min(into.first, g.first)
    return list(first.values()), list(first)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name).lower()).strip("-")
