"""The ``cablesite`` command: a thin layer over the library.

    cablesite build [--content DIR] [--out DIR] [--strict]
    cablesite parse FILE... [--strict] [--text] [--people FILE]
    cablesite check [DIR]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import __version__
from .collect import collect
from .contract import cable_dict, dumps
from .diagnostics import Report, error
from .discover import NOT_CABLES, discover, read_text
from .people.editorial import Editorial, parse as parse_editorial


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="cablesite", description=__doc__.splitlines()[0])
    ap.add_argument("--version", action="version", version=f"cablesite {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="print one JSON object per cable (the JSON contract)")
    p.add_argument("paths", nargs="+", metavar="FILE", help="cable files or folders")
    p.add_argument("--strict", action="store_true", help="exit 1 when there are warnings")
    p.add_argument("--text", action="store_true", help="include the original text of each cable")
    p.add_argument("--people", metavar="FILE", help="editors' people.toml to apply")
    p.add_argument("--quiet", "-q", action="store_true", help="do not print warnings")
    p.add_argument("--jobs", "-j", type=int, default=1, help="processes for parsing (default: 1)")
    b = sub.add_parser("build", help="build the site from a content folder")
    b.add_argument("--content", default="content", help="content folder (default: content)")
    b.add_argument("--out", default="site", help="output folder (default: site)")
    b.add_argument("--strict", action="store_true", help="fail (exit 1) when there are warnings")
    b.add_argument("--quiet", "-q", action="store_true", help="do not print warnings")
    b.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                   help="processes for parsing and rendering (default: all cores)")
    b.add_argument("--clean", action="store_true",
                   help="full build: drop the parse cache and write every file anew")
    b.add_argument("--cache", default=None,
                   help="parse cache folder (default: .cablesite-cache beside the content folder)")
    c = sub.add_parser("check", help="check a built site for broken links and fragments")
    c.add_argument("dir", nargs="?", default="site")
    v = sub.add_parser("serve", help="serve the site on localhost, rebuilding on changes")
    v.add_argument("--content", default="content")
    v.add_argument("--out", default="site")
    v.add_argument("--host", default="127.0.0.1")
    v.add_argument("--port", type=int, default=8000)
    v.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    v.add_argument("--cache", default=None,
                   help="parse cache folder (default: .cablesite-cache beside the content folder)")
    v.add_argument("--no-preview", action="store_true",
                   help="do not serve a changed cable's pages before the site is rebuilt (and "
                        "do not keep the last build's site in memory for that)")
    i = sub.add_parser("import", help="bring a collection into content/cables/, one file per cable")
    i.add_argument("source", help="a cables.csv, a JSON dump, a folder of WikiLeaks pages or text files")
    i.add_argument("--content", default="content", help="content folder (default: content)")
    i.add_argument("--quiet", "-q", action="store_true")
    s = sub.add_parser("synth", help="write a synthetic corpus for benchmarks")
    s.add_argument("--count", type=int, required=True, help="number of cables")
    s.add_argument("--out", required=True, help="folder to write (must be empty or absent)")
    s.add_argument("--seed", type=int, default=1)
    return ap


def cmd_import(args: argparse.Namespace) -> int:
    from .importer import import_collection
    from .progress import Progress
    report = Report(quiet=args.quiet)
    result = import_collection(Path(args.source), Path(args.content) / "cables",
                               Progress(quiet=args.quiet))
    report.add(result.diagnostics)
    print(f"cablesite: imported {result.written} cables into {args.content}/cables/ "
          f"({result.skipped} already there, {result.duplicates} duplicate IDs kept as ~2..., "
          f"{result.unknown} without an ID under unknown/)", file=sys.stderr)
    return 1 if report.errors else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import Server
    server = Server(Path(args.content), Path(args.out), args.host, args.port, jobs=max(1, args.jobs),
                    cache_dir=Path(args.cache) if args.cache else None, preview=not args.no_preview)
    print(f"cablesite: serving {args.out}/ at {server.url} (Ctrl-C to stop); building it, then "
          f"rebuilding when {args.content}/ or the themes change", file=sys.stderr, flush=True)
    server.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        server.stop()


def cmd_synth(args: argparse.Namespace) -> int:
    from .progress import Progress
    from .synth import generate
    from .write import write_files
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        print(f"cablesite: {out}/ is not empty; choose an empty folder", file=sys.stderr)
        return 2
    n = write_files(generate(args.count, args.seed), out, Progress())
    print(f"cablesite: {args.count} synthetic cables in {n} files under {out}/", file=sys.stderr)
    return 0


def _stage_times(timings: dict[str, float], alongside: dict[str, float]) -> str:
    """``parse 2.10s, resolve 3.40s, ...``; the wait for the process apart (``apart``)
    says what that process did, alongside which stages of this one."""
    def one(stage: str, took: float) -> str:
        if stage != "apart":
            return f"{stage} {took:.2f}s"
        done = " and ".join(f"{s} {t:.2f}s" for s, t in alongside.items())
        return f"apart {took:.2f}s waited ({done} in a process of their own, alongside " \
               "resolve, render and export)"
    return ", ".join(one(k, v) for k, v in timings.items())


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build
    report = Report(quiet=args.quiet)
    content, out = Path(args.content), Path(args.out)
    if not content.is_dir():
        print(f"cablesite: no content folder {content}/ (run from the project folder, or pass "
              "--content DIR)", file=sys.stderr)
        return 2
    from .progress import Progress
    from .cache import default_folder
    cache = Path(args.cache) if args.cache else default_folder(content)
    result = build(content, out, report, strict=args.strict, jobs=max(1, args.jobs),
                   progress=Progress(quiet=args.quiet), cache_dir=cache, clean=args.clean,
                   leave=args.leave)
    stages = _stage_times(result.timings, result.alongside)
    if result.memory:
        stages += f"; peak memory {max(result.memory.values()):,.0f} MB (after " + ", ".join(
            f"{k} {v:,.0f}" for k, v in result.memory.items()) + ")"
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(report.by_kind("warning").items()))
    print(f"cablesite: {result.cables} cables, {result.pages} pages ({result.rendered} rendered), "
          f"{result.files} files in "
          f"{out}/ ({result.changed} written, {result.unchanged} unchanged); {report.warnings} "
          f"warnings ({kinds or 'none'}), {report.errors} errors; {stages}", file=sys.stderr)
    if not result.ok:
        print("cablesite: the build failed; the previous site was left as it was", file=sys.stderr)
    return 0 if result.ok else 1


def cmd_check(args: argparse.Namespace) -> int:
    from .linkcheck import check_links
    problems = check_links(Path(args.dir))
    for p in problems:
        print(p)
    print(f"cablesite: {len(problems)} link problems in {args.dir}/", file=sys.stderr)
    return 1 if problems else 0


def cmd_parse(args: argparse.Namespace) -> int:
    report = Report(quiet=args.quiet)
    sources, diags = discover(args.paths, skip=NOT_CABLES)
    report.add(diags)
    editorial = Editorial()
    if args.people:
        text = read_text(Path(args.people))
        if text is None:
            report.add([error("people file not found", path=args.people, kind="config")])
        else:
            editorial, d = parse_editorial(text, args.people)
            report.add(d)
    col = collect(sources, editorial, jobs=max(1, args.jobs))
    if args.leave is not None:
        args.leave.append(col)
    report.add(col.diagnostics)
    out = sys.stdout
    for i in range(len(col.cables)):
        primary = col.version_of.get(i)
        out.write(dumps(cable_dict(col.full(i), col.cable_persons[i],
                                   col.cables[primary].id if primary is not None else None,
                                   with_text=args.text)) + "\n")
    if not args.quiet:
        print(f"cablesite: {len(col.cables)} cables from {len(sources)} files; "
              f"{report.warnings} warnings, {report.errors} errors", file=sys.stderr)
    return 1 if report.failed(args.strict) else 0


def main(argv: list[str] | None = None, leave: list | None = None) -> int:
    """Run the command ``argv`` (by default the process's arguments); its exit status.
    ``leave``: see :func:`run`."""
    args = _parser().parse_args(argv)
    args.leave = leave
    commands = {"parse": cmd_parse, "build": cmd_build, "check": cmd_check, "synth": cmd_synth,
                "import": cmd_import, "serve": cmd_serve}
    try:   # the subcommand is required: argparse has already refused anything else
        return commands[args.command](args)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("cablesite: interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """The command's entry point (``cablesite``, ``python -m generator``): :func:`main`,
    then the process ends at once.  What a build or a parse made (at 250,000 cables,
    millions of objects) is left to it (``leave``), not freed object by object first:
    that took 3.5 s of adding a cable at 250,000 cables.  Only the standard streams are
    flushed; nothing else waits for the end of the process (worker pools are closed when
    their stage ends).  mypy ends its command the same way."""
    left: list = []
    code = main(leave=left)    # argparse's SystemExit (--help, a wrong option) goes up as usual
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass
    os._exit(code if isinstance(code, int) else 0)
