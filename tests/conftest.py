from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SEEDS = ROOT / "content" / "cables"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/*.json from the current parser (review the diff!)")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


def pytest_collection_modifyitems(config, items):
    if CORPUS.is_dir():
        return
    skip = pytest.mark.skip(reason=f"corpus not found at {CORPUS}")
    for item in items:
        if "corpus" in item.keywords:
            item.add_marker(skip)


def parse_text(text: str, fmt_path: str = "t.txt"):
    from generator.cables import parse_cable
    from generator.readers import read_records
    records = read_records(fmt_path, text.encode("utf-8"))
    return [parse_cable(r) for r in records if r.text.strip()]


def resolved_site(tmp_path: Path, roots: list[Path]):
    """The ``generator.site.Site`` of the cables under ``roots``, parsed through a parse
    cache in ``tmp_path`` (so full cables are read back from it, as in a build)."""
    from generator.cache import ParseCache
    from generator.collect import collect
    from generator.config import Config
    from generator.discover import discover
    from generator.site import resolve
    sources, _ = discover(roots, base=ROOT)
    cache = ParseCache(tmp_path / "parse.sqlite")
    col = collect(sources, cache=cache)
    cache.close()
    return resolve(col, Config())
