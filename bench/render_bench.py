"""Benchmark: rendering, per template, on one core.

    python bench/render_bench.py [--count N] [--sample K] [--repeat R] [--work DIR] [--profile TEMPLATE]

Writes N synthetic cables (``cablesite synth``, kept in the work folder), builds them
once so that their parse cache exists, gathers the site as a build does (collect,
resolve, plan), then renders K routes of each template, picked at random with a fixed
seed, R times, and reports the best time per page and what all the routes of that
template would take at that rate.  Rendering is the largest stage of a full build; this
shows which kind of page costs what, without the workers, the fingerprints or the
writing.  ``--profile cable.html`` prints the profile of rendering that template's
sample once.  Compare within a run: the machine's speed varies between runs.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import config as config_mod  # noqa: E402
from generator.build import NOT_CABLES  # noqa: E402
from generator.cache import ParseCache  # noqa: E402
from generator.collect import collect  # noqa: E402
from generator.discover import discover  # noqa: E402
from generator.pages import routes  # noqa: E402
from generator.render import render  # noqa: E402
from generator.site import resolve  # noqa: E402
from generator.theme import load  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=1000, help="routes rendered per template")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default=str(ROOT / "bench" / "out"))
    ap.add_argument("--profile", metavar="TEMPLATE")
    args = ap.parse_args()
    base = Path(args.work) / f"render-{args.count}"
    content = base / "content"
    if not (content / "cables").is_dir():
        subprocess.run([sys.executable, "-m", "generator", "synth", "--count", str(args.count),
                        "--out", str(content / "cables")], cwd=ROOT, check=True)
    cache_dir = base / ".cablesite-cache"
    subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--out",
                    str(base / "site"), "--quiet"], cwd=ROOT, check=True)
    sources, _ = discover([content / "cables"], base=base, skip=NOT_CABLES, keep=False)
    gc.disable()                   # as the build gathers its model
    cache = ParseCache(cache_dir / "parse.sqlite")
    col = collect(sources, cache=cache)
    cache.close()
    cfg, _ = config_mod.parse(None, "site.toml")
    site = resolve(col, cfg)
    plan, _ = routes(site)
    theme, _ = load(cfg.theme, content)
    gc.freeze()
    gc.enable()
    by: dict[str, list[int]] = defaultdict(list)
    for k in range(len(plan)):
        by[plan[k].template].append(k)
    rng = random.Random(1)
    pick = {t: sorted(rng.sample(ks, min(args.sample, len(ks)))) for t, ks in by.items()}
    best: dict[str, float] = {}
    size: dict[str, int] = defaultdict(int)
    for _ in range(args.repeat):
        for t, ks in sorted(pick.items()):
            t0 = time.perf_counter()
            for k in ks:
                data, _ = render(plan[k], site, theme.env)
                size[t] += len(data or b"")
            best[t] = min(best.get(t, float("inf")), time.perf_counter() - t0)
    print(f"{args.count} cables, {len(plan)} routes; best of {args.repeat}, one core")
    total = 0.0
    for t in sorted(pick, key=lambda t: -best[t] / len(pick[t]) * len(by[t])):
        per = best[t] / len(pick[t])
        total += per * len(by[t])
        print(f"  {t:16s} {len(by[t]):7d} routes  {per * 1e3:7.3f} ms a page  "
              f"{size[t] / args.repeat / len(pick[t]) / 1024:6.1f} KB  all: {per * len(by[t]):7.2f} s")
    print(f"  every route: {total:.2f} s")
    if args.profile:
        pr = cProfile.Profile()
        pr.enable()
        for k in pick[args.profile]:
            render(plan[k], site, theme.env)
        pr.disable()
        pstats.Stats(pr).sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
