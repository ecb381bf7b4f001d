"""Whom one cable names: each of its groups of mentions given an identity, from the
facts the collection knows of their surnames.

An identity is ``("rule", name)`` (an editors' rule), ``("full", key)`` (a full name,
keyed by given name and surname: ``Craig R. Stapleton`` = ``Craig Stapleton``) or
``("surname", s)``.  A surname-only group (``DAS Kramer``) joins the one full-named
person with that surname, if the collection knows exactly one; a bare capitalised word
becomes a mention when it is the surname of a person the collection names on strong
evidence.  What a cable's decision reads of the collection is, for each surname it
names (``depends_on``): the full keys known for it, whether it is named on strong
evidence, whether the collection writes it in lower case.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Callable, Mapping

from ..model import Cable
from .editorial import Editorial, PersonRule, norm
from .extract import surname_key
from .inputs import NAMES_KEPT, Group, PeopleInput, given_of
from .lexicon import fold, given_names

Ident = tuple[str, str]
# A cable's decision: per person, (identity, forms, titles, paragraphs, first place), in
# the cable's order (plain tuples: kept between builds).
Decided = tuple[tuple[Ident, tuple, tuple, tuple, int], ...]


@lru_cache(maxsize=NAMES_KEPT)
def full_key(name: str) -> str:
    return f"{given_of(name)} {surname_key(name)}"


@lru_cache(maxsize=NAMES_KEPT)
def _names_a_given(full: str) -> bool:
    """Whether a full name begins with a known given name or an initial: its key then
    names a person for the others with that surname."""
    return fold(full.split()[0]).capitalize().strip(".") in given_names() or \
        re.match(r"^[A-Z]\.", full) is not None


def full_keys(groups: tuple[tuple, ...]) -> set[tuple[str, str]]:
    """The (surname, full key) pairs a cable's groups (``PeopleInput``'s first part) make
    known: full names that begin with a given name or an initial."""
    return {(g[0], full_key(f)) for g in groups for f in g[5] if _names_a_given(f)}


def depends_on(inp: PeopleInput) -> set[str]:
    """The surnames whose facts a cable's decision reads: its groups' and its bare
    candidates'."""
    groups, bare, _ = inp
    return {g[0] for g in groups} | {b[0] for b in bare}


def _rule_for(g: Group, cable: Cable | None, editorial: Editorial) -> PersonRule | None:
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


def decide(cable: Cable | None, inp: PeopleInput, fulls: Mapping[str, Mapping[str, int]],
           known: Callable[[str], bool], lower: frozenset[str] | set[str],
           editorial: Editorial) -> Decided:
    """One cable's persons: ``fulls`` the full keys known by surname, ``known`` whether a
    surname is named on strong evidence, ``lower`` the words the collection writes in
    lower case (a bare "Hill" or "Report" is not taken for a surname).  ``cable`` (its
    summary) is read only by the editors' rules: None when there are none."""
    groups = [Group(s, [*f], [*t], [*p], first, [*full], [*given])     # copies: added to below
              for s, f, t, p, first, full, given in inp[0]]
    ids: list[Ident] = []
    for g in groups:
        rule = _rule_for(g, cable, editorial)
        if rule:
            ids.append(("rule", rule.name))
            continue
        known_fulls = fulls.get(g.surname)
        if not known_fulls:
            ids.append(("surname", g.surname))
            continue
        keys = [k for k in map(full_key, g.full) if k in known_fulls]
        if keys:
            ids.append(("full", _most_common(keys)))
        elif len(known_fulls) == 1:
            ids.append(("full", next(iter(known_fulls))))
        else:
            ids.append(("surname", g.surname))
    if inp[1]:
        have = {g.surname: g for g in groups}
        for s, name, title, paragraph in inp[1]:
            if s in lower or not known(s):
                continue
            g = have.get(s)
            if g is None:
                g = Group(s)
                have[s] = g
                groups.append(g)
                rule = _rule_for(Group(s, [name]), cable, editorial)
                known_fulls = fulls.get(s, ())
                if rule:
                    ids.append(("rule", rule.name))
                elif len(known_fulls) == 1:
                    ids.append(("full", next(iter(known_fulls))))
                else:
                    ids.append(("surname", s))
            g.add(name, title, paragraph)
            if paragraph is not None:
                g.first = min(g.first, 1000 + paragraph)
    # one group per person per cable: two surnames can name one person ("Than Shwe" and
    # a bare "Shwe" resolved to him), and a cable names a person once
    if len(set(ids)) < len(ids):
        groups, ids = _merged(groups, ids)
    return tuple((i, tuple(g.forms), tuple(g.titles), tuple(g.paragraphs), g.first)
                 for g, i in zip(groups, ids))


def ref_row(decided: Decided, slugs: Mapping[Ident, str], names: Mapping[Ident, str],
            shared: dict[tuple, tuple] | None = None) -> tuple[tuple, ...]:
    """A cable's ``PersonRef`` fields, in the order it first names them (persons the
    editors dropped left out).  ``shared``: the tuples of titles, forms and paragraphs
    made so far, an equal one taken from it rather than made again.  Most are: at 250,000
    cables, 118,000 distinct tuples of 2.5 million; the rows then pickle to half the bytes
    (a pickle refers back to an object it already holds), and load twice as fast."""
    same = {} if shared is None else shared
    out = []
    pairs = decided if len(decided) < 2 else sorted(decided, key=lambda d: d[4])
    for i, forms, titles, paragraphs, _ in pairs:
        slug = slugs.get(i)
        if slug is None:
            continue
        t, f = tuple(dict.fromkeys(titles)), tuple(dict.fromkeys(forms))
        p = tuple(sorted(set(paragraphs)))
        out.append((slug, names[i], same.setdefault(t, t), same.setdefault(f, f),
                    same.setdefault(p, p)))
    return tuple(out)


def person_name(i: Ident, forms: Counter) -> str:
    """A person's display name: the rule's, else the most used form of two words or more."""
    if i[0] == "rule":
        return i[1]
    return max(forms, key=lambda f: (len(f.split()) >= 2, forms[f], len(f), f))


def is_dropped(name: str, forms: Counter, drop: frozenset[str]) -> bool:
    return bool(drop) and (norm(name) in drop or bool({norm(f) for f in forms} & drop))


def person_row(i: Ident, slug: str, name: str, forms: Counter, titles: Counter, cables: int,
               editorial: Editorial) -> tuple:
    """A ``Person``'s fields."""
    extra: tuple = ()
    if i[0] == "rule":
        for r in editorial.persons:     # the last rule of that name, as a dict by name keeps
            if r.name == i[1]:
                extra = r.titles
    t = [t for t, _ in sorted(titles.items(), key=lambda kv: (-kv[1], kv[0]))]
    return (slug, name, tuple(dict.fromkeys([*extra, *t])), tuple(sorted(forms)), cables)


def assign_slugs(bases: Mapping[Ident, str], dropped: set[Ident]) -> dict[Ident, str]:
    """Each person's slug, in the persons' order (by base, then identity): a base taken
    already gets -2, -3 ..."""
    slugs: dict[Ident, str] = {}
    used: set[str] = set()
    for i in sorted(bases, key=lambda x: (bases[x], x)):
        if i in dropped:
            continue
        base = bases[i] or "person"
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        slugs[i] = slug
    return slugs


def _most_common(keys: list[str]) -> str:
    """``Counter(keys).most_common(1)[0][0]`` (the first of the most frequent), without a
    Counter when every key is the same, as it nearly always is."""
    first = keys[0]
    if len(keys) == 1 or keys.count(first) == len(keys):
        return first
    return Counter(keys).most_common(1)[0][0]


def _merged(groups: list[Group], ids: list) -> tuple[list[Group], list]:
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
