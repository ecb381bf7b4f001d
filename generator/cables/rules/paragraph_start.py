"""Recognising the first line of a numbered paragraph: ``1. (C) ...``, ``¶3. (S/NF)``,
``¶ 4.``, with the marking that classifies it."""
from __future__ import annotations

import re

PARAGRAPH = re.compile(
    r"^\s*(?:¶\s*)?(\d{1,3})\s*\.(?=\s|\(|$)\s*"
    r"(?:\(\s*([A-Z]{1,4}(?:\s*/{1,2}\s*[A-Z]{1,5})*(?:-[A-Z]{1,2})?)\s*\)\s*)?(.*)$")
MARKING = re.compile(r"^\s*\(\s*([A-Z]{1,4}(?:\s*/{1,2}\s*[A-Z]{1,5})*(?:-[A-Z]{1,2})?)\s*\)\s*")
VALID_MARKINGS = {"U", "C", "S", "TS", "SBU", "LOU", "NF", "FOUO", "REL", "SBU-N", "SF"}


def is_paragraph_start(line: str) -> bool:
    m = PARAGRAPH.match(line)
    return bool(m) and int(m.group(1)) > 0


def normalize_marking(mark: str | None) -> str | None:
    if not mark:
        return None
    m = "/".join(p.strip() for p in re.split(r"/{1,2}", mark))
    head = m.split("/")[0]
    return m if head in VALID_MARKINGS else None
