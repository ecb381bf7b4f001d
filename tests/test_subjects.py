"""Subject terms: normalised from subject lines and headings."""
from __future__ import annotations

import pytest

from generator.subjects import display, key, terms_of


@pytest.mark.parametrize("a, b", [("KOSOVO'S", "Kosovo"), ("RUSSIA-FRANCE RELATIONS", "Russia-France relation"),
                                  ("DAS KRAMER MTG", "DAS Kramer meeting"), ("Frozen Conflicts", "frozen conflict")])
def test_same_key(a, b):
    assert key(a) == key(b)


def test_terms_from_a_subject_line():
    terms = terms_of("RUSSIA-FRANCE RELATIONS: AFTER KOUCHNER, BEFORE SARKOZY")
    assert [display(t) for t in terms][:1] == ["Russia-France relations"]
    assert "France" in terms and "Russia" in terms


@pytest.mark.parametrize("heading", ["Comment", "SUMMARY", "Background", "ACTION REQUEST"])
def test_boilerplate_headings_are_not_terms(heading):
    assert terms_of(heading) == ()


def test_display_keeps_acronyms_and_places():
    assert display("OSCE AND THE BMO") == "OSCE and the BMO"
    assert display("KOSOVO") == "Kosovo"



def _places_by_scan(text: str) -> list[str]:
    """The places of ``text`` found by trying every place, in table order (the plain
    definition that ``terms_of`` shortens by trying only places that begin with one of
    the text's own words)."""
    import re
    from generator.people.lexicon import fold
    from generator.subjects import _places
    low = fold(text).lower()
    return [name for place, name in _places().items()
            if len(place) > 3 and place in low and re.search(r"\b" + re.escape(place) + r"\b", low)]


def _places_by_words(text: str) -> list[str]:
    import re
    from generator.people.lexicon import fold
    from generator.subjects import _candidates, _places
    low = fold(text).lower()
    return [_places()[p] for p in _candidates(low) if re.search(r"\b" + re.escape(p) + r"\b", low)]


@pytest.mark.parametrize("text", [
    "GUINEA-BISSAU: NEW YORK TALKS ON COTE D'IVOIRE",
    "(C) Saudi Arabia, Yemen and the OPEC meeting in Vienna",
    "NEWYORK and SOUTHAFRICA are not places; South Africa is",
    "Côte d’Ivoire and São Tomé", "", "!!!"])
def test_places_in_a_subject_are_those_a_full_scan_finds(text):
    assert _places_by_words(text) == _places_by_scan(text)


def test_the_scan_finds_whole_words_only():
    assert "South Africa" in _places_by_scan("talks in South Africa")
    assert "South Africa" not in _places_by_scan("SOUTHAFRICA")


@pytest.mark.corpus
def test_places_in_every_corpus_subject_match_a_full_scan():
    import re
    from .conftest import CORPUS
    subjects = set()
    for f in CORPUS.rglob("*"):
        if f.is_file():
            subjects.update(m.strip() for m in re.findall(r"SUBJ(?:ECT)?:([^\n]{3,200})",
                                                          f.read_text(errors="replace")))
    assert len(subjects) > 400
    found = 0
    for text in subjects:
        assert _places_by_words(text) == _places_by_scan(text), text
        found += bool(_places_by_scan(text))
    assert found > 100


def test_subject_terms_made_with_the_summaries_are_those_resolving_would_make():
    """The parse workers make each summary's subject terms: the same as the summary's
    subject line and headings give."""
    from generator.collect import collect
    from generator.site import _subject_candidates
    from generator.subjects import candidates
    from .test_cache import _seeds
    col = collect(_seeds())
    listed = list(range(len(col.cables)))
    made = _subject_candidates(col.cables, listed)
    assert all(isinstance(c.subject_terms, tuple) for c in col.cables)
    assert len(made) > 20 and {i for _, _, i, _ in made} == set(listed)
    assert made == [(tk, shown, i, k) for i in listed for tk, shown, k in candidates(
        col.cables[i].subject, ((k, p.heading) for k, p in enumerate(col.cables[i].paragraphs)
                                if p.kind == "heading"))]
    assert any(k is not None for _, _, _, k in made)        # headings' terms too
