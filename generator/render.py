"""Render: one route to bytes with the theme's templates (pure per route)."""
from __future__ import annotations

import jinja2

from . import urls
from .diagnostics import Diagnostic, error
from .pages import Route
from .site import Site

NAV = [("Cables", "date/index.html"), ("Tags", "tag/index.html"), ("People", "person/index.html"),
       ("Subjects", "subject/index.html"), ("Origins", "origin/index.html"),
       ("Classifications", "classification/index.html"), ("Search", "search.html")]


def render(route: Route, site: Site, env: jinja2.Environment) -> tuple[bytes | None, list[Diagnostic]]:
    def link(to: str) -> str:
        return urls.rel(route.path, to)

    section = route.path.split("/", 1)[0] + "/" if "/" in route.path else route.path
    ctx = {
        "site": site.config, "page_path": route.path, "page_title": route.title, "link": link,
        "nav": [{"label": label, "path": p, "current": p.startswith(section)} for label, p in NAV]
        + [{"label": pg.title, "path": f"{pg.slug}.html", "current": route.path == f"{pg.slug}.html"}
           for pg in site.pages if pg.nav],
        **(route.ctx() if callable(route.ctx) else route.ctx),
    }
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
