"""The site's lists planned again only where their signatures changed."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from generator.build import build
from generator.diagnostics import Report
from generator.listings import ListRoutes, Listing, Numbers, digest
from generator.pages import Route
from generator.synth import generate

from .conftest import CORPUS, ROOT, resolved_site
from .test_build import digest as tree     # each file's sha256
from .test_pages import CITING as NEW     # from Tokyo, tagged ECON EAGR, citing a seed


def test_signatures_count_items_not_their_order():
    """A list's signature is its length and the sum of its cables' numbers modulo 2**64,
    in any order, many lists summed at once as each alone; the people's numbers change
    with the persons a cable names."""
    shown = [b"\x01" + bytes([k % 251]) * 16 + f"07PARIS{k}".encode() + b"\xff"
             for k in range(300)]
    numbers = Numbers.of_shown(shown)
    values = numbers.array.tolist()
    assert len(set(values)) == 300 and values == Numbers.of_shown(shown).array.tolist()

    def of(numbers, cables):      # one list, summed in Python
        return len(cables), sum(int(numbers.array[i]) for i in cables) % 2**64
    short, long = [0, 2, 3], list(range(0, 300, 3))
    assert numbers.sums([short, short[::-1]]) == [of(numbers, short)] * 2
    assert numbers.sums([short]) != numbers.sums([[0, 2, 4]])
    assert numbers.sums([long, long[::-1]]) == [of(numbers, long)] * 2
    assert of(numbers, long)[0] == 100
    people = [bytes([k % 7]) * 16 for k in range(300)]
    named = numbers.naming(people)
    again = numbers.naming(people[:5] + [b"\xee" * 16] + people[6:])
    assert named.sums([short, [5, 6]]) != again.sums([short, [5, 6]])
    assert named.sums([short]) == again.sums([short])
    assert named.array[1] != numbers.array[1] and named.array[0] == numbers.array[0]  # 0 bytes
    with pytest.raises(ValueError):
        numbers.naming(people[:-1])
    # many lists at once, as one list at a time; of cables, or of tuples holding them
    lists = [[], [4], long, short, [], list(range(299, 0, -1)), [7, 7]]
    assert numbers.sums(lists) == [of(numbers, x) for x in lists]
    assert numbers.sums([[(i, "x") for i in x] for x in lists], at=0) == numbers.sums(lists)
    assert named.sums([[("s", i) for i in x] for x in lists], at=1) == [of(named, x) for x in lists]
    assert numbers.sums([]) == [] and numbers.sums([[]]) == [(0, 0)]


def test_a_person_and_their_companions_are_signed_by_a_digest():
    from generator.model import Person
    p = Person("smith", "John Smith", ("Ambassador",), ("John Smith", "Smith"), 3)
    co = (("jones", 2, "Ann Jones"),)
    assert digest(p, co) == digest(p._replace(), tuple(co)) and len(digest(p, co)) == 16
    assert digest(p, co) != digest(p._replace(cables=4), co) != digest(p, ())


def _listing(key: str, sign, pages: int, planned: list) -> Listing:
    def plan():
        planned.append(key)
        return [Route(f"{key}.{n}.html" if n else f"{key}.html", "list.html", {}, key)
                for n in range(pages)]
    return Listing(key, sign, plan)


def test_a_list_whose_signature_was_recorded_is_planned_only_when_asked_for():
    planned: list[str] = []
    first = ListRoutes([_listing("a", (1,), 2, planned), _listing("b", (2,), 1, planned)])
    assert planned == ["a", "b"] and list(first.paths()) == ["a.html", "a.1.html", "b.html"]
    last = first.record()
    planned.clear()
    again = ListRoutes([_listing("a", (1,), 2, planned), _listing("b", (3,), 3, planned),
                        _listing("c", (4,), 1, planned)], last)
    assert planned == ["b", "c"]       # b's signature changed; c is new
    assert list(again.paths()) == ["a.html", "a.1.html", "b.html", "b.1.html", "b.2.html", "c.html"]
    assert [(k, kept) for k, _, kept in again.pages()] == [(0, True), (1, True), *[
        (k, False) for k in range(2, 6)]]
    assert again[1].path == "a.1.html" and planned == ["b", "c", "a"]   # made when asked for
    assert [r.path for r in again[0:3]] == ["a.html", "a.1.html", "b.html"] and len(again) == 6
    assert planned.count("a") == 1
    with pytest.raises(IndexError):
        again[6]
    # a signature recorded with other pages than the list now has is a bug, said as such
    import pickle
    record = pickle.dumps(((), {"a": ((1,), ["a.html", "x.html"])}))
    wrong = ListRoutes([_listing("a", (1,), 2, planned)], record)
    with pytest.raises(RuntimeError, match="--clean"):
        wrong[0]


def _page_prints(site, plan) -> dict[str, bytes]:
    from generator.render import known_fingerprint
    from generator.listings import ListRoutes
    lists = next(p for p in plan.parts if isinstance(p, ListRoutes))
    return {r.path: known_fingerprint(r, site) for r in lists}


@pytest.mark.corpus
def test_equal_signatures_mean_equal_pages(tmp_path):
    """A list whose signature is the last build's keeps its pages without planning them,
    so the signature must say everything its pages' facts say.  On the corpus, built
    without and then with more cables (lists that gain cables, people with new
    companions, new terms): wherever a list's signature is equal between the two sites,
    so are its pages' paths and fingerprints, and many lists of both kinds differ."""
    from generator.pages import routes
    from generator.render import forget_build
    small = resolved_site(tmp_path / "a", [CORPUS / "wikileaks-html-2010", CORPUS / "cables-csv"])
    large = resolved_site(tmp_path / "b", [CORPUS / "wikileaks-html-2010", CORPUS / "cables-csv",
                                           CORPUS / "wikileaks-html-2011", CORPUS / "mongo-json"])
    plans = []
    for site in (small, large):
        plan, _ = routes(site)          # every list planned: no record of a last build
        lists = next(p for p in plan.parts if isinstance(p, ListRoutes))
        pages = _page_prints(site, plan)
        plans.append({item.key: (item.sign, [(p, pages[p]) for p in paths])
                      for item, paths in zip(lists.listings, lists.paths_of)})
        forget_build()
    same = differ = 0
    kinds = set()
    for key in plans[0].keys() & plans[1].keys():
        (sign0, pages0), (sign1, pages1) = plans[0][key], plans[1][key]
        if sign0 == sign1:
            assert pages0 == pages1, key
            same += 1
        else:
            differ += 1
            kinds.add(key.split("/")[0])
    assert same > 100 and differ > 100
    assert kinds >= {"tag", "person", "origin", "classification", "date", "subject"}


@pytest.mark.corpus
def test_a_person_s_list_changes_with_a_companion_s_name(tmp_path):
    """A person's first page names the people named with them: a companion's new name
    changes the person's signature though none of the person's cables changed."""
    from generator.pages import routes
    site = resolved_site(tmp_path, [CORPUS / "wikileaks-html-2010", CORPUS / "cables-csv"])
    plan, _ = routes(site)
    last = plan.lists()
    key, co = next((p.key, co) for p in site.persons.values()
                   if (co := site.co_persons.get(p.key)) and co[0][0] in site.persons)
    other = site.persons[co[0][0]]
    site.persons[other.key] = other._replace(name=other.name + " Jr.")
    again, _ = routes(site, last)
    lists = next(p for p in again.parts if isinstance(p, ListRoutes))
    planned = {item.key for item, kept in zip(lists.listings, lists.kept) if not kept}
    assert f"person/{key}.html" in planned and f"person/{other.key}.html" in planned
    assert len(planned) < len(lists.listings) // 10
    # other settings: every list planned again
    site.config = replace(site.config, per_page=site.config.per_page + 1)
    third, _ = routes(site, last)
    lists = next(p for p in third.parts if isinstance(p, ListRoutes))
    assert not any(lists.kept)


@pytest.mark.corpus
def test_a_person_s_list_changes_with_the_paragraphs_that_name_them(tmp_path):
    """A person's list links to the paragraphs of each cable that name them.  People
    resolved anew (a cable added elsewhere) can name a person in more paragraphs of a
    cable whose text did not change: its people's digest changes, and so does the
    person's list's signature, though the list holds the same cables."""
    from generator.pages import routes
    site = resolved_site(tmp_path, [CORPUS / "wikileaks-html-2010", CORPUS / "cables-csv"])
    plan, _ = routes(site)
    last = plan.lists()
    key, mentions = next((k, m) for k, m in site.person_cables.items() if len(m) > 1)
    i, paras = mentions[0]
    site.person_cables[key] = [(i, (*paras, 99)), *mentions[1:]]
    site.people_digests[i] = bytes(16) if site.people_digests[i] != bytes(16) else b"\x01" * 16
    again, _ = routes(site, last)
    lists = next(p for p in again.parts if isinstance(p, ListRoutes))
    planned = {item.key for item, kept in zip(lists.listings, lists.kept) if not kept}
    assert f"person/{key}.html" in planned
    assert {p.split("/")[0] for p in planned} == {"person"}


def _write(root: Path, files) -> None:
    for path, data in files:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)


def test_a_rebuild_plans_the_lists_a_new_cable_joins_and_no_other(tmp_path, monkeypatch):
    """Adding a cable plans its tags', origin's, classification's, year's, month's,
    subject terms' lists and the subject lines, and keeps every other list's pages
    without planning them; a rebuild with nothing new plans none, and each rebuild's
    site is the one a clean build makes."""
    import generator.pages
    planned: list[str] = []
    paginate = generator.pages._paginate
    monkeypatch.setattr(generator.pages, "_paginate", lambda site, items, cables, total, path_of,
                        *a, **k: planned.append(path_of(1)) or paginate(
                            site, items, cables, total, path_of, *a, **k))
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    _write(content / "cables", generate(300, seed=3))
    cache, out = tmp_path / "cache", tmp_path / "site"
    first = build(content, out, Report(quiet=True), cache_dir=cache)
    assert first.ok and len(planned) > 300
    planned.clear()
    assert build(content, out, Report(quiet=True), cache_dir=cache).rendered == 0
    assert planned == []
    (content / "cables/new.txt").write_text(NEW, encoding="utf-8")
    third = build(content, out, Report(quiet=True), cache_dir=cache)
    assert third.ok and third.rendered < third.pages // 10
    assert sorted(planned) == [
        "classification/unclassified.html", "date/2007-01.html", "date/2007.html",
        "origin/embassy-tokyo.html", "subject/lines.html", "subject/wheat-price.html",
        "tag/EAGR.html", "tag/ECON.html"]
    fresh = tmp_path / "fresh"
    build(content, fresh, Report(quiet=True), cache_dir=tmp_path / "cache2", clean=True)
    assert tree(fresh) == tree(out)
    # a page of a list not planned again, but without the fingerprint of the last build
    # (a page rendered with a warning is not recorded), is rendered: its list is planned
    # when the page is asked for
    from generator.kept import RenderCache, read_pickle
    salt, token = read_pickle(cache / "pages.pickle")[:2]
    pages = RenderCache(cache / "pages.pickle", token, salt)
    origin = next(p for p in sorted(pages.old()) if p.startswith("origin/") and p.count(".") == 1
                  and p not in ("origin/index.html", "origin/embassy-tokyo.html"))
    pages.new = {p: d for p, d in pages.old(apart=False).items() if p != origin}
    pages.new_apart = pages.old(apart=True)
    pages.save(token)
    planned.clear()
    fourth = build(content, out, Report(quiet=True), cache_dir=cache)
    assert fourth.ok and fourth.rendered == 1 and fourth.changed == 0
    assert planned == [origin]
    token = read_pickle(cache / "pages.pickle")[1]     # the fourth build's
    assert origin in RenderCache(cache / "pages.pickle", token, salt).old(apart=False)
