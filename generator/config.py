"""``site.toml``: the site's title, base URL, theme and options.

Unknown keys and bad values are diagnostics naming the file and the fix; the
build goes on with defaults.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field

from .diagnostics import Diagnostic, warning

DEFAULTS = {
    "title": "Cable collection",
    "description": "Diplomatic cables, cross-linked and searchable.",
    "base_url": "",
    "theme": "default",
    "language": "en",
    "per_page": 100,
    "newest": 20,
}


@dataclass(frozen=True)
class Config:
    title: str = DEFAULTS["title"]
    description: str = DEFAULTS["description"]
    base_url: str = DEFAULTS["base_url"]
    theme: str = DEFAULTS["theme"]
    language: str = DEFAULTS["language"]
    per_page: int = DEFAULTS["per_page"]
    newest: int = DEFAULTS["newest"]
    extra: dict = field(default_factory=dict)


def parse(text: str | None, path: str) -> tuple[Config, list[Diagnostic]]:
    if text is None:
        return Config(), []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Config(), [warning(f"site.toml is not valid TOML ({exc}); using defaults",
                                  kind="config", path=path)]
    diags = []
    values = {}
    for key, value in data.items():
        if key == "extra" and isinstance(value, dict):
            values["extra"] = value
            continue
        if key not in DEFAULTS:
            close = [k for k in DEFAULTS if k[:3] == key[:3]]
            hint = f" Did you mean {close[0]!r}?" if close else ""
            diags.append(warning(f"unknown key {key!r} in site.toml; known keys: "
                                 f"{', '.join(DEFAULTS)} (and an [extra] table).{hint}",
                                 kind="config", path=path))
            continue
        if not isinstance(value, type(DEFAULTS[key])) or isinstance(value, bool):
            diags.append(warning(f"site.toml: {key} should be a {type(DEFAULTS[key]).__name__}, "
                                 f"not {value!r}; using {DEFAULTS[key]!r}", kind="config",
                                 path=path))
            continue
        values[key] = value
    if values.get("per_page", 100) < 10:
        diags.append(warning("site.toml: per_page below 10 makes too many pages; using 10",
                             kind="config", path=path))
        values["per_page"] = 10
    if values.get("base_url"):
        values["base_url"] = values["base_url"].rstrip("/") + "/"
    return Config(**values), diags
