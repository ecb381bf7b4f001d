"""A full build, checked as a user would: links resolve, rebuilds are identical,
cable text is data, and bad configuration is explained."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from generator.build import build
from generator.cache import ParseCache
from generator.diagnostics import Report
from generator.linkcheck import check_links

from .conftest import CORPUS, ROOT


def digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def run(content: Path, out: Path, strict: bool = False):
    report = Report(quiet=True)
    return build(content, out, report, strict=strict), report


@pytest.fixture(scope="module")
def seeds_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    result, report = run(ROOT / "content", out)
    assert result.ok and report.errors == 0
    return out


def test_seed_site_has_every_page_kind(seeds_site):
    for rel in ["index.html", "404.html", "robots.txt", "sitemap.xml", "feed.xml", "data/cables.jsonl",
                "data/cables.csv", "cable/2007/07/07PARIS3198.html", "cable/2007/07/07PARIS3198.json",
                "cable/2007/07/07PARIS3198.txt", "tag/index.html", "tag/PREL.html", "person/index.html",
                "person/damien-loras.html", "origin/index.html", "origin/embassy-paris.html",
                "classification/index.html", "date/index.html", "date/2007-07.html",
                "subject/index.html", "static/style.css"]:
        assert (seeds_site / rel).is_file(), rel
    assert len((seeds_site / "data/cables.jsonl").read_text().splitlines()) == 5


def test_no_broken_links_or_fragments(seeds_site):
    assert check_links(seeds_site) == []


def test_links_are_relative_files(seeds_site):
    html = (seeds_site / "cable/2007/07/07PARIS3198.html").read_text()
    assert 'href="../../../static/style.css"' in html
    assert 'href="/' not in html and "http://" not in html.split("<main", 1)[1].split("Please visit")[0]


def test_cable_page_content(seeds_site):
    html = (seeds_site / "cable/2007/07/07PARIS3198.html").read_text()
    assert 'id="p1"' in html and 'href="#p10"' in html
    assert '<a class="person" href="../../../person/damien-loras.html">Damien Loras</a>' in html
    assert "External Political Relations" in html       # the PREL tag's name
    assert "Josiah Rosenblatt" in html and "1.4(b)" in html


def test_markdown_page_in_nav_and_cable_ids_linked(seeds_site):
    about = (seeds_site / "about.html").read_text()
    assert '<a href="cable/2007/06/07PARIS2726.html" class="cable-ref">07PARIS2726</a>' in about
    assert '<a href="../../../about.html">About</a>' in (seeds_site / "cable/2007/07/07PARIS3198.html").read_text()


def test_rebuild_is_byte_identical(seeds_site, tmp_path):
    again = tmp_path / "again"
    result, _ = run(ROOT / "content", again)
    assert result.ok and digest(again) == digest(seeds_site)


def test_cable_text_is_data_and_paths_stay_inside(tmp_path):
    content = tmp_path / "content"
    (content / "cables").mkdir(parents=True)
    (content / "cables" / "evil.txt").write_text(
        "CONFIDENTIAL ../../ETC 001234\n\nSUBJECT: <script>alert('x')</script>\n\n"
        "1. (C) <img src=x onerror=alert(1)> met FM Lavrov.\n")
    out = tmp_path / "out"
    result, _ = run(content, out)
    assert result.ok
    from generator.write import manifest_path
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p != manifest_path(out)]
    assert all(out in p.parents or content in p.parents for p in files)
    page = next(out.glob("cable/**/*.html")).read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_never_replaces_a_folder_it_did_not_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work")
    for out in (mine, content, content / "cables", tmp_path):
        result, report = run(content, out)
        assert not result.ok and report.errors == 1, out
    assert (mine / "thesis.docx").read_text() == "years of work"
    assert (content / "cables/000_fedcf07303434e2b.txt").is_file()
    site = tmp_path / "site"
    assert run(content, site)[0].ok and run(content, site)[0].ok   # its own output: rebuilt


def test_unknown_theme_and_bad_site_toml_are_explained(tmp_path):
    content = tmp_path / "content"
    (content / "cables").mkdir(parents=True)
    (content / "site.toml").write_text('theme = "nope"\ntitel = "x"\n')
    out = tmp_path / "out"
    out.mkdir()
    (out / ".cablesite-site").write_text("")
    (out / "keep.html").write_text("previous site")
    result, report = run(content, out)
    assert not result.ok
    messages = [str(d) for d in report.items]
    assert any("unknown key 'titel'" in m and "Did you mean 'title'?" in m for m in messages)
    assert any("unknown theme 'nope'" in m and "Known themes: default" in m for m in messages)
    assert (out / "keep.html").read_text() == "previous site"   # the previous site is untouched


def test_site_overrides_one_template(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "templates").mkdir()
    (content / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Nothing here, says our newsroom</h1>{% endblock %}')
    out = tmp_path / "out"
    result, _ = run(content, out)
    assert result.ok and "says our newsroom" in (out / "404.html").read_text()


def test_missing_template_names_the_fix(tmp_path):
    content = tmp_path / "content"
    (content / "cables").mkdir(parents=True)
    theme = content / "themes" / "bare" / "templates"
    theme.mkdir(parents=True)
    (theme / "base.html").write_text("{% block main %}{% endblock %}")
    (content / "site.toml").write_text('theme = "bare"\n')
    result, report = run(content, tmp_path / "out")
    assert not result.ok
    assert any("template 'home.html' not found" in str(d) and "Did you forget" in str(d)
               for d in report.items)


def test_strict_fails_on_warnings_and_keeps_previous_site(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "out"
    assert run(content, out, strict=True)[0].ok          # the bundled site builds strictly
    (out / "index.html").write_text("old")
    (content / "cables" / "no-tags.txt").write_text("CONFIDENTIAL PARIS 001234\n\nSUBJECT: X\n\n1. (C) Hi.\n")
    result, report = run(content, out, strict=True)
    assert not result.ok and "missing-tags" in report.by_kind("warning")
    assert (out / "index.html").read_text() == "old"


@pytest.mark.corpus
def test_corpus_site_links_and_identical_rebuild(tmp_path):
    content = tmp_path / "content"
    (content / "cables").mkdir(parents=True)
    shutil.copytree(CORPUS, content / "cables" / "corpus")
    shutil.copytree(ROOT / "content" / "cables", content / "cables" / "seeds")
    one, two = tmp_path / "one", tmp_path / "two"
    r1, rep = run(content, one)
    assert r1.ok and rep.errors == 0 and r1.cables == 675
    assert check_links(one) == []
    r2, _ = run(content, two)
    assert digest(one) == digest(two)


def test_parallel_parse_gives_the_same_site(tmp_path):
    """--jobs 2 and --jobs 1 build byte-identical sites (the pool keeps source order)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    base = (ROOT / "content/cables/000_fedcf07303434e2b.txt").read_text()
    for k in range(200):   # enough records for the pool to be used
        (content / "cables" / f"copy{k:03d}.txt").write_text(base.replace("003198", f"{4000 + k:06d}"))
    one, two = tmp_path / "one", tmp_path / "two"
    assert build(content, one, Report(quiet=True), jobs=1).ok
    assert build(content, two, Report(quiet=True), jobs=2).ok
    assert digest(one) == digest(two)


def test_progress_lines_in_ci_logs(tmp_path):
    import io

    from generator.progress import Progress
    stream = io.StringIO()
    result = build(ROOT / "content", tmp_path / "out", Report(quiet=True), progress=Progress(stream))
    assert result.ok
    lines = stream.getvalue().splitlines()
    assert "cablesite: parse: 5 cables from 5 files" in "\n".join(lines)
    assert any(line.startswith("cablesite: render: ") and "pages" in line for line in lines)


def test_rebuild_keeps_unchanged_files_and_rewrites_what_changed(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "site"
    first, _ = run(content, out)
    loras = out / "person/damien-loras.html"
    stamp = loras.stat().st_mtime_ns
    second, _ = run(content, out)
    assert (second.changed, second.unchanged) == (0, first.files)
    text = (content / "cables/000_fedcf07303434e2b.txt").read_text()
    (content / "cables/new.txt").write_text(text.replace("003198", "003299").replace("270913Z", "280913Z")
                                            .replace("Damien Loras", "Pierre Vimont").replace("Loras", "Vimont"))
    third, _ = run(content, out)
    assert third.ok and 0 < third.changed < third.files
    assert (out / "cable/2007/07/07PARIS3299.html").is_file()
    assert loras.stat().st_mtime_ns == stamp          # a page the new cable does not touch
    fresh = tmp_path / "fresh"
    run(content, fresh)
    assert digest(fresh) == digest(out)               # the same bytes as a full build


def test_incremental_build_reparses_one_file_and_matches_a_full_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache, out = tmp_path / "cache", tmp_path / "site"
    first = build(content, out, Report(quiet=True), cache_dir=cache)
    assert first.parsed == 5
    again = build(content, out, Report(quiet=True), cache_dir=cache)
    assert again.parsed == 0 and again.changed == 0
    cable = content / "cables/001_2a79f56e12a0477c.txt"
    cable.write_text(cable.read_text().replace("Friends Indeed", "Friends in Deed"))
    third = build(content, out, Report(quiet=True), cache_dir=cache)
    assert third.parsed == 1 and 0 < third.changed < third.files
    full = tmp_path / "full"
    assert build(content, full, Report(quiet=True), cache_dir=tmp_path / "cache2", clean=True).parsed == 5
    assert digest(full) == digest(out)


def test_large_indexes_split_by_letter_and_sitemap_parts(tmp_path, monkeypatch):
    import generator.feeds
    import generator.pages
    from generator.synth import generate
    monkeypatch.setattr(generator.pages, "AZ_SPLIT", 50)
    monkeypatch.setattr(generator.pages, "AZ_PAGE", 20)
    monkeypatch.setattr(generator.feeds, "SITEMAP_URLS", 500)
    monkeypatch.setattr(generator.pages, "DATA_PART_CABLES", 10)
    content = tmp_path / "content"
    for path, data in generate(150):
        target = content / "cables" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    out = tmp_path / "site"
    assert run(content, out)[0].ok
    index = (out / "person/index.html").read_text()
    assert 'href="letter-a.html"' in index and "index-list" not in index
    assert (out / "person/letter-a.html").is_file()
    assert check_links(out) == []
    assert "<sitemapindex" in (out / "sitemap.xml").read_text() and (out / "sitemap-2.xml").is_file()
    # the data export is cut by year, a full year in numbered parts; together the parts
    # hold every cable once, and the data page links each part
    import csv
    import json
    parts = sorted((out / "data").glob("*.jsonl"))
    assert not (out / "data/cables.jsonl").exists() and len(parts) > 2
    ids, years = [], set()
    for part in parts:
        rows = [json.loads(line) for line in part.read_text().splitlines()]
        assert 0 < len(rows) <= 10, part.name
        name = part.stem.split("-")
        assert {r["date"][:4] if r["date"] else "undated" for r in rows} == {name[1]}, part.name
        years.add(name[1])
        with open(part.with_suffix(".csv"), newline="") as f:
            table = list(csv.DictReader(f))
        assert [t["id"] for t in table] == [r["id"] for r in rows]
        ids += [r["id"] for r in rows]
    assert len(ids) == 150 and len(set(ids)) == 150
    assert any(p.stem.endswith("-2") for p in parts)      # some year held more than 10 cables
    page = (out / "data/index.html").read_text()
    assert all(f'href="{p.name}"' in page for p in parts)


@pytest.mark.parametrize("apart", [False, True])
def test_people_resolved_afresh_from_the_parse_cache_match_a_full_build(tmp_path, monkeypatch,
                                                                         apart):
    """With the people's ledger gone (a change to the resolving code or to people.toml
    does the same) and every file in the parse cache, the people are resolved afresh
    from the cached files' people inputs, read back from the cache by file, in this
    process or in the people process: the site is a clean build's, people pages included."""
    from generator import resolving
    if apart:
        monkeypatch.setattr(resolving, "_PEOPLE_APART", 1)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache, out = tmp_path / "cache", tmp_path / "site"
    assert build(content, out, Report(quiet=True), cache_dir=cache).parsed == 5
    for name in ("people.pickle", "people.sqlite"):
        (cache / name).unlink()
    _new_cable(content)
    again = build(content, out, Report(quiet=True), cache_dir=cache)
    assert again.ok and again.parsed == 1
    full = tmp_path / "full"
    build(content, full, Report(quiet=True), cache_dir=tmp_path / "cache2", clean=True)
    assert digest(full) == digest(out)
    assert sum(p.startswith("person/") for p in digest(out)) > 20


def _new_cable(content: Path) -> None:
    """A new cable (new ID, same people and tags as a seed) in the content folder."""
    text = (content / "cables/000_fedcf07303434e2b.txt").read_text()
    (content / "cables/new.txt").write_text(text.replace("003198", "003299").replace("270913Z", "280913Z"))


def test_rebuild_renders_only_pages_whose_context_changed(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache, out = tmp_path / "cache", tmp_path / "site"
    first = build(content, out, Report(quiet=True), cache_dir=cache)
    assert first.rendered == first.pages > 100
    again = build(content, out, Report(quiet=True), cache_dir=cache)
    assert (again.rendered, again.changed, again.pages) == (0, 0, first.pages)
    _new_cable(content)
    third = build(content, out, Report(quiet=True), cache_dir=cache)
    assert 2 <= third.rendered < third.pages // 2 and third.changed >= third.rendered - 10
    fresh = tmp_path / "fresh"
    build(content, fresh, Report(quiet=True), cache_dir=tmp_path / "cache2", clean=True)
    assert digest(fresh) == digest(out)
    # a template change renders every page again
    (content / "templates").mkdir()
    base = (ROOT / "themes/default/templates/base.html").read_text()
    (content / "templates/base.html").write_text(base.replace("</footer>", "<p>Mirror.</p></footer>"))
    fourth = build(content, out, Report(quiet=True), cache_dir=cache)
    assert fourth.rendered == fourth.pages
    assert "Mirror." in (out / "cable/2007/07/07PARIS3299.html").read_text()


def test_a_rebuild_makes_routes_only_for_the_cable_pages_it_renders(tmp_path, monkeypatch):
    """A rebuild fingerprints every cable page and raw view without making its route
    (``cable_fingerprints``); the routes made are those of the pages rendered again (the
    new cable's two, the cable it comes after), and a clean build makes every one."""
    import generator.build
    from generator.pages import CableRoutes
    made, rendered = [], []
    route, render = CableRoutes._route, generator.build.render
    monkeypatch.setattr(CableRoutes, "_route", lambda self, k: made.append(k) or route(self, k))
    monkeypatch.setattr(generator.build, "render",
                        lambda r, *args: rendered.append(r.path) or render(r, *args))
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache, out = tmp_path / "cache", tmp_path / "site"
    first = build(content, out, Report(quiet=True), cache_dir=cache)
    assert sorted(made) == list(range(2 * first.cables))
    made.clear()
    assert build(content, out, Report(quiet=True), cache_dir=cache).rendered == 0
    assert made == []
    _new_cable(content)
    rendered.clear()
    third = build(content, out, Report(quiet=True), cache_dir=cache)
    pages = {p for p in rendered if p.startswith("cable/")}
    assert 3 <= len(made) == len(set(made)) == len(pages) < 2 * third.cables
    assert "cable/2007/07/07PARIS3299.html" in pages and "cable/2007/07/07PARIS3299-raw.html" in pages


def test_a_site_changed_by_another_build_is_not_trusted(tmp_path):
    """The page digests hold only for the output folder as their build left it."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache, out = tmp_path / "cache", tmp_path / "site"
    build(content, out, Report(quiet=True), cache_dir=cache)
    _new_cable(content)
    build(content, out, Report(quiet=True), cache_dir=tmp_path / "other-cache")
    (content / "cables/new.txt").unlink()
    back = build(content, out, Report(quiet=True), cache_dir=cache)
    assert back.rendered == back.pages
    fresh = tmp_path / "fresh"
    build(content, fresh, Report(quiet=True), clean=True)
    assert digest(fresh) == digest(out)


def test_a_site_restored_with_its_caches_in_a_fresh_checkout_is_rebuilt_incrementally(tmp_path):
    """CI: the site, the list beside it and the cache are saved after a build and restored
    into a fresh checkout (every file new: other inodes and times).  Adding a cable then
    parses one file and renders only the pages it changes, as on the machine that built
    the site; restored without its list, the site is not trusted (every page rendered)."""
    from generator.write import manifest_path
    first_dir, ci = tmp_path / "first", tmp_path / "ci"
    shutil.copytree(ROOT / "content", first_dir / "content")
    build(first_dir / "content", first_dir / "site", Report(quiet=True),
          cache_dir=first_dir / "cache")
    for restored_list in (True, False):
        shutil.rmtree(ci, ignore_errors=True)
        shutil.copytree(ROOT / "content", ci / "content")           # the checkout
        shutil.copytree(first_dir / "cache", ci / "cache")          # the cache action
        shutil.copytree(first_dir / "site", ci / "site")
        if restored_list:
            shutil.copy(manifest_path(first_dir / "site"), manifest_path(ci / "site"))
        _new_cable(ci / "content")
        r = build(ci / "content", ci / "site", Report(quiet=True), cache_dir=ci / "cache")
        assert r.ok and r.parsed == 1
        if restored_list:
            assert 2 <= r.rendered < r.pages // 2 and r.changed < r.files // 2
        else:
            assert r.rendered == r.pages
        fresh = tmp_path / "fresh"
        build(ci / "content", fresh, Report(quiet=True), clean=True)
        assert digest(fresh) == digest(ci / "site")
        shutil.rmtree(fresh)


def test_interrupted_build_leaves_the_previous_site(tmp_path, monkeypatch):
    import generator.build
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "site"
    build(content, out, Report(quiet=True), cache_dir=tmp_path / "cache")
    before = digest(out)
    _new_cable(content)
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) > 20:
            raise KeyboardInterrupt
        return render(*args, **kwargs)

    render = generator.build.render
    monkeypatch.setattr(generator.build, "render", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(content, out, Report(quiet=True), cache_dir=tmp_path / "cache")
    assert digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == [".site.files"]
    # a build killed outright leaves its staging folder: the next build removes it
    (tmp_path / ".site.building-999999").mkdir()
    monkeypatch.setattr(generator.build, "render", render)
    assert build(content, out, Report(quiet=True), cache_dir=tmp_path / "cache").ok
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == [".site.files"]
    assert (out / "cable/2007/07/07PARIS3299.html").is_file()


def test_interrupted_commit_is_completed_by_the_next_build(tmp_path, monkeypatch):
    import generator.write
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "site"
    build(content, out, Report(quiet=True), cache_dir=tmp_path / "cache")
    _new_cable(content)
    moves = []
    replace = generator.write.os.replace

    class Killed(BaseException):
        pass

    def dying(src, dst):       # killed on the site's fifth move (caches' files aside)
        if str(dst).startswith(str(out)):
            moves.append(dst)
            if len(moves) == 5:
                raise Killed
        replace(src, dst)

    monkeypatch.setattr(generator.write.os, "replace", dying)
    with pytest.raises(Killed):
        build(content, out, Report(quiet=True), cache_dir=tmp_path / "cache")
    monkeypatch.setattr(generator.write.os, "replace", replace)
    assert (out / generator.write.JOURNAL).is_file()
    assert build(content, out, Report(quiet=True), cache_dir=tmp_path / "cache").ok
    assert not (out / generator.write.JOURNAL).exists()
    fresh = tmp_path / "fresh"
    build(content, fresh, Report(quiet=True), clean=True)
    assert digest(fresh) == digest(out)


def test_sitemap_parts_stay_under_a_megabyte(monkeypatch):
    import generator.feeds
    from generator.feeds import sitemaps
    paths = [f"cable/2007/07/07PARIS{n:06d}.html" for n in range(60000)]
    files = dict(sitemaps(paths, "https://cables.example.org/a/long/base/path/"))
    parts = [name for name in files if name != "sitemap.xml"]
    assert len(parts) >= 5 and all(len(files[p]) <= generator.feeds.SITEMAP_BYTES for p in parts)
    listed = [line for p in parts for line in files[p].decode().splitlines() if "<url>" in line]
    assert len(listed) == 60000 and listed == sorted(listed)
    assert files["sitemap.xml"].decode().count("<sitemap>") == len(parts)


def test_a_file_gone_between_discovery_and_parsing_is_reported(tmp_path):
    from generator.collect import collect
    from generator.discover import discover
    shutil.copytree(ROOT / "content/cables", tmp_path / "cables")
    sources, _ = discover([tmp_path / "cables"], base=tmp_path, keep=False)
    assert all(s.data is None and s.size > 0 for s in sources)
    Path(sources[0].file).unlink()
    col = collect(sources)
    assert len(col.cables) == len(sources) - 1
    assert [(d.kind, d.path) for d in col.diagnostics if d.severity == "error"] == [("input", sources[0].path)]


def test_a_file_left_unread_by_discovery_and_gone_before_parsing_is_reported(tmp_path):
    from generator.collect import collect
    from generator.discover import discover
    shutil.copytree(ROOT / "content/cables", tmp_path / "cables")
    sources, _ = discover([tmp_path / "cables"], base=tmp_path, keep=False, defer=True)
    assert all(s.sha256 is None for s in sources)
    Path(sources[0].file).unlink()
    hashes: dict = {}
    col = collect(sources, hashes=hashes)
    assert len(col.cables) == len(sources) - 1
    assert [(d.kind, d.path) for d in col.diagnostics if d.severity == "error"] == [("input", sources[0].path)]


def test_a_first_build_hashes_the_cables_as_it_parses_them(tmp_path, monkeypatch):
    """With an empty parse cache, discovery reads no cable: the parse workers read and hash
    them, the table of hashes is filled as discovery fills it, and the next build reads
    none of them; the site is the one a build whose discovery hashed them makes."""
    from generator import discover as discover_mod
    from generator.kept import FileHashes
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cables = sorted((content / "cables").glob("*.txt"))
    for f in cables:
        os.utime(f, (1_600_000_000, 1_600_000_000))     # long before the build
    read = []
    real = discover_mod._read
    names = {f.name for f in cables}       # (the Markdown pages are read, not hashed)
    monkeypatch.setattr(discover_mod, "_read",
                        lambda f: (Path(f).name in names and read.append(Path(f).name)) or real(f))
    cache, out = tmp_path / "cache", tmp_path / "site"
    first = build(content, out, Report(quiet=True), jobs=2, cache_dir=cache)
    assert first.ok and first.parsed == len(cables) and read == []
    table = FileHashes(cache / "files.pickle").hashes
    assert {Path(f).name: sha for f, (_, sha) in table.items()} == \
        {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in cables}
    again = build(content, out, Report(quiet=True), cache_dir=cache)
    assert again.parsed == 0 and again.changed == 0 and read == []
    # a file changed meanwhile is read by discovery (the cache has something to look up)
    cable = content / "cables/001_2a79f56e12a0477c.txt"
    cable.write_text(cable.read_text().replace("Friends Indeed", "Friends in Deed"))
    third = build(content, out, Report(quiet=True), cache_dir=cache)
    assert third.parsed == 1 and read == [cable.name]
    monkeypatch.setattr(discover_mod, "_read", real)
    hashed = tmp_path / "hashed"
    monkeypatch.setattr(ParseCache, "empty", lambda self: False)    # nothing deferred
    assert build(content, hashed, Report(quiet=True), cache_dir=tmp_path / "cache2").parsed == 5
    assert digest(hashed) == digest(out)


def test_a_rebuild_reads_only_the_cables_it_prints(tmp_path, monkeypatch):
    """Kept pages, search cards and export files read nothing from the cache: a no-change
    rebuild reads no full cable but the newest few for the feed's summaries; adding a
    cable reads that cable and the data part it joins (search, whose cards are numbered
    in index order and so move, is left out of that part)."""
    from generator import build as build_mod
    from generator.cache import CableStore
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache, out = tmp_path / "cache", tmp_path / "site"
    build(content, out, Report(quiet=True), cache_dir=cache)
    reads = []
    read = CableStore.cable
    monkeypatch.setattr(CableStore, "cable", lambda self, i: reads.append(i) or read(self, i))
    again = build(content, out, Report(quiet=True), cache_dir=cache)
    feed = [i for i in reads if reads.count(i) == 1]
    assert again.rendered == 0 and again.changed == 0 and reads == feed and len(feed) <= 5
    reads.clear()
    monkeypatch.setattr(build_mod, "search_parts", lambda *args: iter(()))
    _new_cable(content)
    third = build(content, out, Report(quiet=True), cache_dir=cache)
    assert third.rendered >= 2 and third.cables == 6
    # every read is a page rendered (a cable page or raw view), the new cable's .json and
    # .txt (one read), the data part it joins (cables.jsonl, every cable) or the feed
    assert len(reads) <= third.rendered + 1 + third.cables + 5 and len(set(reads)) == 6


def test_the_model_is_frozen_for_the_garbage_collector_while_pages_are_rendered(tmp_path,
                                                                                 monkeypatch):
    """``gathering``: the collector is off while the model is gathered, the model frozen
    before the render workers are forked, and a build leaves the collector as it found
    it (on, or off) with nothing frozen (``serve`` builds again in one process)."""
    import gc
    import generator.build
    seen = []
    render_all = generator.build.render_all

    def watched(*args, **kwargs):
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        return render_all(*args, **kwargs)

    monkeypatch.setattr(generator.build, "render_all", watched)
    assert gc.isenabled()
    assert build(ROOT / "content", tmp_path / "site", Report(quiet=True)).ok
    enabled, frozen = seen[0]
    assert enabled and frozen > 10_000
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        assert build(ROOT / "content", tmp_path / "site", Report(quiet=True)).ok
        assert not seen[1][0] and seen[1][1] > 10_000
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_files_staged_by_workers_are_counted_as_one_process_counts_them(tmp_path, monkeypatch):
    """Render, export, search cards and term ranges on two processes, whose workers stage
    the files they make: a rebuild after one new cable counts, keeps and replaces the same
    files as one process does, and the site equals a full build."""
    import generator.export
    import generator.search.parts
    import generator.search.postings
    monkeypatch.setattr(generator.export, "FORK_AT", 10)
    monkeypatch.setattr(generator.search.parts, "CARDS_FORK_AT", 10)
    monkeypatch.setattr(generator.search.postings, "ENCODE_FORK_AT", 2)
    monkeypatch.setattr(generator.search.postings, "CHUNK", 2000)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    base = (content / "cables/000_fedcf07303434e2b.txt").read_text()
    for k in range(150):      # over 400 routes: the pages are rendered on the workers too
        (content / "cables" / f"copy{k:03d}.txt").write_text(base.replace("003198", f"{4000 + k:06d}"))

    def inodes(out: Path) -> dict[str, int]:
        return {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*")
                if p.is_file() and p.name != ".cablesite-site"}
    before = {}
    for jobs in (1, 2):
        out = tmp_path / f"site{jobs}"
        assert build(content, out, Report(quiet=True), jobs=jobs, cache_dir=tmp_path / f"c{jobs}").ok
        before[jobs] = inodes(out)
    (content / "cables/new.txt").write_text(base.replace("003198", "003299").replace("270913Z", "280913Z"))
    counts = {}
    for jobs in (1, 2):
        out = tmp_path / f"site{jobs}"
        r = build(content, out, Report(quiet=True), jobs=jobs, cache_dir=tmp_path / f"c{jobs}")
        assert r.ok
        after = inodes(out)
        replaced = sum(1 for p, ino in after.items() if before[jobs].get(p) != ino)
        assert replaced == r.changed and 0 < r.changed < r.files
        counts[jobs] = (r.files, r.changed, r.unchanged)
        assert r.pages > 400
    assert counts[1] == counts[2]
    assert digest(tmp_path / "site1") == digest(tmp_path / "site2")
    full = tmp_path / "full"
    assert build(content, full, Report(quiet=True), jobs=2).ok
    assert digest(full) == digest(tmp_path / "site2")


def test_files_without_a_fingerprint_are_kept_or_replaced_by_their_recorded_digest(tmp_path,
                                                                                  monkeypatch):
    """The search index's shards, the sitemaps and the feed have no fingerprint of what
    they are made from; the digest of their bytes is recorded instead.  A rebuild keeps
    those whose bytes are the same and writes the others without reading the previous
    file to compare (a changed shard's previous file is read, once, for the rows of its
    terms that did not change: ``search.lastshards``); without a recorded digest (no
    cache) it compares with the previous file."""
    from generator import write
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cache, out = tmp_path / "cache", tmp_path / "site"
    build(content, out, Report(quiet=True), cache_dir=cache)
    opened = []
    real_open = open

    def spy(path, mode="r", *args, **kwargs):
        if "r" in mode and str(path).startswith(str(out)):
            opened.append(Path(path).relative_to(out).as_posix())
        return real_open(path, mode, *args, **kwargs)
    monkeypatch.setattr(write, "open", spy, raising=False)
    stamps = {p: p.stat().st_mtime_ns for p in (out / "search/index/t").rglob("*.js")}
    again = build(content, out, Report(quiet=True), cache_dir=cache)
    assert again.changed == 0 and opened == []
    assert all(p.stat().st_mtime_ns == t for p, t in stamps.items())
    _new_cable(content)
    third = build(content, out, Report(quiet=True), cache_dir=cache)
    shards = [p for p in (out / "search/index/t").rglob("*.js") if p.stat().st_mtime_ns != stamps.get(p)]
    assert third.ok and shards                    # the new cable's terms changed some shards
    read = [p for p in opened if p.startswith("search/index/") or p.startswith("sitemap")]
    changed = {p.relative_to(out).as_posix() for p in shards if p in stamps}
    assert read and len(set(read)) == len(read) and set(read) <= changed
    assert all(re.fullmatch(r"search/index/t/\w+\.js", p) for p in read)    # no tier, no sitemap
    fresh = tmp_path / "fresh"
    assert build(content, fresh, Report(quiet=True)).ok
    assert digest(fresh) == digest(out)
    # without a cache nothing is recorded: the writer reads the previous files to compare
    opened.clear()
    fourth = build(content, out, Report(quiet=True))
    assert fourth.changed == 0 and any(p.startswith("search/index/t/") for p in opened)


def test_a_cable_added_to_a_long_list_rewrites_its_own_page_of_it_not_the_pages_after(tmp_path):
    """Lists are cut at their cables (``pagecuts``), a later page is named after its
    first cable, and only the first page names the count: a new cable rewrites the first
    page and its own page of each list it joins (and, when it makes a new cut, the page
    after it, whose "previous" link changes).  Cut every ``per_page`` cables and numbered,
    every page after it was rewritten."""
    import re
    from generator.synth import generate
    content = tmp_path / "content"
    for rel, data in generate(400, csv_share=0, html_share=0):
        (content / "cables" / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / "cables" / rel).write_bytes(data)
    (content / "site.toml").write_text("per_page = 10\n")
    cache, out = tmp_path / "cache", tmp_path / "site"
    assert build(content, out, Report(quiet=True), cache_dir=cache).ok
    before = digest(out)

    def pages_of(files: dict, code: str) -> list[str]:
        return [p for p in files if re.fullmatch(rf"tag/{code}(\.\w+)?\.html", p)]
    code = max({p.split("/")[1].split(".")[0] for p in before if p.startswith("tag/")},
               key=lambda c: len(pages_of(before, c)))
    pages = pages_of(before, code)
    assert len(pages) >= 15
    first_page = (out / f"tag/{code}.html").read_text()
    contents = re.findall(rf'<li><a href="({code}\.\w+\.html)">from ', first_page)
    assert len(contents) == len(pages) - 1 and f"of {len(pages)} (" in first_page
    # a cable of a page in the middle, again under a new serial number
    middle = (out / "tag" / contents[len(contents) // 2]).read_text()
    assert "First page" in middle and f"of {len(pages)}" not in middle
    key = re.findall(r'href="\.\./cable/[^"]+/([^"/]+)\.html"', middle)[2]
    source = next((content / "cables").rglob(f"{key}.txt"))
    text = re.sub(r"^((?:UNCLAS|C ?O ?N ?F ?I ?D ?E ?N ?T ?I ?A ?L|S ?E ?C ?R ?E ?T)\S* "
                  r"[A-Z][A-Z ]* )\d{6}$", lambda m: m.group(1) + "999001", source.read_text(),
                  count=1, flags=re.M)
    assert text != source.read_text()
    (content / "cables" / "added.txt").write_text(text)
    rebuilt = build(content, out, Report(quiet=True), cache_dir=cache)
    assert rebuilt.ok
    after = digest(out)
    changed = [p for p in pages if after.get(p) != before[p]]
    added = [p for p in pages_of(after, code) if p not in before]
    assert f"tag/{code}.html" in changed and len(changed) <= 3 and len(added) <= 1, \
        (changed, added, len(pages))
    # and only about the pages whose bytes change are rendered, not every page of the lists
    # the new cable joins (fingerprinting a list page by its list's digest did that: 149
    # pages rendered here for 39 whose bytes changed)
    html = [p for p in after if p.endswith(".html") and before.get(p) != after[p]]
    assert rebuilt.rendered <= len(html) + 5, (rebuilt.rendered, len(html))
    fresh = tmp_path / "fresh"
    build(content, fresh, Report(quiet=True), cache_dir=tmp_path / "cache2", clean=True)
    assert digest(fresh) == after
    assert check_links(out) == []


def _apart_builds(tmp_path: Path, monkeypatch) -> tuple[Path, Path, Path]:
    """The seeds built once with a cache, and a new cable added: the next build with two
    jobs makes its search index and exports apart (one file parsed in six is few enough
    here)."""
    from generator import build as build_mod, forked
    if not forked.available():
        pytest.skip("no fork on this platform")
    monkeypatch.setattr(build_mod, "ALONGSIDE_PARSED", 1)
    content, cache, out = tmp_path / "content", tmp_path / "cache", tmp_path / "site"
    shutil.copytree(ROOT / "content", content)
    build(content, out, Report(quiet=True), jobs=2, cache_dir=cache)
    _new_cable(content)
    return content, cache, out


def test_a_rebuild_makes_its_search_index_and_exports_apart_and_writes_what_one_in_turn_does(
        tmp_path, monkeypatch):
    content, cache, out = _apart_builds(tmp_path, monkeypatch)
    twin, twin_cache = tmp_path / "twin", tmp_path / "twin-cache"
    shutil.copytree(out, twin)
    shutil.copy(tmp_path / ".site.files", tmp_path / ".twin.files")
    shutil.copytree(cache, twin_cache)
    apart = build(content, out, Report(quiet=True), jobs=2, cache_dir=cache)
    assert apart.ok and list(apart.alongside) == ["search", "export"]
    assert apart.alongside["search"] > 0 and apart.alongside["export"] > 0
    assert list(apart.timings) == ["discover", "parse", "resolve", "render", "export", "apart",
                                   "write"]
    in_turn = build(content, twin, Report(quiet=True), jobs=1, cache_dir=twin_cache)
    assert not in_turn.alongside
    assert (apart.files, apart.changed, apart.unchanged, apart.rendered) == \
        (in_turn.files, in_turn.changed, in_turn.unchanged, in_turn.rendered)
    fresh = tmp_path / "fresh"
    build(content, fresh, Report(quiet=True), cache_dir=tmp_path / "fresh-cache")
    assert digest(fresh) == digest(out) == digest(twin)
    # the search files' fingerprints came back, and the export's records: the next build
    # has every one a build in turn recorded, in the same part (the process apart's,
    # which it reads alone)
    pages, made_apart, exports = _fingerprints(cache)
    assert (pages, made_apart, exports) == _fingerprints(twin_cache)
    assert sum(p.startswith("search/index/d/") for p in made_apart) == 6
    assert list(exports) == ["cables"]
    exported = exports["cables"][1].split("\n")
    assert len(exported) == 14           # each cable's two files, and the part's two
    assert len(exports["cables"][2]) == 16 * 14
    assert all(p.startswith("search/index/") for p in made_apart)
    assert not any(p.startswith("search/index/") or p.startswith(("data/cables.", "cable/"))
                   and p.endswith((".json", ".txt", ".csv", ".jsonl")) for p in pages)
    assert "data/index.html" in pages and "robots.txt" in pages
    again = build(content, out, Report(quiet=True), jobs=2, cache_dir=cache)
    assert again.alongside and again.changed == 0 and again.rendered == 0


def _fingerprints(cache: Path) -> tuple[dict[str, bytes], dict[str, bytes], dict]:
    """The pages' and files' fingerprints a build recorded for the next: of the others,
    of the files the search index made, and the export's records of its parts."""
    from generator.kept import read_pickle, unpacked_prints
    _, _, parts, _, exports = read_pickle(cache / "pages.pickle")
    return *(unpacked_prints(paths, prints) for paths, prints in parts), exports


def test_the_search_index_is_made_in_turn_without_the_memory_for_a_process_apart(tmp_path,
                                                                                 monkeypatch):
    from generator import build as build_mod, forked
    content, cache, out = _apart_builds(tmp_path, monkeypatch)
    monkeypatch.setattr(forked, "memory_room", lambda: (2 << 30, (2 << 30) - 1))
    tight = build(content, out, Report(quiet=True), jobs=2, cache_dir=cache)
    assert tight.ok and not tight.alongside
    monkeypatch.setattr(forked, "memory_room", lambda: (2 << 30, 2 << 30))
    assert build_mod._alongside(2, {"a": b""}, 0, 10)
    monkeypatch.setattr(forked, "memory_room", lambda: None)      # cannot be told: apart
    assert build_mod._alongside(2, {"a": b""}, 1, 10)
    monkeypatch.setattr(build_mod, "ALONGSIDE_PARSED", 10)
    assert not build_mod._alongside(2, {"a": b""}, 2, 10)   # parsed many
    assert not build_mod._alongside(1, {"a": b""}, 0, 10)   # one job
    assert not build_mod._alongside(2, {}, 0, 10)           # a first build


@pytest.mark.parametrize("stage", ["search_parts", "write_exports"])
def test_a_stage_that_fails_apart_fails_the_build_and_leaves_the_previous_site(
        tmp_path, monkeypatch, stage):
    from generator import build as build_mod
    content, cache, out = _apart_builds(tmp_path, monkeypatch)
    before = digest(out)

    def broken(*args, **kwargs):
        raise ValueError("a file that cannot be made")
    works = getattr(build_mod, stage)
    monkeypatch.setattr(build_mod, stage, broken)
    with pytest.raises(ValueError, match="cannot be made") as info:
        build(content, out, Report(quiet=True), jobs=2, cache_dir=cache)
    assert "in the process apart" in str(info.value.__cause__)
    assert digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == [".site.files"]
    monkeypatch.setattr(build_mod, stage, works)
    assert build(content, out, Report(quiet=True), jobs=2, cache_dir=cache).alongside
    fresh = tmp_path / "fresh"
    build(content, fresh, Report(quiet=True))
    assert digest(fresh) == digest(out)


def test_the_process_apart_gets_the_people_read_and_cannot_stop_their_process():
    """The process apart is forked once the people are read, and resolves the shared site
    itself: a stage failing there cancels no process (the people's is this one's child)."""
    from generator.build import _people_read
    from generator.collect import Collection
    from generator.resolving import People

    class Process:
        cancelled = False

        def cancel(self):
            self.cancelled = True
    done = ({}, [], [])
    people = People(done=done)
    people._apart = process = Process()          # resolved, its process keeping the ledger
    col = Collection([], people, None, [])
    read = _people_read(col)
    assert read.people.result() is done and read.cables is col.cables
    read.people.cancel()
    assert not process.cancelled and col.people is people and people._apart is process


def test_a_build_that_keeps_what_it_found_for_the_next_matches_a_full_build(tmp_path,
                                                                            monkeypatch):
    """A process that builds again (``serve``) keeps the cables found and their summaries
    (``resident.Resident``): told what changed, it reads neither all the files' stamps
    nor the cached summaries again, and builds what a clean build builds."""
    from generator import discover as discover_mod
    from generator.resident import Resident
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "cables/notes.md").write_text("a note: said at each build, not read")
    cache, out, resident = tmp_path / "cache", tmp_path / "site", Resident()
    reports = []

    def again(changed):
        resident.changed = changed
        reports.append(Report(quiet=True))
        return build(content, out, reports[-1], cache_dir=cache, resident=resident)

    assert again(None).parsed == 5 and resident.discovery is None     # (deferred: parsed)
    assert again(None).parsed == 0 and resident.discovery is not None
    assert len(resident.summaries) == 5
    walked, asked = [], []
    monkeypatch.setattr(discover_mod, "_walk", lambda f, w=discover_mod._walk: walked.append(f) or w(f))
    entries = ParseCache.entries
    monkeypatch.setattr(ParseCache, "entries", lambda self, keys: asked.extend(keys) or entries(self, keys))
    _new_cable(content)
    cable = content / "cables/001_2a79f56e12a0477c.txt"
    cable.write_text(cable.read_text().replace("Friends Indeed", "Friends in Deed"))
    gone = content / "cables/004_1c758081f8ab7c29.txt"
    assert gone.exists()
    gone.unlink()
    real = os.path.realpath(content / "cables")
    result = again({os.path.join(real, n) for n in ("new.txt", cable.name, gone.name)}
                   | {os.path.realpath(content / "site.toml")})
    assert result.ok and result.parsed == 2 and result.cables == 5
    assert walked == [str(content / "cables" / n) for n in sorted(("new.txt", cable.name))] \
        + [str(content / "pages")]          # (the pages are few: found again each time)
    assert asked == []          # the three cables' summaries kept
    assert len(resident.summaries) == 5
    full, report = tmp_path / "full", Report(quiet=True)
    assert build(content, full, report, cache_dir=tmp_path / "cache2", clean=True).ok
    assert digest(full) == digest(out)
    assert "skipped" in [d.kind for d in reports[-1].items]
    assert sorted(map(str, reports[-1].items)) == sorted(map(str, report.items))
    # a build that fails half-way lets it all go, and the next finds all again
    monkeypatch.setattr("generator.build.resolve_shared", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        again(set())
    assert resident.discovery is None and not resident.summaries
