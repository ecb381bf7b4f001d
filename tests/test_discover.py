"""Discovery: every file, sorted, hashed; a file unchanged since the last build is not read."""
from __future__ import annotations

import os
import time
from pathlib import Path

from generator import discover as discover_mod
from generator.kept import FileHashes
from generator.discover import discover


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "cables"
    (root / "a").mkdir(parents=True)
    (root / "a" / "one.txt").write_text("ONE")
    (root / "two.txt").write_text("TWO")
    old = 1_600_000_000
    for f in root.rglob("*.txt"):
        os.utime(f, (old, old))              # long before this discovery
    return root


def _shas(files):
    return {Path(f.file).name: f.sha256 for f in files}


def test_unchanged_files_are_not_read_again_and_changed_ones_are(tmp_path, monkeypatch):
    root = _tree(tmp_path)
    hashes: dict = {}
    first, diags = discover([root], keep=False, hashes=hashes)
    assert diags == [] and len(hashes) == 2
    plain, _ = discover([root], keep=False)
    assert _shas(first) == _shas(plain)
    read = []
    real = discover_mod._read
    monkeypatch.setattr(discover_mod, "_read", lambda f: read.append(Path(f).name) or real(f))
    again, _ = discover([root], keep=False, hashes=hashes)
    assert read == [] and _shas(again) == _shas(first)
    assert [f.path for f in again] == [f.path for f in first] and [f.size for f in again] == [3, 3]
    # a change (same size, a new time) is read and hashed anew
    (root / "two.txt").write_text("TOO")
    os.utime(root / "two.txt", (1_600_000_100, 1_600_000_100))
    third, _ = discover([root], keep=False, hashes=hashes)
    assert read == ["two.txt"]
    assert _shas(third)["two.txt"] == _shas(discover([root], keep=False)[0])["two.txt"] \
        != _shas(first)["two.txt"]
    # a removed file leaves the table
    (root / "a" / "one.txt").unlink()
    discover([root], keep=False, hashes=hashes)
    assert set(hashes) == {str(root / "two.txt")}


def test_a_file_modified_just_now_is_hashed_again_next_time(tmp_path, monkeypatch):
    root = _tree(tmp_path)
    (root / "two.txt").write_text("NEW")           # now: within the clock's reach
    hashes: dict = {}
    discover([root], keep=False, hashes=hashes)
    assert set(hashes) == {str(root / "a" / "one.txt")}
    monkeypatch.setattr(discover_mod, "RECENT_NS", 0)
    discover([root], keep=False, hashes=hashes)
    assert len(hashes) == 2


def test_deferred_files_are_left_unread_for_whoever_reads_them_to_hash(tmp_path, monkeypatch):
    root = _tree(tmp_path)
    (root / "three.txt").write_text("THREE")       # now: within the clock's reach
    plain, _ = discover([root], keep=False)
    hashes: dict = {}
    discover([root / "a"], keep=False, hashes=hashes)        # one.txt known from before
    read = []
    real = discover_mod._read
    monkeypatch.setattr(discover_mod, "_read", lambda f: read.append(Path(f).name) or real(f))
    files, diags = discover([root], keep=False, hashes=hashes, defer=True)
    assert diags == [] and read == []
    by_name = {Path(f.file).name: f for f in files}
    assert [f.path for f in files] == [f.path for f in plain]
    assert by_name["one.txt"].sha256 == _shas(plain)["one.txt"]        # known: not deferred
    assert by_name["two.txt"].sha256 is None and by_name["two.txt"].size == 3
    assert by_name["two.txt"].stamp is not None and by_name["three.txt"].stamp is None
    assert set(hashes) == {str(root / "a" / "one.txt")}
    for name in ("two.txt", "three.txt"):
        discover_mod.remember(hashes, by_name[name], _shas(plain)[name])
    # the old file is recorded as discovery records the files it reads; the new one is not
    assert hashes[str(root / "two.txt")] == (by_name["two.txt"].stamp, _shas(plain)["two.txt"])
    assert str(root / "three.txt") not in hashes
    again, _ = discover([root], keep=False, hashes=hashes, defer=True)
    assert read == [] and [Path(f.file).name for f in again if f.sha256 is None] == ["three.txt"]
    # files kept in memory are always read and hashed
    kept, _ = discover([root], defer=True)
    assert _shas(kept) == _shas(plain)


def test_files_left_unread_are_read_ahead_in_order_by_a_thread_that_stops(tmp_path,
                                                                       monkeypatch):
    import threading
    root = _tree(tmp_path)
    files, _ = discover([root], keep=False, defer=True)
    gone = discover_mod.SourceFile("gone.txt", None, None, str(tmp_path / "gone.txt"), 3)
    advised, go = [], threading.Event()

    def advise(fd, offset, length, what):
        go.wait(5)
        advised.append((os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd")
                        else fd, offset, length, what))
    monkeypatch.setattr(os, "posix_fadvise", advise, raising=False)
    monkeypatch.setattr(os, "POSIX_FADV_WILLNEED", 3, raising=False)
    go.set()
    finish = discover_mod.read_ahead([files[0], gone, files[1]])
    for _ in range(500):
        if len(advised) == 2:
            break
        time.sleep(0.01)
    finish()                       # waits for the thread
    assert [a[1:] for a in advised] == [(0, 0, 3)] * 2     # the missing file skipped
    if os.path.exists("/proc/self/fd"):
        assert [a[0] for a in advised] == [files[0].file, files[1].file]
    assert not any(t.name == "read-ahead" for t in threading.enumerate())
    # stopped early, it advises no more
    advised.clear()
    go.clear()
    finish = discover_mod.read_ahead(files)
    threading.Timer(0.05, go.set).start()
    finish()
    assert len(advised) <= 1
    monkeypatch.delattr(os, "posix_fadvise")           # not Linux: nothing is done
    assert discover_mod.read_ahead(files)() is None


def test_the_table_is_kept_beside_the_cache_and_started_afresh_when_unreadable(tmp_path):
    root = _tree(tmp_path)
    table = FileHashes(tmp_path / "cache" / "files.pickle")
    discover([root], keep=False, hashes=table.hashes)
    table.save()
    assert FileHashes(tmp_path / "cache" / "files.pickle").hashes == table.hashes
    assert FileHashes(tmp_path / "cache" / "files.pickle", fresh=True).hashes == {}
    (tmp_path / "cache" / "files.pickle").write_bytes(b"not a pickle")
    assert FileHashes(tmp_path / "cache" / "files.pickle").hashes == {}


def test_files_are_listed_in_path_order_without_hidden_ones_or_linked_folders(tmp_path):
    root = tmp_path / "cables"
    for name in ["a/b.txt", "a-c/x.txt", "a.txt", "A/z.txt", ".hidden/y.txt", "d/.h.txt",
                 "d/e/f.txt", "d/e.txt"]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    (root / "link").symlink_to(root / "d", target_is_directory=True)
    expected = sorted(Path(d) / f for d, dirs, files in os.walk(root)
                      if ".hidden" not in d for f in files if not f.startswith("."))
    assert discover_mod.walk(root) == expected
    assert [p.relative_to(root).as_posix() for p in expected] == [
        "A/z.txt", "a/b.txt", "a-c/x.txt", "a.txt", "d/e/f.txt", "d/e.txt"]
    files, _ = discover([root], base=tmp_path)
    assert [f.path for f in files] == sorted(f"cables/{p.relative_to(root).as_posix()}"
                                             for p in expected)


def _found(files, diags):
    return [(f.path, f.sha256, f.size) for f in files], [(d.path, d.message) for d in diags]


def test_a_kept_discovery_brought_up_to_date_finds_what_discovery_finds(tmp_path, monkeypatch):
    """``Discovery.update``, told the paths that changed (as the watcher names them:
    absolute, real), finds what a whole discovery finds, reading only what changed."""
    from generator.discover import Discovery, NOT_CABLES
    root = _tree(tmp_path)
    (root / "notes.md").write_text("a note")
    link = tmp_path / "link"          # the folder named through a symbolic link
    link.symlink_to(root)
    hashes: dict = {}
    kept = Discovery(link, tmp_path, NOT_CABLES, hashes)
    assert _found(*kept.full()) == _found(*discover([link], tmp_path, NOT_CABLES, keep=False))
    real = os.path.realpath(root)
    read = []
    original = discover_mod._read
    monkeypatch.setattr(discover_mod, "_read", lambda f: read.append(Path(f).name) or original(f))

    def check(*changed: str) -> list[str]:
        """What updating read."""
        read.clear()
        files, diags = kept.update({os.path.join(real, c) for c in changed})
        done = sorted(read)
        assert _found(files, diags) == _found(*discover([link], tmp_path, NOT_CABLES, keep=False))
        assert set(hashes) <= {f.file for f in files}
        return done

    (root / "two.txt").write_text("TOO")                       # changed
    (root / "b" / "c").mkdir(parents=True)                     # a new folder, two deep
    (root / "b" / "c" / "three.txt").write_text("THREE")
    (root / "b" / "four.txt").write_text("FOUR")
    (root / ".hidden").write_text("not a cable")
    assert check("two.txt", "b", ".hidden") == ["four.txt", "three.txt", "two.txt"]
    (root / "a" / "one.txt").unlink()                          # a file removed
    (root / "b" / "c" / "five.md").write_text("a note")        # a note: said, not read
    assert check("a/one.txt", "b/c/five.md", "gone-before-looked-at.txt") == []
    import shutil
    (root / "c").mkdir()
    (root / "c" / "six.txt").write_text("SIX")
    check("c")
    shutil.rmtree(root / "b")                                  # a folder removed
    (root / "a").rmdir()
    (root / "a").write_text("a file where a folder was")
    shutil.rmtree(root / "c")
    (root / "c").write_text("a file where a folder of files was")
    check("b", "a", "c")
    assert set(hashes) <= {str(link / "two.txt"), str(link / "a"), str(link / "c")}
    check(str(tmp_path / "elsewhere.txt"))                     # outside: nothing to do


def test_a_kept_discovery_finds_all_again_when_many_new_paths_changed(tmp_path, monkeypatch):
    from generator.discover import NEW_PATHS, Discovery
    root = _tree(tmp_path)
    kept = Discovery(root, tmp_path, set(), {})
    kept.full()
    walked = []
    original = discover_mod._walk
    monkeypatch.setattr(discover_mod, "_walk", lambda f: walked.append(f) or original(f))
    for n in range(NEW_PATHS + 1):
        (root / f"f{n}").mkdir()
        (root / f"f{n}" / "x.txt").write_text(str(n))
    files, _ = kept.update({str(root.resolve() / f"f{n}") for n in range(NEW_PATHS + 1)})
    assert walked == [str(root)] and len(files) == 2 + NEW_PATHS + 1
