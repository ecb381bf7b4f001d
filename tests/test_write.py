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
