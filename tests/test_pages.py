"""Linking people inside cable text."""
from __future__ import annotations

import pytest

from generator.pages import linked_paragraph

from .conftest import CORPUS, SEEDS, resolved_site


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
    # a later page of a list of cables is named after its first cable
    assert urls.tag_path("PREL", "07PARIS3198") == "tag/PREL.07PARIS3198.html"
    assert urls.year_path("2007", "07PARIS3198") != urls.month_path("2007", "07PARIS3198")


def test_a_cable_page_reads_its_full_cable_only_when_printed(tmp_path):
    """A page's context holds a CableView: its fingerprint and the summary fields never
    read the full cable from the cache; the paragraphs and raw text do."""
    from generator.pages import routes
    from generator.render import context, fingerprint
    site = resolved_site(tmp_path, [SEEDS])
    reads = []
    store_cable = site.store.cable
    site.store.cable = lambda i: reads.append(i) or store_cable(i)
    plan, _ = routes(site)
    pages = [r for r in plan if r.template in ("cable.html", "raw.html")]
    prints = [fingerprint(r, context(r, site)) for r in pages]
    assert reads == [] and len(set(prints)) == len(pages) == 10
    ctx = context(pages[0], site)
    assert ctx["c"].id == site.cables[0].id and ctx["c"].tags and reads == []
    rows = list(ctx["paragraphs"])
    assert reads == [0] and rows and "html" in rows[0]
    assert ctx["c"].text.startswith("\n") and reads == [0]      # read once per page
    # the same page of another cable's digest has another fingerprint
    site.digests[0] = b"x" * 16
    assert fingerprint(pages[0], context(pages[0], site)) != prints[0]


def test_lists_share_one_row_per_cable_and_add_to_copies(tmp_path):
    """Every list of a build holds the same row object for a cable; the lists that add
    to a row (a person's paragraphs, a subject line's letter) add to their own copy.
    A page's fingerprint counts a row by its cable's digest, key and those additions."""
    from generator.pages import Row, row, routes
    from generator.render import context, fingerprint
    site = resolved_site(tmp_path, [SEEDS])
    plan, _ = routes(site)
    shared = {}
    added = 0
    for r in plan:
        for item in context(r, site).get("items", []):
            if isinstance(item, Row) and set(item) == set(Row.FIELDS):
                assert shared.setdefault(item["key"], item) is item
            elif isinstance(item, Row):
                added += 1
                assert item is not row(site, site.keys.index(item["key"]))
    assert len(shared) == 5 and added
    assert all(set(row(site, i)) == set(Row.FIELDS) for i in range(len(site.cables)))
    person = next(r for r in plan if r.template == "person.html")
    ctx = context(person, site)
    before = fingerprint(person, ctx)
    ctx["items"][0].digest = b"y" * 16      # the cable changed: its row did
    assert fingerprint(person, ctx) != before


def test_the_navigation_counts_in_every_fingerprint(tmp_path):
    """Pages fingerprint the site's settings and navigation by one digest per navigation
    state: another current section, or another setting, is another fingerprint."""
    from dataclasses import replace
    from generator.pages import routes
    from generator.render import context, fingerprint
    site = resolved_site(tmp_path, [SEEDS])
    plan, _ = routes(site)
    tags = next(r for r in plan if r.path == "tag/index.html")
    first = fingerprint(tags, context(tags, site))
    ctx = context(tags, site)
    ctx["nav"] = [dict(n, current=not n["current"]) for n in ctx["nav"]]
    assert fingerprint(tags, ctx) != first
    site.config = replace(site.config, title=site.config.title + " (draft)")
    assert fingerprint(tags, context(tags, site)) != first


@pytest.mark.corpus
def test_equal_cable_facts_mean_equal_contexts(tmp_path):
    """A cable page whose facts (``Route.facts``) are those of the last build is kept
    without building its context, so the facts must say everything the context is made
    of.  On the corpus, built without and then with more cables (new neighbours, citing
    cables, people and related cables): wherever a cable page's or raw view's facts are
    equal between the two sites, so is its context's fingerprint, and many of both kinds
    differ."""
    from generator.pages import routes
    from generator.render import context, fingerprint, forget_build, known_fingerprint
    small = resolved_site(tmp_path / "a", [CORPUS / "wikileaks-html-2010", CORPUS / "cables-csv"])
    large = resolved_site(tmp_path / "b", [CORPUS / "wikileaks-html-2010", CORPUS / "cables-csv",
                                           CORPUS / "wikileaks-html-2011", CORPUS / "mongo-json"])
    prints = []
    for site in (small, large):
        plan, _ = routes(site)
        prints.append({r.path: (known_fingerprint(r, site), fingerprint(r, context(r, site)))
                       for r in plan if r.facts is not None})
        forget_build()
    same_facts = same_ctx = 0
    for path in prints[0].keys() & prints[1].keys():
        (facts0, ctx0), (facts1, ctx1) = prints[0][path], prints[1][path]
        if facts0 == facts1:
            assert ctx0 == ctx1, path
            same_facts += 1
        same_ctx += ctx0 == ctx1
    common = len(prints[0].keys() & prints[1].keys())
    assert common > 200 and 50 < same_facts < common and same_ctx >= same_facts
    # fewer contexts changed than facts did only where the facts say more than needed
    assert same_ctx - same_facts < common // 2


CITING = """R 011200Z JAN 07
FM AMEMBASSY TOKYO
TO SECSTATE WASHDC 1

UNCLAS TOKYO 000001

E.O. 12958: N/A
TAGS: ECON EAGR
SUBJECT: WHEAT PRICES

REF: 07 PARIS 3198

1. (U) Wheat prices rose in the spring.
"""


def test_a_new_citing_cable_changes_the_facts_of_the_cable_it_cites(tmp_path):
    """A new cable that shares no tag or person with the cable it cites changes only its
    "cited by" list: the cited page's facts change, so it is rendered again."""
    import shutil
    from generator.pages import routes
    from generator.render import forget_build, known_fingerprint
    root = tmp_path / "cables"
    shutil.copytree(SEEDS, root)
    prints = []
    for n, cite in enumerate((False, True)):
        if cite:
            (root / "zz.txt").write_text(CITING, encoding="utf-8")   # first by date; from Tokyo
        site = resolved_site(tmp_path / str(n), [root])
        plan, _ = routes(site)
        cited = site.keys.index("07PARIS3198")
        assert len(site.cited_by.get(cited, [])) == cite
        route = next(r for r in plan if r.template == "cable.html"
                     and r.title == site.cables[cited].subject)
        others = {r.path: known_fingerprint(r, site) for r in plan
                  if r.facts is not None and r.path != route.path}
        prints.append((known_fingerprint(route, site), others))
        forget_build()
    assert prints[0][0] != prints[1][0]
    # the other seeds' pages keep their facts, but the one the new cable comes before, and
    # the lists it joins: its year (January 2007 is a new list) and the subject lines
    changed = [p for p in prints[0][1] if prints[0][1][p] != prints[1][1].get(p)]
    assert changed == ["cable/2007/06/07PARIS2726.html", "date/2007.html", "subject/lines.html"]


@pytest.mark.corpus
def test_cable_fingerprints_made_without_routes_are_the_routes_fingerprints(tmp_path):
    """A rebuild fingerprints cable pages and raw views without making their routes
    (``cable_fingerprints``); each must be the route's own fingerprint, or a page would
    be rendered again on every build, or kept when it changed.  On the corpus, whose
    cables cite, are cited, have other versions and related cables, over chunks that
    start and stop anywhere."""
    from generator.pages import CableRoutes, routes
    from generator.render import cable_fingerprints, forget_build, known_fingerprint
    versions = tmp_path / "versions"
    versions.mkdir()
    full = (SEEDS / "000_fedcf07303434e2b.txt").read_text()
    (versions / "short.txt").write_text(full.split("12. (C)")[0])   # another version of it
    site = resolved_site(tmp_path, [CORPUS / "wikileaks-html-2010", CORPUS / "cables-csv",
                                    CORPUS / "wikileaks-html-2011", SEEDS, versions])
    plan, _ = routes(site)
    cables = next(p for p in plan.parts if isinstance(p, CableRoutes))
    whole = [(r.path, known_fingerprint(r, site)) for r in cables]
    assert all(d is not None for _, d in whole) and len(set(whole)) == len(whole)
    assert site.version_of and site.cited_by and any(len(related) for related in site.related)
    for a, b in [(0, len(cables)), (1, 8), (7, 300), (len(cables) - 3, len(cables))]:
        assert cable_fingerprints(cables, site, a, b) == whole[a:b]
    forget_build()


@pytest.mark.corpus
def test_cable_fingerprints_differ_exactly_where_the_facts_do(tmp_path):
    """The cables' fingerprints (``CableRoutes.prints``, hashed as columns) against the
    facts they hash (``facts_of``, bytes): on the corpus built without and then with
    more cables, and with another version of a cable, two routes have equal
    fingerprints exactly when they have equal facts, within a site and between the two;
    and another frame gives other fingerprints."""
    from generator.pages import CableRoutes, routes
    from generator.render import forget_build
    versions = tmp_path / "versions"
    versions.mkdir()
    full = (SEEDS / "000_fedcf07303434e2b.txt").read_text()
    (versions / "short.txt").write_text(full.split("12. (C)")[0])
    small = resolved_site(tmp_path / "a", [CORPUS / "wikileaks-html-2010", SEEDS])
    large = resolved_site(tmp_path / "b", [CORPUS / "wikileaks-html-2010", SEEDS, versions,
                                           CORPUS / "wikileaks-html-2011", CORPUS / "cables-csv"])
    pairs = {}
    for name, site in (("small", small), ("large", large)):
        plan, _ = routes(site)
        cables = next(p for p in plan.parts if isinstance(p, CableRoutes))
        for k in range(len(cables)):
            pairs[(name, k)] = (cables.facts_of(k), cables.print_of(k, b"frame"))
        assert cables.print_of(0, b"other") != cables.print_of(0, b"frame")
        forget_build()
    assert large.version_of and large.cited_by
    by_facts, by_print, sites_of = {}, {}, {}
    for (name, _), (facts, printed) in pairs.items():
        by_facts.setdefault(facts, set()).add(printed)
        by_print.setdefault(printed, set()).add(facts)
        sites_of.setdefault(printed, set()).add(name)
    assert all(len(v) == 1 for v in by_facts.values())
    assert all(len(v) == 1 for v in by_print.values())
    # many pages are the same in both sites, many differ
    shared = sum(len(v) == 2 for v in sites_of.values())
    assert len(by_print) > 1000 and 100 < shared < len(by_print) - 100


def test_the_plan_makes_cable_routes_when_asked_and_slices_as_a_list(tmp_path):
    """The cables' routes are made where they are asked for (a render worker's chunk);
    the plan indexes, slices and lists paths as the list of its routes would."""
    from generator.pages import CableRoutes, routes
    site = resolved_site(tmp_path, [SEEDS])
    plan, diags = routes(site)
    assert diags == []
    whole = list(plan)
    assert len(whole) == len(plan) and list(plan.paths()) == [r.path for r in whole]
    cables = next(p for p in plan.parts if isinstance(p, CableRoutes))
    assert len(cables) == 2 * len(site.cables) and len(plan.parts) >= 3
    for a, b in [(0, 3), (1, 12), (5, len(plan)), (len(plan) - 4, len(plan) + 9), (7, 7)]:
        assert [r.path for r in plan[a:b]] == [r.path for r in whole[a:b]]
    assert [r.path for r in plan[::5]] == [r.path for r in whole[::5]]
    assert plan[-1].path == whole[-1].path == "search.html" and plan[1].path == whole[1].path
    for k in range(len(plan)):
        r, w = plan[k], whole[k]
        assert (r.path, r.template, r.title) == (w.path, w.template, w.title)
    with pytest.raises(IndexError):
        plan[len(plan)]


def test_a_page_named_like_a_built_in_page_is_an_error_naming_both(tmp_path):
    """Two routes to one path: an error for each path shared, naming both pages' titles
    and how to fix it; none when every path is the plan's only one."""
    from generator.markup import parse_page
    from generator.pages import routes
    site = resolved_site(tmp_path, [SEEDS])
    assert routes(site)[1] == []
    site.pages = [parse_page("# About\n\nAbout us.\n", "content/pages/about.md", "about")[0],
                  parse_page("# Find\n\nOur search.\n", "content/pages/search.md", "search")[0],
                  parse_page("# Data\n\nOur data.\n", "content/pages/data.md", "data/index")[0]]
    plan, diags = routes(site)
    assert len(plan) == len(set(plan.paths())) + 2
    assert sorted(d.message.split(":")[0] for d in diags) == [
        "two pages would be written to data/index.html", "two pages would be written to search.html"]
    found = next(d for d in diags if "search.html" in d.message)
    assert "'Find'" in found.message and "'Search'" in found.message and "rename one" in found.message
    assert {d.severity for d in diags} == {"error"}


def test_an_entry_added_to_a_long_a_z_index_changes_its_own_page_and_the_first(monkeypatch):
    """A letter's pages are cut at marked entries, not every AZ_PAGE entries: an entry
    added near the start of S changed every later page of S (and each said "Page n of
    N")."""
    import random

    import generator.pages as pages
    monkeypatch.setattr(pages, "AZ_SPLIT", 50)
    monkeypatch.setattr(pages, "AZ_PAGE", 20)
    rng = random.Random(3)
    names = sorted({f"S{rng.randrange(10**6):06d}" for _ in range(700)} | {"Abel", "Zorn"})

    def index(names):
        entries = [{"name": n, "count": 1, "path": f"person/{n.lower()}.html", "letter": n[0]}
                   for n in names]
        return {r.path: (r.title, r.ctx) for r in pages.az_routes(
            "person/index.html", "people.html", entries, "People", {})}

    before = index(names)
    s_pages = [p for p in before if p.startswith("person/letter-s")]
    assert len(s_pages) > 15
    shown = [e["name"] for p in s_pages for e in before[p][1]["entries"]]
    assert shown == [n for n in names if n[0] == "S"]          # every entry once, in order
    assert all(10 <= len(before[p][1]["entries"]) <= 40 for p in s_pages[:-1])
    assert len({before[p][0] for p in s_pages}) == len(s_pages)      # titles of their own
    added = names[:40] + ["S000000x"] + names[40:]
    after = index(added)
    changed = {p for p in after if after[p] != before.get(p)}
    assert "person/letter-s.html" in changed and "person/index.html" in changed
    assert len(changed) <= 4, changed       # the index, S's first page, the new entry's page
    gone = set(before) - set(after)         # (and its neighbours' links, when a cut moved)
    assert len(gone) <= 1


def test_pages_of_a_list_that_start_on_one_day_have_labels_and_titles_of_their_own():
    """A day with hundreds of cables (a large collection has many) started page after
    page "from 2010-02-18": the contents listed one label again and again, and the pages
    had one title.  A page that starts inside a day is labelled by its first cable too."""
    from types import SimpleNamespace

    from generator import pages, urls
    n = 400
    keys = [f"10STATE{k:05d}" for k in range(n)]
    dates = ["2010-02-17T09:00"] * 5 + ["2010-02-18T10:00"] * (n - 10) + ["2010-02-19T08:00"] * 5
    site = SimpleNamespace(config=SimpleNamespace(per_page=20), keys=keys, marks=bytearray(),
                           cables=[SimpleNamespace(date=d) for d in dates])
    rows = [{"date": d} for d in dates]
    given = pages.ListKind(lambda site: rows, lambda site, items: items, lambda site, items: items)
    routes = pages._paginate(site, pages.Lazy(given, site), lambda: list(range(n)), n,
                             lambda name: urls.tag_path("PREL", name), "list.html", "PREL", {})
    labels = [c["label"] for c in routes[0].ctx()["pg"]["contents"]]
    assert len(routes) > 8 and len(set(labels)) == len(labels)
    assert len({r.title for r in routes}) == len(routes)
    assert labels[0] == "2010-02-17"
    inside = [lab for lab in labels if lab.startswith("2010-02-18, 10STATE")]
    assert len(inside) >= len(labels) - 3
    # the label of a page that starts a day is the day alone
    for r, lab in zip(routes[1:], labels[1:]):
        first = r.path.split(".")[1]
        assert lab in (dates[keys.index(first)][:10], f"{dates[keys.index(first)][:10]}, {first}")


@pytest.mark.corpus
def test_a_page_of_a_long_list_makes_its_own_rows_only(tmp_path):
    """A rebuild renders one page of a long list (the list of a classification holds a
    third of a collection) without making the rows of the others; the pages' rows and
    facts, made a page at a time, are the whole list's, in order, each cable once."""
    from generator.pages import CABLES, Lazy, _by_date, routes
    from generator.render import context, forget_build
    site = resolved_site(tmp_path, [CORPUS])
    plan, _ = routes(site)
    code, idx = max(site.classifications.items(), key=lambda kv: len(kv[1]))
    per = site.config.per_page
    assert len(idx) > 2 * per
    first = f"classification/{code.lower().replace(' ', '-')}.html"
    pages = [r for r in plan if r.template == "list.html"
             and (r.path == first or r.path.startswith(first[:-len(".html")] + "."))]
    assert len(pages) == -(-len(idx) // per) or len(pages) > 2   # cut where pagecuts says
    before = {i for i, r in enumerate(site.rows) if r is not None}    # the home page's
    ctx = context(pages[1], site)
    made = {i for i, r in enumerate(site.rows) if r is not None} - before
    assert 0 < len(ctx["items"]) <= 2 * per and len(before) + len(made) < len(idx) // 2
    assert made <= {site.keys.index(r["key"]) for r in ctx["items"]}
    rows = []
    for r in pages:
        rows += [row["key"] for row in context(r, site)["items"]]
    order = _by_date(site, idx)
    assert rows == [site.keys[i] for i in order]
    facts = [f for r in pages for f in r.facts()[-1]]
    assert facts == CABLES.facts(site, order) == Lazy(CABLES, site, idx).facts(0, len(idx))
    forget_build()


def _dated_site(dates: list[str | None], versions: dict[int, int] | None = None, newest=20):
    """A site of the fields the home page's, the feed's and the data parts' walks read:
    cables with a date (None: undated) and a key, in the site's order (by date, undated
    last, then key), and the other versions."""
    from types import SimpleNamespace
    from generator.config import Config
    cables = [SimpleNamespace(date=d, id=f"C{n}", subject=None) for n, d in enumerate(dates)]
    keys = [f"C{n:03d}" for n in range(len(dates))]
    order = sorted(range(len(dates)), key=lambda i: (dates[i] or "9999", keys[i]))
    return SimpleNamespace(cables=cables, keys=keys, order=order, version_of=versions or {},
                           config=Config(newest=newest), ranks=[])


def test_the_newest_cables_are_the_last_dated_listed_ones_newest_first():
    from generator.pages import dated_listed, newest
    site = _dated_site(["2007-01-02", None, "2008-05-01", "2006-03-04", "2008-05-01T10:00Z",
                        None, "2005-01-01"], versions={2: 4})
    spec = [i for i in site.order if site.cables[i].date and i not in site.version_of]
    assert list(dated_listed(site)) == spec
    assert list(dated_listed(site, newest_first=True)) == spec[::-1]
    assert newest(site, 2) == spec[::-1][:2] == [4, 0]     # the other version (2) left out
    assert newest(site, 50) == spec[::-1]
    # none for a count of 0 or less (a slice from the end took every cable for 0)
    assert newest(site, 0) == [] and newest(site, -3) == []


def test_the_feed_with_no_newest_cables_has_no_entries(tmp_path):
    from generator.config import Config
    from generator.feeds import atom
    from generator.pages import dated_listed
    site = resolved_site(tmp_path, [SEEDS])
    assert atom(site, None).count(b"<entry>") == len(list(dated_listed(site))) == 4
    site.config = Config(newest=2)
    assert atom(site, None).count(b"<entry>") == 2
    site.config = Config(newest=0)
    feed = atom(site, None)
    assert b"<entry>" not in feed and b"<updated>1970-01-01T00:00:00Z</updated>" in feed


def test_the_home_page_counts_the_cables_of_each_month_and_the_first_and_last(tmp_path):
    from collections import Counter
    from generator.pages import home_route
    site = resolved_site(tmp_path, [CORPUS if CORPUS.is_dir() else SEEDS])
    ctx = home_route(site).ctx
    listed = [i for i in site.order if i not in site.version_of]
    dated = [i for i in listed if site.cables[i].date]
    months = Counter(site.cables[i].date[:7] for i in dated)
    bars = {b["label"].split(":")[0]: b["n"] for b in ctx["timeline"]["bars"]}
    assert bars == dict(months)
    assert ctx["stats"]["cables"] == len(listed)
    assert ctx["stats"]["first"] == site.cables[dated[0]].date[:10]
    assert ctx["stats"]["last"] == site.cables[dated[-1]].date[:10]
    assert [r["key"] for r in ctx["newest"]] == [site.keys[i] for i in dated[::-1][:20]]


@pytest.mark.parametrize("limit", [1, 2, 3, 100])
def test_data_parts_are_years_in_order_and_a_long_year_in_numbered_parts(monkeypatch, limit):
    from generator import pages
    monkeypatch.setattr(pages, "DATA_PART_CABLES", limit)
    dates = ["2007-01-02", None, "2008-05-01", "2006-03-04", "2008-05-01T10:00Z", None,
             "2005-01-01", "2008-12-31", "2008-01-01", "1999-09-09"]
    site = _dated_site(dates)
    parts = pages.data_parts(site)
    if limit >= len(dates):
        assert parts == [("cables", site.order)]
        return
    # the rule as first written: grouped by year over the site's order, undated last
    years: dict[str, list[int]] = {}
    for i in site.order:
        d = site.cables[i].date
        years.setdefault(d[:4] if d else "undated", []).append(i)
    spec = []
    for year in sorted(years, key=lambda y: (y == "undated", y)):
        idx = years[year]
        if len(idx) <= limit:
            spec.append((f"cables-{year}", idx))
        else:
            spec += [(f"cables-{year}-{k // limit + 1}", idx[k:k + limit])
                     for k in range(0, len(idx), limit)]
    assert parts == spec
    assert [i for _, idx in parts for i in idx] == site.order


def test_ranks_by_date_then_key_as_the_pair_orders_them_even_with_a_nul():
    from generator.pages import _ranks
    for keys in (None, ["B\0x", "B", "A\0", "A"]):
        site = _dated_site(["2007-01-02", "2007-01-02", None, "2007-01-02", "2006-01-01",
                            "2007-01-02T01:00Z"][:4 if keys else 6])
        if keys:
            site.keys = keys
        ranks = _ranks(site)
        spec = sorted(range(len(site.keys)), key=lambda i: (site.cables[i].date or "9999",
                                                             site.keys[i]))
        assert [spec.index(i) for i in range(len(spec))] == ranks
