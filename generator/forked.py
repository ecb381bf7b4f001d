"""Work spread over forked processes that inherit what it needs.

The function and everything it reads are inherited by ``fork`` (nothing of them is
pickled); only the bounds of each chunk go to a worker and its list of results comes
back, in order.  ``Apart`` runs one function in one forked process while the caller
goes on, and hands back what it returned (or answers first and finishes after: ``Then``).
"""
from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.pool
import os
import pickle
import signal
import sys
import threading
import traceback
from collections import deque
from multiprocessing.reduction import ForkingPickler
from typing import Callable, Iterator, NamedTuple

_WORK: Callable[[int, int], list] | None = None     # inherited by the forked workers


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class Pool(multiprocessing.pool.Pool):
    """``multiprocessing.Pool`` without its busy wait in this process while results come in.

    The pool's thread that keeps its workers alive waits for a worker to end, for the
    pool's own notices and (CPython 3.8 and later) for the pipe its results come back on.
    That pipe stays readable until the pool's other thread has read the whole result, so
    while a big one is coming in (a task's parsed cables, a chunk of rendered pages'
    fingerprints) the waiting thread wakes, checks its workers and waits again without
    pause, taking the GIL from the thread reading.  Without the pipe it still wakes for
    all it acts on: a worker's end (its sentinel), ``close``, ``terminate`` and the last
    pending task done (the pool's cache notifies).  A pool of 2 workers handing back
    3,000 results of 600 KB: 1.0-1.5 CPU-seconds in this process against 5.0-5.8, and
    2.7-3.4 s against 5.6-5.9 s in all."""

    def _get_sentinels(self):
        return [self._change_notifier._reader]


def pool(jobs: int, initializer: Callable[[], object] | None = None,
         method: str | None = "fork") -> Pool:
    """A :class:`Pool` of ``jobs`` processes started by ``method`` (None: the platform's
    default)."""
    return Pool(jobs, initializer, context=multiprocessing.get_context(method))


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
        with pool(jobs) as workers:
            if ahead is None:
                for part in workers.imap(_chunk, bounds):
                    yield from part
                return
            todo = iter(bounds)
            asked = deque(workers.apply_async(_chunk, (b,)) for _, b in zip(range(ahead), todo))
            while asked:
                part = asked.popleft().get()
                nxt = next(todo, None)
                if nxt is not None:
                    asked.append(workers.apply_async(_chunk, (nxt,)))
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


def memory_room() -> tuple[int, int] | None:
    """(bytes this process holds resident, bytes the system has available), or None where
    ``/proc`` does not say (not Linux)."""
    try:
        with open("/proc/self/statm") as f:
            resident = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return resident, int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def release_free_memory() -> None:
    """Hand memory freed by parsing back to the system (glibc keeps it otherwise: about a
    third of the resident size after parsing 10,000 cables), so the stages after it start
    lower.  A no-op where there is no glibc."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


_APART: Callable[[], object] | None = None     # inherited by the process ``Apart`` forks
_PARENT = 0                                    # the process that forked it


def _end_with_parent() -> None:
    """Ask the kernel to end this process when the one that forked it ends (Linux's
    ``PR_SET_PDEATHSIG``), so that a build killed outright does not leave it writing on;
    elsewhere nothing is done."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != _PARENT:       # it ended before the request was made
        os._exit(1)


class Then(NamedTuple):
    """What a function run ``Apart`` returns to answer at once and work on after: the
    caller has ``answer`` (``Apart.result``) while the process calls ``rest()``, which
    ``Apart.finish`` waits for (a cache saved after its result is sent, say)."""
    answer: object
    rest: Callable[[], object]


def _outcome(call: Callable[[], object]) -> tuple:
    """("ok", what ``call()`` returned), or ("error", what it raised pickled if it
    pickles, its traceback as text)."""
    try:
        return "ok", call()
    except BaseException as exc:        # KeyboardInterrupt too: the parent hears of it
        text = traceback.format_exc()
        try:
            return "error", pickle.dumps(exc), text
        except Exception:
            return "error", None, text


def _run_apart(conn) -> None:
    """In the forked process: call the function and send back what it returned, or what it
    raised; if it returned a ``Then``, its answer, then the outcome of its ``rest``."""
    _end_with_parent()
    try:
        out = _outcome(_APART)
        if out[0] == "ok" and isinstance(out[1], Then):
            _answer_during_rest(conn, out[1])
        else:
            conn.send((*out, False))
    finally:
        conn.close()


def _answer_during_rest(conn, then: Then) -> None:
    """Send a ``Then``'s answer from a thread of its own while this one calls its rest,
    then the rest's outcome.  An answer larger than the pipe holds waits there until the
    caller reads it, in a write that holds no GIL: the rest need not wait for the caller
    to ask (the people process keeps its ledger between resolving and being asked, where
    at 250,000 cables those 2-3 CPU-seconds ran beside the build's busiest stages)."""
    data = ForkingPickler.dumps(("ok", then.answer, True))     # as ``conn.send`` does
    sender = threading.Thread(target=conn.send_bytes, args=(data,), name="answer")
    sender.start()
    try:
        outcome = _outcome(then.rest)
    finally:
        sender.join()
    del data
    conn.send((*outcome, False))


class Apart:
    """``work()`` called in one forked process while this one goes on (``apart``): the
    process inherits everything ``work`` reads, and only what it returns comes back.
    Unlike a pool's worker, the process may fork workers of its own."""

    def __init__(self, work: Callable[[], object]) -> None:
        global _APART, _PARENT
        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe(duplex=False)
        self._more = False           # a ``Then``'s rest still to be heard of
        _APART, _PARENT = work, os.getpid()
        for stream in (sys.stdout, sys.stderr):     # else the process writes it out again
            stream.flush()
        try:
            self._process = ctx.Process(target=_run_apart, args=(child,), name="apart")
            self._process.start()       # forks here: ``work`` inherited
        finally:
            _APART = None
            child.close()

    def result(self):
        """What ``work()`` returned (a ``Then``'s answer), once it has (its exception
        raised here if it raised, with the forked process's traceback as the cause).  The
        process is waited for unless a ``Then``'s rest is still to come (``finish``)."""
        try:
            try:
                out = self._conn.recv()
            except EOFError:
                self._process.join()
                raise RuntimeError(f"the process apart ended without an answer (exit "
                                   f"status {self._process.exitcode})") from None
        except BaseException:
            self.cancel()
            raise
        self._more = out[-1]
        if not self._more:
            self._conn.close()
            self._process.join()
        if out[0] == "ok":
            return out[1]
        cause = RuntimeError(f"in the process apart:\n{out[2]}")
        try:
            exc = pickle.loads(out[1]) if out[1] is not None else None
        except Exception:          # pickled, but not to be made again here
            exc = None
        if isinstance(exc, BaseException):
            raise exc from cause
        raise cause

    def finish(self) -> None:
        """Wait for a ``Then``'s rest to be done (its outcome is the process's second
        message, read as the answer is: what it raised is raised here), and for the
        process to end; nothing to wait for if ``work()`` returned no ``Then``."""
        if self._more:
            self.result()

    def cancel(self) -> None:
        """End the process (the build failed meanwhile) and wait for it."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._conn.close()
