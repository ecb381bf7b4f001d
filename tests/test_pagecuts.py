"""Lists cut into pages at their items, so that a new item moves only its own page."""
from __future__ import annotations

import random
from collections import Counter

from generator.pagecuts import marks_of, number_marks, page_starts


def pages_of(marks: bytearray, per: int) -> list[int]:
    return page_starts(len(marks), [k for k, m in enumerate(marks) if m], per)


def pages(keys: list[str], per: int) -> list[tuple[str, ...]]:
    starts = pages_of(marks_of(keys, per), per)
    bounds = [*starts, len(keys)]
    return [tuple(keys[bounds[k]:bounds[k + 1]]) for k in range(len(starts))]


def keys_of(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.randrange(66, 110) % 100:02d}POST{rng.randrange(10 ** 6)}" for _ in range(n)]


def test_a_list_of_a_page_or_less_is_one_page():
    rng = random.Random(1)
    for n in (0, 1, 99, 100):
        assert pages_of(marks_of(keys_of(rng, n), 100), 100) == [0]


def test_pages_hold_half_to_twice_the_page_size_and_every_item_once():
    rng = random.Random(2)
    for per in (10, 25, 100):
        for n in (per + 1, 3 * per, 17 * per + 3, 5000):
            keys = keys_of(rng, n)
            cut = pages(keys, per)
            assert [k for page in cut for k in page] == keys
            sizes = [len(p) for p in cut]
            assert max(sizes) <= 2 * per and min(sizes[:-1] or [per]) >= per // 2, (per, n, sizes)
            assert sizes[-1] >= per // 2 or len(sizes) == 1 or sizes[-2] + sizes[-1] > 2 * per
    cut = pages(keys_of(rng, 20_000), 100)
    assert 80 <= 20_000 / len(cut) <= 125          # about a page size on average


def test_cuts_are_where_the_marks_say():
    # marks at 9 and 30 (page size 10: pages of 5 to 20); none before 5 counts
    assert page_starts(40, [2, 9, 30], 10) == [0, 10, 30]
    assert page_starts(40, [], 10) == [0, 20]                  # no mark: 20 at most
    assert page_starts(42, [2, 9, 30, 39], 10) == [0, 10, 30]  # a last page of 2 joins the one before


def test_an_item_added_or_removed_changes_its_own_page_and_rarely_another():
    """The point of cutting at marks: cut every ``per`` items, a new item near the start
    of a long list moved every later page (a tag of 277 pages at 50,000 cables)."""
    rng = random.Random(5)
    keys = keys_of(rng, 5000)
    before = set(pages(keys, 100))
    added, removed = Counter(), Counter()
    for t in range(300):
        pos = rng.randrange(len(keys) + 1)
        added[len(set(pages(keys[:pos] + [f"NEW{t}"] + keys[pos:], 100)) - before)] += 1
        pos = rng.randrange(len(keys))
        removed[len(set(pages(keys[:pos] + keys[pos + 1:], 100)) - before)] += 1
    for changed in (added, removed):
        assert max(changed) <= 4 and changed[1] >= 0.75 * 300, changed
    # the same list cut every 100 items: a new item moves the pages after it
    fixed = {tuple(keys[a:a + 100]) for a in range(0, 5000, 100)}
    moved = keys[:10] + ["NEW"] + keys[10:]
    assert len({tuple(moved[a:a + 100]) for a in range(0, 5001, 100)} - fixed) == 51


def test_marks_of_many_keys_are_is_mark_of_each():
    from generator.pagecuts import is_mark, marks_of
    keys = [f"07PARIS{n}" for n in range(3000)] + ["", "Ünïcode-ключ"]
    for per in (1, 2, 100):
        assert marks_of(keys, per) == bytearray(is_mark(k, per) for k in keys)
    assert 0 < sum(marks_of(keys, 100)) < len(keys)


def test_numbers_are_marks_by_their_own_hash_one_in_half_a_page():
    """A number is a mark or not wherever it stands (the search index's tiers are cut at
    their documents' numbers); about one in ``per // 2`` is."""
    import numpy as np
    numbers = np.arange(200_000, dtype=np.uint64) * 7 + 3
    marks = number_marks(numbers, 64)
    assert 0.9 / 32 < marks.mean() < 1.1 / 32
    shuffled = np.random.default_rng(5).permutation(len(numbers))
    assert (number_marks(numbers[shuffled], 64) == marks[shuffled]).all()
    assert number_marks(numbers[:5], 1).all() and number_marks(numbers[:5], 3).all()
    assert len(number_marks(numbers[:0], 64)) == 0
