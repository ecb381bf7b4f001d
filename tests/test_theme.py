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


class Html:
    """An object that renders itself (``__html__``)."""

    def __html__(self):
        return "<i>self</i>"


class Text(str):
    """A str subclass: escaped as its text, as markupsafe does."""


def test_escape_is_markupsafes():
    from markupsafe import Markup, escape as markupsafe_escape

    from generator.theme import escape
    values = ["plain", "<a href=\"x\">'&'</a>", "", "é — ¶", Markup("<b>kept</b>"), Html(),
              Text("<sub>"), 3, 2.5, None, ("t", "<"), b"<bytes>"]
    for v in values:
        ours, theirs = escape(v), markupsafe_escape(v)
        assert type(ours) is Markup and ours == theirs, v


def test_templates_escape_with_ours_and_render_as_jinjas():
    from generator.theme import escape
    env = Environment(autoescape=True)
    template = env.from_string("{{ a }}{{ b }}{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(a) }}"
                               "{{ a|e }}{{ (a ~ b)|upper }}")
    assert template.root_render_func.__globals__["escape"] is escape
    ctx = {"a": "<x & 'y'>", "b": Html()}
    ours, jinjas = _both("{{ a }}{{ b }}{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(a) }}"
                         "{{ a|e }}{{ (a ~ b)|upper }}", **ctx)
    assert ours == jinjas == template.render(**ctx)
    assert "&lt;x &amp; &#39;y&#39;&gt;" in ours and "<i>self</i>" in ours


def test_functions_are_called_as_jinja_calls_them():
    from generator.theme import Context

    def plain(x, y="-"):
        return f"{x}{y}"

    def stops():
        raise StopIteration

    @jinja2.pass_context
    def with_context(ctx, x):
        return f"{ctx['name']}:{x}"

    @jinja2.pass_environment
    def with_env(env, x):
        return f"{type(env).__name__ == 'Environment'}:{x}"

    class Callable:
        def __call__(self, x):
            return f"called {x}"

    source = ("{{ plain(1) }} {{ plain(2, y='+') }} {{ with_context(3) }} {{ with_env(4) }} "
              "{{ obj(5) }} {% for i in [6] %}{{ plain(i) }}{{ with_context(i) }}{% endfor %} "
              "{{ 'a,b'.split(',')|join('|') }}")
    ctx = {"plain": plain, "stops": stops, "with_context": with_context, "with_env": with_env,
           "obj": Callable(), "name": "ctx"}
    ours, jinjas = _both(source, **ctx)
    assert ours == jinjas
    assert ours == "1- 2+ ctx:3 True:4 called 5 6-ctx:6 a|b"
    assert Environment().context_class is Context
    # a function that raises StopIteration gives an undefined value, as in Jinja
    lenient = [cls(autoescape=True).from_string("[{{ stops() }}]{{ stops() is defined }}")
               .render(stops=stops) for cls in (Environment, jinja2.Environment)]
    assert lenient[0] == lenient[1] == "[]False"
    with pytest.raises(jinja2.UndefinedError, match="StopIteration"):
        Environment(undefined=jinja2.StrictUndefined).from_string("{{ stops() }}").render(
            stops=stops)
