"""``cablesite import SOURCE``: bring a collection into ``content/cables/``.

One file per cable, named by its ID under a folder per year
(``cables/2007/07PARIS3198.txt``), in its own format so nothing is lost: text
and pages are copied, cables.csv rows become one-row CSV files, JSON records one
JSON object each.  A cable already present with the same bytes is skipped; a
different cable with the same ID is kept beside it (``07PARIS3198~2.txt``) and
reported.  The full cables.csv (1.7 GB) is read as a stream.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .cables import parse_cable
from .cables.ids import canonical_id
from .diagnostics import Diagnostic, warning
from .discover import walk
from .readers import cables_csv, read_records
from .readers.record import RawRecord

_FIRST_CSV = re.compile(rb'^"\d+","\d{1,2}/\d{1,2}/\d{4}')
_SAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass
class ImportResult:
    written: int = 0
    skipped: int = 0        # the same cable was already there
    duplicates: int = 0     # a different cable with the same ID, kept as ~2, ~3 ...
    unknown: int = 0        # no ID: named after the source file
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _glob_escape(name: str) -> str:
    return re.sub(r"([\[\]*?])", r"[\1]", name)


def _csv_line(row: list[str]) -> str:
    return ",".join('"' + f.replace("\\", "\\\\").replace('"', '\\"') + '"' for f in row) + "\n"


def _iter_csv(path: Path, display: str):
    """Rows of a (possibly huge) cables.csv, one at a time."""
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f, escapechar="\\", doublequote=False, strict=False)
        start = 1
        for n, row in enumerate(reader, 1):
            line, start = start, reader.line_num + 1
            if len(row) >= 8:
                yield n, line, row
            elif row:
                yield n, line, None


class Importer:
    def __init__(self, cables_dir: Path, progress=None):
        self.root = cables_dir
        self.progress = progress
        self.result = ImportResult()
        self.count = 0

    def _place(self, cid: str | None, year: str | None, ext: str, source: str, fallback: str,
               data: bytes) -> None:
        """Write one cable; ``source`` names where it came from, ``fallback`` names an ID-less one."""
        if cid:
            folder = self.root / (year or "undated")
            stem = _SAFE.sub("_", cid)
        else:
            folder = self.root / "unknown"
            stem = _SAFE.sub("_", fallback)[:100]
            self.result.unknown += 1
        folder.mkdir(parents=True, exist_ok=True)
        k = 1
        while True:
            name = f"{stem}{'' if k == 1 else f'~{k}'}"
            taken = sorted(folder.glob(_glob_escape(name) + ".*"))
            if not taken:
                (folder / f"{name}.{ext}").write_bytes(data)
                self.result.written += 1
                if k > 1:
                    self.result.duplicates += 1
                    self.result.diagnostics.append(warning(
                        f"{cid or stem} is already in the collection with a different text; "
                        f"kept both, this one as {(folder / name).relative_to(self.root).as_posix()}.{ext}",
                        kind="duplicate", path=source))
                break
            if any(t.read_bytes() == data for t in taken):
                self.result.skipped += 1
                break
            k += 1
        self.count += 1
        if self.progress:
            self.progress.step("import", self.count, 0, "cables")

    def _id_year(self, raw: RawRecord) -> tuple[str | None, str | None]:
        cid = canonical_id(str(raw.meta["id"]))[0] if raw.meta.get("id") else None
        cable = parse_cable(raw) if cid is None or not raw.meta.get("date") else None
        if cable is not None:
            cid = cid or cable.id
            year = cable.date[:4] if cable.date else None
        else:
            year = None
        if year is None and cid:
            yy = int(cid[:2])
            year = str(1900 + yy if yy >= 60 else 2000 + yy)
        return cid, year

    def add_file(self, path: Path, display: str) -> None:
        head = path.open("rb").read(64)
        if _FIRST_CSV.match(head):
            for n, line, row in _iter_csv(path, display):
                if row is None:
                    self.result.diagnostics.append(warning(
                        "row does not have the 8 columns of cables.csv; not imported", kind="input",
                        path=display, line=line, record=n))
                    continue
                text = _csv_line(["1", *row[1:8]])
                raw = cables_csv.read(text, display)[0]
                cid, year = self._id_year(raw)
                self._place(cid, year, "csv", f"{display}:{line}", f"{Path(display).stem}-row{n}",
                            text.encode("utf-8"))
            return
        data = path.read_bytes()
        records = read_records(display, data)
        if len(records) == 1 and records[0].text.strip():
            raw = records[0]
            cid, year = self._id_year(raw)
            ext = path.suffix.lstrip(".").lower() or "txt"
            self._place(cid, year, ext if ext in ("txt", "html", "htm", "json") else "txt",
                        display, Path(display).stem, data)
            return
        for raw in records:
            if not raw.text.strip():
                self.result.diagnostics.extend(raw.problems)
                continue
            cid, year = self._id_year(raw)
            obj = {"id": raw.meta.get("id"), "date": raw.meta.get("date"),
                   "origin": raw.meta.get("origin"), "classification": raw.meta.get("classification"),
                   "subject": raw.meta.get("subject"), "text": raw.text}
            self._place(cid, year, "json", f"{display} (record {raw.record})",
                        f"{Path(display).stem}-{raw.record}",
                        (json.dumps({k: v for k, v in obj.items() if v}, ensure_ascii=False)
                         + "\n").encode("utf-8"))


def import_collection(source: Path, cables_dir: Path, progress=None) -> ImportResult:
    imp = Importer(cables_dir, progress)
    files = walk(source) if source.exists() else []
    if not files:
        imp.result.diagnostics.append(warning(f"nothing to import: {source} does not exist or is empty",
                                              kind="input", path=str(source)))
    for f in files:
        if f.suffix.lower() in (".md", ".tsv"):
            continue
        display = f.as_posix()
        try:
            imp.add_file(f, display)
        except OSError as exc:
            imp.result.diagnostics.append(warning(f"cannot read file ({exc.strerror})", kind="input",
                                                  path=display))
    if progress:
        progress.done("import", imp.count, "cables")
    return imp.result

