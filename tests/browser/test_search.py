"""Search in a real browser, over file:// and http://localhost, on the seeds + corpus site.

What the browser finds is checked against what the cables say, worked out here in
Python from the site's own data export (cables.jsonl), not from the index."""
from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from urllib.parse import parse_qs, urlparse

import pytest

from generator.search.documents import tag_text
from generator.search.pipeline import SEPARATOR, Analyzer, fold, trim

from .conftest import AXE, java, run_vnu, VNU

pytestmark = pytest.mark.corpus
A = Analyzer()


@pytest.fixture(scope="module")
def cables(corpus_site):
    rows = [json.loads(line) for line in (corpus_site / "data" / "cables.jsonl").open(encoding="utf-8")]
    return {c["id"] or key(c): c for c in rows if not c["version_of"]}


def key(c) -> str:
    """The key a cable without an ID is shown by (generator.site._key)."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", c["source"]["path"].rsplit("/", 1)[-1].rsplit(".", 1)[0])
    return f"X-{stem}" + (f"-{c['source']['record']}" if c["source"]["record"] > 1 else "")


def body(c) -> str:
    return "\n".join(p["text"] for p in c["paragraphs"])


def field_terms(c) -> dict[str, set[str]]:
    people = " ".join(" ".join([p["name"], *p["forms"]]) for p in c["persons"])
    return {"subject": set(A.terms(c["subject"])), "body": set(A.terms(body(c))),
            "tags": set(A.terms(tag_text(c["tags"]))), "people": set(A.terms(people)),
            "origin": set(A.terms(c["origin"]))}


def having(cables, term, fields=None) -> set[str]:
    return {k for k, c in cables.items()
            if any(term in ts for f, ts in field_terms(c).items() if fields is None or f in fields)}


def search(page, q: str) -> dict:
    page.fill("#search-q", q)
    page.press("#search-q", "Enter")
    return wait(page)


def wait(page) -> dict:
    page.wait_for_function("""() => { const s = document.getElementById('search-status').textContent;
        return s && s !== 'Searching…'; }""")
    status = page.inner_text("#search-status")
    m = re.search(r"([\d,]+) cables? found", status)
    return {"status": status, "count": int(m.group(1).replace(",", "")) if m else 0,
            "ids": page.locator(".result .meta .mono").all_inner_texts()}


def all_ids(page, q: str) -> list[str]:
    r = search(page, q)
    ids = list(r["ids"])
    while page.locator("#search-pager a[rel=next]").count():
        page.click("#search-pager a[rel=next]")
        page.wait_for_function(f"document.querySelector('.result .meta .mono') && "
                               f"!{json.dumps(ids)}.includes(document.querySelector('.result .meta .mono').textContent)")
        ids += wait(page)["ids"]
    assert len(ids) == len(set(ids))
    assert len(ids) == r["count"] or r["status"].startswith("At least")
    assert wait(page)["count"] == len(ids)            # the last page knows the whole count
    return ids


@pytest.fixture
def sp(corpus_site, page):
    page.goto((corpus_site / "search.html").as_uri())
    page.wait_for_selector("#search-form[data-ready]")
    yield page
    assert page.console_errors == []


def test_possessives_capitals_and_the_plain_word_find_the_same_cables(sp, cables):
    expected = having(cables, "kosovo")
    assert len(expected) > 10
    ids = all_ids(sp, "Kosovo's")
    assert set(ids) == expected
    assert set(all_ids(sp, "KOSOVO")) == expected
    assert search(sp, "kosovo’s")["count"] == len(expected)
    first = cables[ids[0]]
    assert "kosovo" in field_terms(first)["subject"]       # a subject match ranks first


def test_hyphenated_words_are_found_by_each_part(sp, cables):
    for part, term in (("russia", "russia"), ("france", "franc")):
        r = search(sp, f"subject:{part}")
        assert r["count"] == len(having(cables, term, {"subject"}))
        ids = all_ids(sp, f"subject:{part}")
        assert "07MOSCOW4634" in ids                       # "RUSSIA-FRANCE RELATIONS: ..."


def test_accents_are_folded(sp, cables):
    plain = search(sp, "Pristina")
    assert plain["count"] == len(having(cables, "pristina")) > 0
    assert search(sp, "Priština")["count"] == plain["count"]
    assert search(sp, "PRIŠTINA")["count"] == plain["count"]


def test_all_words_must_match_and_words_can_be_left_out(sp, cables):
    both = having(cables, "iran") & having(cables, "nuclear")
    assert search(sp, "iran nuclear")["count"] == len(both)
    assert search(sp, "iran -nuclear")["count"] == len(having(cables, "iran") - having(cables, "nuclear"))


def words(text: str) -> list[str]:
    return [w for w in (trim(fold(x)) for x in SEPARATOR.split(text.lower())) if w]


@pytest.mark.parametrize("phrase", [["human", "rights"], ["foreign", "minister"]])
def test_quoted_phrase_matches_only_the_exact_words_in_order(sp, cables, phrase):
    """A few candidates are all checked at once; many are checked page by page."""

    def has(c):
        ws = words((c["subject"] or "") + "\n" + body(c))
        return any(ws[i:i + 2] == phrase for i in range(len(ws) - 1))
    expected = {k for k, c in cables.items() if has(c)}
    loose = search(sp, " ".join(phrase))["count"]
    ids = all_ids(sp, '"' + " ".join(phrase) + '"')
    assert set(ids) == expected
    assert 0 < len(expected) < loose
    assert "<mark>" in sp.inner_html(".result .snippet")


def test_field_queries(sp, cables):
    prel = {k for k, c in cables.items() if "PREL" in c["tags"]}
    assert search(sp, "tag:PREL")["count"] == len(prel)
    assert search(sp, "tag:prel")["count"] == len(prel)
    lavrov = all_ids(sp, "person:Lavrov")
    assert lavrov and all(any("lavrov" in f.lower() for p in cables[i]["persons"] for f in p["forms"])
                          for i in lavrov)
    paris = {k for k, c in cables.items() if A.term("paris") in A.terms(c["origin"])}
    assert search(sp, "origin:Paris")["count"] == len(paris) > 0
    y2007 = {k for k, c in cables.items() if (c["date"] or "").startswith("2007")}
    r = search(sp, "year:2007")
    assert r["count"] == len(y2007)
    assert all(cables[i]["date"].startswith("2007") for i in r["ids"])
    both = search(sp, "tag:PREL year:2007 origin:Paris")
    assert both["count"] == len(prel & y2007 & paris)


@pytest.mark.parametrize("q", ["07PARIS3198", "07 PARIS 3198", "PARIS 3198", "Paris 003198",
                               "07paris003198"])
def test_a_cable_id_in_any_form_comes_first(sp, q):
    r = search(sp, q)
    assert r["ids"][0] == "07PARIS3198"
    assert "ID match" in sp.inner_text(".result >> nth=0")


def test_filters_with_counts_the_url_and_the_back_button(sp, cables):
    base = search(sp, "iran")
    label = sp.locator("#search-facets fieldset", has_text="Year").locator("label", has_text="2009")
    shown = int(label.locator(".n").inner_text().replace(",", ""))
    expected = {k for k in having(cables, "iran") if (cables[k]["date"] or "").startswith("2009")}
    assert shown == len(expected) > 0
    label.click()
    r = wait(sp)
    sp.wait_for_function("location.search.includes('year=2009')")
    r = wait(sp)
    assert r["count"] == shown
    assert all(cables[i]["date"].startswith("2009") for i in r["ids"])
    query = parse_qs(urlparse(sp.url).query)
    assert query == {"q": ["iran"], "year": ["2009"]}
    # counts for the other facets are within the filtered results
    cls = sp.locator("#search-facets fieldset", has_text="Classification").locator(".n").all_inner_texts()
    assert sum(int(x.replace(",", "")) for x in cls) == shown
    # other years keep their counts (a facet counts what the other filters let through),
    # so a second year widens the search
    other = sp.locator("#search-facets fieldset", has_text="Year").locator("li", has_text="2008")
    more = int(other.locator(".n").inner_text().replace(",", ""))
    assert more == len({k for k in having(cables, "iran") if (cables[k]["date"] or "").startswith("2008")})
    other.locator("input").check()
    sp.wait_for_function("location.search.includes('year=2008')")
    sp.wait_for_function(f"document.getElementById('search-status').textContent.startsWith('{shown + more} ')")
    assert parse_qs(urlparse(sp.url).query)["year"] == ["2009", "2008"]
    sp.go_back()
    sp.wait_for_function("!location.search.includes('year=2008')")
    sp.go_back()
    sp.wait_for_function("!location.search.includes('year=')")
    assert wait(sp)["count"] == base["count"]
    assert not sp.locator("#search-facets input[value='2009']").is_checked()
    sp.go_forward()
    sp.wait_for_function("location.search.includes('year=2009')")
    sp.wait_for_function(f"document.getElementById('search-status').textContent.startsWith('{shown} ')")


def test_paging_and_a_shared_url(sp, corpus_site, page, cables):
    r = search(sp, "nuclear")
    assert r["count"] > 20 and len(r["ids"]) == 10
    sp.click("#search-pager a[rel=next]")
    sp.wait_for_function("location.search.includes('page=2')")
    second = wait(sp)
    assert "page 2 of" in second["status"] and not set(second["ids"]) & set(r["ids"])
    assert sp.locator("#search-results ol").get_attribute("start") == "11"
    url = sp.url
    other = page.context.new_page()
    other.goto(url)
    other.wait_for_selector(".result")
    assert wait(other)["ids"] == second["ids"]
    other.close()
    sp.go_back()
    sp.wait_for_function("!location.search.includes('page=')")
    assert wait(sp)["ids"] == r["ids"]


def test_keyboard_and_screen_reader(sp):
    assert sp.get_attribute("#search-status", "aria-live") == "polite"
    assert sp.get_attribute("#search-status", "role") == "status"
    search(sp, "kouchner")
    sp.locator("h1").click()
    sp.keyboard.press("/")
    assert sp.evaluate("document.activeElement.id") == "search-q"
    sp.keyboard.press("ArrowDown")
    first = sp.locator(".result h2 a").first
    assert sp.evaluate("document.activeElement.textContent") == first.inner_text()
    sp.keyboard.press("ArrowDown")
    assert sp.evaluate("document.activeElement.textContent") == sp.locator(".result h2 a").nth(1).inner_text()
    sp.keyboard.press("Escape")
    assert sp.evaluate("document.activeElement.id") == "search-q"
    sp.keyboard.press("ArrowDown")
    with sp.expect_navigation():
        sp.keyboard.press("Enter")
    assert "/cable/" in sp.url and sp.locator("h1").inner_text()


def test_the_search_box_on_every_page(corpus_site, page):
    page.goto((corpus_site / "cable" / "2007" / "07" / "07PARIS3198.html").as_uri())
    page.fill("#site-search", "Loras")
    page.press("#site-search", "Enter")
    page.wait_for_selector(".result")
    assert page.url.split("/")[-1].startswith("search.html?q=Loras")
    assert "07PARIS3198" in wait(page)["ids"]
    assert page.console_errors == []


def test_search_over_http_under_a_subpath(corpus_site, page, tmp_path):
    root = tmp_path / "www"
    (root / "archive").mkdir(parents=True)
    (root / "archive" / "cables").symlink_to(corpus_site)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/archive/cables/"
        page.goto(base + "search.html?q=" + "%22human+rights%22+year%3A2010")
        page.wait_for_selector(".result")
        r = wait(page)
        assert r["count"] > 0
        page.locator(".result h2 a").first.click()
        page.wait_for_load_state()
        assert page.url.startswith(base + "cable/2010/")
        assert page.console_errors == []
    finally:
        server.shutdown()


def test_no_results_and_stop_words_say_so(sp):
    assert "No cables found" in search(sp, "zzzyzzx")["status"]
    assert "not indexed" in search(sp, "the of and")["status"]
    assert sp.locator(".result").count() == 0


def test_search_page_passes_axe_and_the_html_checker(sp, corpus_site):
    search(sp, "kosovo")
    if VNU.exists() and java():
        rendered = corpus_site.parent / "search-rendered.html"
        rendered.write_text("<!DOCTYPE html>\n" + sp.evaluate("document.documentElement.outerHTML"))
        proc = run_vnu([corpus_site / "search.html", rendered])
        assert proc.returncode == 0, proc.stdout + proc.stderr
    if AXE.exists():
        assert sp.console_errors == []
        sp.add_script_tag(path=str(AXE))
        result = sp.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
        sp.console_errors.clear()    # axe's own attempt to read the stylesheet over file://


def test_either_word_with_or(sp, cables):
    hiz, hez = having(cables, "hizballah"), having(cables, "hezbollah")
    assert hiz and hez and hiz != hez
    assert search(sp, "Hizballah OR Hezbollah")["count"] == len(hiz | hez)
    lebanon = having(cables, "lebanon")
    assert search(sp, "lebanon hizballah OR hezbollah")["count"] == len(lebanon & (hiz | hez))
    assert search(sp, "hizballah or hezbollah")["count"] == len(hiz & hez)   # "or" in lower case is a word
