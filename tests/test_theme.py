"""The theme's Jinja environment: ``x.name`` on a dict means what it means in Jinja."""
from __future__ import annotations

import jinja2
import pytest

from generator.pages import Row
from generator.theme import Environment


def _both(source: str, **ctx) -> tuple[str, str]:
    """The template rendered by our environment and by Jinja's own."""
    out = []
    for cls in (Environment, jinja2.Environment):
        env = cls(autoescape=True, undefined=jinja2.StrictUndefined)
        out.append(env.from_string(source).render(**ctx))
    return out[0], out[1]


class Attrs(dict):
    """A dict with instance attributes: Jinja's way, attribute first."""


def test_dict_lookups_mean_what_they_mean_in_jinja():
    row = Row(path="cable/x.html", key="07PARIS1", date=None)
    row.digest = b"d"
    extra = Attrs(label="the key")
    extra.label = "the attribute"
    cases = [
        ("{{ d.date }} {{ d.path }}", {"d": {"date": "2007-01-01", "path": "a.html"}}),
        ("{{ d.items()|list }} {{ d.keys()|list }}", {"d": {"items": 1, "keys": 2}}),  # methods win
        ("{{ d.get('x', 'none') }}", {"d": {"get": "the key"}}),
        ("{{ r.key }} {{ r.path }} {{ r.date }}", {"r": row}),
        ("{{ r.copy().key }}", {"r": row}),
        ("{{ e.label }}", {"e": extra}),
        ("{{ t.count('a') }} {{ s.upper() }}", {"t": ("a", "b"), "s": "x"}),
        ("{{ d['date'] }}", {"d": {"date": "item syntax"}}),
    ]
    for source, ctx in cases:
        ours, jinjas = _both(source, **ctx)
        assert ours == jinjas, source
    assert _both("{{ e.label }}", e=extra)[0] == "the attribute"


def test_a_missing_key_is_undefined_as_in_jinja():
    for source, ctx in [("{{ d.nothing }}", {"d": {"date": 1}}),
                        ("{{ r.nothing }}", {"r": Row(key="k")})]:
        with pytest.raises(jinja2.UndefinedError, match="nothing"):
            Environment(undefined=jinja2.StrictUndefined).from_string(source).render(**ctx)
    env = Environment()                     # a lenient theme's default undefined
    assert env.from_string("[{{ d.nothing }}]").render(d={}) == "[]"
    assert env.from_string("{{ d.nothing is defined }}").render(d={"date": 1}) == "False"
