"""Benchmark: ``cablesite serve`` on a large collection, as a writer uses it.

    python bench/serve_bench.py --content DIR [--out DIR] [--cache DIR] [--edits N] [--no-preview]

Starts ``cablesite serve`` (this checkout's code) on a built collection (a synthetic one:
``cablesite synth``, then ``cablesite build``; pass the same ``--out`` and ``--cache``,
or the first build is a whole one), waits for its first build, then reports:

- the CPU the server takes while nothing changes (60 s), which is what watching costs;
- for each of ``--edits`` edits, in turn adding a cable the collection does not have,
  changing its subject line and removing it: the time from the file's change to the
  moment the server tells the open pages to reload with the cable's page previewed (its
  ``/__cablesite/version`` shows ``+``; not for a removal) and that page served, then
  to the moment the whole site is built (the version's build number moves on), and the
  server's resident memory a few seconds after, once the build's model is freed; a
  server that kept something of each build would grow here;
- the CPU it takes while idle again (30 s).

The added cable is removed at the end, whatever happens.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from build_bench import ROOT, new_cable


def built(text: str | None) -> str | None:
    """The build number of a version (``3`` of ``3+2``: see ``Server.version_text``)."""
    return None if text is None else text.split("+")[0]


def page(port: int, log: Path, serial: str) -> bool:
    """Whether the server serves the first page its last preview names (as it printed
    it), with the cable's ``serial`` number in it."""
    said = [line for line in log.read_text().splitlines() if "previewed in" in line]
    found = re.search(r"\(http://[^/]+/(\S+?)\)", said[-1]) if said else None
    if found is None:
        return False
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{found.group(1)}", timeout=60) as r:
            return serial.encode() in r.read()
    except OSError:
        return False


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
    ap.add_argument("--no-preview", action="store_true",
                    help="run serve with --no-preview (to compare its rebuilds and memory)")
    args = ap.parse_args()
    content = Path(args.content)
    extra = content / "cables" / "serve-bench-added.txt"
    text = new_cable(content, 998)
    if "SUBJECT: " not in text:
        raise SystemExit("the new cable has no subject line to change")
    cmd = [sys.executable, "-m", "generator", "serve", "--content", str(content), "--out", args.out,
           "--port", str(args.port)] + (["--cache", args.cache] if args.cache else []) + \
        (["--no-preview"] if args.no_preview else [])
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
        serial = f"999{998 % 1000:03d}"        # (``new_cable``'s)
        for k in range(args.edits):
            before = version(args.port)
            what = ("added", "changed", "removed")[k % 3]
            if what == "removed":
                extra.unlink()
            elif what == "added":
                extra.write_text(text)
            else:
                extra.write_text(text.replace("SUBJECT: ", "SUBJECT: CHANGED: ", 1))
            t = time.monotonic()
            shown = served = None
            while built(now := version(args.port)) == built(before):
                if shown is None and now is not None and "+" in now and now != before:
                    shown = time.monotonic() - t
                    served = page(args.port, Path(log.name), serial)
                time.sleep(0.05)
            took = time.monotonic() - t
            time.sleep(5)
            said = (f"previewed after {shown:.1f} s ({'page served' if served else 'page NOT served'}), "
                    if shown is not None else "no preview, ")
            print(f"{what} a cable: {said}the whole site built after {took:.1f} s; resident "
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
