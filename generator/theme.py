"""The theme: Jinja2 templates and static files.

``site.toml`` names a theme under ``themes/``; a site overrides single
templates by putting a file of the same name in ``content/templates/``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from .diagnostics import Diagnostic, error


@dataclass
class Theme:
    name: str
    root: Path
    env: jinja2.Environment
    template_dirs: tuple[Path, ...] = ()    # overrides first

    def static_files(self) -> list[tuple[str, Path]]:
        static = self.root / "static"
        if not static.is_dir():
            return []
        return sorted((f"static/{p.relative_to(static).as_posix()}", p)
                      for p in static.rglob("*") if p.is_file())


class Environment(jinja2.Environment):
    """Jinja's environment, with ``row.date`` on a dict looking the key up at once.

    Jinja's ``getattr`` tries the attribute first and the key when that raises
    AttributeError: on the dicts that are most of a page's context (rows, links, nav
    items) every lookup raised and caught an exception, a fifth of rendering a cable page.
    The meaning is Jinja's: a name that is an attribute of the dict's type (``items``,
    ``copy``...) is still the attribute; a missing key is undefined.  Types that are not
    plain dicts (or subclasses with instance attributes or ``__getattr__``) go Jinja's way."""

    def getattr(self, obj, attribute):
        names = _dict_attributes(type(obj))
        if names is not None and attribute not in names:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


@cache
def _dict_attributes(t: type) -> frozenset | None:
    """The attribute names of a dict type whose instances have no others; None for other
    types."""
    if not issubclass(t, dict) or t.__dictoffset__ or hasattr(t, "__getattr__"):
        return None
    return frozenset(dir(t))


def themes_root() -> Path:
    return Path(__file__).resolve().parent.parent / "themes"


def load(name: str, content: Path, roots: list[Path] | None = None) -> tuple[Theme | None,
                                                                             list[Diagnostic]]:
    search = [content / "themes", *(roots or [themes_root()])]
    for base in search:
        root = base / name
        if (root / "templates").is_dir():
            overrides = content / "templates"
            dirs = ((overrides,) if overrides.is_dir() else ()) + (root / "templates",)
            loaders = [jinja2.FileSystemLoader(str(d)) for d in dirs]
            # auto_reload off: a build loads its theme once (``serve`` loads it anew for
            # every rebuild), and each page's template, base and macros were otherwise
            # stat()ed again every time a page was rendered.
            env = Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False)
            return Theme(name, root, env, dirs), []
    known = sorted({p.name for b in search if b.is_dir() for p in b.iterdir()
                    if (p / "templates").is_dir()})
    return None, [error(f"unknown theme {name!r}: no {name}/templates folder in "
                        f"{' or '.join(str(b) for b in search)}. Known themes: "
                        f"{', '.join(known) or 'none'}. Fix `theme` in site.toml.",
                        kind="config", path="site.toml")]
