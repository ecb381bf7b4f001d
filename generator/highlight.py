"""A Pygments lexer for the telegram format, and the raw view it feeds.

A declarative ``RegexLexer`` state table: routing lines, the classification
banner, captions, E.O./TAGS/SUBJECT/REF/Classified By lines, paragraph numbers
and markings, page breaks, the signer.  Every character of the input ends up
in some token (the tests check that the tokens add up to the input).
"""
from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups
from pygments.token import (STANDARD_TYPES, Comment, Generic, Keyword, Name, Number, Operator, Punctuation,
                            String, Text, Whitespace)

_BANNER = (r"(?:C O N F I D E N T I A L|S E C R E T|U N C L A S S I F I E D|UNCLAS(?: EFTO)?|"
           r"UNCLASSIFIED|CONFIDENTIAL|SECRET|TOP SECRET|LIMITED OFFICIAL USE)")


class TelegramLexer(RegexLexer):
    """US diplomatic cables: routing header, banner, captions, fields and paragraphs."""

    name = "Telegram"
    aliases = ["telegram", "cable"]
    filenames = []
    flags = re.MULTILINE

    tokens = {
        "root": [
            (r"\n", Whitespace),
            (r"[ \t]+", Whitespace),
            (r"(VZCZC\w*|ZCZC\w*|NNNN?|BT)(?=[ \t]*$)", Comment.Preproc),
            (r"((?:ZZ|OO|PP|RR|Z|O|P|R))([ \t]+)(R[A-Z]{3,7}(?:[ \t]+R[A-Z]{3,7})*)(?=[ \t]*$)",
             bygroups(Keyword, Whitespace, Name.Constant)),
            (r"(DE)([ \t]+)(R[A-Z]{3,7})([ \t]+#?\d+\S*)([^\n]*)",
             bygroups(Keyword, Whitespace, Name.Constant, Number, Comment)),
            (r"(ZN[YR])([ \t]+)([^\n]*)", bygroups(Keyword, Whitespace, Comment)),
            (r"((?:ZZ|OO|PP|RR|Z|O|P|R)(?:[ \t]+[ZOPR])?)([ \t]+)(\d{6}Z[ \t]+[A-Z]{3}[ \t]+\d{2,4})([^\n]*)",
             bygroups(Keyword, Whitespace, Number, Comment)),
            (r"(FM|TO|INFO)([ \t]+)([^\n]*)", bygroups(Keyword, Whitespace, Name.Class)),
            (r"(R[A-Z]{3,7})(/)([^\n]*)", bygroups(Name.Constant, Punctuation, Name.Class)),
            (r"(" + _BANNER + r")([^\n]*)", bygroups(Generic.Strong, Name.Label)),
            (r"(SIPDIS|NOFORN|NODIS|EXDIS|LIMDIS|STADIS|SENSITIVE BUT UNCLASSIFIED|SENSITIVE)"
             r"(?=[ \t]*$)", Generic.Emph),
            (r"(C O R R E C T E D[ \t]+C O P Y|CORRECTED COPY)([^\n]*)", bygroups(Generic.Emph, Text)),
            (r"(E\.?[ \t]?O\.?[ \t]*\d{5}[ \t]*:?)([^\n]*)", bygroups(Keyword, String)),
            (r"(TAGS?)([ \t]*:?)([^\n]*)", bygroups(Keyword, Punctuation, Name.Tag)),
            (r"(SUBJECT|SUBJ|Subject)([ \t]*:)([^\n]*)", bygroups(Keyword, Punctuation, Generic.Heading)),
            (r"(REFS?|REFTELS?|Refs?)([ \t]*:)([^\n]*)", bygroups(Keyword, Punctuation, Name.Attribute)),
            (r"(Classified [Bb]y|CLASSIFIED BY)([ \t]*:?)([^\n]*)", bygroups(Keyword, Punctuation, String)),
            (r"([A-Z][A-Z .'-]*[ \t]+\d{5,8}[ \t]+\d{3}(?:\.\d+)?[ \t]+OF[ \t]+\d{3})(?=[ \t]*$)", Comment),
            (r"(PAGE[ \t]+\d{2,3}[^\n]*)", Comment),
            (r"(¶?[ \t]?\d{1,3}\.)([ \t]*)(\((?:[A-Z]{1,4}(?:/{1,2}[A-Z]{1,5})*(?:-[A-Z])?)\))?",
             bygroups(Number, Whitespace, Operator.Word)),
            (r"¶", Number),
            (r"-{3,}[- ]*", Punctuation),
            (r"[^\n]", Text, "line"),
        ],
        "line": [
            (r"[^\n]+", Text),
            (r"\n", Whitespace, "#pop"),
        ],
    }


def raw_html(text: str) -> str:
    """The highlighted text, one anchor per line (``#L-12``); colours in the theme's raw.css.

    The same bytes as Pygments' ``HtmlFormatter(linenos="inline", lineanchors="L",
    anchorlinenos=True, cssclass="raw", wrapcode=True)`` without its ``name=`` attributes
    (HTML5 has none on <a>), written in one pass: the formatter's wrapper generators
    took more time than lexing (tests compare the two on every corpus cable).
    """
    lines = list(_lines(TelegramLexer(stripnl=False).get_tokens(text)))
    width = len(str(len(lines)))
    out = ['<div class="raw"><pre><span></span><code>']
    for n, line in enumerate(lines, 1):
        out.append(f'<a id="L-{n}"></a><a href="#L-{n}"><span class="linenos">{n:>{width}}</span></a>')
        out.append(line)
    out.append("</code></pre></div>\n")
    return "".join(out)


_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})
_OPENERS: dict = {}


def _opener(ttype) -> str:
    """``<span class="...">`` for a token type, by Pygments' short class names ('' for
    Text).  The lexer emits only standard token types."""
    try:
        return _OPENERS[ttype]
    except KeyError:
        name = STANDARD_TYPES[ttype]
        _OPENERS[ttype] = f'<span class="{name}">' if name else ""
        return _OPENERS[ttype]


def _lines(tokens):
    """Pygments' ``HtmlFormatter._format_lines``: a token's span is closed at each line end
    and runs of one class share a span."""
    lspan, line = "", []
    for ttype, value in tokens:
        cspan = _opener(ttype)
        parts = value.translate(_ESCAPE).split("\n")
        for part in parts[:-1]:
            if line:
                if lspan != cspan and part:
                    line.extend(((lspan and "</span>"), cspan, part, (cspan and "</span>"), "\n"))
                else:
                    line.extend((part, (lspan and "</span>"), "\n"))
                yield "".join(line)
                line = []
            elif part:
                yield "".join((cspan, part, (cspan and "</span>"), "\n"))
            else:
                yield "\n"
        last = parts[-1]
        if line and last:
            if lspan != cspan:
                line.extend(((lspan and "</span>"), cspan, last))
                lspan = cspan
            else:
                line.append(last)
        elif last:
            line = [cspan, last]
            lspan = cspan
    if line:
        line.extend(((lspan and "</span>"), "\n"))
        yield "".join(line)
