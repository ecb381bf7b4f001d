"""The synthetic corpus: deterministic, in the real formats, and parsed back faithfully."""
from __future__ import annotations

import hashlib

from generator.collect import collect
from generator.discover import SourceFile
from generator.synth import generate


def corpus(n: int, seed: int = 1) -> list[tuple[str, bytes]]:
    return list(generate(n, seed))


def test_same_count_and_seed_give_the_same_files():
    a, b = corpus(300), corpus(300)
    assert a == b
    assert corpus(300, seed=2) != a


def test_formats_and_parse_back():
    files = corpus(400)
    kinds = {path.split("/", 1)[0] for path, _ in files}
    assert kinds == {"text", "csv", "html"}
    sources = [SourceFile(p, d, hashlib.sha256(d).hexdigest()) for p, d in files]
    col = collect(sources)
    assert len(col.cables) == 400
    assert all(c.id and c.date and c.origin and c.subject and c.tags for c in col.cables)
    assert not [w for c in col.cables for w in c.warnings if w.severity == "warning"]
    ids = {c.id for c in col.cables}
    cited = [r.id for c in col.cables for r in c.references]
    assert cited and set(cited) <= ids            # references point at earlier synthetic cables
    assert sum(len(refs) for refs in col.cable_persons) > 400
    sizes = sorted(len(col.full(i).text) for i in range(len(col.cables)))
    assert 3000 < sizes[len(sizes) // 2] < 9000    # cable-like lengths
