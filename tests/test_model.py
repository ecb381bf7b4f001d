"""The model's summary of a cable: what the collection-wide stages hold."""
from __future__ import annotations

from generator.collect import collect
from generator.discover import discover
from generator.model import ParagraphHead, summary

from .conftest import ROOT


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
