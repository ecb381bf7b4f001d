"""Document numbers: blocks of one year, origin and classification, cut at cables, and a
number a cable keeps when others come and go."""
from __future__ import annotations

import random

import numpy as np

from generator.search import numbers, postings
from tests.search.test_postings import decode


class _Doc:
    def __init__(self, n: int, group: tuple = ("2007", "Paris", "")) -> None:
        self.fingerprint = f"cable {n}".encode()
        self.key = (*group, "", f"07PARIS{n}")
        self.load = lambda: ({"body": f"word{n} common"}, {})


def _numbers(docs) -> dict[str, int]:
    return {d.key[-1]: b.base + o for b in numbers.blocks(docs)
            for d, o in zip(docs[b.start:b.end], b.offsets)}


def _docs(n: int) -> list[_Doc]:
    groups = [("2006", "Paris", "SECRET"), ("2007", "Moscow", ""), ("2007", "Paris", "")]
    docs = [_Doc(k, groups[k % 3]) for k in range(n)]
    return sorted(docs, key=lambda d: d.key)


def test_blocks_hold_one_run_and_tile_the_numbers(monkeypatch):
    monkeypatch.setattr(numbers, "PART", 8)
    docs = _docs(300)
    cut = numbers.blocks(docs)
    assert [b.start for b in cut] == [0] + [b.end for b in cut[:-1]] and cut[-1].end == 300
    assert [b.base for b in cut] == [0] + list(np.cumsum([b.space for b in cut[:-1]]))
    for b in cut:
        assert len({d.key[:3] for d in docs[b.start:b.end]}) == 1          # one run
        n = b.end - b.start
        assert n <= 16 and b.space == max(numbers.LEAST, 1 << (2 * n - 1).bit_length()) >= 2 * n
        assert sorted(set(b.offsets)) == sorted(b.offsets) and max(b.offsets) < b.space
    assert len(cut) > 3 * 4


def test_a_new_cable_moves_a_few_numbers_and_rarely_all_after_it(monkeypatch):
    """300 cables added one at a time to 3,000 in three runs: a new cable moves the
    numbers of the cables that collided with it in its block, if any (a few); when its
    block's space doubles or it starts a new block, the numbers of every block after
    it move (a few in a hundred)."""
    monkeypatch.setattr(numbers, "PART", 64)
    docs = _docs(3000)
    rng = random.Random(5)
    moved = []
    for k in range(300):
        before = _numbers(docs)
        new = _Doc(5000 + k, rng.choice([("2006", "Paris", "SECRET"), ("2007", "Paris", ""),
                                         ("2007", "Moscow", "")]))
        docs = sorted(docs + [new], key=lambda d: d.key)
        after = _numbers(docs)
        moved.append(sum(after[c] != before[c] for c in before))
    assert sum(m == 0 for m in moved) >= 100          # 120 when written
    assert sum(m <= 6 for m in moved) >= 280          # 288
    assert sum(m > 20 for m in moved) <= 15           # 11


def test_slots_are_the_hashes_or_the_next_free_in_sorted_order():
    keys = [f"K{n}" for n in range(20)]
    one = numbers.slots(keys, 64)
    assert len(set(one)) == 20 and all(0 <= s < 64 for s in one)
    assert numbers.slots(list(reversed(keys)), 64) == list(reversed(one))   # order does not matter
    more = numbers.slots(keys + ["K99"], 64)
    assert sum(a != b for a, b in zip(one, more)) <= 1


def test_the_index_uses_the_numbers(monkeypatch):
    monkeypatch.setattr(numbers, "PART", 8)
    docs = _docs(100)
    p = postings.analyse(docs)
    assert p.doc_numbers == [_numbers(docs)[d.key[-1]] for d in docs]
    assert [n for numbers_, _, _ in p.plan for n in numbers_.tolist()] == sorted(p.doc_numbers)
    by = {t.term: t for t in p.terms()}
    assert [doc for doc, _, _ in decode(by["word99"].tiers[0])] == [_numbers(docs)["07PARIS99"]]
    assert [doc for doc, _, _ in decode(by["common"].tiers[0])] == sorted(p.doc_numbers)


def test_cache_runs_follow_the_numbers_and_a_new_cable_changes_its_own(monkeypatch):
    """The runs the analysis cache keeps: every document once, in the order of the
    numbers, a quarter of PART // 2 to PART // 2 documents each (the last may be
    shorter); a new cable whose block keeps its numbers changes its own run, and rarely
    more."""
    monkeypatch.setattr(numbers, "PART", 64)
    docs = _docs(3000)
    cut = numbers.blocks(docs)
    runs = postings.runs(docs, cut)
    flat = [n for run in runs for _, n in run]
    assert flat == sorted(flat) and sorted(i for run in runs for i, _ in run) == list(range(3000))
    assert all(8 <= len(run) <= 32 for run in runs[:-1]) and len(runs) > 3000 // 32

    def keyed(ds):
        return [[(ds[i].key[-1], n) for i, n in run] for run in postings.runs(ds, numbers.blocks(ds))]
    before = keyed(docs)
    rng, changed = random.Random(7), []
    for k in range(60):
        new = _Doc(7000 + k, rng.choice([("2006", "Paris", "SECRET"), ("2007", "Paris", "")]))
        more = sorted(docs + [new], key=lambda d: d.key)
        now = _numbers(more)
        if any(now[c] != n for c, n in _numbers(docs).items()):
            continue                  # numbers moved: the runs after it change as well
        after = keyed(more)
        changed.append(len([r for r in after if r not in before]))
    # its run; the run after it too when its run was cut at its largest size (about half
    # of them here, where the largest is twice the typical; a fifth at the real sizes)
    assert len(changed) >= 30 and sum(c == 1 for c in changed) >= len(changed) // 3
    assert sum(c <= 2 for c in changed) >= 0.9 * len(changed) and max(changed) <= 6
