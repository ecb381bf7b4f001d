"""Turning bytes into text: encodings, BOMs, line ends, HTML entities."""
from __future__ import annotations

import html
import re

_NUL_SAMPLE = 8192


def looks_binary(data: bytes) -> bool:
    """True for data that is not text (NUL bytes outside a UTF-16 BOM'd file)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in data[:_NUL_SAMPLE]


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to str, returning (text, encoding used).

    UTF-8 (with or without BOM) first, UTF-16 when it has a BOM, then
    Windows-1252 (a superset of Latin-1 for printable text), then Latin-1,
    which never fails.  Line ends become ``\\n``.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, enc = data.decode("utf-16", errors="replace"), "utf-16"
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, enc = data.decode("latin-1"), "latin-1"
    return normalize_newlines(text), enc


def normalize_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


_TAG = re.compile(r"<[^>]*>")


def strip_tags(fragment: str) -> str:
    """Remove HTML tags and unescape entities (used on <pre> and table cells)."""
    text = _TAG.sub("", fragment) if "<" in fragment else fragment
    return html.unescape(text) if "&" in text else text


def fold_spaces(s: str) -> str:
    return " ".join(s.split())
