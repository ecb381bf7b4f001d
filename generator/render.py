"""Render: one route to bytes with the theme's templates (pure per route)."""
from __future__ import annotations

import hashlib
import io
import pickle

import jinja2

from . import urls
from .diagnostics import Diagnostic, error
from .model import Cable, Person, PersonRef
from .pages import CableRoutes, CableView, Lazy, Route, Row
from .site import Site

NAV = [("Cables", "date/index.html"), ("Tags", "tag/index.html"), ("People", "person/index.html"),
       ("Subjects", "subject/index.html"), ("Origins", "origin/index.html"),
       ("Classifications", "classification/index.html"), ("Search", "search.html")]


def navigation(route: Route, site: Site) -> list[dict]:
    return _navigation(route.path, site)


def _navigation(path: str, site: Site) -> list[dict]:
    section = path.split("/", 1)[0] + "/" if "/" in path else path
    return [{"label": label, "path": p, "current": p.startswith(section)} for label, p in NAV] + \
        [{"label": pg.title, "path": f"{pg.slug}.html", "current": path == f"{pg.slug}.html"}
         for pg in site.pages if pg.nav]


def context(route: Route, site: Site) -> dict:
    """Everything a route's template sees but ``link`` (a function of the route's path)."""
    return {
        "site": site.config, "page_path": route.path, "page_title": route.title,
        "nav": navigation(route, site),
        **(route.ctx() if callable(route.ctx) else route.ctx),
    }


def known_fingerprint(route: Route, site: Site) -> bytes | None:
    """The fingerprint of a route that states its facts (``Route.facts``), made without its
    context: its template, path and title, the settings and navigation, and the facts."""
    frame = _frame(site.config, navigation(route, site))
    if route.printed is not None:
        return None if frame is None else route.printed(frame)
    return digest_of((route.template, route.path, route.title, frame, route.facts()))


def cable_fingerprints(cables: CableRoutes, site: Site, start: int, stop: int
                       ) -> list[tuple[str, bytes | None]]:
    """(path, fingerprint) of the cable routes ``start`` to ``stop``, each equal to
    :func:`known_fingerprint` of the route (a test checks it), made without the routes:
    the navigation of every cable page is the same (its section being ``cable/``), and
    the fingerprints of all of them are made at once (``CableRoutes.prints``).  A rebuild
    at 250,000 cables fingerprints half a million of them: 40 us each from routes, about
    7 us from their facts' bytes, about 1 us here."""
    if start >= stop:
        return []
    head = cables.head
    frame = _frame(site.config, _navigation(head(start)[0], site))
    if frame is None:
        return [(head(k)[0], None) for k in range(start, stop)]
    table = cables.prints(frame)
    return [(head(k)[0], table[16 * k:16 * k + 16]) for k in range(start, stop)]


def fingerprint(route: Route, ctx: dict) -> bytes | None:
    """A digest of what the page is made from (its template's name and its context, pickled),
    or None when the context cannot be pickled.  Equal digests under the same templates and
    code mean equal pages, so a rebuild can keep the page without rendering it; a pickle that
    differs for equal values (set order) only costs a needless render.  A cable in the
    context counts by its digest: a ``CableView`` by the one its file's cache key gives
    (so the full cable is not read), a ``Cable`` by one of its pickle, made once per
    build, and a list ``Row`` by its cable's digest and key (its fields are made from
    them).  What every page shows, the site's settings and the navigation, counts by a
    digest made once per navigation state."""
    rest = {k: v for k, v in ctx.items() if k not in _FRAME_KEYS}
    return digest_of((route.template, _frame(ctx["site"], ctx["nav"]), rest))


_FRAME_KEYS = frozenset({"site", "nav"})
_FRAMES: dict = {}    # (config's id, navigation) -> (config, digest of both), this build


def _frame(config, nav: list[dict]) -> bytes | None:
    key = (id(config), tuple((n["label"], n["path"], n["current"]) for n in nav))
    hit = _FRAMES.get(key)
    if hit is None or hit[0] is not config:
        hit = _FRAMES[key] = (config, digest_of((config, nav)))
    return hit[1]


def digest_of(value) -> bytes | None:
    """A digest of ``value`` pickled without a memo (a value pickles the same whether or
    not its parts are shared objects), cables counted by their digests; None when it
    cannot be pickled."""
    buf = io.BytesIO()
    pickler = _Pickler(buf, protocol=5)
    pickler.fast = True
    try:
        pickler.dump(value)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
        return None
    return hashlib.blake2b(buf.getbuffer(), digest_size=16).digest()


def bytes_digest(data: bytes) -> bytes:
    """A digest of a file's bytes, apart from every ``digest_of`` (its own key)."""
    return hashlib.blake2b(data, digest_size=16, key=b"bytes").digest()


_CABLES: dict[int, tuple[Cable, bytes]] = {}    # id -> (cable, digest) for this build


def cable_digest(c: Cable) -> bytes:
    known = _CABLES.get(id(c))
    if known is not None and known[0] is c:
        return known[1]
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=5)
    pickler.fast = True
    pickler.dump(c)
    digest = hashlib.blake2b(buf.getbuffer(), digest_size=16).digest()
    _CABLES[id(c)] = (c, digest)
    return digest


_LINKS: dict[str, dict[str, str]] = {}   # folder -> target -> relative link, this process
LINKS_KEPT = 200_000                       # links remembered, about 40 MB; then start again


def _links(path: str) -> dict[str, str]:
    """The links made so far from pages in the folder of ``path`` (a link depends on the
    folder only): every page links the same dozen pages of the frame, and a cable is
    listed on many pages of a folder."""
    folder = path.rpartition("/")[0]
    links = _LINKS.get(folder)
    if links is None:
        if sum(map(len, _LINKS.values())) > LINKS_KEPT:
            _LINKS.clear()
        links = _LINKS[folder] = {}
    elif len(links) > LINKS_KEPT:
        links.clear()
    return links


def forget_build() -> None:
    """Forget this build's cable digests, navigation digests, links and last list."""
    _CABLES.clear()
    _FRAMES.clear()
    _LINKS.clear()
    Lazy.forget()


def _row(facts):           # markers of what a fingerprint counts an object by (never called)
    raise NotImplementedError


def _view(digest):
    raise NotImplementedError


def _cable(digest):
    raise NotImplementedError


def _person(kind, *fields):
    raise NotImplementedError


class _Pickler(pickle.Pickler):
    """Pickles cables and rows as the facts they are made from, each as a call of a marker
    above.  (``reducer_override``, unlike ``persistent_id``, is not called for the exact
    built-in types that are most of what is pickled: at 50,000 cables ``persistent_id``
    was called 17 million times a rebuild, a third of the fingerprints' time.)"""

    def reducer_override(self, obj):
        t = type(obj)
        if t is Row:
            return _row, (obj.facts(),)
        if t is CableView:
            return _view, (obj.digest,)
        if t is Cable:
            return _cable, (cable_digest(obj),)
        if t is PersonRef or t is Person:        # named tuples
            return _person, (t.__name__, *obj)
        return NotImplemented


def render(route: Route, site: Site, env: jinja2.Environment,
           ctx: dict | None = None) -> tuple[bytes | None, list[Diagnostic]]:
    links = _links(route.path)

    def link(to: str) -> str:
        out = links.get(to)
        if out is None:
            out = links[to] = urls.rel(route.path, to)
        return out

    ctx = dict(context(route, site) if ctx is None else ctx, link=link)
    try:
        template = env.get_template(route.template)
        return template.render(ctx).encode("utf-8"), []
    except jinja2.TemplateNotFound as exc:
        return None, [error(f"template {exc.name!r} not found: the theme has no such file and "
                            "content/templates/ does not override it. Did you forget to copy it "
                            "when making your own theme?", kind="template", path=route.path)]
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or route.template
        line = getattr(exc, "lineno", None)
        return None, [error(f"template error while rendering {route.path}: {exc}", kind="template",
                            path=where, line=line)]
