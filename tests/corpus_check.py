"""Parse ../shared/corpus and measure it against the sources' own metadata.

Used by tests/test_corpus.py and runnable by hand:  python tests/corpus_check.py
"""
from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
FIELDS = ("id", "date", "origin", "classification", "subject", "tags", "paragraphs")


def manifest() -> list[dict]:
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def load():
    from generator.cables import parse_cable
    from generator.readers import read_records
    out = []
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix != ".md"
                       and p.name != "MANIFEST.tsv"):
        rel = path.relative_to(CORPUS).as_posix()
        for raw in read_records(rel, path.read_bytes()):
            out.append((raw, parse_cable(raw) if raw.text.strip() else None))
    return out


def coverage(pairs) -> tuple[Counter, int]:
    have = Counter()
    n = 0
    for raw, c in pairs:
        n += 1
        if c is None:
            continue
        for f in FIELDS:
            v = getattr(c, f)
            if v:
                have[f] += 1
    return have, n


def main() -> int:
    pairs = load()
    have, n = coverage(pairs)
    print(f"{n} records")
    for f in FIELDS:
        print(f"  {f:15s} {have[f]:4d}/{n}  {100 * have[f] / n:6.2f}%")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
