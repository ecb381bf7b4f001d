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
    assert terms_of(heading) == []


def test_display_keeps_acronyms_and_places():
    assert display("OSCE AND THE BMO") == "OSCE and the BMO"
    assert display("KOSOVO") == "Kosovo"
