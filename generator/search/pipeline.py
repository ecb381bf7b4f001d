"""The text pipeline of the search index: lunr.py's, plus two functions of ours.

A word goes through ``cablesite-fold`` (accents folded, curly apostrophes
straightened), ``cablesite-trimmer`` (punctuation off the ends), ``cablesite-possessive`` (``Kosovo's`` -> ``kosovo``),
``stopWordFilter`` and ``stemmer``.  Our two functions are registered with
lunr.py under these labels; ``themes/default/static/search/search.js`` registers
JavaScript twins under the same labels with lunr.js, and the serialised pipeline
names them, so ``lunr.Index.load`` in the browser refuses to run without them.

The index is built with :func:`terms`, which runs the same lunr.py pipeline once
per distinct word (a cache in front of the Porter stemmer, which is pure Python),
on words split by :data:`SEPARATOR` exactly as lunr's tokenizer splits them
(lower-cased, then split on white space, hyphens, dashes and slashes: ``Russia-France``
is found by ``russia`` and by ``france``).
"""
from __future__ import annotations

import re
import unicodedata

import lunr  # noqa: F401  (registers stopWordFilter and stemmer)
from lunr.pipeline import Pipeline
from lunr.stemmer import PorterStemmer
from lunr.stop_word_filter import stop_word_filter
from lunr.token import Token

# The same class of characters as SEPARATOR in search.js (keep the two in step).
SEPARATOR = re.compile(r"[\s\-\u2010-\u2015/]+")
# The separators that are not white space, as spaces: then ``str.split()`` splits as
# SEPARATOR does (``\s`` and ``str.split`` both take the characters ``str.isspace``
# calls space), without the empty words, in a fraction of the time.
_NOT_SPACE_SEPARATORS = str.maketrans({c: " " for c in "-/\u2010\u2011\u2012\u2013\u2014\u2015"})

_FOLD_EXTRA = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "ß": "ss", "æ": "ae",
                             "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
                             "ı": "i"})
_MARKS = re.compile(r"[\u0300-\u036f]")
_POSSESSIVE = re.compile(r"'s?$")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def fold(word: str) -> str:
    """``Pristina``, ``Priština`` and ``PRIŠTINA`` alike (after lower-casing).  Not
    ``people.lexicon.fold``: this one must equal pipeline.js character for character
    (the same extra letters, and only the combining marks U+0300-U+036F)."""
    if word.isascii():
        return word
    return _MARKS.sub("", unicodedata.normalize("NFKD", word.translate(_FOLD_EXTRA)))


def trim(word: str) -> str:
    """Punctuation off both ends (lunr's own trimmer keeps ``"(i)n`` whole in Python and
    drops every non-ASCII letter in JavaScript, so both sides use this one)."""
    return _EDGES.sub("", word)


def possessive(word: str) -> str:
    """``kosovo's`` -> ``kosovo``; ``ministers'`` -> ``ministers``."""
    return _POSSESSIVE.sub("", word)


def _fold_fn(token, i=None, tokens=None):
    return token.update(lambda s, metadata=None: fold(s))


def _trim_fn(token, i=None, tokens=None):
    return token.update(lambda s, metadata=None: trim(s))


def _possessive_fn(token, i=None, tokens=None):
    return token.update(lambda s, metadata=None: possessive(s))


class _JsPorterStemmer(PorterStemmer):
    """lunr.py's Porter stemmer with lunr.js's step 1c: a final y becomes i after a
    consonant that is not the first letter (``dry`` -> ``dri``, ``always`` -> ``alway``),
    where lunr.py turns it to i whenever the stem has a vowel.  Without this the
    browser and the index disagree on ~1% of words (measured on the corpus)."""

    def step1c(self):
        if self.ends("y") and self.k - self.k0 >= 2 and self.b[self.k - 1] not in "aeiou":
            self.b = self.b[: self.k] + "i" + self.b[self.k + 1:]


_STEMMER = _JsPorterStemmer()


def _stemmer_fn(token, i=None, tokens=None):
    return token.update(lambda s, metadata=None: _STEMMER.stem(s))


_stemmer_fn.label = "stemmer"   # lunr.js's stemmer, which this one matches

Pipeline.register_function(_fold_fn, "cablesite-fold")
Pipeline.register_function(_trim_fn, "cablesite-trimmer")
Pipeline.register_function(_possessive_fn, "cablesite-possessive")

PIPELINE = Pipeline()
PIPELINE.add(_fold_fn, _trim_fn, _possessive_fn, stop_word_filter, _stemmer_fn)
LABELS = [fn.label for fn in PIPELINE._stack]


class Analyzer:
    """Words to index terms through :data:`PIPELINE`, each distinct word analysed once."""

    def __init__(self, cache: dict[str, str | None] | None = None) -> None:
        """``cache``: words already analysed (by an earlier build), filled as words come."""
        self.cache = {} if cache is None else cache
        self.learned: list[tuple[str, str | None]] = []     # words this analyzer added

    def term(self, word: str) -> str | None:
        try:
            return self.cache[word]
        except KeyError:
            pass
        out = PIPELINE.run([Token(word)])
        term = str(out[0]) if out and str(out[0]) else None
        self.cache[word] = term
        self.learned.append((word, term))
        return term

    def terms(self, text: str | None) -> list[str]:
        """The index terms of ``text``, in order (stop words and empty words dropped).
        The words are looked up in C (``map``); the words not analysed yet, when there
        are any, are analysed first."""
        if not text:
            return []
        cache = self.cache
        words = text.lower().translate(_NOT_SPACE_SEPARATORS).split()
        try:
            return list(filter(None, map(cache.__getitem__, words)))
        except KeyError:
            for word in words:
                if word not in cache:
                    self.term(word)
        return list(filter(None, map(cache.__getitem__, words)))
