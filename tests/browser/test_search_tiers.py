"""How search behaves when a collection is large, on the seeds with tiny limits: common
words are searched in their best tier first, and tag counts wait to be asked for."""
from __future__ import annotations

import re

import pytest

from generator.build import build
from generator.diagnostics import Report
from generator.search import parts, tiers

from .conftest import ROOT


def _small_limits_site(tmp_path, monkeypatch, tier: int):
    monkeypatch.setattr(tiers, "TIER", tier)         # tiers of tier // 2 to 2 * tier documents
    monkeypatch.setattr(parts, "AUTO_TIER_DOCS", 2)     # load more tiers only when asked
    monkeypatch.setattr(parts, "TAG_SPAN", 2)           # a tags part every 2 numbers
    monkeypatch.setattr(parts, "AUTO_TAG_PARTS", 1)
    out = tmp_path / "site"
    assert build(ROOT / "content", out, Report(quiet=True)).ok
    return out


@pytest.fixture
def small_limits_site(tmp_path, monkeypatch):
    return _small_limits_site(tmp_path, monkeypatch, 4)


@pytest.fixture
def one_a_tier_site(tmp_path, monkeypatch):
    return _small_limits_site(tmp_path, monkeypatch, 2)      # every tier one document


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


def test_a_word_left_out_is_left_out_of_every_cable(one_a_tier_site, page):
    """Lavrov is named in 3 seeds, in 3 tiers: all are loaded to leave him out, with the
    first tier of the words asked for or with all of them."""
    site = one_a_tier_site
    lavrov = {p.name for p in (ROOT / "content" / "cables").iterdir() if "lavrov" in p.read_text().lower()}
    assert len(lavrov) == 3
    for query, found in (("tag:PREL+-lavrov&all=1", "2 cables found"), ("sarkozy+-lavrov", None),
                         ("sarkozy+-lavrov&all=1", "2 cables found")):
        page.goto((site / "search.html").as_uri() + "?q=" + query)
        assert status(page).startswith(found) if found else "found" in status(page)
        texts = [(site / a.get_attribute("href")).read_text().lower()
                 for a in page.locator(".result h2 a").all()]
        assert len(texts) == (2 if found else len(texts)) and all("lavrov" not in t for t in texts)
    assert page.console_errors == []
