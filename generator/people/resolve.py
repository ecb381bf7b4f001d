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
from functools import lru_cache
from typing import Iterable

from ..model import Cable, Person, PersonRef
from .editorial import Editorial, PersonRule, norm
from .extract import surname_key
from .inputs import NAMES_KEPT, Group, PeopleInput, given_of, people_input
from .lexicon import fold, given_names, not_names


@lru_cache(maxsize=NAMES_KEPT)
def full_key(name: str) -> str:
    return f"{given_of(name)} {surname_key(name)}"


@lru_cache(maxsize=NAMES_KEPT)
def _names_a_given(full: str) -> bool:
    """Whether a full name begins with a known given name or an initial: its key then
    names a person for the others with that surname."""
    return fold(full.split()[0]).capitalize().strip(".") in given_names() or \
        re.match(r"^[A-Z]\.", full) is not None


def _rule_for(g: Group, cable: Cable, editorial: Editorial) -> PersonRule | None:
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
    """Persons by key, and for each cable (same order) the persons it names (see
    :func:`resolve_rows`)."""
    return people_objects(resolve_rows(cables, editorial, lower_words, inputs))


def resolve_rows(cables: list[Cable], editorial: Editorial = Editorial(),
                 lower_words: set[str] | frozenset[str] = frozenset(),
                 inputs: Iterable[PeopleInput] | None = None) -> tuple[
        list[tuple], list[tuple[tuple, ...]]]:
    """The persons (in key order), and for each cable (same order) the persons it names,
    as the fields of ``Person`` and ``PersonRef`` in plain tuples, which pickle in C: a
    large collection's people are resolved in a process of their own.

    ``lower_words``: common English words the collection writes in lower case;
    a bare capitalised word that is one of them ("Hill", "Report") is not taken
    for a known surname, while "Putin", never written in lower case, is.
    ``inputs``: each cable's ``people_input``, when the cables do not carry their
    mentions (summaries do not); made from ``cable.mentions`` otherwise."""
    if inputs is None:
        inputs = (people_input(c.mentions) for c in cables)
    per_cable: list[list[Group]] = []
    bares: list[tuple[tuple, ...]] = []
    known: set[str] = set()
    for groups, bare, strong in inputs:
        per_cable.append([Group(*g) for g in groups])
        bares.append(bare)
        known.update(strong)
    # 1. assign each group an identity: ("rule", name) | ("full", key) | ("surname", s)
    ident: list[list[tuple[str, str]]] = []
    fulls_by_surname: dict[str, set[str]] = defaultdict(set)
    for groups in per_cable:
        for g in groups:
            if g.full:
                fulls = fulls_by_surname[g.surname]
                for f in g.full:
                    if _names_a_given(f):
                        fulls.add(full_key(f))
    for cable, groups in zip(cables, per_cable):
        ids = []
        for g in groups:
            rule = _rule_for(g, cable, editorial)
            if rule:
                ids.append(("rule", rule.name))
                continue
            fulls = fulls_by_surname.get(g.surname)
            if not fulls:
                ids.append(("surname", g.surname))
                continue
            keys = [k for k in map(full_key, g.full) if k in fulls]
            if keys:
                ids.append(("full", _most_common(keys)))
            elif len(fulls) == 1:
                ids.append(("full", next(iter(fulls))))
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
                g = Group(s)
                have[s] = g
                per_cable[k].append(g)
                rule = _rule_for(Group(s, [name]), cable, editorial)
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
    # 4. gather persons (each identity's forms and titles listed, then counted once)
    form_lists: dict[tuple[str, str], list[str]] = defaultdict(list)
    title_lists: dict[tuple[str, str], list[str]] = defaultdict(list)
    cable_count: Counter = Counter()
    for groups, ids in zip(per_cable, ident):
        for g, i in zip(groups, ids):
            form_lists[i].extend(g.forms)
            title_lists[i].extend(g.titles)
            cable_count[i] += 1
    forms = {i: Counter(v) for i, v in form_lists.items()}
    titles = {i: Counter(v) for i, v in title_lists.items()}
    del form_lists, title_lists
    rules = {r.name: r for r in editorial.persons}
    names: dict[tuple[str, str], str] = {}
    for i, c in forms.items():
        if i[0] == "rule":
            names[i] = i[1]
        else:
            names[i] = max(c, key=lambda f: (len(f.split()) >= 2, c[f], len(f), f))
    drop = editorial.drop
    dropped = {i for i in forms if norm(names[i]) in drop
               or {norm(f) for f in forms[i]} & drop} if drop else set()
    bases = {i: slugify(names[i]) for i in forms}
    slugs: dict[tuple[str, str], str] = {}
    used: set[str] = set()
    for i in sorted(forms, key=lambda x: (bases[x], x)):
        if i in dropped:
            continue
        base = bases[i] or "person"
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        slugs[i] = slug
    persons = []
    for i, slug in slugs.items():
        extra = rules[i[1]].titles if i[0] == "rule" else ()
        t = [t for t, _ in sorted(titles[i].items(), key=lambda kv: (-kv[1], kv[0]))]
        persons.append((slug, names[i], tuple(dict.fromkeys([*extra, *t])),
                        tuple(sorted(forms[i])), cable_count[i]))
    refs = []
    for groups, ids in zip(per_cable, ident):
        out = []
        pairs = zip(groups, ids) if len(groups) < 2 else \
            sorted(zip(groups, ids), key=lambda gi: gi[0].first)
        for g, i in pairs:
            if i not in slugs:
                continue
            out.append((slugs[i], names[i], tuple(dict.fromkeys(g.titles)),
                        tuple(dict.fromkeys(g.forms)), tuple(sorted(set(g.paragraphs)))))
        refs.append(tuple(out))
    return persons, refs


def people_objects(rows: tuple[list[tuple], list[tuple[tuple, ...]]]) -> tuple[
        dict[str, Person], list[tuple[PersonRef, ...]]]:
    """What :func:`resolve_rows` gives, as persons by key and each cable's ``PersonRef``s."""
    persons, refs = rows
    return ({p[0]: Person(*p) for p in persons},
            [tuple([PersonRef(*r) for r in cable]) if cable else () for cable in refs])


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
