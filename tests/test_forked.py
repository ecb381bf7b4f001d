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


def _big(k):
    return bytes([k]) * 4_000_000


def _wakeups(monkeypatch, make_pool) -> int:
    """How often a pool's worker-handling thread woke (and checked its workers) while 16
    results of 4 MB came back."""
    import multiprocessing.pool
    woke = []
    maintain = multiprocessing.pool.Pool._maintain_pool

    def counted(*args):
        woke.append(1)
        return maintain(*args)
    monkeypatch.setattr(multiprocessing.pool.Pool, "_maintain_pool", staticmethod(counted))
    with make_pool() as pool:
        assert [r[:1] for r in pool.imap(_big, range(16))] == [bytes([k]) for k in range(16)]
    return len(woke)


def test_the_pool_waits_quietly_while_big_results_come_in(monkeypatch):
    """CPython's own pool wakes the thread that keeps its workers whenever its result
    pipe is readable, and that thread spins until the whole result is read: the pool of
    ``forked.pool`` wakes for its workers and its notices only."""
    import multiprocessing
    stock = _wakeups(monkeypatch, lambda: multiprocessing.get_context("fork").Pool(2))
    ours = _wakeups(monkeypatch, lambda: forked.pool(2))
    assert ours <= 5 < 50 < stock, (ours, stock)


def test_a_closed_pool_still_ends_once_its_tasks_are_done():
    """Without waking on results, the pool still sees its last task done (its cache
    notifies): ``close`` then ``join`` returns with every result in."""
    import threading
    pool = forked.pool(2)
    pending = [pool.apply_async(_big, (k,)) for k in range(6)]
    pool.close()
    joined = threading.Thread(target=pool.join, daemon=True)
    joined.start()
    joined.join(60)
    assert not joined.is_alive()
    assert [r.get(0)[:1] for r in pending] == [bytes([k]) for k in range(6)]


def test_apart_hands_back_what_it_returned_and_may_fork_workers_of_its_own():
    """A pool's worker may not fork; the process apart renders nothing but forks the
    search index's workers."""
    here = os.getpid()

    def work():
        workers = list(forked.chunks(lambda a, z: [os.getpid()] * (z - a), 4, 2, 1))
        return os.getpid(), workers
    apart = forked.Apart(work)
    pid, workers = apart.result()
    assert pid != here and len(workers) == 4 and not {here, pid} & set(workers)
    assert not apart._process.is_alive()


def test_apart_raises_what_the_work_raised_with_its_traceback():
    def fails():
        raise KeyError("no such shard")
    with pytest.raises(KeyError) as info:
        forked.Apart(fails).result()
    assert "in the process apart" in str(info.value.__cause__)
    assert "raise KeyError" in str(info.value.__cause__)

    class Unpicklable(Exception):          # a local class: its instances do not pickle
        pass

    def fails_oddly():
        raise Unpicklable("odd")
    with pytest.raises(RuntimeError, match="Unpicklable: odd"):
        forked.Apart(fails_oddly).result()


def test_apart_answers_a_then_first_and_finish_waits_for_its_rest(tmp_path):
    """A ``Then``'s answer comes back while the process goes on with its rest; ``finish``
    waits for the rest, and raises what it raised."""
    flag, done = tmp_path / "go", tmp_path / "done"

    def rest():
        while not flag.exists():          # until the caller has its answer
            time.sleep(0.01)
        done.write_text("kept")

    apart = forked.Apart(lambda: forked.Then(os.getpid(), rest))
    assert apart.result() != os.getpid() and apart._process.is_alive() and not done.exists()
    flag.write_text("")
    apart.finish()
    assert done.read_text() == "kept" and not apart._process.is_alive()
    apart.finish()                         # nothing more to wait for

    def fails():
        raise OSError(28, "No space left on device")
    failing = forked.Apart(lambda: forked.Then("answer", fails))
    assert failing.result() == "answer"
    with pytest.raises(OSError, match="No space left") as info:
        failing.finish()
    assert "in the process apart" in str(info.value.__cause__)
    assert not failing._process.is_alive()


def test_a_then_does_its_rest_before_the_caller_asks_for_a_large_answer(tmp_path):
    """An answer larger than the pipe holds waits in it while the rest is done: the rest
    does not wait for the caller to read the answer."""
    done = tmp_path / "done"
    answer = bytes(range(256)) * 40_000      # 10 MB: a pipe holds 64 KB

    def rest():
        done.write_text("kept")
    apart = forked.Apart(lambda: forked.Then(answer, rest))
    waited = 0.0
    while not done.exists() and waited < 30:
        time.sleep(0.05)
        waited += 0.05
    assert done.exists(), "the rest waited for the answer to be read"
    assert apart.result() == answer
    apart.finish()
    assert not apart._process.is_alive()


def test_apart_that_dies_without_an_answer_is_an_error():
    with pytest.raises(RuntimeError, match=r"without an answer \(exit status 3\)"):
        forked.Apart(lambda: os._exit(3)).result()


def test_a_cancelled_apart_process_is_ended():
    apart = forked.Apart(lambda: time.sleep(60))
    t = time.monotonic()
    apart.cancel()
    assert not apart._process.is_alive() and time.monotonic() - t < 10


def test_the_process_apart_ends_when_the_build_is_killed(tmp_path):
    """A build killed outright (SIGKILL) takes its process apart with it (Linux)."""
    import signal
    import subprocess
    import sys
    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    pidfile = tmp_path / "pid"
    code = ("import os, time\nfrom generator import forked\n"
            f"def work():\n    open({str(pidfile)!r}, 'w').write(str(os.getpid()))\n"
            "    time.sleep(60)\n"
            "forked.Apart(work)\ntime.sleep(60)\n")
    build = subprocess.Popen([sys.executable, "-c", code])
    for _ in range(100):
        if pidfile.exists() and pidfile.read_text():
            break
        time.sleep(0.1)
    child = int(pidfile.read_text())
    build.send_signal(signal.SIGKILL)
    build.wait()
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the process apart outlived the build")


def test_memory_room_is_this_process_and_what_the_system_has_available():
    room = forked.memory_room()
    if room is None:
        pytest.skip("no /proc here")
    resident, available = room
    big = bytearray(64 << 20)           # 64 MB, written: resident
    for k in range(0, len(big), 4096):
        big[k] = 1
    after, _ = forked.memory_room()
    assert 0 < resident and 0 < available and after - resident > 48 << 20


class _NotMadeAgain(Exception):
    """Pickles, but cannot be unpickled (its constructor wants two arguments)."""

    def __init__(self, a, b):
        super().__init__(f"{a} {b}")


def test_an_exception_that_cannot_be_made_again_comes_back_as_its_traceback():
    def fails():
        raise _NotMadeAgain("half", "made")
    with pytest.raises(RuntimeError, match="_NotMadeAgain: half made"):
        forked.Apart(fails).result()
