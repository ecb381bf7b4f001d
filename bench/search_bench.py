"""Benchmark: the search index on a synthetic collection, and Pagefind on the same pages.

    python bench/search_bench.py --count 250000 [--pagefind] [--work DIR]

1. N synthetic cables (``generator.synth``: realistic lengths, Zipf-distributed words,
   tags, people and origins) become search documents as the build makes them.
2. The index is built (``generator.search.parts.index_parts``) and written; time and
   peak memory (``ru_maxrss`` of the process that builds it) are reported, with the
   index's total size and file count.
3. Headless Chromium opens a search page over http://localhost (the theme's
   search.js, pipeline.js and lunr.min.js), runs a session of queries and reports, per
   query, the bytes it loaded (Resource Timing, body sizes) and the time from
   submitting to the results being on the page.  The first query includes loading
   the page's scripts and ``meta.js``.
4. With ``--pagefind``, the same cables are written as HTML pages and indexed by
   Pagefind (npm ``pagefind``), and its default UI is measured with the same queries.

Nothing here is a test: run it, read the numbers, compare ratios within one run.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.search.documents import SearchDoc, tag_text, id_terms  # noqa: E402
from generator.synth import Generator  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def synthetic_docs(count: int) -> list[SearchDoc]:
    """Search documents for ``count`` synthetic cables, in index order.  Cable n is made
    from seed n, so a document's text is made again when needed rather than kept, as
    the build does with real cables."""
    from generator.registry import posts
    g = Generator(1)
    names = posts().by_form

    def cable(n: int) -> dict:
        g.rng.seed(n)
        g.ids = []
        return g.cable(n)

    def load(n: int):
        c = cable(n)
        text = c["body"]
        body = text.split("\n\n", 4)[-1]           # paragraphs (after banner, TAGS, SUBJECT, REF)
        tags = c["tags"]
        fields = {"id": " ".join(id_terms(c["id"])), "subject": c["subject"], "body": body,
                  "tags": tag_text(tags), "people": " ".join(c["people"]),
                  "origin": names.get(c["origin"], c["origin"])}
        card = {"id": c["id"], "u": f"cable/{c['year']}/{c['month']:02d}/{c['id']}.html",
                "s": c["subject"], "d": c["iso"][:10], "t": tags, "x": body}
        return fields, card

    docs = []
    for n in range(count):
        c = cable(n)
        tags = c["tags"]
        origin = names.get(c["origin"], c["origin"])
        year = str(c["year"])
        docs.append(SearchDoc((year, origin, c["classification"], c["iso"], c["id"]), year, origin,
                              c["classification"], tuple(tags), functools.partial(load, n)))
    docs.sort(key=lambda d: d.key)
    return docs


def build_index(count: int, out: Path) -> dict:
    """In a child process, so its peak memory is the index's own."""
    code = f"""
import json, resource, sys, time
sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'bench')!r})
from pathlib import Path
from search_bench import synthetic_docs
from generator.search.parts import index_parts
t0 = time.perf_counter()
docs = synthetic_docs({count})
t1 = time.perf_counter()
made = [0.0]          # time spent making synthetic text again (the build has it at hand)
def timed(load):
    def f():
        t = time.perf_counter()
        try:
            return load()
        finally:
            made[0] += time.perf_counter() - t
    return f
for d in docs:
    d.load = timed(d.load)
rss_docs = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = Path({str(out)!r})
files = size = 0
for path, data in index_parts(docs, "Synthetic"):
    p = out / path
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    files += 1
    size += len(data)
t2 = time.perf_counter()
print(json.dumps({{"docs_s": t1 - t0, "index_s": t2 - t1 - made[0], "made_s": made[0], "files": files, "bytes": size,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "peak_mb_docs": rss_docs}}))
"""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(p.stderr[-3000:])
    return json.loads(p.stdout.strip().splitlines()[-1])


PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Search</title>
<script src="static/search/lunr.min.js" defer></script>
<script src="static/search/pipeline.js" defer></script>
<script src="static/search/search.js" defer></script></head><body>
<form id="search-form" data-index="search/index/" data-root=""><input id="search-q" name="q">
<button>Search</button></form><p id="search-status" role="status" aria-live="polite"></p>
<div id="search-facets"></div><div id="search-results"></div><nav id="search-pager"></nav>
</body></html>"""


def search_page(out: Path) -> None:
    shutil.copytree(ROOT / "themes" / "default" / "static" / "search", out / "static" / "search",
                    dirs_exist_ok=True)
    (out / "search.html").write_text(PAGE)


class _Counting(http.server.SimpleHTTPRequestHandler):
    """Serves files quietly and notes each one served: (path, bytes, gzip bytes).  Bytes
    are counted here, at the server, because Pagefind loads its index from a worker,
    whose requests the page's Resource Timing does not see."""

    def log_message(self, *args):
        pass

    def copyfile(self, source, outputfile):
        data = source.read()
        outputfile.write(data)
        self.server.served.append((self.path.split("?")[0], len(data), len(zlib.compress(data, 6))))


def serve(folder: Path):
    handler = functools.partial(_Counting, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.served = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def measure(server, url: str, queries: list[str], ready: str, box: str, done, status: str,
            press_enter: bool) -> list[dict]:
    """Open ``url``search.html, ask each query in ``box`` and wait for ``done(query)`` (a JS
    function body); per query, the files the server sent for it (raw and gzip bytes) and
    the time until the results are on the page (the first query's time and bytes include
    opening the page)."""
    from playwright.sync_api import sync_playwright
    rows, seen = [], {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = b.new_page()
        t = time.perf_counter()
        page.goto(url + "search.html")
        page.wait_for_selector(ready)
        for k, q in enumerate(queries):
            before = 0 if k == 0 else len(server.served)
            start = time.perf_counter() if k else t
            page.fill(box, q)
            if press_enter:
                page.press(box, "Enter")
            page.wait_for_function(done(q), timeout=120000)
            ms = (time.perf_counter() - start) * 1000
            page.wait_for_load_state("networkidle")     # count what loads after the first results too
            page.wait_for_timeout(500)
            new = server.served[before:]
            rows.append({"query": q, "ms": round(ms), "bytes": sum(x[1] for x in new),
                         "gzip": sum(x[2] for x in new), "files": len(new), "status": page.inner_text(status)})
            seen.update({x[0]: x for x in new})
        rows.append({"query": "session", "bytes": sum(x[1] for x in seen.values()),
                     "gzip": sum(x[2] for x in seen.values()), "files": len(seen)})
        b.close()
    return rows


def measure_cablesite(server, url: str, queries: list[str]) -> list[dict]:
    return measure(server, url, queries, "#search-form[data-ready]", "#search-q", lambda q: f"""() => {{
        const s = document.getElementById('search-status').textContent;
        return s.includes({json.dumps("“" + q + "”")}) || s.startsWith('Search failed'); }}""", "#search-status", True)


def pagefind_pages(docs: list[SearchDoc], out: Path) -> None:
    import html
    for d in docs:
        c = d.load()[1]
        p = out / c["u"]
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(c['s'])}"
                     f"</title></head><body><main data-pagefind-body><h1>{html.escape(c['s'])}</h1>"
                     f"<p data-pagefind-filter=\"year\">{d.year}</p><p data-pagefind-filter=\"origin\">"
                     f"{html.escape(d.origin)}</p><p>{html.escape(c['id'])} {' '.join(d.tags)}</p>"
                     + "".join(f"<p>{html.escape(x)}</p>" for x in c["x"].split("\n") if x)
                     + "</main></body></html>")
    (out / "search.html").write_text(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Search</title>"
        "<link href=\"pagefind/pagefind-ui.css\" rel=\"stylesheet\"><script src=\"pagefind/pagefind-ui.js\">"
        "</script></head><body><div id=\"search\"></div><script>new PagefindUI({element: '#search', "
        "showSubResults: false});</script></body></html>")


def measure_pagefind(server, url: str, queries: list[str]) -> list[dict]:
    return measure(server, url, queries, ".pagefind-ui__search-input", ".pagefind-ui__search-input", lambda q: f"""() => {{
        const m = document.querySelector('.pagefind-ui__message');
        return m && m.textContent.includes({json.dumps(q.strip('"'))}) &&
               (document.querySelector('.pagefind-ui__result-link') || m.textContent.startsWith('No results')); }}""",
                   ".pagefind-ui__message", False)


def pagefind(docs, work: Path, queries, max_gb: int) -> dict:
    site = work / "pagefind-site"
    if site.exists():
        shutil.rmtree(site)
    t = time.perf_counter()
    pagefind_pages(docs, site)
    write_s = time.perf_counter() - t
    tool = ROOT / "node_modules" / ".bin" / "pagefind"
    if not tool.exists():
        subprocess.run(["npm", "install", "--no-save", "pagefind@1"], cwd=ROOT, check=True,
                       capture_output=True)
    t = time.perf_counter()
    # Under a cap on address space, so that running out of memory ends Pagefind, not the machine.
    p = subprocess.run(["prlimit", f"--as={max_gb << 30}", "/usr/bin/time", "-v", str(tool), "--site", str(site)],
                       capture_output=True, text=True)
    index_s = time.perf_counter() - t
    peak = next((int(l.split()[-1]) / 1024 for l in p.stderr.splitlines() if "Maximum resident" in l), None)
    if p.returncode:
        return {"pages_s": round(write_s, 1), "index_s": round(index_s, 1), "peak_mb": peak,
                "failed": f"exit {p.returncode} (memory capped at {max_gb} GB): {p.stderr.strip()[-300:]}"}
    files = [f for f in (site / "pagefind").rglob("*") if f.is_file()]
    server, url = serve(site)
    try:
        rows = measure_pagefind(server, url, queries)
    finally:
        server.shutdown()
    return {"pages_s": round(write_s, 1), "index_s": round(index_s, 1), "peak_mb": peak,
            "files": len(files), "mb": round(sum(f.stat().st_size for f in files) / 1e6, 1),
            "queries": rows}


# Plain queries both tools understand, from frequent to rare words; then two of ours.
QUERIES = ["embassy", "minister security", "\"foreign minister\"", "nuclear weapons program", "trade",
           "tag:PREL election", "year:2008 trade"]


def report(rows: list[dict]) -> None:
    for row in rows:
        print(f"  {row['query']:<24} {row.get('ms', ''):>6} ms {row['bytes'] / 1024:8.1f} KB "
              f"{row['gzip'] / 1024:7.1f} KB gz {row['files']:4d} files  {row.get('status', '')[:80]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--pagefind", action="store_true")
    ap.add_argument("--pagefind-max-gb", type=int, default=20, help="address-space cap for Pagefind")
    ap.add_argument("--queries", nargs="*", default=QUERIES)
    a = ap.parse_args()
    out = a.work / f"search-{a.count}"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    print(f"# {a.count:,} synthetic cables, {os.cpu_count()} cores", flush=True)
    r = build_index(a.count, out)
    print(f"documents {r['docs_s']:.1f} s; index {r['index_s']:.1f} s (and {r['made_s']:.1f} s making "
          f"synthetic text again) "
          f"({a.count / r['index_s']:,.0f} cables/s); peak {r['peak_mb']:.0f} MB "
          f"(documents alone {r['peak_mb_docs']:.0f} MB); {r['files']:,} files, {r['bytes'] / 1e6:.1f} MB",
          flush=True)
    search_page(out)
    server, url = serve(out)
    try:
        rows = measure_cablesite(server, url, a.queries)
    finally:
        server.shutdown()
    print("cablesite queries (the first includes opening the page); KB sent, and gzipped:")
    report(rows)
    if a.pagefind:
        docs = synthetic_docs(a.count)
        pf = pagefind(docs, a.work, [q for q in a.queries if ":" not in q], a.pagefind_max_gb)
        if "failed" in pf:
            print(f"pagefind: pages written {pf['pages_s']} s; index FAILED after {pf['index_s']} s "
                  f"(peak {pf['peak_mb']} MB): {pf['failed']}")
            return
        print(f"pagefind: pages written {pf['pages_s']} s; index {pf['index_s']} s; peak {pf['peak_mb']} MB; "
              f"{pf['files']:,} files, {pf['mb']} MB")
        report(pf["queries"])


if __name__ == "__main__":
    main()
