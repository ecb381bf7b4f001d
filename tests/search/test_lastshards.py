"""The last build's shards, read back only where they are provably the ones made from the
kept term sums."""
from __future__ import annotations

import numpy as np

from generator.search.lastshards import LastShards, TermSums, shard_print
from generator.search.parts import _js

NAMES = ["alpha", "beta", "gamma", "zeta"]
SUMS = np.array([11, 22, 2**63 + 5, 44], dtype=np.uint64)
TIERS = np.array([1, 1, 3, 2], dtype=np.uint32)
ROWS = [["beta", 3, 1, "abc"], ["gamma", 9000, 3, "xyz"]]
PATH = "search/index/t/f00.js"


def _last(files: dict, recorded: dict, names=NAMES, sums=SUMS) -> LastShards:
    return LastShards(names, sums, TIERS[:len(names)], files.get, recorded.get)


def test_rows_of_a_shard_made_from_the_kept_sums_are_read_back():
    data = _js("shard", "f00", ROWS)
    good = shard_print("f00", ["beta", "gamma"], SUMS[1:3])
    last = _last({PATH: data}, {PATH: good})
    assert last.rows("f00", PATH) == ROWS
    assert last.sum_of("gamma") == 2**63 + 5 and last.sum_of("delta") is None
    assert last.sum_of("zeta") == 44 and last.sum_of("zz") is None and last.sum_of("") is None


def test_a_terms_tiers_are_known_only_for_the_sum_it_had():
    last = _last({}, {})
    assert last.tiers_of("gamma", 2**63 + 5) == 3 and last.tiers_of("zeta", 44) == 2
    assert last.tiers_of("gamma", 2**63 + 6) is None          # its postings changed since
    assert last.tiers_of("delta", 22) is None and last.tiers_of("zz", 44) is None


def test_a_shard_that_cannot_be_shown_to_be_the_kept_sums_is_not_read_back():
    data = _js("shard", "f00", ROWS)
    good = shard_print("f00", ["beta", "gamma"], SUMS[1:3])
    assert _last({PATH: data}, {}).rows("f00", PATH) is None               # no fingerprint
    assert _last({}, {PATH: good}).rows("f00", PATH) is None               # no file
    other = SUMS.copy()
    other[2] += 1                                                          # a term's sum moved
    assert _last({PATH: data}, {PATH: good}, sums=other).rows("f00", PATH) is None
    assert _last({PATH: data}, {PATH: good}, names=["alpha", "beta", "zeta"],
                 sums=SUMS[[0, 1, 3]]).rows("f00", PATH) is None            # a term not kept
    assert _last({PATH: data}, {PATH: good}).rows("f01", PATH) is None     # another shard's name
    for broken in (data[:-3], b"cablesearch.shard(\"f00\",[[\"beta\"" + b";\n", b"",
                   _js("tier", "f00", ROWS), _js("shard", "f00", [[1, 2]]), _js("shard", "f00", 7),
                   _js("shard", "f00", ROWS, 1)):
        assert _last({PATH: broken}, {PATH: good}).rows("f00", PATH) is None


def test_the_term_sums_are_read_back_as_saved_or_not_at_all(tmp_path):
    """The search index's terms, sums and tiers are kept as saved; none known, or a term
    with a line break (which would shift every term after it), none are kept; a file that
    is not theirs, or one saved before the tiers were kept (a pair: terms and sums), is
    started afresh."""
    from generator.kept import write_pickle
    path = tmp_path / "search-sums.pickle"
    sums = np.array([1, 2**64 - 1, 3], dtype=np.uint64)
    tiers = np.array([1, 70000, 2], dtype=np.uint32)
    TermSums(path).save((["a", "b c", "d"], sums, tiers))
    kept = TermSums(path)
    assert kept.names == ["a", "b c", "d"] and kept.sums.tolist() == sums.tolist()
    assert kept.tiers.tolist() == [1, 70000, 2]
    assert TermSums(path, fresh=True).names == []
    for made in (None, (["a", "b\nc", "d"], sums, tiers), (["a"], None, None)):
        TermSums(path).save((["a", "b c", "d"], sums, tiers))
        TermSums(path).save(made)
        assert not path.exists()
    TermSums(path).save(([], np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint32)))
    assert TermSums(path).names == [] and path.exists()
    three = np.zeros(3, dtype=np.uint64).tobytes()
    for other in (("a\nb\nc", three), ("a\nb", three, bytes(6)), ("a\nb\nc", three, bytes(8)),
                  ["a"], b"x", (7, b"", b""), ("a", b"1234567", b"1234"), ("a", "12345678", b"1234")):
        write_pickle(path, other)
        kept = TermSums(path)
        assert kept.names == [] and len(kept.sums) == 0 and len(kept.tiers) == 0
