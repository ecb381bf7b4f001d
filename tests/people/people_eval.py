"""Precision and recall of people extraction against tests/data/people_labels.json.

Runnable by hand: ``python -m tests.people.people_eval`` prints per-cable misses.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from generator.collect import collect
from generator.discover import discover
from generator.people.editorial import parse as parse_editorial
from generator.people.lexicon import fold

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
LABELS = ROOT / "tests" / "data" / "people_labels.json"
_PARTICLES = {"de", "la", "van", "von", "der", "du", "da", "del", "bin", "ibn", "al", "el"}


def _toks(name: str) -> list[str]:
    return [t for t in fold(name).lower().replace(".", " ").replace(",", " ").split()
            if t not in _PARTICLES]


def _match(label: str, forms: list[str]) -> bool:
    lt = _toks(label)
    for f in forms:
        ft = _toks(f)
        if not lt or not ft or lt[-1] != ft[-1]:
            continue
        if len(lt) > 1 and len(ft) > 1 and lt[0][0] != ft[0][0] and ft[0] not in lt[:-1]:
            continue   # different given names: a namesake
        return True
    return False


@dataclass
class Result:
    tp: int
    predicted: int
    labelled: int
    misses: list[tuple[str, list[str], list[str]]]

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.labelled if self.labelled else 1.0


def evaluate() -> Result:
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["cables"]
    sources, _ = discover([CORPUS], base=CORPUS)
    seeds, _ = discover([ROOT / "content" / "cables"], base=ROOT)
    editorial, _ = parse_editorial((ROOT / "content" / "people.toml").read_text(), "people.toml")
    col = collect(sources + seeds, editorial)
    index = {}
    for i, c in enumerate(col.cables):
        index[(c.source.path, c.id)] = i
    tp = predicted = labelled = 0
    misses = []
    for entry in labels:
        i = index[(entry["path"], entry["id"])]
        persons = col.cable_persons[i]
        preds = [[p.name, *p.forms] for p in persons]
        used = set()
        hits = 0
        missed = []
        for label in entry["people"]:
            k = next((k for k, forms in enumerate(preds) if k not in used and _match(label, forms)), None)
            if k is None:
                missed.append(label)
            else:
                used.add(k)
                hits += 1
        extra = [preds[k][0] for k in range(len(preds)) if k not in used]
        tp += hits
        predicted += len(preds)
        labelled += len(entry["people"])
        if missed or extra:
            misses.append((entry["id"] or entry["path"], missed, extra))
    return Result(tp, predicted, labelled, misses)


if __name__ == "__main__":
    r = evaluate()
    for cid, missed, extra in r.misses:
        print(f"{cid}: missed {missed}  extra {extra}")
    print(f"precision {r.precision:.3f}  recall {r.recall:.3f}  ({r.tp} of {r.labelled} labels, "
          f"{r.predicted} predicted)")
