"""Markdown pages (``content/pages/*.md``) with markdown-it-py.

Front matter is TOML between ``+++`` lines (title, description, weight, nav);
a cable reference ID written in the text (``07PARIS3198``) becomes a link to
that cable when the collection holds it, via a small markdown-it core rule.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .diagnostics import Diagnostic, warning

_FRONT = re.compile(r"\A\+\+\+[ \t]*\n(.*?)\n\+\+\+[ \t]*\n", re.S)
CABLE_ID = re.compile(r"\b(\d{2}[A-Z][A-Z0-9]{2,30}?\d{1,7})\b")
_KEYS = {"title", "description", "weight", "nav"}


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    description: str
    weight: int
    nav: bool
    markdown: str
    path: str


def parse_page(text: str, path: str, slug: str) -> tuple[Page, list[Diagnostic]]:
    diags = []
    meta: dict = {}
    body = text
    m = _FRONT.match(text)
    if m:
        try:
            meta = tomllib.loads(m.group(1))
        except tomllib.TOMLDecodeError as exc:
            diags.append(warning(f"front matter is not valid TOML ({exc})", kind="page", path=path))
        body = text[m.end():]
        for k in sorted(set(meta) - _KEYS):
            diags.append(warning(f"unknown front matter key {k!r}; known: {', '.join(sorted(_KEYS))}",
                                 kind="page", path=path, line=2))
    title = meta.get("title")
    if not isinstance(title, str):
        h1 = re.search(r"^#\s+(.+)$", body, re.M)
        title = h1.group(1).strip() if h1 else slug.replace("-", " ").capitalize()
    return Page(slug, title, str(meta.get("description", "")), int(meta.get("weight", 0) or 0),
                bool(meta.get("nav", True)), body, path), diags


def render_markdown(text: str, cable_link) -> str:
    """HTML of a page; ``cable_link(id)`` gives the relative URL of a cable or None."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["table", "replacements", "smartquotes"])

    def link_ids(state) -> None:
        for tok in state.tokens:
            if tok.type != "inline" or not tok.children:
                continue
            out: list[Token] = []
            inside_link = 0
            for child in tok.children:
                if child.type == "link_open":
                    inside_link += 1
                elif child.type == "link_close":
                    inside_link -= 1
                if child.type != "text" or inside_link:
                    out.append(child)
                    continue
                pos = 0
                for m in CABLE_ID.finditer(child.content):
                    url = cable_link(m.group(1))
                    if not url:
                        continue
                    if m.start() > pos:
                        out.append(_text(child.content[pos:m.start()]))
                    a = Token("link_open", "a", 1)
                    a.attrs = {"href": url, "class": "cable-ref"}
                    out += [a, _text(m.group(1)), Token("link_close", "a", -1)]
                    pos = m.end()
                if pos == 0:
                    out.append(child)
                elif pos < len(child.content):
                    out.append(_text(child.content[pos:]))
            tok.children = out

    md.core.ruler.push("cable_ids", link_ids)
    return md.render(text)


def _text(content: str) -> Token:
    t = Token("text", "", 0)
    t.content = content
    return t
