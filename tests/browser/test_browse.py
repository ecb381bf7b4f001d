"""The site in a real browser, from file:// and from http://localhost, as a reader uses it."""
from __future__ import annotations

import functools
import http.server
import threading

import pytest

from .conftest import AXE, VNU, java, run_vnu

# One page of every kind.
SAMPLE = ["index.html", "cable/2007/07/07PARIS3198.html", "cable/2007/07/07PARIS3198-raw.html",
          "cable/undated/X-002-711929c1ae99c3c4.html", "person/index.html", "person/damien-loras.html",
          "tag/index.html", "tag/PREL.html", "subject/index.html", "subject/kosovo.html",
          "subject/lines.html", "origin/index.html", "origin/embassy-paris.html", "date/index.html",
          "date/2007-07.html", "classification/index.html", "classification/confidential.html",
          "about.html", "data/index.html", "404.html"]


def test_follow_links_from_home_over_file_url(site, page):
    page.goto((site / "index.html").as_uri())
    assert page.title().endswith("Paris–Moscow cables, 2005–2007")
    page.get_by_role("link", name="07PARIS3198").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("cable/2007/07/07PARIS3198.html")
    assert "DAS KRAMER'S JULY 20 MTG" in page.locator("h1").inner_text()
    page.locator("a.person", has_text="Damien Loras").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("person/damien-loras.html")
    assert page.locator("h1").inner_text() == "Damien Loras"
    page.get_by_role("link", name="07PARIS3198").first.click()
    page.wait_for_load_state()
    page.locator(".meta .tags a", has_text="PREL").click()
    page.wait_for_load_state()
    assert page.url.endswith("tag/PREL.html")
    assert "External Political Relations" in page.locator("h1").inner_text()
    assert page.locator("table.cables tbody tr").count() == 5   # every seed is tagged PREL
    assert page.console_errors == []


def test_paragraph_permalink_targets_the_paragraph(site, page):
    page.goto((site / "cable/2007/07/07PARIS3198.html").as_uri() + "#p3")
    assert page.locator("#p3").evaluate("e => e.matches(':target')")
    page.locator("#p4 a.pilcrow").click()
    assert page.url.endswith("#p4")


def test_site_served_from_localhost_under_a_subpath(site, page, tmp_path):
    root = tmp_path / "www"
    (root / "archive").mkdir(parents=True)
    import shutil
    shutil.copytree(site, root / "archive" / "cables")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/archive/cables/"
        page.goto(base + "index.html")
        page.get_by_role("link", name="Tags").first.click()
        page.wait_for_load_state()
        assert page.url == base + "tag/index.html"
        page.get_by_role("link", name="PREL").first.click()
        page.wait_for_load_state()
        assert page.url == base + "tag/PREL.html"
        assert page.console_errors == []
    finally:
        server.shutdown()


@pytest.mark.parametrize("rel", SAMPLE)
def test_axe_finds_no_wcag_21_aa_violations(site, page, rel):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (scripts/test runs npm install)")
    page.goto((site / rel).as_uri())
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    problems = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert problems == []


def test_nu_html_checker_reports_no_errors(site):
    if not VNU.exists() or not java():
        pytest.skip("vnu-jar or java is missing (scripts/test runs npm install)")
    proc = run_vnu([site / rel for rel in SAMPLE])
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("width, height, name", [(1280, 900, "desktop"), (390, 844, "phone")])
def test_screenshots_of_each_page_kind(site, browser, tmp_path_factory, width, height, name):
    """Not a judge of beauty: pages render at both widths without horizontal overflow."""
    out = tmp_path_factory.mktemp("shots")
    ctx = browser.new_context(viewport={"width": width, "height": height})
    pg = ctx.new_page()
    try:
        for rel in ["index.html", "cable/2007/07/07PARIS3198.html", "person/damien-loras.html",
                    "tag/PREL.html"]:
            pg.goto((site / rel).as_uri())
            pg.screenshot(path=str(out / f"{name}-{rel.replace('/', '_')}.png"), full_page=True)
            overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (rel, name, overflow)
    finally:
        ctx.close()


@pytest.mark.corpus
def test_corpus_site_pages_validate_and_pass_axe(corpus_site, page):
    """A larger sample: cables of every source format, paginated lists, REF links."""
    pages = sorted(corpus_site.glob("cable/*/*/*.html"))
    lists = [corpus_site / "tag/PREL.html", *sorted(corpus_site.glob("tag/PREL.*.*"))[:2]]
    assert "All " in lists[0].read_text() and "First page" in lists[1].read_text()   # paginated
    sample = pages[::5] + lists + \
        sorted(corpus_site.glob("origin/*.html"))[:5] + sorted(corpus_site.glob("person/*.html"))[:5] + \
        [corpus_site / "index.html", corpus_site / "subject/index.html", corpus_site / "person/index.html"]
    if VNU.exists() and java():
        proc = run_vnu(sample)
        assert proc.returncode == 0, proc.stdout[:3000]
    if AXE.exists():
        for p in sample[::12] + lists[:2]:
            page.goto(p.as_uri())
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
            assert [v["id"] for v in result["violations"]] == [], p
    linked = [p for p in pages if 'class="missing"' in p.read_text() or "References</h2>" in p.read_text()]
    assert linked, "some corpus cables have REF lines"


def test_serve_reloads_the_open_page(browser, tmp_path):
    import shutil

    from generator.serve import Server

    from ..conftest import ROOT
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    server = Server(content, tmp_path / "site", port=0, quiet=True)
    server.start()
    ctx = browser.new_context()
    pg = ctx.new_page()
    try:
        pg.goto(server.url + "cable/2007/07/07PARIS3198.html")
        assert "ELYSEE RUSSIA ADVISOR" in pg.locator("h1").inner_text()
        pg.wait_for_timeout(1500)        # the page has polled the version once
        cable = content / "cables/000_fedcf07303434e2b.txt"
        cable.write_text(cable.read_text().replace("ELYSEE RUSSIA ADVISOR", "ELYSEE RUSSIA ADVISER"))
        pg.wait_for_function("document.querySelector('h1').innerText.includes('ADVISER')", timeout=30000)
    finally:
        ctx.close()
        server.stop()


def test_serve_shows_the_preview_then_the_built_page(browser, tmp_path, monkeypatch):
    """The open page of a cable being edited reloads with the preview while the build is
    held back, then again with the built page; a new cable's preview is there to open."""
    import shutil
    import threading

    import generator.serve as serve_module
    from generator.serve import Server

    from ..conftest import ROOT
    gate = threading.Event()
    gate.set()
    build = serve_module.build
    monkeypatch.setattr(serve_module, "build", lambda *a, **k: gate.wait(30) and build(*a, **k))
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    server = Server(content, tmp_path / "site", port=0, quiet=True, cache_dir=tmp_path / "cache")
    server.start()
    ctx = browser.new_context()
    pg = ctx.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        pg.goto(server.url + "cable/2007/07/07PARIS3198.html")
        pg.wait_for_timeout(1500)        # the page has polled the version once
        gate.clear()
        seed = content / "cables/000_fedcf07303434e2b.txt"
        seed.write_text(seed.read_text().replace("ELYSEE RUSSIA ADVISOR", "ELYSEE RUSSIA ADVISER"))
        pg.wait_for_function("document.querySelector('h1').innerText.includes('ADVISER')", timeout=30000)
        assert server.version_text() == "1+1"                  # the preview, the build held
        assert pg.locator("a.person").count() > 5
        pg.click("text=Original text")
        pg.wait_for_url("**/07PARIS3198-raw.html")
        assert "ELYSEE RUSSIA ADVISER" in pg.content()
        pg.go_back()
        gate.set()
        deadline = 300
        while server.version_text() != "2" and deadline:
            pg.wait_for_timeout(100)
            deadline -= 1
        assert server.version_text() == "2"
        pg.wait_for_timeout(1500)        # reloaded once more, now from the built files
        assert "ADVISER" in pg.locator("h1").inner_text()
        gate.clear()
        (content / "cables/new.txt").write_text(seed.read_text().replace("003198", "003299")
                                                .replace("270913Z", "280913Z"))
        deadline = 300
        while server.version_text() != "2+2" and deadline:
            pg.wait_for_timeout(100)
            deadline -= 1
        other = ctx.new_page()          # (the open page reloads meanwhile)
        other.goto(server.url + "cable/2007/07/07PARIS3299.html")
        assert "07PARIS3299" in other.content() and "Previous by date" in other.content()
        assert server.version_text() == "2+2"          # the preview, the build held
        assert errors == []
    finally:
        gate.set()
        ctx.close()
        server.stop()
