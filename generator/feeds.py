"""Non-HTML outputs: data export (cables.jsonl, cables.csv, per-cable JSON and
raw text), sitemap.xml, an Atom feed of the newest cables, robots.txt."""
from __future__ import annotations

import csv
import io
from hashlib import blake2b
from xml.sax.saxutils import escape

from . import urls
from .contract import cable_dict, dumps
from .model import Cable
from .pages import cable_path, newest as newest_cables
from .render import digest_of
from .site import Site


def cable_json(site: Site, i: int, c: Cable | None = None) -> bytes:
    """Cable ``i`` as the JSON contract (``c``: the full cable, if already read)."""
    primary = site.version_of.get(i)
    d = cable_dict(c or site.full(i), site.persons_of[i],
                   site.cables[primary].id if primary is not None else None)
    return (dumps(d) + "\n").encode("utf-8")


def cable_text(c: Cable) -> bytes:
    """A cable's original text, as its ``.txt`` file."""
    return c.text.encode("utf-8") + (b"" if c.text.endswith("\n") else b"\n")


def export_prints(site: Site, i: int) -> tuple[str, bytes | None, str, bytes | None]:
    """Cable ``i``'s ``.json`` and ``.txt`` files as (path, fingerprint, path,
    fingerprint): equal fingerprints mean equal bytes, so a rebuild keeps the files
    without reading the cable.  A cable counts by its digest, its people by theirs
    (``Site.people_digests``): both 16 bytes, so the bytes hashed say which is which."""
    path = cable_path(site, i)[:-5]
    primary = site.version_of.get(i)
    of = site.cables[primary].id if primary is not None else None
    return (path + ".json", blake2b(b"json\0" + site.digests[i] + site.people_digests[i]
                                    + (b"" if of is None else b"\1" + of.encode()),
                                    digest_size=16).digest(),
            path + ".txt", blake2b(b"txt\0" + site.digests[i], digest_size=16).digest())


def cable_exports(site: Site, i: int, json: bool = True, text: bool = True) -> tuple[bytes | None,
                                                                                     bytes | None]:
    """Cable ``i``'s ``.json`` and ``.txt`` bytes (None for the one not asked for), the
    cable read once."""
    c = site.full(i)
    return (cable_json(site, i, c) if json else None, cable_text(c) if text else None)


def jsonl_print(prints: list[bytes | None]) -> bytes | None:
    """The fingerprint of a data part's JSON lines, from its cables' ``.json`` ones."""
    return digest_of(("jsonl", prints))


CSV_HEADER = ["id", "date", "origin", "classification", "caveats", "tags", "subject", "references",
              "cited_by", "persons", "path"]


def csv_part(site: Site, idx: list[int]) -> bytes:
    """The CSV of a data part's cables (made from their summaries)."""
    rows = io.StringIO()
    w = csv.writer(rows, lineterminator="\n")
    w.writerow(CSV_HEADER)
    for i in idx:
        c = site.cables[i]
        w.writerow([c.id or "", c.date or "", c.origin or "", c.classification or "",
                    "|".join(c.caveats), "|".join(c.tags), c.subject or "",
                    "|".join(r.id for r in c.references if r.id),
                    "|".join(site.keys[j] for j in site.cited_by.get(i, [])),
                    "|".join(p.name for p in site.persons_of[i]), cable_path(site, i)])
    return rows.getvalue().encode("utf-8")


def csv_print(site: Site, idx: list[int]) -> bytes:
    """The fingerprint of a data part's CSV: per cable its digest and its people's (its
    fields), key (its path) and the keys of the cables citing it, made without the CSV."""
    h = blake2b(b"csv\0", digest_size=16)
    keys, cited_by, digests, people = site.keys, site.cited_by, site.digests, site.people_digests
    for i in idx:
        h.update(digests[i] + people[i] + "\0".join((keys[i], *[keys[j] for j in
                                                                cited_by.get(i, ())])).encode()
                 + b"\n")
    return h.digest()


def part_print(site: Site, name: str, idx: list[int]) -> bytes:
    """The fingerprint of everything a data part's files are made from: per cable its
    digest and its people's (its ``.txt``, its ``.json`` and its CSV row), its key (with
    its digest, its files' paths), the ID of the cable it is a version of, and the keys
    of the cables citing it (its CSV row).  Equal, the part's files are the last
    build's, all of them: a rebuild keeps them without a fingerprint a file (at 250,000
    cables, 500,000 files: about 1.5 s of a rebuild's exports).  Made with a few joins a
    part, not a hash a cable."""
    digests, people, keys = site.digests, site.people_digests, site.keys
    version_of, cited_by, cables = site.version_of, site.cited_by, site.cables
    h = blake2b(b"part\0" + name.encode() + b"\0", digest_size=16)
    h.update(b"".join(map(digests.__getitem__, idx)))
    h.update(b"".join(map(people.__getitem__, idx)))
    h.update("\0".join(map(keys.__getitem__, idx)).encode())
    h.update(b"\1" + "\0".join(f"{keys[i]}\2{cables[version_of[i]].id}"
                               for i in idx if i in version_of).encode())
    h.update(b"\1" + "\0".join("\2".join((keys[i], *[keys[j] for j in cited_by[i]]))
                               for i in idx if i in cited_by).encode())
    return h.digest()


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
    newest = newest_cables(site, cfg.newest)
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
