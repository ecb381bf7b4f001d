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
