"""Browser tests: Debian's chromium driven by Playwright, axe-core and the Nu HTML checker.

``scripts/test`` installs what they need (chromium, node packages); when a tool is
missing here the tests say which and are skipped, so the rest of the suite still runs.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.build import build
from generator.diagnostics import Report

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    result = build(ROOT / "content", out, Report(quiet=True))
    assert result.ok
    return out


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (scripts/test installs it with apt-get)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context()
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors
    yield pg
    ctx.close()


def java() -> str | None:
    return shutil.which("java")


def run_vnu(files: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run([java(), "-jar", str(VNU), "--errors-only", "--format", "gnu",
                           *map(str, files)], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory):
    import shutil

    from generator.build import build
    from generator.diagnostics import Report

    from ..conftest import CORPUS
    if not CORPUS.is_dir():
        pytest.skip("corpus not found")
    content = tmp_path_factory.mktemp("corpus") / "content"
    (content / "cables").mkdir(parents=True)
    shutil.copytree(CORPUS, content / "cables" / "corpus", ignore=shutil.ignore_patterns("*.md", "*.tsv"))
    shutil.copytree(ROOT / "content" / "cables", content / "cables" / "seeds")
    (content / "site.toml").write_text('title = "Corpus"\nper_page = 40\n')
    out = content.parent / "site"
    assert build(content, out, Report(quiet=True)).ok
    return out
