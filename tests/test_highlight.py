"""The telegram lexer: tokens add up to the input; fields get their token types."""
from __future__ import annotations

import pytest
from pygments.token import Generic, Keyword, Name, Number, Operator

from generator.highlight import TelegramLexer, raw_html

from .conftest import SEEDS
from .corpus_check import load


def tokens(text):
    return list(TelegramLexer().get_tokens_unprocessed(text))


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.iterdir()))
def test_tokens_add_up_to_each_seed(name):
    text = (SEEDS / name).read_text()
    assert "".join(v for _, _, v in tokens(text)) == text


@pytest.mark.corpus
def test_tokens_add_up_over_the_corpus():
    for raw, _ in load():
        assert "".join(v for _, _, v in tokens(raw.text)) == raw.text, raw.path


def _pygments_loop(text):
    """The tokens of Pygments' own ``RegexLexer`` loop over the same state table."""
    from pygments.lexer import RegexLexer
    return list(RegexLexer.get_tokens_unprocessed(TelegramLexer(), text))


EDGES = ["", "x", "\n", "\n\n", "a\n\n\nb\n", "1. (C) x\r\nTAGS: A\r\n", "<'\"&>\n", "\x00\n",
         "VZCZC\nPP RUEHC\nDE RUEHFR #3198/01 2081545\n1.\n\u00b6 2. (S//NF) x\nPAGE 02 x\n"]


@pytest.mark.parametrize("text", EDGES + [(SEEDS / name).read_text() for name in sorted(
    p.name for p in SEEDS.iterdir())])
def test_one_regex_a_state_gives_pygments_tokens(text):
    assert tokens(text) == _pygments_loop(text)


@pytest.mark.corpus
def test_one_regex_a_state_gives_pygments_tokens_over_the_corpus():
    texts = [raw.text for raw, _ in load()]
    assert [t for t in texts if tokens(t) != _pygments_loop(t)] == []


def test_field_token_types():
    text = ("O 270913Z JUL 07\nFM AMEMBASSY PARIS\nC O N F I D E N T I A L PARIS 003198\nSIPDIS\n"
            "TAGS: PREL FR\nSUBJECT: X\n\n1. (C) Text.\n")
    found = {(str(t), v) for _, t, v in tokens(text)}
    assert (str(Number), "270913Z JUL 07") in found
    assert (str(Keyword), "FM") in found and (str(Name.Class), "AMEMBASSY PARIS") in found
    assert (str(Generic.Strong), "C O N F I D E N T I A L") in found
    assert (str(Generic.Emph), "SIPDIS") in found and (str(Name.Tag), " PREL FR") in found
    assert (str(Operator.Word), "(C)") in found


def test_raw_html_has_line_anchors_and_escapes():
    html = raw_html("<script>x</script>\nline two\n")
    assert 'id="L-2"' in html and 'href="#L-2"' in html and "&lt;script&gt;" in html
    assert ' name="L-' not in html


def _quotes(html):
    """Pygments up to 2.20 escapes quotes in text, 2.21 does not (equal in HTML text)."""
    return html.replace("&#39;", "'").replace("&quot;", '"')


def _pygments_html(text):
    """What ``raw_html`` replaced: Pygments' own formatter, ``name=`` attributes dropped,
    quotes as in any Pygments version."""
    import re
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    fmt = HtmlFormatter(linenos="inline", lineanchors="L", anchorlinenos=True, cssclass="raw",
                        wrapcode=True)
    return _quotes(re.sub(r' name="L-\d+"', "", highlight(text, TelegramLexer(stripnl=False), fmt)))


@pytest.mark.parametrize("text", ["", "x", "no newline at end", "a\n\n\nb\n", "1. (C) x\r\nTAGS: A\r\n",
                                  "\n".join(f"line {n}" for n in range(1, 120)), "<'\"&>\n"])
def test_raw_html_is_pygments_formatter_output(text):
    assert _quotes(raw_html(text)) == _pygments_html(text)


@pytest.mark.corpus
def test_raw_html_is_pygments_formatter_output_over_the_corpus():
    texts = [raw.text for raw, _ in load()]
    assert len(texts) > 600
    assert [t for t in texts if _quotes(raw_html(t)) != _pygments_html(t)] == []
