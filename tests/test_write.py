"""The writer: paths stay inside the output folder; unchanged files are linked, not rewritten."""
from __future__ import annotations

import pytest

from generator.write import SiteWriter, UnsafePath


@pytest.mark.parametrize("rel", ["../x.html", "/etc/x", "a/../../b.html", "a/..", "C:/x", "a\\..\\b", ""])
def test_paths_leading_out_are_refused(tmp_path, rel):
    w = SiteWriter(tmp_path / "site")
    with pytest.raises(UnsafePath):
        w.add(rel, b"x")
    w.abort()
    assert not (tmp_path / "x").exists() and not (tmp_path / "b.html").exists()


def test_a_file_name_with_a_line_break_is_refused(tmp_path):
    """The site's list of files, and what a forked process's writer hands back, hold a
    path a line: a name with a line break would be two."""
    w = SiteWriter(tmp_path / "site")
    with pytest.raises(UnsafePath, match="line break"):
        w.add("a\nb.html", b"x")
    w.abort()


def test_unchanged_files_are_linked_and_removed_files_go(tmp_path):
    out = tmp_path / "site"
    w = SiteWriter(out)
    w.add("a/b.html", b"one")
    w.add("c.html", b"two")
    w.commit()
    before = (out / "a" / "b.html").stat()
    w = SiteWriter(out)
    w.add("a/b.html", b"one")
    w.add("d.html", b"three")
    assert w.commit() == 2 and (w.changed, w.unchanged) == (1, 1)
    after = (out / "a" / "b.html").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not (out / "c.html").exists() and (out / "d.html").read_bytes() == b"three"


def test_the_file_list_lives_beside_the_site_and_a_moved_site_is_walked(tmp_path):
    from generator.write import MARKER, manifest_path
    out = tmp_path / "site"
    w = SiteWriter(out)
    for n in range(50):
        w.add(f"p/{n}.html", b"x")
    w.commit()
    assert len((out / MARKER).read_bytes()) < 200
    assert manifest_path(out).read_text().count(".html") == 50
    moved = tmp_path / "moved"
    out.rename(moved)                                  # its list stays behind
    w = SiteWriter(moved)
    w.add("p/1.html", b"x")
    w.commit()
    assert sorted(p.name for p in (moved / "p").iterdir()) == ["1.html"]   # the others removed


def test_a_rebuild_lists_and_marks_its_files_as_a_first_build_of_them_would(tmp_path):
    """The list of a rebuild is merged from the previous site's sorted list, the files it
    keeps, adds and drops: the same list, marker and count as a first build writing the
    same files in another order."""
    from generator.write import MARKER, manifest_path
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    w = SiteWriter(out)
    for name in ["b/2.html", "a.html", "b/10.html", "c/x.js", "b/1.html"]:
        w.add(name, name.encode())
    w.commit()
    files = ["z.html", "b/10.html", "0.html", "b/1.html", "c/x.js", "b/15.html", "a.html"]
    w = SiteWriter(out)
    for name in files:                 # b/2.html is dropped; three files are new
        w.add(name, name.encode())
    assert w.commit() == 7
    f = SiteWriter(fresh)
    for name in reversed(files):
        f.add(name, name.encode())
    assert f.commit() == 7
    listing = manifest_path(out).read_text().split("\n", 1)[1]
    assert listing == "".join(f"{n}\n" for n in sorted(files))
    assert listing == manifest_path(fresh).read_text().split("\n", 1)[1]
    assert (out / MARKER).read_bytes() == (fresh / MARKER).read_bytes()
    assert not (out / "b" / "2.html").exists()
    w = SiteWriter(out)                # nothing added or dropped
    for name in files:
        w.keep(name)
    assert w.commit() == 7 and manifest_path(out).read_text().split("\n", 1)[1] == listing


def test_a_file_staged_by_another_process_is_recorded_and_moved_in(tmp_path):
    """``put`` in a forked worker writes the staging folder only; ``add`` of what it
    returned records the file, changed or not, in the building process."""
    import multiprocessing

    from generator.write import Staged
    out = tmp_path / "site"
    w = SiteWriter(out)
    w.add("a/same.html", b"same")
    w.commit()
    w = SiteWriter(out)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        new, same = pool.starmap(w.put, [("b/new.html", b"new"), ("a/same.html", b"same")])
    assert (new, same) == (Staged(True), Staged(False)) and w.paths == []
    w.add("b/new.html", new)
    w.add("a/same.html", same)
    assert w.commit() == 2 and (w.changed, w.unchanged) == (1, 1)
    assert (out / "b/new.html").read_bytes() == b"new" and (out / "a/same.html").read_bytes() == b"same"


def test_a_replaced_site_is_removed_in_the_background_once(tmp_path, monkeypatch):
    """A site left by a build that is gone is removed in the background, not by the new
    build; one a remover is still removing is left to it; a remover's stale mark goes."""
    import os
    import time
    from generator import write
    out = tmp_path / "site"
    out.mkdir()
    left = tmp_path / ".site.old-999999999"          # no such builder process
    (left / "a" / "b").mkdir(parents=True)
    (left / "a" / "b" / "page.html").write_text("x")
    busy = tmp_path / ".site.old-999999998"
    busy.mkdir()
    (busy / "page.html").write_text("x")
    (tmp_path / (busy.name + write.REMOVER)).write_text(str(os.getpid()))   # a live remover
    stale = tmp_path / (".site.old-999999997" + write.REMOVER)             # its folder is gone
    stale.write_text("999999997")
    removed = []
    monkeypatch.setattr(write.shutil, "rmtree", lambda *a, **k: removed.append(a[0]))
    w = SiteWriter(out)
    w.abort()
    assert removed == [w.tmp]            # nothing else removed by this process
    deadline = time.monotonic() + 30
    while left.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left.exists() and busy.exists() and not stale.exists()
    while (tmp_path / (left.name + write.REMOVER)).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not (tmp_path / (left.name + write.REMOVER)).exists()


def test_staged_files_hold_exactly_their_bytes(tmp_path, monkeypatch):
    import os

    import generator.write as write
    out = tmp_path / "site"
    files = {"empty.html": b"", "a/small.txt": "é¶\n".encode(), "b/c/big.js": bytes(range(256)) * 5000}
    w = SiteWriter(out)
    for rel, data in files.items():
        w.add(rel, data)
    # a write that takes part of the bytes at a time is carried on to the end
    real_write = os.write
    monkeypatch.setattr(write.os, "write", lambda fd, data: real_write(fd, bytes(data[:1000])))
    w.add("d/partial.bin", files["b/c/big.js"])
    monkeypatch.undo()
    w.commit()
    for rel, data in {**files, "d/partial.bin": files["b/c/big.js"]}.items():
        assert (out / rel).read_bytes() == data, rel
    w = SiteWriter(out)
    w.add("a/small.txt", "changed".encode())     # a changed file replaces the last one
    w.commit()
    assert (out / "a" / "small.txt").read_bytes() == b"changed"


def test_what_a_forked_process_adds_and_keeps_is_joined_into_the_build(tmp_path):
    """``apart`` starts a forked process's record empty; ``join`` takes it in: its files
    are committed with the building process's own, counted once."""
    from generator import forked
    if not forked.available():
        pytest.skip("no fork on this platform")
    out = tmp_path / "site"
    w = SiteWriter(out)
    w.add("a/kept.html", b"kept")
    w.add("a/same.html", b"same")
    w.commit()
    w = SiteWriter(out)
    w.add("mine.html", b"mine")

    def elsewhere():
        w.apart()
        assert w.keep("a/kept.html")
        w.add("a/same.html", b"same")
        w.add("b/new.html", b"new")
        return w.record()
    record = forked.Apart(elsewhere).result()
    assert record == ("a/kept.html\na/same.html\nb/new.html", "b/new.html", 1, 2)
    assert w.paths == ["mine.html"]
    w.join(record)
    idle = SiteWriter(tmp_path / "other")
    idle.apart()
    w.join(idle.record())       # a process that added and kept nothing
    idle.abort()
    assert w.paths == ["mine.html", "a/kept.html", "a/same.html", "b/new.html"]
    assert w.commit() == 4 and (w.changed, w.unchanged) == (2, 2)
    assert {p.name: p.read_bytes() for p in out.rglob("*.html")} == {
        "mine.html": b"mine", "kept.html": b"kept", "same.html": b"same", "new.html": b"new"}


def test_files_written_together_are_kept_together_or_not_at_all(tmp_path):
    """``keep_all`` keeps all of the previous site's files it is given, or none when one
    is missing (or on a build that reuses nothing); what it kept stays, as the commit
    shows."""
    out = tmp_path / "site"
    w = SiteWriter(out)
    for rel in ("d/a.json", "d/a.txt", "d/b.json", "gone.txt"):
        w.add(rel, rel.encode())
    w.commit()
    w = SiteWriter(out)
    assert not w.keep_all(["d/a.json", "d/missing.txt"])
    assert w.paths == [] and w.unchanged == 0
    assert w.keep_all(["d/a.json", "d/a.txt"]) and w.keep_all([])
    assert w.paths == ["d/a.json", "d/a.txt"] and w.unchanged == 2
    w.add("d/b.json", b"d/b.json")
    assert w.commit() == 3
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
                  and not p.name.startswith(".")) == ["d/a.json", "d/a.txt", "d/b.json"]
    assert (out / "d/a.txt").read_bytes() == b"d/a.txt"
    fresh = SiteWriter(out, reuse=False)
    assert not fresh.keep_all(["d/a.json"])
    fresh.abort()
