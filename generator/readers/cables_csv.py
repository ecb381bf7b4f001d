"""Rows of the 2011 full-release ``cables.csv``.

No header row; eight double-quoted columns: row number, date (M/D/YYYY H:MM),
cable id, origin, classification, references ('|'-separated ids), header, body.
Quotes inside fields are escaped with a backslash, not doubled.
"""
from __future__ import annotations

import csv
import io
import re

from ..diagnostics import warning
from .record import RawRecord

FORMAT = "cables-csv"
_FIRST = re.compile(r'^"\d+","\d{1,2}/\d{1,2}/\d{4}')


def sniff(text: str) -> bool:
    return bool(_FIRST.match(text))


def read(text: str, path: str) -> list[RawRecord]:
    records: list[RawRecord] = []
    reader = csv.reader(io.StringIO(text), escapechar="\\", doublequote=False, strict=False)
    start = 1
    n = 0
    try:
        for row in reader:
            n += 1
            line, start = start, reader.line_num + 1
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) < 8:
                rec = RawRecord(text="\n".join(row), path=path, format=FORMAT, record=n, line=line)
                rec.problems.append(warning(
                    f"row has {len(row)} columns, cables.csv has 8 (number, date, id, origin, "
                    "classification, references, header, body); read as plain text",
                    kind="input", line=line, path=path, record=n))
                records.append(rec)
                continue
            _, date, cid, origin, classification, refs, header, body = row[:8]
            meta = {"id": cid, "date": date, "origin": origin, "classification": classification,
                    "references": [r for r in refs.split("|") if r.strip()]}
            text_ = header.rstrip("\n") + "\n\n" + body if header.strip() else body
            records.append(RawRecord(text=text_, path=path, format=FORMAT, record=n,
                                     line=line, meta={k: v for k, v in meta.items() if v}))
    except csv.Error as exc:
        rec = RawRecord(text="", path=path, format=FORMAT, record=n + 1, line=start)
        rec.problems.append(warning(f"CSV is malformed after this line ({exc}); the rest of the "
                                    "file was not read", kind="input", line=start, path=path))
        records.append(rec)
    return records
