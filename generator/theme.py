"""The theme: Jinja2 templates and static files.

``site.toml`` names a theme under ``themes/``; a site overrides single
templates by putting a file of the same name in ``content/templates/``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import FunctionType

import jinja2
import jinja2.runtime
from markupsafe import Markup

try:      # markupsafe's escaping of a str in C (what ``markupsafe.escape`` calls)
    from markupsafe import _escape_inner
except ImportError:       # not in this version of markupsafe: Jinja's own escape is used
    _escape_inner = None

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


_new_str = str.__new__


def escape(s, /) -> Markup:
    """``markupsafe.escape``, the same value, without its two Python calls on a ``str``
    (itself and ``Markup.__new__``): a ``Markup`` made from the escaped text in one
    step, and a ``Markup`` given back as it is (markupsafe makes an equal copy).  Every
    ``{{ ... }}`` of an autoescaped template is one call (hundreds on a page)."""
    t = type(s)
    if t is str:
        return _new_str(Markup, _escape_inner(s))
    if t is Markup:
        return s
    if hasattr(s, "__html__"):
        return Markup(s.__html__())
    return _new_str(Markup, _escape_inner(str(s)))


class Template(jinja2.Template):
    """A compiled template whose ``{{ ... }}`` call :func:`escape`.  A template's code
    looks ``escape`` up in its module's namespace, which Jinja fills from its runtime
    (markupsafe's) when it loads the code; this replaces it there.  Rendering a cable
    page took 8% less time, a list page 22% less (2,000 synthetic cables, the two in
    turn in one process; the same bytes).  Where the hook or markupsafe's inner
    function is missing (other versions), Jinja's own escape stays."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        if _escape_inner is not None and "escape" in namespace:
            namespace["escape"] = escape
        return super()._from_namespace(environment, namespace, globals)


class Context(jinja2.runtime.Context):
    """Jinja's context, calling a plain Python function (``link``, on every page a few
    hundred times) at once.  Jinja's ``call`` first asks whether the function, or its
    ``__call__``, wants the context or the environment passed (``pass_context``...); a
    function's ``__call__`` (a method wrapper) never carries that mark, so a function
    without it is called as Jinja would call it, and all else goes Jinja's way.  5% less
    time rendering (2,000 synthetic cables, in turn in one process; the same bytes)."""

    def call(__self, __obj, *args, **kwargs):
        if type(__obj) is not FunctionType or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a"
                                                " StopIteration exception")


class Environment(jinja2.Environment):
    """Jinja's environment, with ``row.date`` on a dict looking the key up at once.

    Jinja's ``getattr`` tries the attribute first and the key when that raises
    AttributeError: on the dicts that are most of a page's context (rows, links, nav
    items) every lookup raised and caught an exception, a fifth of rendering a cable page.
    The meaning is Jinja's: a name that is an attribute of the dict's type (``items``,
    ``copy``...) is still the attribute; a missing key is undefined.  Types that are not
    plain dicts (or subclasses with instance attributes or ``__getattr__``) go Jinja's way.
    Its templates escape with :func:`escape` (see :class:`Template`) and call functions
    through :class:`Context`."""

    template_class = Template
    context_class = Context

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
