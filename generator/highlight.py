"""A Pygments lexer for the telegram format, and the raw view it feeds.

A declarative ``RegexLexer`` state table: routing lines, the classification
banner, captions, E.O./TAGS/SUBJECT/REF/Classified By lines, paragraph numbers
and markings, page breaks, the signer.  Every character of the input ends up
in some token (the tests check that the tokens add up to the input).
"""
from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups
from pygments.token import (STANDARD_TYPES, Comment, Error, Generic, Keyword, Name, Number, Operator,
                            Punctuation, String, Text, Whitespace, _TokenType)

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
            (r"[^\n]+", Text),       # the rest of the line: prose, whatever it holds
        ],
    }

    def get_tokens_unprocessed(self, text, stack=("root",)):
        """``RegexLexer``'s loop over the same table, with a state's rules tried by one
        regex: the alternation of the rules in order, whose first alternative to match at
        a position is the rule the loop would have taken.  Pygments tries the rules one
        by one, about twenty calls for each line of body text (most of a raw view's
        time).  The match that feeds the rule's action is the rule's own, so its groups
        are as Pygments gives them (a test compares the tokens over the corpus)."""
        tokendefs = self._tokens
        states = _alternations(type(self), tokendefs)
        statestack = list(stack)
        statetokens = tokendefs[statestack[-1]]
        first = states[statestack[-1]]
        pos = 0
        while True:
            m = first(text, pos)
            if m:
                rexmatch, action, new_state = statetokens[_RULE[m.lastgroup]]
                if type(action) is _TokenType:
                    yield pos, action, m.group(m.lastgroup)
                elif action is not None:
                    yield from action(self, rexmatch(text, pos))
                pos = m.end()
                if new_state is not None:
                    if isinstance(new_state, tuple):      # as RegexLexer: states pushed
                        for state in new_state:
                            if state == "#pop":
                                if len(statestack) > 1:
                                    statestack.pop()
                            elif state == "#push":
                                statestack.append(statestack[-1])
                            else:
                                statestack.append(state)
                    elif isinstance(new_state, int):      # "#pop": keep one state at least
                        if abs(new_state) >= len(statestack):
                            del statestack[1:]
                        else:
                            del statestack[new_state:]
                    else:                                  # "#push"
                        statestack.append(statestack[-1])
                    statetokens = tokendefs[statestack[-1]]
                    first = states[statestack[-1]]
                continue
            if pos >= len(text):
                break
            if text[pos] == "\n":       # as RegexLexer: at a line end nothing matched, back to root
                statestack = ["root"]
                statetokens, first = tokendefs["root"], states["root"]
                yield pos, Whitespace, "\n"
            else:
                yield pos, Error, text[pos]
            pos += 1


_ALTERNATIONS: dict = {}
_RULE = {f"r{k}": k for k in range(256)}


def _alternations(lexer: type, tokendefs: dict) -> dict:
    """Per state, the ``match`` of one regex trying the state's rules in order, the k-th
    as the group ``rk``."""
    found = _ALTERNATIONS.get(lexer)
    if found is None:
        found = {}
        for state, rules in tokendefs.items():
            patterns = [rexmatch.__self__ for rexmatch, _, _ in rules]
            flags = {p.flags for p in patterns}
            assert len(flags) == 1 and len(rules) <= len(_RULE)
            found[state] = re.compile("|".join(f"(?P<r{k}>{p.pattern})" for k, p in enumerate(patterns)),
                                      flags.pop()).match
        _ALTERNATIONS[lexer] = found
    return found


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


def _escape(value: str) -> str:
    """HTML-escaped as Pygments' formatter escapes (quotes too).  Five ``replace`` calls:
    ``str.translate`` with a table of strings took several times as long on a token."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace('"', "&quot;").replace("'", "&#39;")


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
    openers = _OPENERS
    for ttype, value in tokens:
        cspan = openers.get(ttype)
        if cspan is None:
            cspan = _opener(ttype)
        parts = _escape(value).split("\n")
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
