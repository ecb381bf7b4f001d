"""Check a built site: every internal href/src resolves to a file, every
#fragment to an id in that file, and no link is a bare directory."""
from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src") and v is not None:
                self.links.append(v)
            elif k in ("id", "name") and v:
                self.ids.add(v)


def check_links(root: Path) -> list[str]:
    root = root.resolve()
    pages = {p.relative_to(root).as_posix(): p for p in root.rglob("*.html")}
    parsed: dict[str, _Collect] = {}

    def get(rel: str) -> _Collect:
        if rel not in parsed:
            c = _Collect()
            c.feed(pages[rel].read_text(encoding="utf-8"))
            parsed[rel] = c
        return parsed[rel]

    problems = []
    for rel in sorted(pages):
        for link in get(rel).links:
            u = urlsplit(link)
            if u.scheme or u.netloc or link.startswith(("mailto:", "javascript:", "data:")):
                if u.scheme in ("http", "https") and not link.startswith("http"):
                    problems.append(f"{rel}: odd link {link!r}")
                continue
            target = rel if not u.path else posixpath.normpath(
                posixpath.join(posixpath.dirname(rel), unquote(u.path)))
            if u.path.endswith("/") or (root / target).is_dir():
                problems.append(f"{rel}: link to a folder, not a file: {link!r}")
                continue
            if target.startswith("../") or not (root / target).is_file():
                problems.append(f"{rel}: broken link {link!r}")
                continue
            if u.fragment and target.endswith(".html") and unquote(u.fragment) not in get(target).ids:
                problems.append(f"{rel}: no id {u.fragment!r} in {target}")
    return problems


