"""Editors' corrections to the machine: ``content/people.toml``.

    drop = ["Quint", "Hizballah"]   # not people (top-level keys come before any table)

    [[person]]                      # merge spellings under one display name
    name = "Stanislas Lefebvre de Laboulaye"
    aliases = ["Laboulaye", "Stanislas de Laboulaye"]

    [[person]]                      # split namesakes: which mentions are whom
    name = "R. Nicholas Burns"
    aliases = ["Burns", "Nicholas Burns"]
    when = { titles = ["Under Secretary"] }      # also: origins, cables, years

Rules are tried in file order; the first whose aliases and ``when`` match a
person as a cable names them wins.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, warning
from .lexicon import fold

_PERSON_KEYS = {"name", "aliases", "titles", "when"}
_WHEN_KEYS = {"titles", "origins", "cables", "years"}


@dataclass(frozen=True)
class PersonRule:
    name: str
    aliases: frozenset[str]          # folded lower-case forms, the name included
    titles: tuple[str, ...] = ()
    when: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Editorial:
    persons: tuple[PersonRule, ...] = ()
    drop: frozenset[str] = frozenset()


def norm(s: str) -> str:
    return " ".join(fold(s).lower().replace(".", " ").split())


def parse(text: str, path: str) -> tuple[Editorial, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        return Editorial(), [warning(f"people.toml is not valid TOML ({exc}); editors' corrections "
                                     "were not applied", kind="config", path=path, line=line)]
    rules = []
    for k in sorted(set(data) - {"person", "drop"}):
        diags.append(warning(f"unknown key {k!r} in people.toml; expected [[person]] tables and "
                             "drop = [...]", kind="config", path=path))
    for n, entry in enumerate(data.get("person", []), 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            diags.append(warning(f"[[person]] number {n} has no name; add name = \"...\"",
                                 kind="config", path=path))
            continue
        if "drop" in entry:
            diags.append(warning(f"[[person]] {entry['name']!r} has a 'drop' key: in TOML a key "
                                 "after a table header belongs to that table. Did you mean the "
                                 "top-level drop list? Move `drop = [...]` above the first "
                                 "[[person]]", kind="config", path=path))
        for k in sorted(set(entry) - _PERSON_KEYS - {"drop"}):
            diags.append(warning(f"[[person]] {entry['name']!r}: unknown key {k!r} (expected "
                                 f"{', '.join(sorted(_PERSON_KEYS))})", kind="config", path=path))
        when = entry.get("when", {}) or {}
        for k in sorted(set(when) - _WHEN_KEYS):
            diags.append(warning(f"[[person]] {entry['name']!r}: unknown condition {k!r} in when "
                                 f"(expected {', '.join(sorted(_WHEN_KEYS))})", kind="config",
                                 path=path))
        aliases = frozenset(norm(a) for a in [entry["name"], *entry.get("aliases", [])])
        rules.append(PersonRule(entry["name"], aliases, tuple(entry.get("titles", [])),
                                {k: v for k, v in when.items() if k in _WHEN_KEYS}))
    drop = frozenset(norm(d) for d in data.get("drop", []) if isinstance(d, str))
    return Editorial(tuple(rules), drop), diags
