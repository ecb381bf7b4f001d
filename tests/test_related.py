"""Related cables: those sharing the most people (3 each) and tags (1 each)."""
from __future__ import annotations

import pytest

from generator import pages

from .conftest import CORPUS, SEEDS, resolved_site


def _by_hand(site, i, limit=5):
    """The definition, cable by cable: slow, plain, and independent of the index.
    Only cables the indexes list (not other versions of a cable) are related."""
    people = [p.key for p in site.persons_of[i]
              if len(site.person_cables.get(p.key, [])) <= pages.CAP]
    tags = [t for t in site.cables[i].tags if len(site.tags.get(t, [])) <= pages.CAP]
    scored = []
    for j in range(len(site.cables)):
        if j == i or j in site.version_of:
            continue
        theirs = {p.key for p in site.persons_of[j]}
        s = 3 * sum(k in theirs for k in people) + sum(t in site.cables[j].tags for t in tags)
        if s >= 2:
            scored.append((-s, site.keys[j], j))
    return [j for _, _, j in sorted(scored)[:limit]]


@pytest.mark.corpus
def test_related_cables_match_their_definition_on_the_corpus(tmp_path):
    site = resolved_site(tmp_path, [CORPUS])
    index = pages.related_index(site)
    found = 0
    for i in range(len(site.cables)):
        got = pages.related(site, i, index=index)
        assert got == _by_hand(site, i), site.keys[i]
        found += bool(got)
    assert found > len(site.cables) // 2      # most cables have some relations


def test_common_people_and_tags_say_nothing(tmp_path, monkeypatch):
    """Over the cap, a tag or person is too common to relate cables; ties go by key."""
    site = resolved_site(tmp_path, [SEEDS])
    full = {i: pages.related(site, i) for i in range(len(site.cables))}
    assert any(full.values())
    for i, got in full.items():
        assert got == _by_hand(site, i)
        assert i not in got
    monkeypatch.setattr(pages, "CAP", 0)
    assert all(pages.related(site, i) == [] for i in range(len(site.cables)))
