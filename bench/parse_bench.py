"""Benchmark: readers + parser + people over ../shared/corpus on one core.

    python bench/parse_bench.py [--repeat N] [--profile] [--jobs N]

Reports cables per second (best wall-clock and best CPU time of the repeats; CPU time
is steadier on a shared machine) and peak memory (ru_maxrss of this process).  Compare
within a run, not across machines.  From 2,000 cables (``--corpus`` elsewhere) people
are resolved in a process apart, which the timing waits for but whose CPU time is not
this process's.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.collect import collect  # noqa: E402
from generator.discover import discover  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--jobs", type=int, default=0,
                    help="also time N processes (0: all cores) after the one-core runs; 1: skip")
    args = ap.parse_args()
    sources, _ = discover([args.corpus])
    mb = sum(len(s.data) for s in sources) / 1e6
    collect(sources).persons  # warm up caches (lexicons, registry)
    times, cpu = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
        col = collect(sources)
        col.persons        # from 2,000 cables people are resolved apart: wait for them
        if args.profile:
            prof.disable()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    best = min(times)
    best_cpu = min(cpu)
    n = len(col.cables)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {len(sources)} files, {mb:.1f} MB, {n} cables")
    print(f"read+parse+people: best of {args.repeat}: {best:.3f} s wall = {n / best:,.0f} cables/s "
          f"({mb / best:.1f} MB/s), one core; {best_cpu:.3f} s CPU = {n / best_cpu:,.0f} cables/s")
    print(f"peak memory (max RSS): {peak:.0f} MB")
    jobs = args.jobs or os.cpu_count() or 1
    if jobs > 1:
        par = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            collect(sources, jobs=jobs).persons
            par.append(time.perf_counter() - t0)
        print(f"read+parse+people on {jobs} processes: best of {args.repeat}: {min(par):.3f} s = "
              f"{n / min(par):,.0f} cables/s ({best / min(par):.2f}x one core, same run)")
    if args.profile:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
