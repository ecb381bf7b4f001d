"""The model's summary of a cable: what the collection-wide stages hold."""
from __future__ import annotations

import pytest

from generator.collect import collect
from generator.discover import discover
from generator.model import ParagraphHead, summary

from .conftest import CORPUS, ROOT


def test_a_summary_keeps_every_field_but_the_text_and_mentions():
    sources, _ = discover([ROOT / "content" / "cables"], base=ROOT)
    col = collect(sources)
    full = max((col.full(i) for i in range(len(col.cables))),
               key=lambda c: sum(p.kind == "heading" for p in c.paragraphs))
    s = summary(full)
    assert s.is_summary and not full.is_summary and s.text is None
    assert any(p.kind == "heading" for p in full.paragraphs)
    assert s.paragraphs == tuple(
        ParagraphHead(p.kind, p.number, p.text if p.kind == "heading" else None, len(p.text))
        for p in full.paragraphs)
    assert full.mentions and s.mentions == ()    # people are resolved from them apart
    for name in ("id", "date", "origin", "subject", "tags", "references", "signer", "source",
                 "warnings", "header", "footer", "classified_by"):
        assert getattr(s, name) == getattr(full, name)


@pytest.mark.corpus
def test_cables_and_summaries_come_back_from_a_pickle_as_they_were():
    """A cable pickles with its paragraphs, REF items, mentions, source and classification
    authority as plain tuples (faster to load); they come back as their named tuples,
    equal and of their types."""
    import pickle
    from generator.model import Cable, CitedRef, ClassifiedBy, Mention, Paragraph, Source
    sources, _ = discover([CORPUS])
    col = collect(sources[:80])
    fulls = [col.full(i) for i in range(len(col.cables))]
    assert sum(bool(c.references) for c in fulls) > 10 and sum(bool(c.mentions) for c in fulls) > 50
    assert sum(c.classified_by is not None for c in fulls) > 10
    for c in [*fulls, *map(summary, fulls)]:
        back = pickle.loads(pickle.dumps(c, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(back) is Cable and back == c and back.year == c.year
        assert {type(p) for p in back.paragraphs} <= \
            {ParagraphHead if c.is_summary else Paragraph} and len(back.paragraphs) == len(c.paragraphs)
        assert all(type(r) is CitedRef for r in back.references)
        assert all(type(m) is Mention for m in back.mentions) and \
            [m.evidence for m in back.mentions] == [m.evidence for m in c.mentions]
        assert type(back.source) is Source and back.source.line == c.source.line
        assert c.classified_by is None and back.classified_by is None or \
            type(back.classified_by) is ClassifiedBy and back.classified_by.reasons == c.classified_by.reasons
    assert sum(bool(c.paragraphs) for c in fulls) > 50


def test_persons_are_named_tuples_that_come_back_from_a_pickle_as_they_were():
    """``Person`` and ``PersonRef`` are made in C from a resolved row (``make_person``,
    ``make_person_ref``) and pickle as that call: same fields, same type."""
    import copy
    import pickle

    from generator.model import Person, PersonRef, make_person, make_person_ref
    person = make_person(("smith", "John Smith", ("Ambassador",), ("John Smith", "Smith"), 3))
    ref = make_person_ref(("smith", "Smith", (), ("Smith",), (1, 4)))
    assert person == Person("smith", "John Smith", ("Ambassador",), ("John Smith", "Smith"), 3)
    assert (ref.key, ref.name, ref.forms, ref.paragraphs) == ("smith", "Smith", ("Smith",), (1, 4))
    for value in (person, ref, (ref, ref)):
        back = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == value and type(back) is type(value)
        assert copy.deepcopy(value) == value
    assert type(pickle.loads(pickle.dumps(ref))) is PersonRef


def test_a_summarys_paragraph_heads_are_packed_and_read_as_the_tuple_they_pack():
    """A summary's paragraphs are one packed string (``ParagraphHeads``) that reads as the
    tuple of ``ParagraphHead`` it packs, in every way the stages read it, and pickles
    packed; heads a line cannot hold stay a tuple."""
    import pickle

    from generator.model import ParagraphHeads, heads_of
    heads = (ParagraphHead("paragraph", 1, None, 671), ParagraphHead("heading", None, "ELECTIONS", 9),
             ParagraphHead("paragraph", None, None, 0), ParagraphHead("heading", None, "", 0),
             ParagraphHead("paragraph", 12, None, 5), ParagraphHead("heading", None, "A\tB  ", 5))
    packed = heads_of(heads)
    assert type(packed) is ParagraphHeads and "\n" in packed.packed
    assert packed == heads and heads == tuple(packed) and list(packed) == list(heads)
    assert len(packed) == 6 and packed[1].heading == "ELECTIONS" and packed[-1] == heads[-1]
    assert packed[1:3] == heads[1:3] and heads[3] in packed and packed.index(heads[4]) == 4
    assert [type(h) for h in packed] == [ParagraphHead] * 6
    assert hash(packed) == hash(heads) and packed != heads[:5] and packed != "x"
    back = pickle.loads(pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(back) is ParagraphHeads and back == packed and back.packed == packed.packed
    empty = heads_of(())
    assert not empty and len(empty) == 0 and empty == () and list(empty) == []
    for odd in ((ParagraphHead("heading", None, "TWO\nLINES", 9),),
                (ParagraphHead("heading", None, None, 0),), (ParagraphHead("paragraph", 3, "x", 1),)):
        assert heads_of(odd) is odd
    assert heads_of((ParagraphHead("table", None, None, 3),)) == (ParagraphHead("table", None, None, 3),)
    sources, _ = discover([ROOT / "content" / "cables"], base=ROOT)
    col = collect(sources)
    for i in range(len(col.cables)):
        s = col.cables[i]
        assert type(s.paragraphs) is ParagraphHeads and len(s.paragraphs) == len(col.full(i).paragraphs)
        back = pickle.loads(pickle.dumps(s, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(back.paragraphs) is ParagraphHeads and back == s
