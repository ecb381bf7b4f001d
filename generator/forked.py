"""Work spread over forked processes that inherit what it needs.

The function and everything it reads are inherited by ``fork`` (nothing of them is
pickled); only the bounds of each chunk go to a worker and its list of results comes
back, in order.
"""
from __future__ import annotations

import ctypes
import multiprocessing
from collections import deque
from typing import Callable, Iterator

_WORK: Callable[[int, int], list] | None = None     # inherited by the forked workers


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _chunk(bounds: tuple[int, int]) -> list:
    return _WORK(*bounds)


def chunks(work: Callable[[int, int], list], count: int, jobs: int, size: int,
           ahead: int | None = None) -> Iterator:
    """The results of ``work(start, stop)`` over ``range(count)`` cut in chunks of
    ``size``, one after the other, on ``jobs`` forked processes.  ``ahead``: at most
    this many chunks asked for and not yet taken by the caller (the results of a slow
    caller otherwise pile up in its memory); None: no bound."""
    global _WORK
    _WORK = work
    try:
        bounds = [(k, min(k + size, count)) for k in range(0, count, size)]
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            if ahead is None:
                for part in pool.imap(_chunk, bounds):
                    yield from part
                return
            todo = iter(bounds)
            asked = deque(pool.apply_async(_chunk, (b,)) for _, b in zip(range(ahead), todo))
            while asked:
                part = asked.popleft().get()
                nxt = next(todo, None)
                if nxt is not None:
                    asked.append(pool.apply_async(_chunk, (nxt,)))
                yield from part
    finally:
        _WORK = None


def results(work: Callable[[int, int], list], count: int, jobs: int, size: int, fork_at: int,
            ahead: int | None = None) -> Iterator:
    """:func:`chunks` when there are ``jobs`` > 1, at least ``fork_at`` items and ``fork``;
    else the same chunks made one after the other in this process."""
    if jobs > 1 and count >= fork_at and available():
        return chunks(work, count, jobs, size, ahead)
    return (x for a in range(0, count, size) for x in work(a, min(a + size, count)))


def release_free_memory() -> None:
    """Hand memory freed by parsing back to the system (glibc keeps it otherwise: about a
    third of the resident size after parsing 10,000 cables), so the stages after it start
    lower.  A no-op where there is no glibc."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass
