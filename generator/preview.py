"""Previews: the pages of the cables a change touched, made from the last build's site
while the whole site is built again (``cablesite serve``).

Hugo's server renders the pages being viewed first ("fast render mode"), and MkDocs'
``serve --dirty`` rebuilds only the pages whose files changed: a writer who edits a
cable, or adds one, wants to see its page at once, while the lists, the people's pages
and the search index that a build brings up to date take longer (at 250,000 cables a
rebuild takes about 20 s).  A preview is a changed cable's page, raw view, ``.json``
and ``.txt``, and the pages of the cables it changes (its neighbours, the cables it
cites or cited, those citing a new one), made from its file as parsed now and from the
site the last build resolved (kept by ``keep``), in which the changed cables take their
places (``_placed``).  A new cable has no related cables yet, and the people a cable
names are those the last build knew (``_persons``).  The build that follows replaces it.

Not previewed, and said why: a cable with no ID, one whose ID another file holds, a
file of more than :data:`MOST_CABLES` changed cables or over :data:`MOST_BYTES`.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace

import jinja2
import numpy as np

from .collect import collect
from .discover import SourceFile
from .feeds import cable_exports
from .model import Cable, PersonRef
from .pages import cable_head, cable_route
from .people.editorial import Editorial
from .render import forget_build, render
from .site import UNKNOWN_ORIGIN, Site, order_key, ref_targets_of

MOST_CABLES = 20          # changed cables previewed from one change, at most
MOST_BYTES = 1 << 20      # a larger file (a cables.csv) waits for the build
# the evidence of a capitalised word named alone, without a title or given name: in the
# corpus's WikiLeaks pages of 2010 the build made 199 of 4,962 such mentions a person
BARE = frozenset({"bare", "bare-caps"})


@dataclass
class Kept:
    """What previews are made from: the last build's site, without the indexes only its
    lists read, and its templates."""
    site: Site
    env: jinja2.Environment
    _aliases: dict[str, str] | None = None

    def aliases(self) -> dict[str, str]:
        """Each form of a name that only one person of the site had -> that person's key
        (made at the first preview)."""
        if self._aliases is None:
            owners: dict[str, str | None] = {}
            for key, person in self.site.persons.items():
                for form in person.aliases:
                    owners[form] = key if owners.get(form, key) == key else None
            self._aliases = {f: k for f, k in owners.items() if k is not None}
        return self._aliases


def keep(site: Site, env: jinja2.Environment) -> Kept:
    """The last build's ``site`` as previews need it: its cables, their keys, people,
    REF edges, order and related cables, and the cables by origin (for a cable's
    neighbours from its origin); the other indexes and each build's tables are let go
    (at 250,000 cables the people's indexes alone are some hundreds of MB)."""
    return Kept(replace(site, tags={}, classifications={}, years={}, person_cables={},
                        co_persons={}, subjects=[], terms={}, people_digests=[], rows=[],
                        ranks=[], marks=bytearray(), shown=[], last_full=(None, None)), env)


@dataclass
class Preview:
    pages: dict[str, bytes] = field(default_factory=dict)    # path -> bytes
    cables: list[tuple[str, str]] = field(default_factory=list)   # (key, its page's path)
    notes: list[str] = field(default_factory=list)    # what was not previewed, and why


class _Overlay:
    """The full cables of the preview by index, the last build's store for the rest."""

    def __init__(self, store, full: dict[int, Cable]):
        self.store, self.full = store, full

    def cable(self, i: int) -> Cable:
        got = self.full.get(i)
        return got if got is not None else self.store.cable(i)


def preview(kept: Kept, sources: list[SourceFile], editorial: Editorial = Editorial(),
            gone: frozenset[str] = frozenset()) -> Preview:
    """The files of the cables in ``sources`` (the files changed, as a build finds them)
    that differ from the last build's (``kept``), and the pages they change; ``gone``:
    the files' paths (as a build names them) removed in the same change, whose cables
    may be in ``sources`` now (a file renamed)."""
    out = Preview()
    big = [s for s in sources if s.size > MOST_BYTES]
    for s in big:
        out.notes.append(f"{s.path}: a file of {s.size:,} bytes is shown once the site is built")
    col = collect([s for s in sources if s.size <= MOST_BYTES], editorial)
    site = kept.site
    cables, keys, persons_of = list(site.cables), list(site.keys), list(site.persons_of)
    refs, digests = list(site.ref_targets), list(site.digests)
    full: dict[int, Cable] = {}
    todo: list[int] = []
    seen: set[str] = set()
    for j, c in enumerate(col.cables):
        if not c.id:
            out.notes.append(f"{c.source.path}: a cable without an ID is shown once the site "
                             "is built")
            continue
        if c.id in seen:
            continue            # (a version of one just previewed: the build settles them)
        seen.add(c.id)
        i = site.primary.get(c.id)
        if i is not None:
            was = site.cables[i].source
            if (was.path, was.record) != (c.source.path, c.source.record) and was.path not in gone:
                out.notes.append(f"{c.id} in {c.source.path} is also in {was.path}: shown once "
                                 "the site is built")
                continue
            if col.digests[j] == site.digests[i]:
                continue        # the same as built (another record of the file changed)
        if len(todo) == MOST_CABLES:
            out.notes.append(f"more than {MOST_CABLES} cables changed: the others are shown "
                             "once the site is built")
            break
        old = None if i is None else site.persons_of[i]
        if i is None:
            i = len(cables)
            cables.append(c)
            keys.append(c.id)
            persons_of.append(())
            refs.append([])
            digests.append(b"")
        text = col.full(j)
        full[i], cables[i], digests[i] = text, c, col.digests[j]
        persons_of[i] = _persons(kept, text, old, col.cable_persons[j])
        refs[i] = ref_targets_of(c, i, site.primary.get)
        todo.append(i)
    if not todo:
        return out
    table = site.related
    if table is not None and len(cables) > len(table):
        table = np.vstack([table, np.full((len(cables) - len(table), table.shape[1]), -1,
                                          dtype=table.dtype)])
    shown = replace(site, cables=cables, keys=keys, persons_of=persons_of, ref_targets=refs,
                    digests=digests, store=_Overlay(site.store, full), related=table, rows=[],
                    shown=[], last_full=(None, None))
    touched = _placed(site, shown, todo)
    try:
        for i in todo:
            path = _render(shown, i, kept.env, out, raw=True)
            if path is not None:
                out.pages[path[:-5] + ".json"], out.pages[path[:-5] + ".txt"] = \
                    cable_exports(shown, i)
                out.cables.append((keys[i], path))
        for j in sorted(touched):
            _render(shown, j, kept.env, out)
    finally:
        forget_build()
    return out


def _render(shown: Site, i: int, env: jinja2.Environment, out: Preview, raw: bool = False
            ) -> str | None:
    """Cable ``i``'s page (and raw view) of the ``shown`` site into ``out``; its path (None:
    a template failed, said in ``out.notes``)."""
    versions = sorted(j for j, p in shown.version_of.items() if p == i)
    path = None
    for view in (False, True) if raw else (False,):
        head = cable_head(shown, i, view)
        data, diags = render(cable_route(shown, i, view, head, _neighbours(shown, i), versions),
                             shown, env)
        if data is None:
            out.notes.extend(d.message for d in diags)
            return None
        out.pages[head[0]] = data
        path = path or head[0]
    return path


def _placed(site: Site, shown: Site, todo: list[int]) -> set[int]:
    """Place the changed cables ``todo`` in the ``shown`` site (a copy of ``site`` with
    their summaries and REF edges): in the order by date and their origin's list, in
    the cited-by lists of the cables they cite (and out of those they no longer cite),
    and, for a new cable, in the REF edges of the cables that cite it and its own
    cited-by.  Returns the other cables whose pages change with them: their neighbours
    before and after, the cables they cite or cited, and those citing a new one."""
    cables, versions = shown.cables, site.version_of
    order, origins = list(site.order), dict(site.origins)
    cited_by = dict(site.cited_by)
    refs = shown.ref_targets
    touched: set[int] = set()
    grown: set[int] = set()           # the cited-by lists a changed cable joined
    for i in todo:
        new = i >= len(site.cables)
        if not new:
            touched.update(j for j in _neighbours(site, i) if j is not None)
            order.remove(i)
            name = site.cables[i].origin or UNKNOWN_ORIGIN
            origins[name] = [j for j in origins[name] if j != i]
        at = order_key(cables[i])
        order.insert(bisect_right(order, at, key=lambda j: order_key(cables[j])), i)
        name = cables[i].origin or UNKNOWN_ORIGIN
        same = origins[name] = list(origins.get(name, []))
        same.insert(bisect_right(same, at, key=lambda j: order_key(cables[j])), i)
        before = set() if new else {t for t in site.ref_targets[i] if t is not None}
        now = {t for t in refs[i] if t is not None}
        for t in before - now:
            cited_by[t] = [j for j in cited_by[t] if j != i]
        for t in now - before:
            cited_by[t] = cited_by.get(t, []) + [i]
            grown.add(t)
        touched |= before | now
        if new:
            cid = cables[i].id
            cited_by[i] = _citing(site, cid)
            for j in cited_by[i]:
                refs[j] = [i if r.id == cid else t for r, t in zip(cables[j].references, refs[j])]
            touched.update(cited_by[i])
    shown.order, shown.origins, shown.cited_by = order, origins, cited_by
    if grown:           # (in the order by date, as ``Site.cited_by``)
        ranked = {j for t in grown for j in cited_by[t]}
        rank = {j: k for k, j in enumerate(order) if j in ranked}
        for t in grown:
            cited_by[t] = sorted(cited_by[t], key=rank.__getitem__)
    for i in todo:
        touched.update(j for j in _neighbours(shown, i) if j is not None)
    return touched - set(todo) - set(versions)


def _persons(kept: Kept, cable: Cable, old: tuple[PersonRef, ...] | None,
             alone: tuple[PersonRef, ...]) -> tuple[PersonRef, ...]:
    """The people of a cable as changed, among those of the last build.  A cable the
    last build had (``old``: the people it found in it) keeps those its text still
    names, in their order (and their titles and forms in its order), with the
    paragraphs that name them now: the build decided
    which of the names it mentions are whose, and which are no one's, and a name the
    edit added waits for the build.  A new cable (``old`` None) names those its mentions
    (``Cable.mentions``) name by a form only one person had (``Kept.aliases``), in the
    order it first names them (its header first); a capitalised word alone (``BARE``:
    the build links about one in twenty) only where it is the name of a person of more
    than one cable; then those the file names when its people are resolved alone
    (``alone``) that the last build knew under the same key, by names not found so.
    People new to the collection wait for the build."""
    persons = kept.site.persons
    if old is not None:
        said = {f: ref.key for ref in old for f in ref.forms}
        order = {ref.key: n for n, ref in enumerate(old)}
        mentions = cable.mentions
    else:
        said, order = kept.aliases(), {}
        mentions = [m for m in cable.mentions if m.evidence not in BARE or _known(kept, m.name)]
    found: dict[str, list] = {}
    for m in mentions:
        key = said.get(m.name)
        if key is not None and key in persons:
            found.setdefault(key, []).append(m)
    first = {key: order.get(key, (min(-1 if m.paragraph is None else m.paragraph for m in ms), n))
             for n, (key, ms) in enumerate(found.items())}
    was = {ref.key: ref for ref in old or ()}
    none = PersonRef("", "", (), (), ())

    def listed(before: tuple, now: list) -> tuple:     # in the build's order, then new ones
        return tuple(dict.fromkeys([x for x in before if x in now] + now))
    out = {key: PersonRef(key, persons[key].name,
                          listed(was.get(key, none).titles, [m.title for m in ms if m.title]),
                          listed(was.get(key, none).forms, [m.name for m in ms]),
                          tuple(sorted({m.paragraph for m in ms if m.paragraph is not None})))
           for key, ms in sorted(found.items(), key=lambda kv: first[kv[0]])}
    if old is None:
        named = {m.name for ms in found.values() for m in ms}
        for ref in alone:
            if ref.key in persons and ref.key not in out and not named.intersection(ref.forms):
                out[ref.key] = ref
    return tuple(out.values())


def _citing(site: Site, cid: str) -> list[int]:
    """The cables of the last build whose REF items name ``cid``, a new cable's ID (which
    they could not link to), in the site's order (as ``Site.cited_by``)."""
    out = [j for j, c in enumerate(site.cables)
           if c.references and j not in site.version_of and any(r.id == cid for r in c.references)]
    if len(out) < 2:
        return out
    want = set(out)
    return [j for j in site.order if j in want]


def _known(kept: Kept, name: str) -> bool:
    """Whether ``name``, a capitalised word named alone, is the name of a person of
    the last build found in more than one cable (Putin, Khamenei, Qadhafi)."""
    key = kept.aliases().get(name)
    p = kept.site.persons.get(key) if key else None
    return p is not None and p.name == name and p.cables >= 2


def _neighbours(site: Site, i: int) -> tuple:
    """Cable ``i``'s previous and next, overall and from its origin, by date (as
    ``CableRoutes.neighbours_of``), in ``site``'s order and lists by origin."""
    if i in site.version_of:
        return None, None, None, None

    def around(order: list[int]) -> tuple:
        try:
            p = order.index(i)
        except ValueError:
            return None, None
        before = next((order[k] for k in range(p - 1, -1, -1)
                       if order[k] not in site.version_of), None)
        after = next((order[k] for k in range(p + 1, len(order))
                      if order[k] not in site.version_of), None)
        return before, after
    name = site.cables[i].origin or UNKNOWN_ORIGIN
    return (*around(site.order), *around(site.origins.get(name, [])))
