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
