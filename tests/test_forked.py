"""Work on forked processes (generator.forked): results in order, with or without a bound
on the chunks asked for ahead of the caller."""
from __future__ import annotations

import os
import time

import pytest

from generator import forked

pytestmark = pytest.mark.skipif(not forked.available(), reason="no fork on this platform")


def test_chunks_come_back_in_order_from_other_processes():
    here = os.getpid()

    def work(a, z):
        return [(k * k, os.getpid() != here) for k in range(a, z)]
    for ahead in (None, 1, 3, 100):
        got = list(forked.chunks(work, 103, 2, 10, ahead=ahead))
        assert [v for v, _ in got] == [k * k for k in range(103)], ahead
        assert all(elsewhere for _, elsewhere in got)
    assert list(forked.chunks(work, 0, 2, 10, ahead=2)) == []


def test_at_most_ahead_chunks_wait_for_the_caller(tmp_path):
    """With ``ahead=2``, while the caller holds the first result, no chunk past the
    third has been started (each chunk leaves a file when it starts)."""
    def work(a, z):
        (tmp_path / f"{a}").touch()
        return list(range(a, z))
    it = forked.chunks(work, 50, 2, 5, ahead=2)
    assert next(it) == 0
    time.sleep(0.5)
    started = sorted(int(p.name) for p in tmp_path.iterdir())
    assert started and max(started) <= 10
    assert list(it) == list(range(1, 50))


def test_results_fork_only_when_there_is_enough_work():
    here = os.getpid()

    def work(a, z):
        return [(k, os.getpid() != here) for k in range(a, z)]
    for jobs, count, elsewhere in ((1, 50, False), (2, 9, False), (2, 50, True)):
        got = list(forked.results(work, count, jobs, 7, fork_at=10, ahead=2))
        assert [k for k, _ in got] == list(range(count))
        assert all(e == elsewhere for _, e in got), (jobs, count)
