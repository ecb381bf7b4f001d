"""WikiLeaks "Cable Viewer" pages (2010, 2011 and the 2011 full-release layout).

A metadata table (Reference ID, Created, Released, Classification, Origin) and
two ``<code><pre>`` blocks, routing header then body, with ``&#x000A;`` for
line ends and TAGS and paragraph marks as links.  Some 2011 pages carry a real
WikiLeaks fault: the body starts with a tab-separated cables.csv row whose line
ends are ``\\&#x000A;``; the row is split back into header and body here.
"""
from __future__ import annotations

import re

from ..diagnostics import warning
from ..text import fold_spaces, strip_tags
from .record import RawRecord

FORMAT = "wikileaks-html"
_TABLE = re.compile(r"<table class=['\"]cable['\"]>(.*?)</table>", re.S)
_TD = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
_PRE = re.compile(r"<code><pre>(.*?)</pre></code>", re.S)
_H3 = re.compile(r"<h3>Viewing cable [^,<]*,\s*(.*?)</h3>", re.S)
_ROW = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?\t")


def sniff(text: str) -> bool:
    return "<code><pre>" in text or "<table class='cable'>" in text


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def read(text: str, path: str) -> list[RawRecord]:
    pres = list(_PRE.finditer(text))
    if not pres:
        return []
    meta: dict = {}
    table = _TABLE.search(text)
    if table:
        cells = [fold_spaces(strip_tags(c)) for c in _TD.findall(table.group(1))]
        for key, value in zip(("id", "date", "released", "classification", "origin"), cells):
            if value:
                meta[key] = value
    h3 = _H3.search(text)
    if h3:
        meta["subject"] = fold_spaces(strip_tags(h3.group(1)))
    body_match = pres[-1]
    header = _pre_text(pres[0].group(1)) if len(pres) > 1 else ""
    body = _pre_text(body_match.group(1))
    problems = []
    if _ROW.match(body):
        # 2011 rendering fault: date, id, origin, classification, references, header, body
        fields = body.split("\t", 6)
        if len(fields) == 7:
            header, body = fields[5], fields[6]
            if fields[4].strip():
                meta.setdefault("references", [r for r in fields[4].split("|") if r])
            problems.append(warning("body starts with a tab-separated cables.csv row "
                                    "(a WikiLeaks page fault); split into header and body",
                                    kind="source-fault", line=_line_of(text, body_match.start())))
    cable_text = header.rstrip("\n") + "\n\n" + body if header else body
    return [RawRecord(text=cable_text, path=path, format=FORMAT, record=1,
                      line=_line_of(text, pres[0].start()), meta=meta, problems=problems)]


def _pre_text(fragment: str) -> str:
    # the 2011 fault writes a backslash before each line end
    fragment = fragment.replace("\\&#x000A;", "\n").replace("&#x000A;", "\n")
    return strip_tags(fragment)
