"""Non-HTML outputs: data export (cables.jsonl, cables.csv, per-cable JSON and
raw text), sitemap.xml, an Atom feed of the newest cables, robots.txt."""
from __future__ import annotations

import csv
import io
from xml.sax.saxutils import escape

from . import urls
from .contract import cable_dict, dumps
from .model import Cable
from .pages import cable_path, data_parts
from .render import digest_of
from .site import Site


def cable_json(site: Site, i: int, c: Cable | None = None) -> bytes:
    """Cable ``i`` as the JSON contract (``c``: the full cable, if already read)."""
    primary = site.version_of.get(i)
    d = cable_dict(c or site.full(i), site.persons_of[i],
                   site.cables[primary].id if primary is not None else None)
    return (dumps(d) + "\n").encode("utf-8")


CSV_HEADER = ["id", "date", "origin", "classification", "caveats", "tags", "subject", "references",
              "cited_by", "persons", "path"]


def exports(site: Site):
    """Per-cable ``.json`` and ``.txt``, then the collection as JSON lines and CSV cut
    into the parts of :func:`data_parts`, one part at a time (a large collection is never
    held as one string): ``(path, fingerprint, make)``, where ``make()`` gives the bytes
    and equal fingerprints mean equal bytes (so a rebuild keeps the file without reading
    its cables; None: compare the bytes).  A cable's files count it by its digest."""
    for name, idx in data_parts(site):
        lines: dict[int, bytes] = {}
        prints = []
        rows = io.StringIO()
        w = csv.writer(rows, lineterminator="\n")
        w.writerow(CSV_HEADER)
        for i in idx:
            c = site.cables[i]
            path = cable_path(site, i)
            primary = site.version_of.get(i)
            json_print = digest_of(("json", site.digests[i], site.persons_of[i],
                                   site.cables[primary].id if primary is not None else None))
            prints.append(json_print)
            full = _Once(site, i)

            def json_data(i=i, full=full) -> bytes:
                lines[i] = cable_json(site, i, full())
                return lines[i]

            def text_data(full=full) -> bytes:
                text = full().text
                return text.encode("utf-8") + (b"" if text.endswith("\n") else b"\n")
            yield path[:-5] + ".json", json_print, json_data
            yield path[:-5] + ".txt", digest_of(("txt", site.digests[i])), text_data
            w.writerow([c.id or "", c.date or "", c.origin or "", c.classification or "",
                        "|".join(c.caveats), "|".join(c.tags), c.subject or "",
                        "|".join(r.id for r in c.references if r.id),
                        "|".join(site.keys[j] for j in site.cited_by.get(i, [])),
                        "|".join(p.name for p in site.persons_of[i]), path])
        yield (f"data/{name}.jsonl", digest_of(("jsonl", prints)),
               lambda idx=idx, lines=lines: b"".join(lines.get(i) or cable_json(site, i) for i in idx))
        yield f"data/{name}.csv", None, lambda rows=rows: rows.getvalue().encode("utf-8")


class _Once:
    """Cable ``i``'s full cable, read from the store at most once (its .json and .txt)."""

    __slots__ = ("site", "i", "cable")

    def __init__(self, site: Site, i: int):
        self.site, self.i, self.cable = site, i, None

    def __call__(self) -> Cable:
        if self.cable is None:
            self.cable = self.site.full(self.i)
        return self.cable


SITEMAP_URLS = 40000      # below the protocol's 50,000 URLs and 50 MB per file
SITEMAP_BYTES = 1_000_000  # and no file of the site over 1 MB


def sitemaps(paths: list[str], base_url: str) -> list[tuple[str, bytes]]:
    """``sitemap.xml``, or when the site is large a sitemap index and its parts."""
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
    parts: list[list[str]] = [[]]
    size = len(head) + len("</urlset>\n")
    for p in sorted(paths):
        if not p.endswith(".html") or p == "404.html":
            continue
        line = f"<url><loc>{escape(base_url + p)}</loc></url>\n"
        if parts[-1] and (len(parts[-1]) >= SITEMAP_URLS or size + len(line.encode()) > SITEMAP_BYTES):
            parts.append([])
            size = len(head) + len("</urlset>\n")
        parts[-1].append(line)
        size += len(line.encode())

    def urlset(chunk: list[str]) -> bytes:
        return (head + "".join(chunk) + "</urlset>\n").encode("utf-8")
    if len(parts) == 1:
        return [("sitemap.xml", urlset(parts[0]))]
    index = "".join(f"<sitemap><loc>{escape(base_url)}sitemap-{k}.xml</loc></sitemap>\n"
                    for k in range(1, len(parts) + 1))
    return [*((f"sitemap-{k}.xml", urlset(c)) for k, c in enumerate(parts, 1)),
            ("sitemap.xml", ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
                             '"http://www.sitemaps.org/schemas/sitemap/0.9">\n' + index
                             + "</sitemapindex>\n").encode("utf-8"))]


def robots(base_url: str) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {base_url}sitemap.xml")
    return ("\n".join(lines) + "\n").encode("utf-8")


def atom(site: Site, updated: str | None) -> bytes:
    cfg = site.config
    base = cfg.base_url
    dated = [i for i in site.order if site.cables[i].date and i not in site.version_of]
    newest = list(reversed(dated[-cfg.newest:]))
    stamp = updated or (site.cables[newest[0]].date[:10] + "T00:00:00Z" if newest else
                        "1970-01-01T00:00:00Z")
    entries = []
    for i in newest:
        c = site.cables[i]
        path = cable_path(site, i)
        when = c.date[:10] + "T" + (c.date[11:16] if len(c.date) > 10 else "00:00") + ":00Z"
        summary = next((p.text for p in site.full(i).paragraphs if p.kind == "paragraph"), "")[:400]
        entries.append(
            f"<entry><title>{escape((c.id or site.keys[i]) + ': ' + (c.subject or ''))}</title>"
            f"<id>urn:cable:{escape(site.keys[i])}</id><link href=\"{escape(base + path)}\"/>"
            f"<updated>{when}</updated><summary>{escape(summary)}</summary></entry>\n")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"<title>{escape(cfg.title)}</title><id>urn:cablesite:{escape(urls.slug(cfg.title))}</id>"
            f"<updated>{stamp}</updated>"
            + (f'<link href="{escape(base)}"/>' if base else "") + "\n" + "".join(entries)
            + "</feed>\n").encode("utf-8")
