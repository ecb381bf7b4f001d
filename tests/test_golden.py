"""Whole parsed seed cables against reviewed golden JSON.

Refresh after an intended change with ``pytest tests/test_golden.py --update-golden``
and review ``git diff tests/golden`` line by line against the cable text.
"""
from __future__ import annotations

import json

import pytest

from generator.collect import collect
from generator.contract import cable_dict
from generator.discover import discover
from generator.people.editorial import parse as parse_editorial

from .conftest import ROOT, SEEDS

GOLDEN = ROOT / "tests" / "golden"
SEED_FILES = sorted(p.name for p in SEEDS.iterdir())


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict]:
    sources, _ = discover([SEEDS], base=ROOT)
    editorial, problems = parse_editorial((ROOT / "content" / "people.toml").read_text(),
                                          "content/people.toml")
    assert problems == []
    col = collect(sources, editorial)
    out = {}
    for i, c in enumerate(col.cables):
        name = c.source.path.rsplit("/", 1)[-1]
        out[name] = cable_dict(col.full(i), col.cable_persons[i])
    return out


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_matches_golden(name, parsed, update_golden):
    got = parsed[name]
    path = GOLDEN / (name.rsplit(".", 1)[0] + ".json")
    text = json.dumps(got, indent=2, ensure_ascii=False) + "\n"
    if update_golden or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not update_golden:
            pytest.fail(f"{path} did not exist; written now, review it and commit it")
    assert json.loads(path.read_text(encoding="utf-8")) == got, (
        f"{name} parses differently from {path}; if the change is intended, run pytest "
        "--update-golden and review the diff")


def test_every_seed_line_is_accounted_for():
    """The guard of the golden files: every non-empty line of each seed reaches a
    paragraph, the kept header or footer, or a rule that recognised it."""
    from generator.cables import parse_state
    from generator.readers import read_records

    from .accounting import lost_lines
    for name in SEED_FILES:
        for raw in read_records(name, (SEEDS / name).read_bytes()):
            cable, state = parse_state(raw)
            assert lost_lines(cable, state) == [], name
