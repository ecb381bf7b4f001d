"""Linking people inside cable text."""
from __future__ import annotations

from generator.pages import linked_paragraph


def test_forms_link_as_whole_words_once_and_text_stays_escaped():
    html = linked_paragraph("Damien Loras met Loras's friend; LORAS and Floras. <b>x</b>",
                            [("Damien Loras", "a.html"), ("Loras", "a.html")])
    assert html == ('<a class="person" href="a.html">Damien Loras</a> met <a class="person" '
                    'href="a.html">Loras</a>\'s friend; <a class="person" href="a.html">LORAS</a> '
                    "and Floras. &lt;b&gt;x&lt;/b&gt;")


def test_no_links_is_just_escaped_text():
    assert linked_paragraph("a < b & c", []) == "a &lt; b &amp; c"


def test_page_numbers_never_make_the_name_of_another_page():
    """Page 10 of 2007 was date/2007-10.html, October 2007's page (found at 10,000
    synthetic cables, where years run past ten pages)."""
    from generator import urls
    assert urls.year_path("2007", 10) != urls.month_path("2007", "10")
    assert urls.year_path("2007", 10) == "date/2007.10.html"
    assert urls.tag_path("PREL", 2) == "tag/PREL.2.html" and urls.tag_path("PREL") == "tag/PREL.html"
    names = {urls.tag_path(c, n) for c in ("X", "X-2", "X_2") for n in (1, 2, 3)}
    assert len(names) == 9
