"""What resolving people needs of one cable, made from its mentions alone: by the
process that parses the cable, and cached with it (so this module, not ``resolve.py``,
is part of the parse cache's code salt).

Within a cable, mentions that share a surname are one person (``Damien Loras`` ...
``Loras``): a group of mentions.  The cable's input is its groups, its bare candidates
(capitalised words that may be a surname the collection knows) and the surnames it
names on strong evidence.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Mention
from .extract import surname_key
from .lexicon import common_words, fold, not_names


@dataclass(slots=True)
class Group:
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
            given = given_of(name)
            if given not in self.givens:
                self.givens.append(given)
        if title:
            self.titles.append(title)
        if paragraph is not None:
            self.paragraphs.append(paragraph)


_STRONG = {"title", "given", "signer", "classified_by", "surname"}

# Names repeat across a collection (Zipf): the pure functions of a name here and in
# resolve.py are memoised, within a bound, as resolving calls them several times per mention.
NAMES_KEPT = 1 << 16


@lru_cache(maxsize=NAMES_KEPT)
def given_of(name: str) -> str:
    first = name.split()[0]
    return fold(first).lower().strip(".")


def groups_of(mentions: tuple[Mention, ...]) -> list[Group]:
    by_surname: dict[str, list[Group]] = defaultdict(list)
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
                if not g.full or given_of(m.name) in g.givens:
                    target = g
                    break
        elif groups:
            target = groups[0]
        if target is None:
            target = Group(s)
            groups.append(target)
        target.add(m.name, m.title, m.paragraph)
        target.first = min(target.first, order if m.paragraph is None else 1000 + m.paragraph)
        order += 1
    return [g for gs in by_surname.values() for g in gs]


# What resolving needs of one cable, made from its mentions alone (so by the process that
# parses it, and cached with it): its groups, as tuples of Group's fields; its bare
# candidates as (surname, name, title, paragraph), those that can never count left
# out; the surnames it names on strong evidence.
PeopleInput = tuple[tuple[tuple, ...], tuple[tuple, ...], tuple[str, ...]]


def people_input(mentions: tuple[Mention, ...]) -> PeopleInput:
    groups = tuple((g.surname, g.forms, g.titles, g.paragraphs, g.first, g.full, g.givens)
                   for g in groups_of(mentions))
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
