"""The cable model: frozen dataclasses that refer to each other by id.

Nothing here knows about files, HTML or URLs.  Every object that can be wrong
carries its source line, so a message can name the file and line.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from functools import partial
from typing import NamedTuple

from .diagnostics import Diagnostic


class Source(NamedTuple):
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


class ClassifiedBy(NamedTuple):
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
    paragraphs: tuple[Paragraph, ...]   # ParagraphHead in a summary (packed: ParagraphHeads)
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
    :class:`ParagraphHead` (no text but a heading's; packed, :class:`ParagraphHeads`), no mentions (people are resolved
    from them once, apart: see ``collect``).  What the stages that span the collection
    hold for every cable (about a tenth of its size); pages, search and exports load
    the full cable when they need its text."""
    return replace(c, text=None, mentions=(), subject_terms=subject_terms, paragraphs=heads_of(tuple(
        ParagraphHead(p.kind, p.number, p.text if p.kind == "heading" else None, len(p.text))
        for p in c.paragraphs)))


_CODES = {"paragraph": "p", "heading": "h"}          # a packed head's first letter
_KINDS = {code: kind for kind, code in _CODES.items()}


class ParagraphHeads(Sequence):
    """A summary's paragraphs (:class:`ParagraphHead` each) packed in one string, a line
    each: one object to hold and load instead of one a paragraph (about eight a cable:
    at 250,000 cables, 180 MB less, and loading a summary 0.6 us faster, 9.7 against
    10.3 us).  Read as the tuple it packs, made when first asked for (the pages of a
    person or a subject term read the heads of the cables they list; most summaries are
    never asked)."""

    __slots__ = ("packed", "_heads")

    def __init__(self, packed: str) -> None:
        self.packed = packed
        self._heads = None

    def _unpacked(self) -> tuple[ParagraphHead, ...]:
        heads = self._heads
        if heads is None:
            heads = []
            for line in self.packed.split("\n") if self.packed else ():
                code, number, size, heading = line.split("\t", 3)
                heads.append(ParagraphHead(_KINDS[code], int(number) if number else None,
                                           heading if code == "h" else None, int(size)))
            heads = self._heads = tuple(heads)
        return heads

    def __len__(self) -> int:
        return len(self._unpacked())

    def __getitem__(self, k):
        return self._unpacked()[k]

    def __iter__(self):
        return iter(self._unpacked())

    def __eq__(self, other) -> bool:
        if type(other) is ParagraphHeads:
            return self.packed == other.packed
        return self._unpacked() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._unpacked())

    def __repr__(self) -> str:
        return repr(self._unpacked())

    def __reduce__(self):
        return ParagraphHeads, (self.packed,)


def _packable(h: ParagraphHead) -> bool:
    """Whether a line holds ``h`` whole: a paragraph without a heading's text, or a
    heading with one and no line break in it."""
    return h.heading is None if h.kind == "paragraph" else (
        h.kind == "heading" and h.heading is not None and "\n" not in h.heading)


def heads_of(heads: tuple[ParagraphHead, ...]) -> "ParagraphHeads | tuple[ParagraphHead, ...]":
    """``heads`` packed (:class:`ParagraphHeads`), or as they are when a line cannot hold
    one (:func:`_packable`: another kind of paragraph, a heading with a line break)."""
    if not all(map(_packable, heads)):
        return heads
    return ParagraphHeads("\n".join(
        f"{_CODES[h.kind]}\t{'' if h.number is None else h.number}\t{h.size}\t{h.heading or ''}"
        for h in heads))


class Person(NamedTuple):
    """A person across the collection: one id, a display name, every form and title seen."""

    key: str
    name: str
    titles: tuple[str, ...]
    aliases: tuple[str, ...]
    cables: int


# A cable pickles as a call of ``_cable`` whose arguments hold its paragraphs, REF items,
# mentions, source and classification authority as plain tuples: loading a named tuple
# otherwise runs its Python ``__new__`` (a third of the time of loading a summary, which
# has eight paragraphs on average), while ``tuple.__new__`` bound to the class by
# ``partial`` makes one in C.  (Source and ClassifiedBy were frozen dataclasses, made by
# a call of the class: 2.2 of the 12.5 us of loading a summary.)
_CABLE_FIELDS = tuple(f.name for f in fields(Cable))
_PARAGRAPHS, _REFERENCES, _MENTIONS, _SOURCE, _CLASSIFIED_BY = (
    _CABLE_FIELDS.index(n) for n in ("paragraphs", "references", "mentions", "source",
                                     "classified_by"))
_MAKE = {cls: partial(tuple.__new__, cls) for cls in (Paragraph, ParagraphHead, CitedRef, Mention,
                                                      PersonRef, Person, Source, ClassifiedBy)}
_HEADS = (Paragraph, ParagraphHead)


def _cable(head: int, *values) -> Cable:
    values = list(values)
    if head == 2:           # a summary's packed heads (``ParagraphHeads``)
        heads = object.__new__(ParagraphHeads)     # as __init__ does, without the call
        heads.packed, heads._heads = values[_PARAGRAPHS], None
        values[_PARAGRAPHS] = heads
    else:
        values[_PARAGRAPHS] = tuple(map(_MAKE[_HEADS[head]], values[_PARAGRAPHS]))
    values[_REFERENCES] = tuple(map(_MAKE[CitedRef], values[_REFERENCES]))
    values[_MENTIONS] = tuple(map(_MAKE[Mention], values[_MENTIONS]))
    values[_SOURCE] = _MAKE[Source](values[_SOURCE])
    if values[_CLASSIFIED_BY] is not None:
        values[_CLASSIFIED_BY] = _MAKE[ClassifiedBy](values[_CLASSIFIED_BY])
    cable = object.__new__(Cable)            # what the frozen __init__ does, in one step
    cable.__dict__.update(zip(_CABLE_FIELDS, values))
    return cable


def _reduce_cable(self: Cable):
    values = [getattr(self, n) for n in _CABLE_FIELDS]
    for k in (_REFERENCES, _MENTIONS):
        values[k] = tuple(map(tuple, values[k]))
    if type(self.paragraphs) is ParagraphHeads:
        values[_PARAGRAPHS] = self.paragraphs.packed
        head = 2
    else:
        values[_PARAGRAPHS] = tuple(map(tuple, self.paragraphs))
        head = int(bool(self.paragraphs) and type(self.paragraphs[0]) is ParagraphHead)
    values[_SOURCE] = tuple(self.source)
    if self.classified_by is not None:
        values[_CLASSIFIED_BY] = tuple(self.classified_by)
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
