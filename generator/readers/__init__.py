"""Readers turn a file's bytes into raw cable records, choosing the format by content.

``read_records(path, data)`` is pure: it never touches the disk.  One file may
hold many cables (CSV, JSON); each record carries the metadata its format has.
"""
from __future__ import annotations

import re

from ..diagnostics import note, warning
from ..text import decode, looks_binary
from . import cables_csv, generic_html, json_dump, plusd_html, telegram_text, wikileaks_html
from .record import RawRecord

__all__ = ["RawRecord", "read_records", "FORMATS"]

FORMATS = ("wikileaks-html", "plusd-html", "html", "cables-csv", "json", "mongo-json", "jsonp", "text")
_HTML = re.compile(r"^\s*(<!DOCTYPE|<html|<\?xml|<head|<body)", re.I)


def read_records(path: str, data: bytes) -> list[RawRecord]:
    """All cable records in one file.  Problems are attached to the records;
    a file that holds no cable yields one empty record carrying the warning."""
    if not data.strip():
        return [_nothing(path, "empty file: it holds no cable")]
    if looks_binary(data):
        return [_nothing(path, "binary file, not a cable (it has NUL bytes); remove it from "
                         "the cables folder or convert it to text", kind="input")]
    text, encoding = decode(data)
    records = _dispatch(text, path)
    if encoding not in ("utf-8", "utf-8-sig") and records:
        records[0].problems.append(note(f"file is not UTF-8; read as {encoding}",
                                        kind="encoding", path=path))
    return records


def _dispatch(text: str, path: str) -> list[RawRecord]:
    if wikileaks_html.sniff(text):
        return wikileaks_html.read(text, path) or [_nothing(path, "HTML page holds no cable text")]
    if plusd_html.sniff(text):
        return plusd_html.read(text, path) or [_nothing(path, "PlusD page holds no cable text")]
    if _HTML.match(text):
        return generic_html.read(text, path) or [_nothing(
            path, "HTML page holds no cable: no cable text (no SUBJECT or TAGS line, no "
            "classification line) was found in it")]
    if cables_csv.sniff(text):
        return cables_csv.read(text, path)
    if json_dump.sniff(text):
        records = json_dump.read(text, path)
        if any(r.text for r in records):
            return records
        return records or [_nothing(path, "JSON holds no cable")]
    return telegram_text.read(text, path)


def _nothing(path: str, message: str, kind: str = "input") -> RawRecord:
    rec = RawRecord(text="", path=path, format="none")
    rec.problems.append(warning(message, kind=kind, path=path))
    return rec
