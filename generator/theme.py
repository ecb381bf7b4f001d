"""The theme: Jinja2 templates and static files.

``site.toml`` names a theme under ``themes/``; a site overrides single
templates by putting a file of the same name in ``content/templates/``.
"""
from __future__ import annotations

from dataclasses import dataclass
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
            env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True,
                                     lstrip_blocks=True, keep_trailing_newline=True)
            return Theme(name, root, env, dirs), []
    known = sorted({p.name for b in search if b.is_dir() for p in b.iterdir()
                    if (p / "templates").is_dir()})
    return None, [error(f"unknown theme {name!r}: no {name}/templates folder in "
                        f"{' or '.join(str(b) for b in search)}. Known themes: "
                        f"{', '.join(known) or 'none'}. Fix `theme` in site.toml.",
                        kind="config", path="site.toml")]
