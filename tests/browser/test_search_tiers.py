"""How search behaves when a collection is large, on the seeds with tiny limits: common
words are searched in their best tier first, and tag counts wait to be asked for."""
from __future__ import annotations

import re

import pytest

from generator.build import build
from generator.diagnostics import Report
from generator.search import parts, tiers

from .conftest import ROOT


@pytest.fixture
def small_limits_site(tmp_path, monkeypatch):
    monkeypatch.setattr(tiers, "TIER", 2)            # 1 to 4 documents a tier
    monkeypatch.setattr(parts, "AUTO_TIER_DOCS", 2)     # load more tiers only when asked
    monkeypatch.setattr(parts, "TAG_SPAN", 2)           # a tags part every 2 numbers
    monkeypatch.setattr(parts, "AUTO_TAG_PARTS", 1)
    out = tmp_path / "site"
    assert build(ROOT / "content", out, Report(quiet=True)).ok
    return out


def status(page) -> str:
    page.wait_for_function("""() => { const s = document.getElementById('search-status').textContent;
        return s && s !== 'Searching…'; }""")
    return page.inner_text("#search-status")


def test_best_tier_first_then_every_cable_on_request(small_limits_site, page):
    page.goto((small_limits_site / "search.html").as_uri() + "?q=tag:PREL")
    best = re.match(r"The best (\d+) cables? found", status(page))
    assert best and 1 <= int(best.group(1)) < 5               # its first tier, not all five
    assert page.locator(".result").count() == int(best.group(1))
    assert "Count by tag" in page.inner_text("#search-facets")
    page.get_by_role("button", name="Search all cables").click()
    page.wait_for_function("location.search.includes('all=1')")
    page.wait_for_function("document.getElementById('search-status').textContent.startsWith('5 cables found')")
    assert page.locator(".result").count() == 5           # every seed is tagged PREL
    tag_parts = len(list((small_limits_site / "search" / "index" / "tags").glob("*.js")))
    assert tag_parts >= 2
    page.get_by_role("button", name=f"Count by tag ({tag_parts} parts)").click()
    prel = page.locator("#search-facets label", has_text="PREL")
    prel.wait_for()
    assert prel.locator(".n").inner_text() == "5"
    page.go_back()
    page.wait_for_function("!location.search.includes('all=1')")
    assert status(page).startswith("5 cables found")       # what was loaded stays loaded
    assert page.console_errors == []


def test_word_starts_are_found_across_shards_and_directory_parts(tmp_path, monkeypatch, page):
    from generator.search.pipeline import Analyzer
    monkeypatch.setattr(parts, "SHARD_BYTES", 300)      # a few terms a shard
    monkeypatch.setattr(parts, "DIR_SIZE", 2)           # two shards a directory part
    out = tmp_path / "site"
    assert build(ROOT / "content", out, Report(quiet=True)).ok
    assert len(list((out / "search" / "index" / "dir").glob("*.js"))) > 20
    a = Analyzer()
    terms = set()
    for p in (out / "search" / "index" / "t").glob("*.js"):
        terms.update(t for t in re.findall(r'\["([^"]+)",\d+,\d+,"', p.read_text()))
    fr = sorted(t for t in terms if t.startswith("fr"))
    assert len(fr) > 5                                    # france, french, friend, from ...
    page.goto((out / "search.html").as_uri() + "?q=" + "subject:fr*")
    subjects = [c for c in (ROOT / "content" / "cables").iterdir()]
    expected = sum(1 for c in subjects
                   if any(t.startswith("fr") for t in a.terms(re.search(r"SUBJECT: (.*)", c.read_text()).group(1))))
    assert status(page).startswith(f"{expected} cable")
    assert page.console_errors == []


def test_a_word_left_out_is_left_out_of_every_cable(small_limits_site, page):
    """Lavrov is named in 3 seeds, in more than one tier: all are loaded to leave him out."""
    page.goto((small_limits_site / "search.html").as_uri() + "?q=tag:PREL+-lavrov&all=1")
    assert status(page).startswith("2 cables found")
    for card in page.locator(".result h2 a").all():
        cable = (small_limits_site / card.get_attribute("href")).read_text()
        assert "lavrov" not in cable.lower()
    page.goto((small_limits_site / "search.html").as_uri() + "?q=sarkozy+-lavrov")
    assert "found" in status(page)
    texts = [(small_limits_site / a.get_attribute("href")).read_text().lower()
             for a in page.locator(".result h2 a").all()]
    assert texts and all("lavrov" not in t for t in texts)
    assert page.console_errors == []
