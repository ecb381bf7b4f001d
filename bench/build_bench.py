"""Benchmark: full builds, add-one-cable rebuilds and Hugo, on synthetic corpora.

    python bench/build_bench.py --counts 1000 10000 [--hugo] [--jobs N] [--work DIR]

For each count N: a synthetic corpus (``cablesite synth``, kept in the work folder
between runs), a clean full build, a rebuild after adding one cable, the output's
size and file count, and the time of each build stage.  With ``--hugo`` the same
cables, converted to Markdown with taxonomies tags/people/subjects/origins, are
built by Hugo (Debian package ``hugo``) in the same run.  Peak memory is the
largest resident set of one process (``ru_maxrss`` of the children); cablesite's
parse and render workers are forked from the main process.

The previous run's outputs are moved aside, not deleted, before a build is timed, and
deleted when every build has been timed (``Trash``).  On an ext4 file system without a
journal (the project machine's), the kernel skips inodes freed in the last 30 seconds,
or 330 while their inode table block is dirty, when it allocates one, checking each in
turn: 20,000 empty files took 1.3 s to create in a fresh folder and 11 s right after
20,000 others were deleted.  Deleting the last run's 1.3 million files just before a
full build at 250,000 timed that, not the build (nor what a user's build meets: a clean
build writes beside the old site and removes it afterwards).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CABLESITE = [sys.executable, "-m", "generator"]


# Runs a command and reports the largest resident set of it and its descendants (this
# process's own RUSAGE_CHILDREN would also count every earlier command: Hugo at 10,000
# cables was counted as the 50,000-cable build's peak).
_PEAK = ("import resource, subprocess, sys\n"
         "r = subprocess.run(sys.argv[1:])\n"
         "kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
         "sys.stderr.write(f'\\npeak-kb {kb}\\n')\n"
         "sys.exit(r.returncode)\n")
LAST_PEAK = [0.0]


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, str]:
    """Run ``cmd`` in ``cwd``, by default the project beside this script: ``python -m
    generator`` imports the package from its working folder first, so the code measured
    is this checkout's whatever the caller's folder.  Its peak memory is left in
    :func:`peak_mb`."""
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", _PEAK, *cmd], cwd=cwd or ROOT, capture_output=True,
                       text=True)
    took = time.perf_counter() - t
    err, _, peak = p.stderr.rstrip().rpartition("\npeak-kb ")
    LAST_PEAK[0] = int(peak) / 1024 if peak.isdigit() else 0.0
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err[-3000:]}")
    return took, err


def peak_mb() -> float:
    """The largest resident set of the last command run and its descendants, in MB."""
    return LAST_PEAK[0]


def size(folder: Path) -> tuple[int, float]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files) / 1e6


def largest(folder: Path) -> tuple[int, str]:
    """The largest file apart from the bulk downloads in data/ (the 1 MB target)."""
    return max(((p.stat().st_size, p.relative_to(folder).as_posix()) for p in folder.rglob("*")
                if p.is_file() and p.relative_to(folder).parts[0] != "data"), default=(0, ""))


def stages(stderr: str) -> str:
    """The summary's time per stage, after the pages rendered and the files written."""
    last = stderr.strip().splitlines()[-1]
    m = re.search(r"errors; (.*)$", last)
    done = re.search(r"\((\d+) rendered\).*\((\d+) written", last)
    return (f"{done.group(1)} pages rendered, {done.group(2)} files written; " if done else "") + \
        (m.group(1) if m else "")


def to_hugo(content: Path, hugo: Path) -> None:
    """The synthetic cables as Hugo Markdown pages with taxonomies, via ``cablesite parse``."""
    out = subprocess.run([*CABLESITE, "parse", "-q", "--jobs", str(os.cpu_count() or 1),
                          str(content / "cables")], capture_output=True, text=True, check=True).stdout
    posts = hugo / "content" / "cables"
    posts.mkdir(parents=True)
    for line in out.splitlines():
        c = json.loads(line)
        front = {"title": c["subject"] or c["id"], "date": (c["date"] or "2000-01-01")[:10],
                 "tags": c["tags"], "people": [p["name"] for p in c["persons"]],
                 "origins": [c["origin"]] if c["origin"] else [],
                 "subjects": [c["subject"]] if c["subject"] else []}
        body = "\n\n".join(p["text"] if p["kind"] == "paragraph" else f"## {p['text']}"
                           for p in c["paragraphs"])
        (posts / f"{c['id']}.md").write_text(json.dumps(front, ensure_ascii=False) + "\n\n" + body + "\n")
    (hugo / "config.toml").write_text(
        'baseURL = "http://example.org/"\ntitle = "bench"\ndisableKinds = ["RSS"]\n'
        '[taxonomies]\n  tag = "tags"\n  person = "people"\n  subject = "subjects"\n  origin = "origins"\n')
    layouts = hugo / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text("<!DOCTYPE html><html><head><title>{{ .Title }}</title></head>"
                                         "<body>{{ block \"main\" . }}{{ end }}</body></html>")
    (layouts / "single.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Params.tags }}<a href="/tags/{{ . | urlize }}/">{{ . }}</a> '
        '{{ end }}{{ .Content }}{{ end }}')
    (layouts / "list.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">'
        '{{ .Title }}</a></li>{{ end }}</ul>{{ end }}')
    (layouts / "terms.html").write_text(
        '{{ define "main" }}<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">'
        '{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}')


def new_cable(content: Path, n: int) -> str:
    """The text of a cable the collection does not have: a synthetic one with a serial
    number no synthetic cable has (999xxx, from ``n``)."""
    sample = next((content / "cables" / "text").rglob("*.txt"))
    text, n_ids = re.subn(r"^((?:UNCLAS|C ?O ?N ?F ?I ?D ?E ?N ?T ?I ?A ?L|S ?E ?C ?R ?E ?T)\S* [A-Z][A-Z ]* )\d{6}$",
                          lambda m: f"{m.group(1)}999{n % 1000:03d}", sample.read_text(), count=1,
                          flags=re.M)
    assert n_ids == 1, f"no ID line in {sample}"
    return text


class Trash:
    """Folders moved aside (a rename: no inode freed) to be deleted after the timing."""

    def __init__(self, work: Path):
        self.folder = work / ".trash"
        self.folder.mkdir(parents=True, exist_ok=True)

    def put(self, path: Path) -> None:
        """Move ``path`` (a file or folder) into a folder of its own in the trash (names
        never collide, whatever an interrupted run left there)."""
        if path.exists():
            path.rename(Path(tempfile.mkdtemp(dir=self.folder)) / path.name)

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def bench(n: int, work: Path, jobs: int, hugo: bool, trash: Trash) -> dict:
    base = work / str(n)
    content = base / "content"
    if not (content / "cables").is_dir():
        run([*CABLESITE, "synth", "--count", str(n), "--out", str(content / "cables")])
    for old in ("site", ".site.files", ".cablesite-cache"):
        trash.put(base / old)
    row: dict = {"cables": n}
    row["full_s"], err = run([*CABLESITE, "build", "--content", str(content), "--out", str(base / "site"),
                              "--clean", "--jobs", str(jobs), "-q"])
    row["peak_mb"] = peak_mb()
    row["stages"] = stages(err)
    row["files"], row["size_mb"] = size(base / "site")
    row["largest"] = largest(base / "site")
    extra = content / "cables" / "added-one.txt"
    extra.write_text(new_cable(content, n))
    try:
        row["add_one_s"], err = run([*CABLESITE, "build", "--content", str(content), "--out",
                                     str(base / "site"), "--jobs", str(jobs), "-q"])
        row["add_one_stages"] = stages(err)
        row["add_one_peak_mb"] = peak_mb()
    finally:
        extra.unlink()
    if hugo and shutil.which("hugo"):
        h = base / "hugo"
        trash.put(h)
        to_hugo(content, h)
        row["hugo_s"], _ = run(["hugo", "--quiet", "--minify=false"], cwd=h)
        row["hugo_peak_mb"] = peak_mb()
        row["hugo_files"], row["hugo_size_mb"] = size(h / "public")
    return row


def report(n: int, r: dict) -> None:
    line = (f"{n:>7} cables: full build {r['full_s']:.1f} s ({n / r['full_s']:,.0f} cables/s), "
            f"peak {r['peak_mb']:.0f} MB, {r['files']} files, {r['size_mb']:.0f} MB; "
            f"add one cable {r['add_one_s']:.1f} s, peak {r['add_one_peak_mb']:.0f} MB")
    if "hugo_s" in r:
        line += (f"; Hugo {r['hugo_s']:.1f} s, peak {r['hugo_peak_mb']:.0f} MB "
                 f"({r['hugo_files']} files, {r['hugo_size_mb']:.0f} MB), "
                 f"ratio {r['full_s'] / r['hugo_s']:.2f}")
    print(line)
    print(f"         largest file outside data/: {r['largest'][1]}, {r['largest'][0]:,} bytes")
    print(f"         stages (full): {r['stages']}")
    print(f"         stages (add one): {r['add_one_stages']}")
    sys.stdout.flush()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--work", default=str(ROOT / "bench" / "out"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--hugo", action="store_true")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; jobs {args.jobs}")
    trash = Trash(work)
    try:
        for n in args.counts:
            report(n, bench(n, work, args.jobs, args.hugo, trash))
    finally:
        trash.empty()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
