"""The JSON contract of ``cablesite parse`` and the site's data export.

One object per cable; every field is documented in the README ("The JSON
contract").  Keys appear in a fixed order so output is byte-stable.
"""
from __future__ import annotations

import json

from .model import Cable, PersonRef

CONTRACT_VERSION = 1


def cable_dict(cable: Cable, persons: tuple[PersonRef, ...] = (), version_of: str | None = None,
               with_text: bool = False) -> dict:
    cb = cable.classified_by
    d = {
        "id": cable.id,
        "date": cable.date,
        "origin": cable.origin,
        "classification": cable.classification,
        "caveats": list(cable.caveats),
        "precedence": cable.precedence,
        "tags": list(cable.tags),
        "subject": cable.subject,
        "to": list(cable.to),
        "info": list(cable.info),
        "references": [{"label": r.label, "text": r.text, "id": r.id} for r in cable.references],
        "classified_by": None if cb is None else {"name": cb.name, "title": cb.title,
                                                   "reasons": list(cb.reasons)},
        "declassify_on": cable.declassify_on,
        "executive_order": cable.executive_order,
        "sections": cable.sections,
        "partial": cable.partial,
        "corrected": cable.corrected,
        "signer": cable.signer,
        "paragraphs": [{"kind": p.kind, "number": p.number, "marking": p.marking, "text": p.text,
                        "line": p.line} for p in cable.paragraphs],
        "persons": [{"id": p.key, "name": p.name, "titles": list(p.titles), "forms": list(p.forms),
                     "paragraphs": list(p.paragraphs)} for p in persons],
        "header": list(cable.header),
        "footer": list(cable.footer),
        "version_of": version_of,
        "source": {"path": cable.source.path, "format": cable.source.format,
                   "record": cable.source.record, "line": cable.source.line},
        "warnings": [{"line": w.line, "kind": w.kind, "message": w.message}
                     for w in cable.warnings],
    }
    if with_text:
        d["text"] = cable.text
    return d


def dumps(d: dict) -> str:
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))
