"""JSON dumps of cables: MongoDB exports (one object per line), arrays of
objects, API responses (``{"items": [...]}``) and JSONP (``cablegrab({...})``).

Keys are matched by their usual names (``text``/``body``/``content``,
``header``, ``id``/``reference_id``/``_id``, ``date``/``date_time``/``created``,
``origin``, ``classification``, ``subject``).  Some dumps stripped every
newline from the text; line structure is then recovered from paragraph marks
and header keywords (see :func:`reline`).
"""
from __future__ import annotations

import json
import re

from ..diagnostics import warning
from .record import RawRecord

FORMAT = "json"
_JSONP = re.compile(r"^\s*([A-Za-z_$][\w$.]*)\s*\(\s*(.*?)\s*\)\s*;?\s*$", re.S)

_TEXT_KEYS = ("text", "body", "content", "cable")
_META_KEYS = {
    "id": ("reference_id", "id", "_id", "refid", "identifier"),
    "date": ("date", "date_time", "created", "datetime"),
    "origin": ("origin",),
    "classification": ("classification",),
    "subject": ("subject", "title"),
    "tags": ("tags",),
    "references": ("references",),
}


def sniff(text: str) -> bool:
    head = text.lstrip()[:200]
    return head.startswith(("{", "[")) or bool(_JSONP.match(head + ")"))


def read(text: str, path: str) -> list[RawRecord]:
    fmt = FORMAT
    stripped = text.strip()
    m = _JSONP.match(stripped)
    if m and not stripped.startswith(("{", "[")):
        stripped, fmt = m.group(2), "jsonp"
    objects: list[tuple[int, object]] = []
    problems = []
    try:
        objects = [(1, json.loads(stripped))]
    except json.JSONDecodeError:
        for lineno, line in enumerate(stripped.splitlines(), 1):
            if not line.strip():
                continue
            try:
                objects.append((lineno, json.loads(line)))
            except json.JSONDecodeError as exc:
                problems.append(warning(f"not valid JSON ({exc.msg}); this line was skipped. "
                                        "Is the file a JSON array or one object per line?",
                                        kind="input", line=lineno, path=path))
    items: list[tuple[int, dict]] = []
    for lineno, obj in objects:
        if isinstance(obj, dict) and isinstance(obj.get("items"), list):
            items.extend((lineno, o) for o in obj["items"] if isinstance(o, dict))
        elif isinstance(obj, list):
            items.extend((lineno, o) for o in obj if isinstance(o, dict))
        elif isinstance(obj, dict):
            items.append((lineno, obj))
    if fmt == FORMAT and len(items) and all("_id" in o for _, o in items):
        fmt = "mongo-json"
    records = []
    for n, (lineno, obj) in enumerate(items, 1):
        body = next((obj[k] for k in _TEXT_KEYS if isinstance(obj.get(k), str)), None)
        if body is None:
            problems.append(warning("JSON object has no text field (looked for "
                                    f"{', '.join(_TEXT_KEYS)}); skipped", kind="input",
                                    line=lineno, path=path, record=n))
            continue
        header = obj.get("header") if isinstance(obj.get("header"), str) else ""
        meta = {}
        for key, names in _META_KEYS.items():
            for name in names:
                if obj.get(name):
                    meta[key] = obj[name]
                    break
        if "\n" not in body and len(body) > 200:
            body, header = reline(body), reline(reline_routing(header))
        text_ = header.rstrip("\n") + "\n\n" + body if header.strip() else body
        records.append(RawRecord(text=text_, path=path, format=fmt, record=n, line=lineno,
                                 meta=meta))
    if records:
        records[0].problems.extend(problems)
    elif problems:
        records.append(RawRecord(text="", path=path, format=fmt, problems=problems))
    return records


_BREAK_BEFORE = re.compile(
    r"\s*(?=(?:SUBJECT|SUBJ|TAGS|REFS?)\s*:|E\.O\.\s*1\d{4}|EO 1\d{4}|Classified [Bb]y|"
    r"CLASSIFIED BY|\(U\) Classified)"
    r"|\s*(?=¶\s*\d{1,3}\.)|\s{2,}(?=\d{1,2}\.\s?\((?:U|C|S|SBU|S/NF|C/NF|S//NF)\))"
    r"|(?<=\d)\s*(?=SIPDIS)|(?<=SIPDIS)\s*"
    r"|(?<=available\.)(?=\S)"
)
_SIGNER = re.compile(r"(?<=[.!?\"')])\s+([A-Z][A-Z'\-]+(?: [A-Z][A-Z'\-]+){0,2})\s*$")
_PAGE = re.compile(r"\s+([A-Z][A-Z]+(?: [A-Z]+){0,2} \d{8}\s+\d{3}(?:\.\d)? OF \d{3})\s+")


_ROUTING = re.compile(r"(?=DE R[A-Z]{3,6} #)|(?=ZN[YR] [A-Z]{5})|(?<=ZZH)(?=\S)|(?=(?<![A-Z])[OPRZ]{1,2} \d{6}Z )|"
                      r"(?=FM (?:AM|US|SEC|DEPT|CDR|HQ))|(?=TO R[A-Z]{3,6}/)|(?=INFO R[A-Z]{3,6}/)|"
                      r"(?<=[A-Z0-9])(?=R[A-Z]{3,6}/)|(?<=\d{4})(?=[A-Z]{2})")


def reline_routing(text: str) -> str:
    """Recover the lines of a routing header whose newlines were stripped."""
    if "\n" in text or "VZCZC" not in text:
        return text
    return "\n".join(p.strip() for p in _ROUTING.split(text) if p.strip())


def reline(text: str) -> str:
    """Recover lines in text whose newlines were stripped."""
    text = _PAGE.sub(r"\n\1\n", text)
    text = _BREAK_BEFORE.sub("\n", text)
    text = text.replace("\n¶", "\n\n¶")
    text = _SIGNER.sub(r"\n\1", text)
    return text
