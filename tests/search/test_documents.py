"""Search documents: a fingerprint per cable that changes exactly when its document may."""
from __future__ import annotations

from generator.cache import ParseCache
from generator.collect import collect
from generator.config import Config
from generator.discover import discover
from generator.people.editorial import parse as parse_editorial
from generator.search.documents import documents
from generator.site import resolve
from tests.conftest import ROOT, SEEDS


def _site(tmp_path, editorial_text: str = ""):
    sources, _ = discover([SEEDS], base=ROOT)
    cache = ParseCache(tmp_path / "parse.sqlite")
    editorial, diags = parse_editorial(editorial_text, "people.toml")
    assert diags == []
    col = collect(sources, editorial, cache=cache)
    cache.close()
    return resolve(col, Config())


def test_a_documents_fingerprint_changes_with_its_people_and_only_then(tmp_path):
    """Renaming one person (an editor's rule) changes the documents of the cables that
    name them, people field and fingerprint, and no other document or fingerprint."""
    plain = _site(tmp_path / "a")
    named = {}
    for refs in plain.persons_of:
        for p in refs:
            named.setdefault(p.key, p)
    person = sorted(named.values(), key=lambda p: (-len(p.forms), p.key))[0]
    aliases = ", ".join(f'"{f}"' for f in person.forms)
    renamed = _site(tmp_path / "b", f'[[person]]\nname = "Zebulon Renamed"\naliases = [{aliases}]\n')
    a, b = documents(plain), documents(renamed)
    assert [d.key for d in a] == [d.key for d in b] and all(d.fingerprint for d in a + b)
    changed = 0
    for x, y in zip(a, b):
        same_doc = x.load() == y.load()
        assert (x.fingerprint == y.fingerprint) == same_doc, x.key
        changed += not same_doc
        if not same_doc:
            assert "Zebulon Renamed" in y.load()[0]["people"]
    assert 1 <= changed < len(a)
    assert len({d.fingerprint for d in a}) == len(a)
