"""The site resolved from a collection: its indexes."""
from __future__ import annotations

from collections import Counter

import pytest

from .conftest import CORPUS, resolved_site


@pytest.mark.corpus
def test_persons_named_with_a_person_are_counted_by_cable(tmp_path):
    """``Site.co_persons``: for each person, the twelve persons most often named in the
    same listed cable (by how many cables, then by key), counted here plainly."""
    site = resolved_site(tmp_path, [CORPUS])
    together: dict[str, Counter] = {}
    for i in site.order:
        if i in site.version_of:           # a cable's other versions are not listed
            continue
        keys = {p.key for p in site.persons_of[i]}
        for a in keys:
            for b in keys - {a}:
                together.setdefault(a, Counter())[b] += 1
    expected = {a: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
                for a, c in together.items()}
    assert site.co_persons == expected
    assert len(expected) > 500 and any(len(v) == 12 for v in expected.values())
    assert any(n > 1 for v in expected.values() for _, n in v)


def test_co_persons_counts_pairs_as_a_counter_per_person_would():
    """``co_persons`` against a counter per person and a sort: random groups with many
    ties (few persons), groups of one person, a person named with nobody, few kept."""
    import random
    from generator.site import co_persons
    rng = random.Random(7)
    names = sorted({f"{rng.choice('abcdef')}{n}" for n in range(40)})
    groups = [set(rng.sample(names[:-1], rng.choice((1, 2, 2, 3, 5)))) for _ in range(400)]
    for most in (12, 3):
        together: dict[str, Counter] = {}
        for g in groups:
            for a in g:
                for b in g - {a}:
                    together.setdefault(a, Counter())[b] += 1
        expected = {a: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:most]
                    for a, c in together.items()}
        assert co_persons(groups, names, most) == expected
        assert names[-1] not in expected and any(len(v) == most for v in expected.values())
    assert co_persons([], names) == {} and co_persons([{names[0]}, {names[1]}], names) == {}


def _made_apart(site) -> dict[str, bytes]:
    """Every file of the search index and of the exports, made from ``site``."""
    from generator.feeds import cable_exports, csv_part
    from generator.pages import data_parts
    from generator.search import search_parts
    files = {path: make() for path, _, make in search_parts(site)}
    for name, idx in data_parts(site):
        files[f"data/{name}.csv"] = csv_part(site, idx)
        for i in idx:
            files[f"data/{name}/{i}"] = b"\0".join(cable_exports(site, i))
    return files


@pytest.mark.corpus
def test_the_search_index_and_the_exports_are_made_from_the_shared_site_alone():
    """A rebuild makes the search index and the exports in a process forked from
    ``resolve_shared``'s site, before ``index_pages`` fills in the lists by tag, origin,
    classification and date, the people's indexes, the subject terms and the subject lines
    A-Z (``build._alongside``): what they make must not depend on those."""
    from generator.collect import collect
    from generator.config import Config
    from generator.discover import discover
    from generator.site import index_pages, resolve, resolve_shared
    sources, _ = discover([CORPUS])
    col = collect(sources)
    site = resolve_shared(col, Config())
    assert site.person_cables == {} and site.co_persons == {} and site.terms == {} \
        and site.subjects == []
    assert site.tags == site.origins == site.classifications == site.years == {}
    shared = _made_apart(site)
    index_pages(site)
    assert len(site.tags) > 100 and len(site.origins) > 50 and len(site.years) > 10
    assert len(site.classifications) > 2
    assert len(site.person_cables) > 500 and len(site.co_persons) > 500 and len(site.terms) > 500
    assert len(site.subjects) > 500
    assert _made_apart(site) == shared
    assert sum(p.startswith("search/") for p in shared) > 300
    assert sum(p.startswith("data/") for p in shared) > 600
    whole = resolve(col, Config())
    assert (whole.person_cables, whole.co_persons, whole.terms, whole.subjects) == \
        (site.person_cables, site.co_persons, site.terms, site.subjects)
    assert (whole.tags, whole.origins, whole.classifications, whole.years) == \
        (site.tags, site.origins, site.classifications, site.years)


def test_subject_lines_a_to_z_as_the_pair_orders_them_even_with_a_nul():
    from types import SimpleNamespace
    from generator.site import subject_lines
    for subjects in (['"Zeta', "alpha", "(Alpha", "ALPHA BETA", None, "alpha"],
                     ["a\0b", "a", "A", "a\0", None, "b"]):
        cables = [SimpleNamespace(subject=s) for s in subjects]
        keys = ["K5", "K4", "K3", "K2", "K1", "K0"]
        listed = [5, 4, 3, 2, 1, 0]
        spec = sorted(((cables[i].subject, i) for i in listed if cables[i].subject),
                      key=lambda s: (s[0].lstrip("\"'(").upper(), keys[s[1]]))
        assert subject_lines(cables, keys, listed) == spec
