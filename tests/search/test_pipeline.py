"""The text pipeline: what a reader types finds what the cable says, and the browser
(lunr.js + pipeline.js) turns every word into the same term as the index (lunr.py)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.search.pipeline import LABELS, SEPARATOR, Analyzer

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "themes" / "default" / "static" / "search"
LUNR = ROOT / "node_modules" / "lunr"
CORPUS = ROOT.parent / "shared" / "corpus"


def terms(text: str) -> list[str]:
    return Analyzer().terms(text)


def test_possessives_are_found_by_their_word():
    assert terms("Kosovo's") == terms("Kosovo") == ["kosovo"]
    assert terms("Kosovo’s future") == terms("kosovo future")
    assert terms("the ministers' meeting") == terms("ministers meeting")


def test_hyphenated_words_are_found_by_their_parts():
    assert terms("Russia-France relations") == terms("Russia France relations")
    assert terms("U.S.-Russia talks")[1:] == terms("Russia talks")
    assert terms("PREL/PGOV") == ["prel", "pgov"]
    assert terms("2006–2007") == ["2006", "2007"]


def test_words_are_split_where_the_browser_splits_them():
    """The index splits by ``str.split`` after turning the other separators to spaces;
    SEPARATOR (the browser's class, in the index's metadata) must split alike at every
    code point, and words looked up together must give the terms of each in turn."""
    import sys
    space = [chr(c) for c in range(sys.maxunicode + 1) if SEPARATOR.fullmatch(chr(c))]
    assert "\u00a0" in space and "\u2015" in space and "/" in space and len(space) > 30
    text = "".join(f"Word{k}{sep}" for k, sep in enumerate(space)) + "Kosovo's"
    analyzer = Analyzer()
    expected = [analyzer.term(w) for w in SEPARATOR.split(text.lower()) if w]
    assert len(expected) == len(space) + 1 and None not in expected
    assert Analyzer().terms(text) == expected
    assert Analyzer().terms("the Word0\u2016Word1 of_the 'a'") == ["word0\u2016word1", "of_th"]


def test_accents_and_capitals_are_folded():
    assert terms("Priština") == terms("PRIŠTINA") == terms("Pristina") == ["pristina"]
    assert terms("Élysée") == terms("ELYSEE")
    assert terms("KOSOVO: SUCCESS IN THE NORTH") == terms("Kosovo: success in the north")


def test_stop_words_and_punctuation_are_dropped_and_words_are_stemmed():
    assert terms("the (i) and, of") == []
    assert terms("(Kosovo),") == ["kosovo"]
    assert terms("negotiations") == terms("negotiation")
    assert terms("dry always") == ["dri", "alway"]   # lunr.js's step 1c, not lunr.py's


def _node_terms(words: list[str]) -> list[str | None]:
    script = (
        "global.lunr = require(process.argv[1]);"
        "const p = require(process.argv[2]);"
        "const d = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const an = p.analyzer(d.labels);"
        "process.stdout.write(JSON.stringify(d.words.map(an)));"
    )
    out = subprocess.run(["node", "-e", script, str(LUNR / "lunr.js"), str(STATIC / "pipeline.js")],
                         input=json.dumps({"labels": LABELS, "words": words}), capture_output=True,
                         text=True, check=True, timeout=300)
    return json.loads(out.stdout)


needs_node = pytest.mark.skipif(not shutil.which("node") or not (LUNR / "lunr.js").exists(),
                                reason="node and node_modules/lunr are needed (scripts/test installs them)")


@needs_node
def test_browser_pipeline_matches_the_index_on_tricky_words():
    words = ["kosovo's", "kosovo’s", "priština", "ministers'", "café", "naïve", "élysée", "dry",
             "always", "\"(i)n", "москва", "'s", "ß", "relations,", "--", "nations'"]
    a = Analyzer()
    assert _node_terms(words) == [a.term(w) for w in words]


@needs_node
@pytest.mark.corpus
def test_browser_pipeline_matches_the_index_on_every_corpus_word():
    words = set()
    for p in CORPUS.rglob("*"):
        if p.is_file():
            text = p.read_bytes().decode("utf-8", errors="replace").lower()
            words.update(w for w in SEPARATOR.split(text) if w)
    words = sorted(words)
    a = Analyzer()
    mine, theirs = [a.term(w) for w in words], _node_terms(words)
    differ = [(w, x, y) for w, x, y in zip(words, mine, theirs) if x != y]
    assert len(words) > 50_000
    assert differ == []


@needs_node
def test_pipeline_labels_are_registered_in_the_browser():
    script = ("global.lunr = require(process.argv[1]); require(process.argv[2]);"
              "lunr.Pipeline.load(JSON.parse(process.argv[3])); console.log('ok')")
    out = subprocess.run(["node", "-e", script, str(LUNR / "lunr.js"), str(STATIC / "pipeline.js"),
                          json.dumps(LABELS)], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "ok", out.stderr
    # and without our file lunr.js refuses the index's pipeline
    script = "global.lunr = require(process.argv[1]); lunr.Pipeline.load(JSON.parse(process.argv[2]))"
    out = subprocess.run(["node", "-e", script, str(LUNR / "lunr.js"), json.dumps(LABELS)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "cablesite-fold" in out.stderr


def test_shipped_lunr_is_2_3_9_from_npm_with_its_licence():
    shipped = (STATIC / "lunr.min.js").read_bytes()
    assert b"lunr - http://lunrjs.com" in shipped[:200] and b"2.3.9" in shipped[:200]
    assert b"MIT" in (STATIC / "LICENSE-lunr.txt").read_bytes() or \
        b"Permission is hereby granted" in (STATIC / "LICENSE-lunr.txt").read_bytes()
    if (LUNR / "lunr.min.js").exists():
        assert json.loads((LUNR / "package.json").read_text())["version"] == "2.3.9"
        assert shipped == (LUNR / "lunr.min.js").read_bytes()
        assert (STATIC / "LICENSE-lunr.txt").read_bytes() == (LUNR / "LICENSE").read_bytes()
