"""Any other HTML page that holds a cable (a mirror's layout we have not seen).

The page's text is taken with block elements as line ends; when it shows a
cable's marks (a SUBJECT or TAGS line, a classification line) it is handed to
the parser as text, from the first such mark's neighbourhood on.
"""
from __future__ import annotations

import html
import re

from .record import RawRecord

FORMAT = "html"
_DROP = re.compile(r"<(script|style|head|nav|footer)\b.*?</\1\s*>", re.S | re.I)
_BLOCK = re.compile(r"<(?:br|/p|/div|/pre|/li|/tr|/h[1-6]|/table|/blockquote)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_MARKS = re.compile(r"^\s*(?:SUBJECT|SUBJ|TAGS)\s*:|^\s*(?:C O N F I D E N T I A L|S E C R E T|"
                    r"UNCLAS|CONFIDENTIAL|SECRET)\b.*\d{3,}\s*$", re.M)


def page_text(page: str) -> str:
    text = _DROP.sub(" ", page)
    text = _BLOCK.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    return "\n".join(line.rstrip() for line in text.replace("\r", "").split("\n"))


def read(page: str, path: str) -> list[RawRecord]:
    text = page_text(page)
    first = _MARKS.search(text)
    if not first:
        return []
    # start a little before the first mark, at a blank line, so a routing header is kept
    start = text.rfind("\n\n", 0, max(0, text.rfind("\n", 0, first.start()) - 1500))
    body = text[start + 2 if start >= 0 else 0:].strip("\n")
    line = text.count("\n", 0, start + 2 if start >= 0 else 0) + 1
    return [RawRecord(text=body, path=path, format=FORMAT, line=line)]
