"""cablesite serve: serves the site, rebuilds on a change, tells the open page to reload."""
from __future__ import annotations

import os
import re
import shutil
import threading
import time
import urllib.request

import pytest
import watchfiles

from generator.serve import Server, watched

from .conftest import ROOT


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


def edit_seed(content) -> None:
    """Change the subject of the seed cable 07PARIS3198 (ADVISOR to ADVISER)."""
    cable = content / "cables/000_fedcf07303434e2b.txt"
    cable.write_text(cable.read_text().replace("ELYSEE RUSSIA ADVISOR", "ELYSEE RUSSIA ADVISER"))


def wait_for_version(server: Server, version: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while (now := get(server.url + "__cablesite/version")) != version and time.monotonic() < deadline:
        time.sleep(0.1)
    return now


@pytest.mark.parametrize("poll", [False, True], ids=["notified", "polling"])
def test_serve_rebuilds_on_change_and_reloads(tmp_path, poll):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    server = Server(content, tmp_path / "site", port=0, quiet=True, poll=poll)
    server.start()
    try:
        page = get(server.url + "index.html")
        assert "/__cablesite/version" in page                     # the reload script, added on the fly
        assert "__cablesite" not in (tmp_path / "site/index.html").read_text()   # not in the files
        assert get(server.url + "__cablesite/version") == "1"
        cable = content / "cables/000_fedcf07303434e2b.txt"
        cable.write_text(cable.read_text().replace("ELYSEE RUSSIA ADVISOR", "ELYSEE RUSSIA ADVISER"))
        assert wait_for_version(server, "2") == "2"
        assert "ELYSEE RUSSIA ADVISER" in get(server.url + "cable/2007/07/07PARIS3198.html")
    finally:
        server.stop()


def test_serve_ignores_dot_folders_and_keeps_changes_made_during_a_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    server = Server(content, tmp_path / "site", port=0, quiet=True, cache_dir=tmp_path / "cache")
    built = server.rebuild
    during = []

    def rebuild(changed=None):            # a change made while a rebuild runs
        ok = built(changed)
        if not during:
            cable = content / "cables/001_2a79f56e12a0477c.txt"
            cable.write_text(cable.read_text() + "\n")
            during.append(cable)
        return ok
    server.start()
    try:
        assert (tmp_path / "cache/parse.sqlite").exists()            # --cache, as build has
        assert not (tmp_path / ".cablesite-cache").exists()
        time.sleep(0.5)                               # the watcher is set up
        (content / ".notes").mkdir()
        (content / ".notes/todo.txt").write_text("not a cable")
        (content / "cables/draft.txt~").write_text("an editor's backup")
        time.sleep(1.5)
        assert server.rebuilds == 0 and get(server.url + "__cablesite/version") == "1"
        server.rebuild = rebuild
        cable = content / "cables/000_fedcf07303434e2b.txt"
        cable.write_text(cable.read_text().replace("ELYSEE RUSSIA ADVISOR", "ELYSEE RUSSIA ADVISER"))
        # the change made during the second build starts a third
        assert wait_for_version(server, "3") == "3" and during
        assert server.rebuilds == 2
    finally:
        server.stop()


def test_serve_finds_again_only_what_the_watcher_says_changed(tmp_path, monkeypatch):
    """The first rebuild the watcher starts finds every file again; the ones after find
    again only the paths it names (``discover.Discovery``), and a folder of cables added
    or removed shows as a full build shows it."""
    from generator.discover import Discovery
    told = []
    update = Discovery.update
    monkeypatch.setattr(Discovery, "update", lambda self, changed: told.append(changed) or update(self, changed))
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    server = Server(content, tmp_path / "site", port=0, quiet=True, cache_dir=tmp_path / "cache")
    server.start()
    try:
        time.sleep(0.5)                               # the watcher is set up
        seed = content / "cables/000_fedcf07303434e2b.txt"
        seed.write_text(seed.read_text().replace("ELYSEE RUSSIA ADVISOR", "ELYSEE RUSSIA ADVISER"))
        assert wait_for_version(server, "2") == "2" and told == []
        (content / "cables/more/2007").mkdir(parents=True)
        (content / "cables/more/2007/new.txt").write_text(
            seed.read_text().replace("003198", "003299").replace("270913Z", "280913Z"))
        assert wait_for_version(server, "3") == "3"
        assert str((content / "cables/more").resolve()) in set().union(*told)
        page = "cable/2007/07/07PARIS3299.html"
        assert "ELYSEE RUSSIA ADVISER" in get(server.url + page)
        shutil.rmtree(content / "cables/more")
        assert wait_for_version(server, "4") == "4"
        assert not (tmp_path / "site" / page).exists() and len(told) >= 2
        assert (tmp_path / "site/cable/2007/07/07PARIS3198.html").exists()
    finally:
        server.stop()


def test_the_watcher_leaves_out_dot_folders_and_editors_files(tmp_path):
    keep = watched([tmp_path])
    added = watchfiles.Change.added
    assert keep(added, str(tmp_path / "cables" / "a.txt"))
    assert not keep(added, str(tmp_path / "cables" / ".hidden.txt"))  # discover skips them too
    assert not keep(added, str(tmp_path / ".notes"))
    assert not keep(added, str(tmp_path / ".git" / "index"))
    assert not keep(added, str(tmp_path / "cables" / ".cache" / "x"))
    assert not keep(added, str(tmp_path / "cables" / "a.txt.swp"))
    assert not keep(added, str(tmp_path / "cables" / "a.txt~"))
    assert keep(added, os.path.join("/elsewhere", ".x", "y"))     # outside the roots: the default filter


def test_serve_frees_each_build_s_model(tmp_path, monkeypatch):
    """A rebuild leaves nothing of the builds before it alive: neither the last list a
    page was rendered from (``pages.Lazy``) nor what Jinja's reference cycles hold; of
    the sites kept for previews (``preview.keep``), only the last build's."""
    import weakref

    import generator.build as build_module
    import generator.serve as serve_module
    sites, kept = [], []
    resolve, keep = build_module.resolve_shared, serve_module.keep

    def recorded(*args, **kwargs):
        site = resolve(*args, **kwargs)
        sites.append(weakref.ref(site))
        return site

    def kept_recorded(*args):
        made = keep(*args)
        kept.append(weakref.ref(made.site))
        return made
    monkeypatch.setattr(build_module, "resolve_shared", recorded)
    monkeypatch.setattr(serve_module, "keep", kept_recorded)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    server = Server(content, tmp_path / "site", port=0, quiet=True, jobs=2, cache_dir=tmp_path / "cache")
    server.start()
    try:
        for n in range(2):
            cable = content / "cables/000_fedcf07303434e2b.txt"
            cable.write_text(cable.read_text() + "\n")
            assert wait_for_version(server, str(n + 2)) == str(n + 2)
            with server._building:       # the model is freed after the version changes
                pass
        assert len(sites) >= 3
        assert [w for w in sites if w() is not None] == []
        assert len(kept) >= 3 and [w() is not None for w in kept][-1]
        assert [w for w in kept[:-1] if w() is not None] == []
    finally:
        server.stop()


def test_a_browser_going_away_is_not_reported(tmp_path, capsys):
    server = Server(tmp_path, tmp_path / "site", port=0, quiet=True)
    try:
        for exc in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset")):
            try:
                raise exc
            except ConnectionError:
                server.httpd.handle_error(None, ("127.0.0.1", 1))
        assert capsys.readouterr().err == ""
        try:
            raise ValueError("a real problem")
        except ValueError:
            server.httpd.handle_error(None, ("127.0.0.1", 1))
        assert "a real problem" in capsys.readouterr().err
    finally:
        server.httpd.server_close()


def test_serve_polls_where_the_system_cannot_watch(tmp_path, monkeypatch, capsys):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    server = Server(content, tmp_path / "site", port=0, quiet=True)
    notified = server._changes

    def changes(poll: bool):
        if not poll:
            raise OSError(28, "inotify watch limit reached")
        return notified(poll)
    monkeypatch.setattr(server, "_changes", changes)
    server.start()
    try:
        time.sleep(0.5)
        cable = content / "cables/000_fedcf07303434e2b.txt"
        cable.write_text(cable.read_text().replace("ELYSEE RUSSIA ADVISOR", "ELYSEE RUSSIA ADVISER"))
        assert wait_for_version(server, "2") == "2" and server.poll
        assert "polling them instead" in capsys.readouterr().err
    finally:
        server.stop()


def test_serve_says_how_long_each_build_took(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    server = Server(content, tmp_path / "site", port=0, cache_dir=tmp_path / "cache")
    server.start()
    try:
        assert re.search(r"^cablesite: rebuilt in \d+\.\d s: 5 cables, \d+ pages rendered",
                         capsys.readouterr().out, re.M)
    finally:
        server.stop()


def test_serve_previews_a_changed_cable_while_it_builds(tmp_path, monkeypatch, capsys):
    """A changed cable's pages are served, made from the last build's site, and the open
    page told to reload (version ``1+1``), before the whole site is built (``2``); the
    files on disk change only with the build.  A change to anything but cables (here the
    settings) is not previewed."""
    import generator.serve as serve_module
    gate = threading.Event()
    gate.set()
    build = serve_module.build

    def held(*args, **kwargs):          # the build waits while the test looks at the preview
        assert gate.wait(30)
        return build(*args, **kwargs)
    monkeypatch.setattr(serve_module, "build", held)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    server = Server(content, tmp_path / "site", port=0, cache_dir=tmp_path / "cache")
    server.start()
    try:
        time.sleep(0.5)                               # the watcher is set up
        gate.clear()
        edit_seed(content)
        assert wait_for_version(server, "1+1") == "1+1"
        page = "cable/2007/07/07PARIS3198.html"
        served = get(server.url + page)
        assert "ELYSEE RUSSIA ADVISER" in served and "/__cablesite/version" in served
        assert "ELYSEE RUSSIA ADVISER" in get(server.url + "cable/2007/07/07PARIS3198-raw.html")
        with urllib.request.urlopen(server.url + "cable/2007/07/07PARIS3198.json", timeout=10) as r:
            assert r.headers["Content-Type"] == "application/json"
            assert "ELYSEE RUSSIA ADVISER" in r.read().decode() and "__cablesite" not in r.read().decode()
        assert "ADVISER" not in (tmp_path / "site" / page).read_text()
        assert "ADVISER" not in get(server.url + "index.html")         # the lists wait for the build
        out = capsys.readouterr().out
        assert re.search(r"^cablesite: previewed in \d+\.\d s: 07PARIS3198 \(http://127\.0\.0\.1:\d+/"
                         + re.escape(page) + r"\); building the site$", out, re.M)
        gate.set()
        assert wait_for_version(server, "2") == "2" and server.previewed == {}
        assert "ELYSEE RUSSIA ADVISER" in (tmp_path / "site" / page).read_text()
        assert "ELYSEE RUSSIA ADVISER" in get(server.url + page)
        settings = content / "site.toml"
        settings.write_text(settings.read_text() + "\n")
        assert wait_for_version(server, "3") == "3" and server.previews == 1
    finally:
        gate.set()
        server.stop()


def test_serve_without_previews_keeps_no_site(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    server = Server(content, tmp_path / "site", port=0, quiet=True, cache_dir=tmp_path / "cache",
                    preview=False)
    server.start()
    try:
        time.sleep(0.5)
        edit_seed(content)
        assert wait_for_version(server, "2") == "2"
        assert server.kept is None and server.previews == 0
    finally:
        server.stop()


def test_a_preview_that_fails_leaves_the_change_to_the_build(tmp_path, monkeypatch, capsys):
    import generator.serve as serve_module

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the preview")
    monkeypatch.setattr(serve_module, "preview", broken)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    server = Server(content, tmp_path / "site", port=0, quiet=True, cache_dir=tmp_path / "cache")
    server.start()
    try:
        time.sleep(0.5)
        edit_seed(content)
        assert wait_for_version(server, "2") == "2"
        assert "ELYSEE RUSSIA ADVISER" in get(server.url + "cable/2007/07/07PARIS3198.html")
        assert "no preview (RuntimeError: a bug in the preview)" in capsys.readouterr().err
    finally:
        server.stop()
