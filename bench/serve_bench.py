"""Benchmark: ``cablesite serve`` on a large collection, as a writer uses it.

    python bench/serve_bench.py --content DIR [--out DIR] [--cache DIR] [--edits N]

Starts ``cablesite serve`` (this checkout's code) on a built collection (a synthetic one:
``cablesite synth``, then ``cablesite build``; pass the same ``--out`` and ``--cache``,
or the first build is a whole one), waits for its first build, then reports:

- the CPU the server takes while nothing changes (60 s), which is what watching costs;
- for each of ``--edits`` edits, alternately adding a cable the collection does not have
  and removing it: the time from the file's change to the moment the server tells the
  open pages to reload (its ``/__cablesite/version`` changes), and the server's resident
  memory a few seconds after, once the build's model is freed; a server that kept
  something of each build would grow here;
- the CPU it takes while idle again (30 s).

The added cable is removed at the end, whatever happens.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from build_bench import ROOT, new_cable


def version(port: int) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__cablesite/version", timeout=60) as r:
            return r.read().decode()
    except OSError:
        return None


class Process:
    """CPU time and resident memory of a running process, from /proc (Linux)."""

    def __init__(self, pid: int):
        self.pid = pid

    def cpu(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
        return 0

    def idle(self, seconds: float) -> float:
        """Percent of a core used over ``seconds``."""
        c = self.cpu()
        time.sleep(seconds)
        return (self.cpu() - c) / seconds * 100


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--content", required=True)
    ap.add_argument("--out", default="site")
    ap.add_argument("--cache", default=None)
    ap.add_argument("--edits", type=int, default=6)
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args()
    content = Path(args.content)
    extra = content / "cables" / "serve-bench-added.txt"
    text = new_cable(content, 998)
    cmd = [sys.executable, "-m", "generator", "serve", "--content", str(content), "--out", args.out,
           "--port", str(args.port)] + (["--cache", args.cache] if args.cache else [])
    log = open(Path(args.out).resolve().parent / "serve-bench.log", "w")
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    proc = Process(server.pid)
    try:
        t = time.monotonic()
        while version(args.port) in (None, "0"):
            if server.poll() is not None:
                raise SystemExit(f"serve ended (exit status {server.returncode}); see {log.name}")
            time.sleep(0.5)
        print(f"first build {time.monotonic() - t:.1f} s; resident {proc.rss_mb()} MB", flush=True)
        time.sleep(5)
        print(f"idle: {proc.idle(60):.1f}% of a core over 60 s", flush=True)
        for k in range(args.edits):
            before = version(args.port)
            if extra.exists():
                extra.unlink()
                what = "removed"
            else:
                extra.write_text(text)
                what = "added"
            t = time.monotonic()
            while version(args.port) == before:
                time.sleep(0.05)
            took = time.monotonic() - t
            time.sleep(5)
            print(f"{what} a cable: the pages told to reload after {took:.1f} s; resident "
                  f"{proc.rss_mb()} MB 5 s later", flush=True)
        print(f"idle after: {proc.idle(30):.1f}% of a core over 30 s", flush=True)
    finally:
        server.terminate()
        server.wait()
        log.close()
        extra.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
