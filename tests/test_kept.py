"""What a build keeps for the next one besides the parse cache (``generator.kept``)."""
from __future__ import annotations

from generator.kept import RenderCache, packed_prints


def test_page_fingerprints_are_read_back_as_saved_for_the_same_site_and_code(tmp_path):
    """The pages' fingerprints are saved as one string of paths and one of digests, in two
    parts (those of the search index, made apart, and the others), read back part by
    part or whole, with the export's records of its parts beside them; a digest of another length or a path with a line break is
    left out rather than shift every digest after it, and another build's site or other
    code reads nothing."""
    path = tmp_path / "pages.pickle"
    first = RenderCache(path, "token", "salt")
    assert first.old() == {} and first.lists is None and not first.any()
    first.new = {f"cable/{k}.html": bytes([k % 256]) * 16 for k in range(1000)}
    first.new.update({"odd\nname.html": b"x" * 16, "short.html": b"x" * 8, "é/ü.html": b"y" * 16})
    first.new_apart = {f"search/index/{k}.js": bytes([k % 7]) * 16 for k in range(300)}
    first.new_apart["data/cables-1.csv"] = b"z" * 16
    first.lists = ("validity", {"tag/A.html": ((1, 2), None)})
    first.new_exports = {"cables-1": (b"p" * 16, "data/cables-1.csv", b"z" * 16)}
    first.save("token")
    again = RenderCache(path, "token", "salt")
    assert again.exports == first.new_exports and again.new_exports == {}
    pages = {p: d for p, d in first.new.items() if p not in ("odd\nname.html", "short.html")}
    assert again.any() and again.lists == first.lists
    assert again.old(apart=False) == pages and list(again.old(apart=False)) == list(pages)
    assert again.old(apart=True) == first.new_apart
    assert again.old() == {**pages, **first.new_apart}
    for token, salt in (("other", "salt"), ("token", "other")):
        other = RenderCache(path, token, salt)
        assert other.old() == {} and other.lists is None and not other.any()
        assert other.exports == {}
    # the files' fingerprints as a process apart hands them back: packed, kept as they are
    first.new_apart = packed_prints(first.new_apart)
    first.save("token")
    assert RenderCache(path, "token", "salt").old() == again.old()
    assert RenderCache(path, "token", "salt", fresh=True).old() == {}
    empty = RenderCache(tmp_path / "empty.pickle", "t", "salt")
    empty.save("t")
    assert RenderCache(tmp_path / "empty.pickle", "t", "salt").old() == {}
    assert not RenderCache(tmp_path / "empty.pickle", "t", "salt").any()


def test_related_answers_are_read_back_as_saved_and_an_older_form_is_not(tmp_path):
    """The related cables' answers are three strings (``related.related_all``); the dict
    an older build kept, or a broken file, reads as nothing kept; saved only when they
    changed."""
    from generator.kept import RelatedCache, write_pickle
    path = tmp_path / "related.pickle"
    assert RelatedCache(path).known is None
    answers = ("A\nB", b"a" * 16 + b"b" * 16, bytes(40))
    RelatedCache(path).save(answers)
    assert RelatedCache(path).known == answers
    assert RelatedCache(path, fresh=True).known is None
    inode = path.stat().st_ino          # a save writes a new file and renames it
    RelatedCache(path).save(answers)
    assert path.stat().st_ino == inode
    RelatedCache(path).save((*answers[:2], bytes(40) + bytes(1)))
    assert path.stat().st_ino != inode
    for older in ({b"a" * 16: "B"}, ("A", b"a" * 16), ("A", "a", b"")):
        write_pickle(path, older)
        assert RelatedCache(path).known is None
    path.write_bytes(b"not a pickle")
    assert RelatedCache(path).known is None
