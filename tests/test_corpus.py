"""Parse all of ../shared/corpus: every record yields a cable; where a record
contains a field it is found for >= 99% of records; where the source carries
its own metadata the parsed values agree with it."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from generator.cables.dates import source_date
from generator.cables.ids import ALIASES, canonical_id
from generator.cables.rules.banner import CLASSIFICATIONS

from .corpus_check import load

pytestmark = pytest.mark.corpus

# What a record "contains", judged from its raw text independently of the parser.
CONTAINS = {
    "id": lambda r: True,
    "date": lambda r: True,
    "origin": lambda r: True,
    "classification": lambda r: True,
    "subject": lambda r: bool(re.search(r"SUBJ(?:ECT)?\s*:", r.text, re.I) or r.meta.get("subject")),
    "tags": lambda r: bool(re.search(r"\bTAGS?\b\s*[:;]?\s+[A-Z]{2}", r.text) or r.meta.get("tags")),
    "paragraphs": lambda r: bool(re.search(r"^\s*(?:¶\s*)?\d{1,2}\s*\.\s|(?:\S+ ){12}", r.text, re.M)),
}


@pytest.fixture(scope="module")
def pairs():
    return load()


def test_every_record_yields_a_cable(pairs):
    assert len(pairs) == 670
    assert all(c is not None for _, c in pairs)
    assert not [c.source for _, c in pairs if any(w.kind == "internal" for w in c.warnings)]


def test_field_coverage(pairs, capsys):
    lines = []
    for field, contains in CONTAINS.items():
        eligible = [(r, c) for r, c in pairs if contains(r)]
        found = sum(1 for _, c in eligible if getattr(c, field))
        rate = found / len(eligible)
        lines.append(f"{field:15s} {found:4d}/{len(eligible):4d} {100 * rate:6.2f}%")
        assert rate >= 0.99, (field, [c.source.path for _, c in eligible if not getattr(c, field)][:10])
    with capsys.disabled():
        print("\nfield coverage over ../shared/corpus:\n  " + "\n  ".join(lines))


def _canon(ref: str) -> str | None:
    cid, _ = canonical_id(ref)
    m = cid and re.match(r"^(\d\d)([A-Z]+?)(\d+)$", cid)
    return m.group(1) + ALIASES.get(m.group(2), m.group(2)) + m.group(3) if m else cid


def test_agreement_with_source_metadata(pairs, capsys):
    agree, total = Counter(), Counter()
    for raw, c in pairs:
        m = raw.meta
        if m.get("id") and canonical_id(str(m["id"]))[0]:
            total["id"] += 1
            agree["id"] += canonical_id(str(m["id"]))[0] == c.id
        if m.get("date") and source_date(str(m["date"])):
            total["date (same day, or DTG within 3 days)"] += 1
            meta_day, day = source_date(str(m["date"]))[:10], (c.date or "")[:10]
            close = meta_day == day or (day and abs(int(meta_day[8:]) - int(day[8:])) <= 3
                                        and meta_day[:7] == day[:7])
            agree["date (same day, or DTG within 3 days)"] += bool(close)
        if m.get("origin"):
            total["origin"] += 1
            agree["origin"] += m["origin"] == c.origin
        if m.get("classification"):
            total["classification"] += 1
            parts = str(m["classification"]).upper().split("//")
            agree["classification"] += (CLASSIFICATIONS.get(parts[0].replace(" ", ""), parts[0])
                                        == c.classification and set(parts[1:]) <= set(c.caveats))
        if m.get("subject"):
            total["subject"] += 1
            ms = " ".join(str(m["subject"]).rstrip("\\ ").split()).upper().replace("\u2019", "'")
            ms = re.sub(r"^\(?[A-Z/]{1,5}\)\s*", "", ms)[:30]   # WikiLeaks keeps "(C) "
            cs = (c.subject or "").upper().replace("\u2019", "'")
            agree["subject"] += ms in cs
        if isinstance(m.get("tags"), list):
            codes = [t for t in m["tags"] if re.match(r"^[A-Z][A-Z0-9]{1,7}$", t)]
            if codes:
                total["tags"] += 1
                agree["tags"] += set(codes) <= set(c.tags)
        if m.get("references") and c.references:
            want = {_canon(r) for r in m["references"]} - {None}
            if want:
                total["references named on a REF line"] += 1
                agree["references named on a REF line"] += len(want & {r.id for r in c.references}) \
                    >= len(want) * 0.5
    report = [f"{k:40s} {agree[k]:4d}/{total[k]:4d} {100 * agree[k] / total[k]:6.2f}%" for k in total]
    with capsys.disabled():
        print("\nagreement with source metadata:\n  " + "\n  ".join(report))
    for k in total:
        floor = 0.85 if k.startswith("references") else 0.99
        assert agree[k] / total[k] >= floor, k
