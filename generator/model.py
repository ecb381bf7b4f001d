"""The cable model: frozen dataclasses that refer to each other by id.

Nothing here knows about files, HTML or URLs.  Every object that can be wrong
carries its source line, so a message can name the file and line.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from functools import partial
from typing import NamedTuple

from .diagnostics import Diagnostic


@dataclass(frozen=True, slots=True)
class Source:
    """The file a cable was read from: its path, the reader's format, the record number."""

    path: str
    format: str
    record: int
    line: int = 1  # line of the file where the record starts


class Paragraph(NamedTuple):
    """One block of the body: ``kind`` is ``paragraph`` (numbered or not) or
    ``heading`` (a section heading).  (Small leaf records are named tuples: they
    pickle fast between processes and are as immutable as frozen dataclasses.)"""

    kind: str
    number: int | None
    marking: str | None
    text: str
    line: int


class ParagraphHead(NamedTuple):
    """What the collection-wide stages know of a paragraph without its text: kind and
    number (for anchors), a heading's text (for the subject index) and the length of
    the text (to tell the fuller of two versions)."""

    kind: str
    number: int | None
    heading: str | None
    size: int


class CitedRef(NamedTuple):
    """One item of a REF line, as written, with the canonical ID it names (or None)."""

    label: str | None
    text: str
    id: str | None
    line: int


@dataclass(frozen=True, slots=True)
class ClassifiedBy:
    name: str | None
    title: str | None
    reasons: tuple[str, ...]
    text: str


class Mention(NamedTuple):
    """A person named in a cable: the name as found, the title used, where."""

    name: str          # cleaned name, e.g. "Damien Loras" or "Kramer"
    title: str | None  # "DAS", "FM", "Ambassador" ...
    where: str         # "subject", "classified_by", "signer", "body", "bare"
    paragraph: int | None  # index into Cable.paragraphs, None outside the body
    evidence: str = "title"  # title | given | caps-given | surname | bare | bare-caps | signer | classified_by


class PersonRef(NamedTuple):
    """A person as named in one cable (mentions of one person grouped)."""

    key: str                    # collection-wide person id (slug)
    name: str                   # the fullest form this cable uses
    titles: tuple[str, ...]
    forms: tuple[str, ...]      # every form the cable uses
    paragraphs: tuple[int, ...]  # paragraph indexes where named


@dataclass(frozen=True)
class Cable:
    id: str | None
    date: str | None
    origin: str | None
    classification: str | None
    caveats: tuple[str, ...]
    precedence: str | None
    tags: tuple[str, ...]
    subject: str | None
    to: tuple[str, ...]
    info: tuple[str, ...]
    references: tuple[CitedRef, ...]
    classified_by: ClassifiedBy | None
    declassify_on: str | None
    executive_order: str | None
    sections: int | None
    partial: bool
    corrected: bool
    signer: str | None
    paragraphs: tuple[Paragraph, ...]   # ParagraphHead in a summary
    header: tuple[str, ...]          # header lines no rule recognised, kept as written
    footer: tuple[str, ...]          # closing lines after the signer (web-site notes, review stamps)
    mentions: tuple[Mention, ...]
    source: Source
    warnings: tuple[Diagnostic, ...]
    text: str | None = field(repr=False)   # the original cable text, for the raw view (None in a summary)
    persons: tuple[PersonRef, ...] = ()
    # in a summary, the terms of its subject line and headings: (term key, display form,
    # heading's paragraph or None for the subject line), made with the summary by the
    # process that parses it (``subjects.candidates``); None in a full cable
    subject_terms: tuple[tuple[str, str, int | None], ...] | None = None

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None

    @property
    def is_summary(self) -> bool:
        """A summary (see :func:`summary`) has no text: load the full cable to print it."""
        return self.text is None


def summary(c: Cable, subject_terms: tuple | None = None) -> Cable:
    """The cable without its text: no original text (``None``), paragraphs as
    :class:`ParagraphHead` (no text but a heading's), no mentions (people are resolved
    from them once, apart: see ``collect``).  What the stages that span the collection
    hold for every cable (about a tenth of its size); pages, search and exports load
    the full cable when they need its text."""
    return replace(c, text=None, mentions=(), subject_terms=subject_terms, paragraphs=tuple(
        ParagraphHead(p.kind, p.number, p.text if p.kind == "heading" else None, len(p.text))
        for p in c.paragraphs))


class Person(NamedTuple):
    """A person across the collection: one id, a display name, every form and title seen."""

    key: str
    name: str
    titles: tuple[str, ...]
    aliases: tuple[str, ...]
    cables: int


def _fast_reduce(cls):
    """Pickle a frozen dataclass as its constructor call (several times faster to load)."""
    names = tuple(f.name for f in fields(cls))

    def __reduce__(self):
        return (cls, tuple(getattr(self, n) for n in names))
    cls.__reduce__ = __reduce__
    return cls


for _cls in (Source, ClassifiedBy):
    _fast_reduce(_cls)


# A cable pickles as a call of ``_cable`` whose arguments hold its paragraphs, REF items
# and mentions as plain tuples: loading a named tuple otherwise runs its Python
# ``__new__`` (a third of the time of loading a summary, which has eight paragraphs on
# average), while ``tuple.__new__`` bound to the class by ``partial`` makes one in C.
_CABLE_FIELDS = tuple(f.name for f in fields(Cable))
_PARAGRAPHS, _REFERENCES, _MENTIONS = (_CABLE_FIELDS.index(n)
                                       for n in ("paragraphs", "references", "mentions"))
_MAKE = {cls: partial(tuple.__new__, cls) for cls in (Paragraph, ParagraphHead, CitedRef, Mention,
                                                      PersonRef, Person)}
_HEADS = (Paragraph, ParagraphHead)


def _cable(head: int, *values) -> Cable:
    values = list(values)
    values[_PARAGRAPHS] = tuple(map(_MAKE[_HEADS[head]], values[_PARAGRAPHS]))
    values[_REFERENCES] = tuple(map(_MAKE[CitedRef], values[_REFERENCES]))
    values[_MENTIONS] = tuple(map(_MAKE[Mention], values[_MENTIONS]))
    cable = object.__new__(Cable)            # what the frozen __init__ does, in one step
    cable.__dict__.update(zip(_CABLE_FIELDS, values))
    return cable


def _reduce_cable(self: Cable):
    values = [getattr(self, n) for n in _CABLE_FIELDS]
    for k in (_PARAGRAPHS, _REFERENCES, _MENTIONS):
        values[k] = tuple(map(tuple, values[k]))
    head = int(bool(self.paragraphs) and type(self.paragraphs[0]) is ParagraphHead)
    return _cable, (head, *values)


Cable.__reduce__ = _reduce_cable


def _reduce_made(self):
    return _MAKE[type(self)], (tuple(self),)


# persons and a cable's PersonRefs are made in C, as a cable's paragraphs are: the building
# process makes one for each person a cable names (at 250,000 cables, 830,000: 0.70 s as
# frozen dataclasses, 0.29 s so)
for _cls in (PersonRef, Person):
    _cls.__reduce__ = _reduce_made


def make_person(fields: tuple) -> Person:
    """A :class:`Person` of its fields (a row of ``people.resolve``)."""
    return _MAKE[Person](fields)


def make_person_ref(fields: tuple) -> PersonRef:
    """A :class:`PersonRef` of its fields (a row of ``people.resolve``)."""
    return _MAKE[PersonRef](fields)
