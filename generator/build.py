"""The one module that knows the stage order (Pelican/Zola style: gather, then write).

    discover -> read/parse/people (collect) -> resolve (site) -> plan (pages)
             -> render -> search index -> exports -> write (atomic)

People across the collection are resolved in a process of their own while resolving
the site goes on with what needs no people (``resolving.people_started``).  On a rebuild
that parsed few files, the search index and the exports are made in a process forked
once the people are read (each process then resolves the shared site for itself), while
this one indexes the people, relates the cables, plans and renders the pages and writes
the feed and the sitemaps (``_alongside``).

Only discover (reading) and write touch the disk.
"""
from __future__ import annotations

import gc
import os
import time
from contextlib import contextmanager
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

try:
    import resource
except ImportError:       # Windows
    resource = None

from . import config as config_mod
from . import forked, urls
from .forked import release_free_memory
from .cache import ParseCache
from .kept import (AnalysisCache, FileHashes, PeopleStore, RelatedCache, RenderCache, TermCache,
                   packed_prints, render_salt)
from .collect import Collection, collect
from .diagnostics import Report, error, warning
from .markup import parse_page
from .discover import NOT_CABLES, Discovery, discover, read_text
from .export import write_exports
from .feeds import atom, robots, sitemaps
from .listings import ListRoutes
from .pages import CableRoutes, routes
from .progress import Progress, Silent
from .related import related_all
from .resident import Resident
from .resolving import People
from .people.editorial import Editorial, parse as parse_editorial
from .render import (bytes_digest, cable_fingerprints, context, fingerprint, forget_build,
                     known_fingerprint, render)
from .search import search_parts
from .search.lastshards import LastShards, TermSums
from .search.runs import RunStore
from .site import Site, index_pages, resolve_shared
from .theme import load as load_theme
from .write import SiteWriter, Staged, unsafe_output


def _render_one(route, site, env, known: dict, put=None, digest: bytes | None = None
                ) -> tuple[str, bytes | Staged | None, list, bytes | None, bool]:
    """(path, bytes, diagnostics, fingerprint, kept): a page whose fingerprint is the one
    the last build recorded is kept, not rendered (nor its context built, when the route
    states the facts its context is made from).  With ``put`` (:meth:`SiteWriter.put`)
    the page is staged here, and what ``put`` did comes back instead of its bytes.
    ``digest``: the route's fingerprint, when the caller has made it."""
    ctx = None
    if digest is None and route.facts is not None:
        digest = known_fingerprint(route, site)
    elif digest is None:
        ctx = context(route, site)
        digest = fingerprint(route, ctx)
    if digest is not None and known.get(route.path) == digest:
        return route.path, None, [], digest, True
    data, diags = render(route, site, env, ctx)
    if put is not None and data is not None:
        data = put(route.path, data)
    return route.path, data, diags, digest, False


def render_all(plan, site, env, jobs: int, known: dict | None = None, put=None):
    """(k, path, bytes, diagnostics, fingerprint, kept) for every route ``plan[k]``:
    rendered on ``jobs`` forked processes when there is enough work, or kept when its
    fingerprint is in ``known`` under its path (see ``_render_one``).  With ``known``,
    the cables' pages and raw views are fingerprinted here first, without their routes
    (``cable_fingerprints``): a rebuild keeps all but a few of them, and forked workers
    touching the whole model to fingerprint them were no faster than this process (each
    page of memory they touch is copied).  The pages of a list that was not planned again
    (``ListRoutes``: its signature is the last build's) are kept by the fingerprints the
    last build recorded.  Only the others go to the workers.  ``put``:
    stage each page where it is rendered (the workers write the files; only what they
    did comes back to this process)."""
    known = known or {}
    todo: Sequence[int] = range(len(plan))
    given: dict[int, bytes | None] = {}
    for part in plan.parts:
        if isinstance(part, CableRoutes) and len(part):
            # the cables' fingerprints are made as one table (``CableRoutes.prints``):
            # made here, the forked workers share it instead of each making it again
            cable_fingerprints(part, site, 0, 1)
    if known:
        todo = []
        for part, first in zip(plan.parts, plan.starts):
            if isinstance(part, ListRoutes):
                for j, path, kept in part.pages():
                    digest = known.get(path) if kept else None
                    if digest is not None:
                        yield first + j, path, None, [], digest, True
                    else:
                        todo.append(first + j)
                continue
            if not isinstance(part, CableRoutes):
                todo.extend(range(first, first + len(part)))
                continue
            for a in range(0, len(part), 10_000):
                prints = cable_fingerprints(part, site, a, min(a + 10_000, len(part)))
                for k, (path, digest) in enumerate(prints, first + a):
                    if digest is not None and known.get(path) == digest:
                        yield k, path, None, [], digest, True
                    else:
                        given[k] = digest
                        todo.append(k)

    def work(start: int, stop: int) -> list:
        return [(k, *_render_one(plan[k], site, env, known, put, given.get(k)))
                for k in todo[start:stop]]
    try:
        yield from forked.results(work, len(todo), jobs, 100, 400)
    finally:
        forget_build()


@contextmanager
def gathering():
    """The cyclic garbage collector off while the collection's model is gathered (read
    from the cache, resolved, planned), then that model frozen (``gc.freeze``) and the
    collector on again; the caller unfreezes when the build is over.  The model is
    millions of long-lived objects and little garbage: collections that traverse it
    again and again found nothing, and took about a third of a rebuild (10,000 cables,
    nothing changed: parse 2.8 s to 1.5 s and render 2.8 to 2.0 s with it off, at the
    same memory).  Frozen, the model is also left alone by the collections of the
    render and search workers forked later, which would otherwise write to every page
    they share with this process.  Parse workers forked meanwhile turn the collector
    back on (``initializer=gc.enable``: each makes and drops the objects of thousands
    of files); the people process keeps it off (it makes no cycles, and exits)."""
    with collector_off():
        try:
            yield
        finally:
            gc.freeze()


@contextmanager
def collector_off():
    """The cyclic garbage collector off meanwhile (as it was after).  Discovery makes a
    few objects a file and no cycles: at 200,000 files, the collections that traversed
    the file hashes read just before took 0.2 s of its 1.6 s."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Left(NamedTuple):
    """What a build leaves its caller (``build``'s ``leave``): its model, the tables of its
    writer and caches, and the templates (``serve`` keeps the site and the templates for
    previews: ``preview.keep``)."""
    collection: Collection
    site: Site
    writer: SiteWriter
    pages: RenderCache | None
    hashes: FileHashes | None
    terms: TermCache | None
    env: object               # the theme's jinja2.Environment


@dataclass
class BuildResult:
    cables: int = 0
    pages: int = 0
    files: int = 0
    changed: int = 0
    unchanged: int = 0
    parsed: int = -1          # files parsed (not taken from the cache); -1 without a cache
    rendered: int = 0         # pages rendered (the others kept from the last build)
    timings: dict = field(default_factory=dict)
    memory: dict = field(default_factory=dict)   # stage -> peak resident MB so far (this process)
    alongside: dict = field(default_factory=dict)   # stage -> its time in a process apart
    ok: bool = True


def _kept(writer: SiteWriter, known: dict, prints: dict | None, path: str,
          digest: bytes | None) -> bool:
    """Whether the file at ``path``, whose bytes ``digest`` fingerprints, is the last
    build's (then kept by ``writer``; else the caller adds it).  The fingerprint is
    recorded in ``prints`` for the next build either way (a ``RenderCache``'s part)."""
    if prints is not None and digest is not None:
        prints[path] = digest
    return _keepable(writer, known, path, digest) and writer.keep(path)


def _keepable(writer: SiteWriter, known: dict, path: str, digest: bytes | None) -> bool:
    """Whether the last build wrote ``path`` with the fingerprint ``digest`` and its file
    is there to keep."""
    return digest is not None and known.get(path) == digest and writer.has(path)


def _wanted(writer: SiteWriter, known: dict, path: str, digest: bytes | None) -> bool:
    """Whether ``_kept`` will say the file must be made (asked without keeping it)."""
    return not _keepable(writer, known, path, digest)


def _write_known(files, writer: SiteWriter, known: dict, prints: dict | None) -> None:
    """Write (path, fingerprint, make) files, keeping those whose fingerprint is the one
    the last build wrote them with (``make`` is not called for them); a file without a
    fingerprint (None) is made and written as :func:`_write_made` writes it."""
    for path, digest, make in files:
        if digest is None:
            _write_made(writer, known, prints, path, make())
        elif not _kept(writer, known, prints, path, digest):
            writer.add(path, make())


def _write_made(writer: SiteWriter, known: dict, prints: dict | None, path: str,
                data: bytes) -> None:
    """Write a file made without a fingerprint of what it is made from (a part of the
    search index, a sitemap, the feed): its bytes' digest is recorded instead.  Equal to
    the digest the last build recorded, the file is kept; different, it is written
    without reading the previous file to compare (at 250,000 cables every shard of the
    index changes when a cable is added: 21,000 files, 347 MB, were read for nothing);
    unknown, the writer compares."""
    if not _kept(writer, known, prints, path, bytes_digest(data)):
        writer.add(path, data, compare=path not in known)


def _search_stage(site, cache_dir: Path | None, clean: bool, jobs: int, writer: SiteWriter,
                  known: dict, prints: dict | None) -> TermCache | None:
    """The search index written (``search_parts``), its caches read and kept; returns the
    cache of words analysed, saved.  ``known``: the last build's fingerprints of the
    files of the search index; ``prints``: where this build's go."""
    terms = analysis = runs = sums = last = None
    if cache_dir is not None:
        terms = TermCache(cache_dir / "terms.pickle", fresh=clean)
        analysis = AnalysisCache(cache_dir / "search.sqlite", fresh=clean)
        runs = RunStore(cache_dir / "search-runs", fresh=clean)
        sums = TermSums(cache_dir / "search-sums.pickle", fresh=clean)
        last = LastShards(sums.names, sums.sums, sums.tiers, writer.previous_bytes, known.get)
    done = False
    try:
        _write_known(search_parts(site, terms.terms if terms is not None else None, jobs,
                                  analysis, partial(_wanted, writer, known), writer.put, runs,
                                  last),
                     writer, known, prints)
        done = True
    finally:
        if analysis is not None:
            analysis.finish(prune=done)
        if runs is not None:
            runs.finish(prune=done)
    if terms is not None:
        terms.save()
    if sums is not None:
        sums.save(last.made)
    return terms


def _export_stage(site, jobs: int, writer: SiteWriter, last: dict) -> dict:
    """The exports written (``write_exports``), keeping the parts and files whose
    fingerprints are the last build's (``last``: its parts' records); returns this
    build's."""
    return write_exports(site, writer.keep, writer.keep_all, writer.add, jobs, writer.put, last)


# A rebuild that parsed at most one file in this many makes its search index and
# exports apart.
ALONGSIDE_PARSED = 10


def _alongside(jobs: int, known: bool, parsed: int, files: int) -> bool:
    """Whether the search index and the exports are made in a process of their own
    (``_apart_resolved``), forked once the people are read,
    while this one indexes the people, relates the cables, plans and renders the pages
    and writes the feed and the sitemaps: on a rebuild that keeps the last build's pages
    (``known``: their fingerprints were read) and parsed few of the files, with more
    than one core.  Each of those stages then has little to do but go over the whole
    collection, on one core (at 250,000 cables, adding a cable: the search index 13-20 s,
    the exports 4-6 s, and this process's share about 20 s, one after the other).  A first or clean build keeps
    them in turn: each takes every core, and together they would hold the memory of
    both.  The process apart comes to hold a copy of much of the model (a page of memory
    either process writes to, even a count of references, is copied: at 250,000 cables
    the two held 5.1 GB together against 3.8 GB in turn), so it is started only where
    the system has at least this process's size available (``forked.memory_room``;
    where that cannot be told, it is)."""
    if not (jobs > 1 and forked.available() and known and 0 <= parsed * ALONGSIDE_PARSED <= files):
        return False
    room = forked.memory_room()
    return room is None or room[1] >= room[0]


def _people_read(col: Collection) -> Collection:
    """The collection with its people read (waited for, if resolved apart), in a copy
    whose failing stage does not stop the process resolving them (``col.people.cancel``):
    for a process forked from this one, of which that process is not a child."""
    return replace(col, people=People(col.people.result()))


def _apart_resolved(col: Collection, cfg, pages: list, *rest) -> tuple:
    """``_apart_stages`` of the shared site, resolved in the process apart
    (``site.resolve_shared``, a function of the collection with its people read): that
    process is forked before this one resolves it, and resolves it meanwhile on the
    other core, which had nothing to do (at 250,000 cables about 1.2 s, the fork that much
    earlier)."""
    site = resolve_shared(col, cfg)
    site.pages = pages
    return _apart_stages(site, *rest)


def _apart_stages(site, cache_dir: Path | None, clean: bool, jobs: int, writer: SiteWriter,
                  pages_cache: RenderCache | None) -> tuple:
    """The search index and the exports in the forked process (``forked.Apart``), which
    stages their files in the build's staging folder and hands back what the building
    process must record: the writer's record (``SiteWriter.join``), the files'
    fingerprints for the next build (packed, as ``RenderCache`` keeps them), the export's
    records of its parts, each stage's time and its peak resident memory in MB.  It
    makes its own table of the last build's fingerprints of these files."""
    t = time.perf_counter()
    writer.apart()
    known = pages_cache.old(apart=True) if pages_cache is not None else {}
    prints: dict = {}
    _search_stage(site, cache_dir, clean, jobs, writer, known, prints)
    took = {"search": time.perf_counter() - t}
    t = time.perf_counter()
    exports = _export_stage(site, jobs, writer, pages_cache.exports if pages_cache is not None else {})
    took["export"] = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if resource is not None else 0
    return writer.record(), packed_prints(prints), exports, took, peak


def build(content: Path, out: Path, report: Report, strict: bool = False, jobs: int = 1,
          progress: Progress | None = None, cache_dir: Path | None = None,
          clean: bool = False, leave: list | None = None,
          resident: Resident | None = None) -> BuildResult:
    """Build ``content`` into ``out``.  Parsed files are cached in ``cache_dir`` (no cache
    when None); ``clean`` drops the cache and writes every file anew.  ``leave``: a list
    the build's model (the collection, the site, the tables of the writer and the
    caches) is appended to when the build is over, so that the caller decides when it
    is freed (a ``Left``): a process about to exit need not free it object by object (``cli.run``;
    3.5 s of adding a cable at 250,000 cables went to freeing it as this function
    returned).  ``resident``: what a process that builds again keeps from this build
    for the next (``serve``), with a cache only; a build that fails lets it go."""
    try:
        return _build(content, out, report, strict, jobs, progress, cache_dir, clean, leave,
                      resident)
    except BaseException:
        if resident is not None:
            resident.forget()
        raise
    finally:
        gc.unfreeze()    # what ``gathering`` froze is garbage now (``serve`` builds again)


def load_editorial(content: Path) -> tuple[Editorial, list]:
    """The editors' rules on people (``content/people.toml``; none without it), and what
    was wrong in them."""
    text = read_text(content / "people.toml")
    if text is None:
        return Editorial(), []
    return parse_editorial(text, "people.toml")


def _discover_cables(content: Path, cache_dir: Path | None, clean: bool,
                     cache: ParseCache | None, resident: Resident | None
                     ) -> tuple[list, list, FileHashes | None]:
    """The cables' files, what was said of them and their hashes (``FileHashes``): found
    on disk, or, by a process that builds again (``resident``), brought up to date from
    what changed since its last build.  With nothing in the parse cache to look up, the
    parse workers hash the files (``discover(defer=True)``), and nothing is kept."""
    if resident is not None and resident.discovery is not None and resident.changed is not None:
        return (*resident.discovery.update(resident.changed), resident.hashes)
    hashes = FileHashes(cache_dir / "files.pickle", fresh=clean) if cache_dir is not None else None
    table = hashes.hashes if hashes is not None else None
    if resident is not None and not cache.empty():
        resident.discovery = Discovery(content / "cables", content.parent, NOT_CABLES, table)
        resident.hashes = hashes
        return (*resident.discovery.full(), hashes)
    if resident is not None:
        resident.discovery = None
    return (*discover([content / "cables"], base=content.parent, skip=NOT_CABLES, keep=False,
                      hashes=table, defer=cache is None or cache.empty()), hashes)


def _build(content: Path, out: Path, report: Report, strict: bool, jobs: int,
           progress: Progress | None, cache_dir: Path | None, clean: bool,
           leave: list | None, resident: Resident | None) -> BuildResult:
    result = BuildResult()
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        result.timings[name] = now - t
        if resource is not None:     # Unix; ru_maxrss in KB on Linux
            result.memory[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t = now

    why = unsafe_output(out, content)
    if why:
        report.add([error(why, kind="output", path=str(out))])
        result.ok = False
        return result
    cfg, diags = config_mod.parse(read_text(content / "site.toml"), "site.toml")
    report.add(diags)
    editorial, diags = load_editorial(content)
    report.add(diags)
    theme, diags = load_theme(cfg.theme, content)
    report.add(diags)
    if theme is None:
        result.ok = False
        return result
    cache = hashes = None
    if cache_dir is not None:
        if clean:
            ParseCache.remove(cache_dir / "parse.sqlite")
        cache = ParseCache(cache_dir / "parse.sqlite")
    if resident is not None and not resident.fits(content / "cables", cache_dir, clean):
        resident = None          # (nothing kept without a cache, or for a clean build)
    if (content / "cables").is_dir():
        with collector_off():
            sources, diags, hashes = _discover_cables(content, cache_dir, clean, cache, resident)
    else:
        sources, diags = [], [warning(f"no cables: {content / 'cables'} does not exist; put cable "
                                      "files there, or run `cablesite import SOURCE`",
                                      kind="input", path=str(content))]
    report.add(diags)
    pages = []
    if (content / "pages").is_dir():
        page_files, diags = discover([content / "pages"], base=content.parent)
        report.add(diags)
        for src in page_files:
            if not src.path.endswith((".md", ".markdown")):
                report.add([warning("skipped: pages are Markdown files ending in .md",
                                    kind="skipped", path=src.path)])
                continue
            slug = urls.slug(src.path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
            page, diags = parse_page(src.data.decode("utf-8", errors="replace"), src.path, slug)
            report.add(diags)
            pages.append(page)
    lap("discover")
    with gathering():
        try:
            col = collect(sources, editorial, jobs=jobs, progress=progress, cache=cache,
                          people=PeopleStore(cache_dir, fresh=clean) if cache_dir is not None
                          else None, hashes=hashes.hashes if hashes is not None else None,
                          held=resident.summaries if resident is not None else None)
        finally:
            if cache is not None:
                result.parsed = cache.misses
                cache.close()
        files = len(sources)
        del sources
        release_free_memory()
        report.add(col.diagnostics)
        result.cables = len(col.cables)
        lap("parse")
        writer = SiteWriter(out, reuse=not clean)
        apart = None     # the search index and the exports made apart (``_alongside``)
        try:
            pages_cache = None
            if cache_dir is not None:
                pages_cache = RenderCache(cache_dir / "pages.pickle", writer.previous_token,
                                          render_salt(list(theme.template_dirs)), fresh=clean)
            pages = sorted(pages, key=lambda p: (p.weight, p.title, p.slug))
            if _alongside(jobs, pages_cache is not None and pages_cache.any(), result.parsed,
                          files):
                # forked once the people are read, while the collector is off
                # (``gathering``), as the people process is: its collections would write
                # to every page it shares.  Each process then resolves the shared site
                # for itself (``_apart_resolved``).
                apart = forked.Apart(partial(_apart_resolved, _people_read(col), cfg, pages,
                                             cache_dir, clean, jobs, writer, pages_cache))
            site = resolve_shared(col, cfg)
            site.pages = pages
            # the last build's fingerprints of the pages (and the other files this process
            # makes), made a table after the fork (the process apart makes its own)
            known = pages_cache.old(apart=False) if pages_cache is not None else {}
            prints = pages_cache.new if pages_cache is not None else None
            # what neither the search index nor the exports need, done once that process
            # is started (0.7 s of a rebuild at 250,000 cables before it)
            if hashes is not None:
                hashes.save()
            index_pages(site)
            kept = RelatedCache(cache_dir / "related.pickle", fresh=clean) \
                if cache_dir is not None else None
            site.related, answers, _ = related_all(site, kept.known if kept else None, jobs)
            if kept is not None:
                kept.save(answers)   # a pure function's answers: right whatever the build does
            del kept, answers
            lap("resolve")
            plan, diags = routes(site, pages_cache.lists if pages_cache is not None else None)
            if pages_cache is not None:
                pages_cache.lists = plan.lists()
        except BaseException:
            col.people.cancel()
            if apart is not None:
                apart.cancel()
            writer.abort()
            raise
    report.add(diags)
    progress = progress or Silent()
    try:
        for n, (k, path, data, diags, digest, kept) in enumerate(
                render_all(plan, site, theme.env, jobs, known, writer.put), 1):
            report.add(diags)
            if kept and not writer.keep(path):
                data, diags = render(plan[k], site, theme.env)
                report.add(diags)
                kept = False
            if kept or data is not None:
                if not kept:
                    writer.add(path, data)
                    result.rendered += 1
                result.pages += 1
                if prints is not None and digest is not None and not diags:
                    prints[path] = digest
            progress.step("render", n, len(plan), "pages")
        progress.done("render")
        del plan       # about 2 KB a cable, given back before the search index is built
        site.shown.clear()     # the pages' facts of every cable, 20 MB at 250,000
        release_free_memory()
        lap("render")
        terms = None
        if apart is None:
            known_apart = pages_cache.old(apart=True) if pages_cache is not None else {}
            apart_prints = pages_cache.new_apart if pages_cache is not None else None
            terms = _search_stage(site, cache_dir, clean, jobs, writer, known_apart, apart_prints)
            lap("search")
            exports = _export_stage(site, jobs, writer,
                                    pages_cache.exports if pages_cache is not None else {})
            if pages_cache is not None:
                pages_cache.new_exports = exports
            del known_apart, exports
        made = partial(_write_made, writer, known, prints)
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        updated = (datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                   if epoch and epoch.isdigit() else None)
        made("feed.xml", atom(site, updated))
        made("robots.txt", robots(cfg.base_url))
        for rel, path in theme.static_files():
            made(rel, path.read_bytes())
        # the sitemaps list the pages, all written by now: the process apart writes none
        for path, data in sitemaps(list(writer.paths), cfg.base_url):
            made(path, data)
        lap("export")
        if apart is not None:
            record, apart_prints, exports, took, peak = apart.result()
            apart = None
            writer.join(record)
            if pages_cache is not None:
                pages_cache.new_apart, pages_cache.new_exports = apart_prints, exports
            lap("apart")          # what was waited for
            result.alongside.update(took)
            if "apart" in result.memory:
                result.memory["apart"] = max(result.memory["apart"], peak)
        col.people.finish()     # its ledger kept (long since: it was kept while rendering)
        if leave is not None:
            leave.append(Left(col, site, writer, pages_cache, hashes, terms, theme.env))
        if report.failed(strict):
            writer.abort()
            result.ok = False
            return result
        if pages_cache is not None:
            pages_cache.forget()     # until it describes the committed site
        result.files = writer.commit()
        if pages_cache is not None:
            pages_cache.save(writer.token)
        result.changed, result.unchanged = writer.changed, writer.unchanged
    except BaseException:
        col.people.cancel()
        if apart is not None:
            apart.cancel()
        writer.abort()
        raise
    lap("write")
    return result
