"""WikiLeaks PlusD library pages (the 2013 Kissinger Cables layout).

Metadata comes as ``s_key``/``s_val`` pairs; the text as a header
(``<div class="text-header">``) and a body (``<div id="tagged-text">``).
"""
from __future__ import annotations

import re

from ..text import fold_spaces, strip_tags
from .record import RawRecord

FORMAT = "plusd-html"
_PAIR = re.compile(r'<div class="s_key"><a class="i" title="([^"]+)"[^>]*>.*?</div>\s*'
                   r'<div class="s_val"[^>]*>(.*?)</div>', re.S)
_HEADER = re.compile(r'<div class="text-header[^"]*">(.*?)</div>', re.S)
_BODY = re.compile(r'<div id="tagged-text">(.*?)</div>', re.S)
_SUBJECT = re.compile(r"^Subject: (.+)$", re.M)


def sniff(text: str) -> bool:
    return 'id="tagged-text"' in text and 's_key' in text


def read(text: str, path: str) -> list[RawRecord]:
    body = _BODY.search(text)
    if not body:
        return []
    pairs = {k: fold_spaces(strip_tags(v)) for k, v in _PAIR.findall(text)}
    meta: dict = {}
    if pairs.get("Canonical ID"):
        meta["id"] = pairs["Canonical ID"]
    if pairs.get("Date"):
        meta["date"] = pairs["Date"]
    if pairs.get("Original Classification"):
        meta["classification"] = pairs["Original Classification"]
    if pairs.get("TAGS"):
        meta["tags"] = [t.split(" - ")[0].strip() for t in pairs["TAGS"].split("|")]
    if pairs.get("From"):
        meta["from"] = pairs["From"]
    subject = _SUBJECT.search(text)
    if subject:
        meta["subject"] = fold_spaces(strip_tags(subject.group(1)))
    header = _HEADER.search(text)
    head_text = strip_tags(header.group(1)).strip("\n") if header else ""
    cable_text = (head_text + "\n\n" if head_text else "") + strip_tags(body.group(1))
    start = header.start() if header else body.start()
    return [RawRecord(text=cable_text, path=path, format=FORMAT,
                      line=text.count("\n", 0, start) + 1, meta=meta)]
