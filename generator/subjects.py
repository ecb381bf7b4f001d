"""Subject terms: what cables are about, from subject lines and section headings.

``terms_of(subject, headings)`` gives normalised terms: places and organisations
named there (``Kosovo``, ``NATO``), short headings (``Missile defense``) and the
parts of a subject line between colons, dashes and commas, with leading and
trailing function words removed.  Normalising folds case, simple plurals and
cable abbreviations (``MTG`` -> meeting), so ``KOSOVO'S`` and ``Kosovo`` are one term.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from .people.lexicon import fold
from .registry import tags

ABBREVIATIONS = {
    "mtg": "meeting", "mtgs": "meetings", "codel": "congressional delegation", "staffdel":
    "staff delegation", "gof": "French government", "gor": "Russian government", "usg": "US government",
    "fm": "foreign minister", "pm": "prime minister", "dfm": "deputy foreign minister", "u/s":
    "under secretary", "das": "deputy assistant secretary", "a/s": "assistant secretary", "amb":
    "ambassador", "ambassador's": "ambassador", "govt": "government", "intl": "international",
    "sitrep": "situation report", "ct": "counterterrorism", "cn": "counternarcotics", "md":
    "missile defense", "bmd": "ballistic missile defense", "unscr": "UN Security Council resolution",
    "unsc": "UN Security Council", "iaea": "IAEA", "hr": "human rights", "gwot": "war on terrorism",
}
BOILERPLATE = set("""summary comment comments background participants action request end note
conclusion conclusions introduction overview bio biographic recommendation recommendations
scenesetter scene setter analysis assessment discussion readout details text begin quote unquote
reftel septel part next steps way ahead way forward response reaction reactions update""".split())
EDGE_WORDS = set("""a an the and or of on in at to for from with without by about after before
over under into between among against amid during as is are was were be its their his her new
more less than this that these those our your us we he she it they what why how who says said
tells told says says""".split())
_SPLIT = re.compile(r"\s*(?::|;|,|\s--?\s|\s-\s|\(|\)|\.\s|\?|!|\"|“|”)\s*")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’/-]*")


@lru_cache(maxsize=1)
def _places() -> dict[str, str]:
    """Lower-case place and organisation names (from the TAGS table) -> display form."""
    out = {}
    for info in tags().values():
        if info.kind in ("geographic", "organization") and info.name:
            name = info.name.split(";")[0].split(",")[0].strip()
            if 3 <= len(name) <= 40 and "(" not in name:
                out[fold(name).lower()] = name
        if info.kind == "organization" and info.code.isalpha() and len(info.code) >= 2:
            out[info.code.lower()] = info.code
    return out


@lru_cache(maxsize=1)
def _by_first_word() -> tuple[dict[str, list[tuple[int, str]]], list[tuple[int, str]]]:
    """The places longer than three characters, by their first word (``\\w+``), with
    their rank in :func:`_places`; and those that start with no word character."""
    first: dict[str, list[tuple[int, str]]] = {}
    other = []
    for n, place in enumerate(_places()):
        if len(place) <= 3:
            continue
        m = re.match(r"\w+", place)
        if m:
            first.setdefault(m.group(), []).append((n, place))
        else:
            other.append((n, place))
    return first, other


def _candidates(low: str) -> list[str]:
    """The places that could stand as whole words in ``low``, in :func:`_places` order: a
    place found between word boundaries begins with a whole word of the text."""
    first, other = _by_first_word()
    found = list(other)
    for w in set(re.findall(r"\w+", low)):
        found += first.get(w, ())
    return [place for _, place in sorted(found)]


@lru_cache(maxsize=1)
def _capitalised() -> frozenset[str]:
    from .people.lexicon import not_names
    return frozenset(w for w in not_names() if w not in EDGE_WORDS and w not in BOILERPLATE
                     and len(w) > 3)


def _singular(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "os")):
        return w[:-1]
    return w


_MEMO = 1 << 16    # subjects and headings repeat (SUMMARY, COMMENT, a series' subject)


@lru_cache(maxsize=_MEMO)
def key(term: str) -> str:
    """The normalised key of a term: ``KOSOVO'S`` and ``Kosovo`` -> ``kosovo``."""
    words = [w.lower().rstrip("'’").removesuffix("'s").removesuffix("’s") for w in _WORD.findall(fold(term))]
    words = [ABBREVIATIONS.get(w, w) for w in words]
    return " ".join(_singular(w) for w in " ".join(words).lower().split())


@lru_cache(maxsize=_MEMO)
def display(term: str) -> str:
    """``RUSSIA-FRANCE RELATIONS`` -> ``Russia-France relations``; acronyms kept."""
    words = []
    for k, w in enumerate(term.split()):
        low = w.lower()
        if low in ABBREVIATIONS:
            w = ABBREVIATIONS[low]
        elif w.isupper() and len(w) <= 4 and low not in EDGE_WORDS and k:
            w = w   # an acronym
        elif w.isupper() or w.islower():
            proper = _places().get(low.rstrip("'’s")) or (w.capitalize() if low in _capitalised()
                                                          else None) or ("-".join(p.capitalize() for p in low.split("-"))
                                                          if any(p in _places() for p in low.split("-"))
                                                          else None)
            w = proper or (low.capitalize() if k == 0 else low)
        words.append(w)
    out = " ".join(words)
    return out[:1].upper() + out[1:]


def _clean(part: str) -> str | None:
    words = part.split()
    while words and words[0].lower().strip("'’") in EDGE_WORDS:
        words.pop(0)
    while words and words[-1].lower().strip("'’") in EDGE_WORDS:
        words.pop()
    if not words or len(words) > 4:
        return None
    text = " ".join(words).strip(" .-")
    k = key(text)
    if len(k) < 3 or k in BOILERPLATE or k.isdigit() or re.search(r"\d{3,}", k) or "xxxx" in k:
        return None
    if all(w in EDGE_WORDS or w in BOILERPLATE for w in k.split()):
        return None
    return text


@lru_cache(maxsize=_MEMO)
def terms_of(text: str) -> tuple[str, ...]:
    """The terms a subject line or heading names, in their order, as written (cleaned)."""
    out: list[str] = []
    for part in _SPLIT.split(text):
        t = _clean(part)
        if t and t not in out:
            out.append(t)
    low = fold(text).lower()
    for place in _candidates(low):
        if place in low and re.search(r"\b" + re.escape(place) + r"\b", low):
            name = _places()[place]
            if name not in out and key(name) not in {key(o) for o in out}:
                out.append(name)
    return tuple(out)


def candidates(subject: str | None, headings: Iterable[tuple[int, str]]
               ) -> tuple[tuple[str, str, int | None], ...]:
    """(term key, display form, heading's paragraph or None for the subject line) of every
    term of a cable's subject line and section headings ((paragraph, text)), in order."""
    sources = [(subject, None)] if subject else []
    sources += [(text, k) for k, text in headings]
    return tuple((key(t), display(t), k) for text, k in sources for t in terms_of(text))
