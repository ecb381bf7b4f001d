"""People named in one cable (pure: text in, mentions out).

Three kinds of evidence, strongest first:
1. a person title before capitalised words: ``FM Lavrov``, ``DAS Kramer``,
   ``MFA Political Director Stanislas Lefebvre de Laboulaye``, ``U/S BURNS'``;
2. a full name starting with a known given name: ``Damien Loras``;
3. a bare surname already known as a person (from 1 or 2 in this cable,
   or, at collection level, anywhere in the collection): ``Loras``, ``Kramer's``.
Bare capitalised words that might be surnames are kept as ``where="bare"``
candidates for the collection-level pass (see resolve.py).  Places,
organisations, demonyms and headings are screened out by the lexicon.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import islice

from ..model import Mention, Paragraph
from ..names import TITLE_ABBREVIATIONS, clean_name
from .lexicon import (FUNCTION_WORDS, LOWER_TITLES, common_words, fold, given_names, is_title,
                      not_names)

_ABBR = r"(?:Amb|Dr|Mr|Mrs|Ms|Gen|Col|Lt|Sen|Rep|Gov|Prof|Adm|Capt|Maj|Sgt|Pres|St)\."
_WORD = (r"(?:" + _ABBR + r"|(?<![.\w])[A-Z]\.(?=\s+[A-Z])|[A-Z]{1,3}/[A-Z]{1,3}\b|"
         r"(?:Mc|Mac|O')?[A-Z\u00C0-\u00DE][A-Za-z\u00DF-\u00FF]*(?:[-'’][A-Za-z\u00C0-\u00FF]+)*"
         r"(?:['’]s?)?)")
_PART = r"(?:de|da|del|della|di|du|des|la|le|van|von|der|den|bin|ibn|al-|el-|al|el|y|dos|ter|ben)"
RUN = re.compile(_WORD + r"(?:[ \t]+(?:" + _PART + r"[ \t]+)*" + _WORD + r")*")
_POSSESSIVE = re.compile(r"(?:['’][sS]|['’])$")
_INITIAL = re.compile(r"^[A-Z]\.?$")
_PARTICLES = {"de", "da", "del", "della", "di", "du", "des", "la", "le", "van", "von", "der", "den",
              "bin", "ibn", "al-", "el-", "al", "el", "y", "dos", "ter", "ben"}


@lru_cache(maxsize=1 << 16)
def _strip(tok: str) -> str:
    return _POSSESSIVE.sub("", tok).rstrip(",")


_LOWER_RUN = re.compile(r"[a-z]{3,}")
_HAS_INITIAL = re.compile(r"(?:^| )[A-Z]\.(?: |$)")


def _caps_mode(text: str) -> bool:
    """Text written in capitals (1970s telegrams, subject lines): case says nothing."""
    return sum(1 for _ in islice(_LOWER_RUN.finditer(text, 0, 400), 3)) <= 2


@lru_cache(maxsize=1 << 18)
def _info(tok: str) -> tuple:
    """What the lexicon says of a token, computed once per distinct token:
    (lower folded, always-name-part, never-name, caps-name, caps-titled-name, mixed-name)."""
    low = fold(tok).lower()
    always = tok.lower() in _PARTICLES or bool(_INITIAL.match(tok))
    never = low in not_names() or is_title(tok) or len(low) < 2
    caps_shape = tok.isupper() and (tok.isalpha() or "-" in tok)
    caps_name = caps_shape and low not in common_words()
    caps_titled = caps_shape and low not in FUNCTION_WORDS
    mixed = tok[:1].isupper() and not (tok.isupper() and len(tok) > 1)  # not an acronym
    return low, always, never, caps_name, caps_titled, mixed


def _nameish(tok: str, caps: bool, lower_vocab: set[str], titled: bool = False) -> bool:
    """Can ``tok`` be part of a personal name here?  (``titled``: right after a title,
    where in capitals only function words are ruled out.)"""
    low, always, never, caps_name, caps_titled, mixed = _info(tok)
    if always:
        return True
    if never:
        return False
    if caps:
        return caps_titled if titled else caps_name
    return mixed and low not in lower_vocab


def _trim(name_toks: list[str]) -> list[str]:
    while name_toks and (name_toks[-1].lower() in _PARTICLES or _INITIAL.match(name_toks[-1])):
        name_toks = name_toks[:-1]
    while name_toks and name_toks[0].lower() in _PARTICLES:
        name_toks = name_toks[1:]
    return name_toks


_CAPS_SURNAME = re.compile(r"^[A-Z][A-Z'-]{2,}$")


@lru_cache(maxsize=1 << 16)
def _caps_inside(tok: str) -> bool:
    """An ALL-CAPS surname inside a mixed-case name: ``Allah Muhammad SALEEM``."""
    low = fold(tok).lower()
    return bool(_CAPS_SURNAME.match(tok)) and low not in common_words() and low not in not_names()


_MODIFIERS = frozenset("""political economic defense defence foreign diplomatic presidential deputy vice
prime special cabinet acting former under assistant executive permanent national security interior
finance justice trade energy health education culture regional senior principal first second third
general chief supreme grand military intelligence parliamentary opposition party senate state
public affairs legal press u.s. us""".split())


def _title_of(toks: list[str]) -> str | None:
    """The title words before a name, as a title: ``FM`` -> ``Foreign Minister``."""
    words = []
    for t in reversed(toks):
        if not is_title(t) and t not in TITLE_ABBREVIATIONS and (
                not words or t.lower() not in _MODIFIERS):
            break
        words.append(t)
    if not words:
        return None
    words.reverse()
    if len(words) == 1 and words[0] in TITLE_ABBREVIATIONS:
        return TITLE_ABBREVIATIONS[words[0]]
    return " ".join(TITLE_ABBREVIATIONS.get(w, w.capitalize()) if w.isupper() and len(w) > 4
                    and any(v in w for v in "AEIOU") and w.lower() not in ("unsyg", "secgen")
                    else w for w in words)


def scan(text: str, where: str, paragraph: int | None, lower_vocab: set[str]) -> tuple[
        list[Mention], list[Mention]]:
    """Mentions with evidence 1 or 2, and bare candidates, in one piece of text.

    One regex pass finds the runs of capitalised words; runs of two or more are
    examined word by word (what a run's words are does not depend on the cable, and is
    looked up once per distinct run: ``_run_segments``), single words (most of them)
    are only counted."""
    caps = _caps_mode(text)
    found: list[Mention] = []
    bare: list[Mention] = []
    words: list[str] = []          # every word of the runs, counted once at the end
    for run in RUNS.findall(text):
        if " " not in run and "\t" not in run:
            words.append(_single(run))
            continue
        for toks, titles, worth in _run_segments(run):
            words.extend(toks)
            if worth:
                _examine(toks, titles, text, where, paragraph, caps, lower_vocab, found, bare)
    occurrences = Counter(words)
    # bare candidates: every other name-like word, once per piece of text (a found
    # name's given names are not candidates; its surname is when it also stands alone)
    given_parts = {w.lower() for f in found for w in f.name.split()[:-1]}
    in_names = Counter(f.name.split()[-1].lower() for f in found)
    kind = "bare-caps" if caps else "bare"
    for t in sorted(occurrences):
        can = _bare_word(t, caps)
        if can is None:
            continue
        low, folded = can
        if low in given_parts or occurrences[t] <= in_names.get(low, 0) or (
                folded is not None and folded in lower_vocab):
            continue
        title = None if caps else _lower_title_before(text, t)
        if title:   # "party leader Zyuganov"
            found.append(Mention(_clean_word(t), title, where, paragraph, "title"))
        else:
            bare.append(Mention(_clean_word(t), None, "bare", paragraph, kind))
    return found, bare


def _examine(toks: tuple[str, ...], titles: tuple[bool, ...] | None, text: str, where: str,
             paragraph: int | None, caps: bool, lower_vocab: set[str], found: list[Mention],
             bare: list[Mention]) -> None:
    """Evidence 1 and 2 in one segment of a run (``titles``: which words are titles, None
    when none is), added to ``found`` (and title + common word in capitals to ``bare``)."""
    n = len(toks)
    taken = [False] * n
    # evidence 1: a title (not followed by another title) and the name after it
    if titles is not None:
        for k in range(n - 1):
            if not titles[k] or titles[k + 1] or taken[k + 1]:
                continue
            end = _name_end(toks, k + 1, caps, lower_vocab, titled=True)
            name = _trim(toks[k + 1:end])
            if not name or len(name) == 1 and _info(name[0])[0] in FUNCTION_WORDS:
                continue
            if caps and len(name) == 1 and _info(name[0])[0] in common_words():
                # "AMBASSADOR PRESSES", "PRESIDENT BUSH": the collection decides (resolve.py)
                bare.append(Mention(clean_name(name[0]), _title_of(toks[:k + 1]), "bare",
                                    paragraph, "bare-caps"))
            else:
                found.append(Mention(clean_name(" ".join(name)), _title_of(toks[:k + 1]),
                                     where, paragraph, "title-caps" if caps else "title"))
            for j in range(k + 1, end):
                taken[j] = True
    # evidence 2: a given name (or an initial) followed by more name words
    k = 0
    while k < n - 1:
        t = toks[k]
        if not taken[k] and not taken[k + 1] and (
                _is_given(t) and _nameish(t, caps, lower_vocab)
                or (not caps and _INITIAL.match(t) and t.endswith("."))):
            end = _name_end(toks, k + 1, caps, lower_vocab, titled=False, inside=True)
            name = _trim(toks[k:end])
            if len(name) >= 2 and not _INITIAL.match(name[-1]):
                title = None if caps else _lower_title_before(text, " ".join(toks[k:end]))
                found.append(Mention(clean_name(" ".join(name)), title, where, paragraph,
                                     "title" if title else ("caps-given" if caps else "given")))
                for j in range(k, end):
                    taken[j] = True
                k = end
                continue
        k += 1


@lru_cache(maxsize=1 << 16)
def _single(word: str) -> str:
    """A run of one word as it is counted."""
    return _strip(word).rstrip(".-'’")


@lru_cache(maxsize=1 << 15)
def _run_segments(run: str) -> tuple[tuple[tuple[str, ...], tuple[bool, ...] | None, bool], ...]:
    """A run of several words cut at sentence ends: (words, which are titles (None: none
    is), whether evidence 1 or 2 can be found in it: two words or more with a title, a
    given name or an initial)."""
    title_words, given_words = _title_words(), _given_words()
    out = []
    for seg in _segments(run):
        toks = tuple(seg)
        has_title = not title_words.isdisjoint(map(str.lower, toks))
        worth = len(toks) > 1
        if worth and not has_title and given_words.isdisjoint(toks):
            joined = " ".join(toks)
            worth = bool(_HAS_INITIAL.search(joined)) or "-" in joined and not given_words.isdisjoint(
                t.split("-", 1)[0] for t in toks if "-" in t)
        out.append((toks, tuple(map(_is_title, toks)) if has_title else None, worth))
    return tuple(out)


@lru_cache(maxsize=1 << 17)
def _bare_word(t: str, caps: bool) -> tuple[str, str | None] | None:
    """Whether a word can be a bare candidate, as far as the word alone says: None when
    it cannot; else its lower case and, when it must also not be a word the cable
    writes in lower case, its folded lower case (else None)."""
    low = t.lower()
    if len(t) <= 2 or low in _PARTICLES:
        return None
    folded, always, never, caps_name, _, mixed = _info(t)
    if always:
        return low, None
    if never:
        return None
    if caps:
        return (low, None) if caps_name else None
    return (low, folded) if mixed else None


_clean_word = lru_cache(maxsize=1 << 16)(clean_name)    # a bare candidate's name


def _lower_title_before(text: str, phrase: str) -> str | None:
    """``journalist`` in "murdered journalist Anna Polikovskaya" (first occurrence)."""
    i = text.find(phrase)
    if i <= 0:
        return None
    before = text[max(0, i - 16):i].rstrip(" ,\t")
    word = before.rsplit(None, 1)[-1] if before.strip() else ""
    return word if word in LOWER_TITLES else None


# Runs of capitalised words, kept simple for speed; sentence ends inside a run
# ("Kramer. He") are cut in Python (see _segments).
_SIMPLE_WORD = r"[A-Z\u00C0-\u00DE][\w'’./-]*"
# The capital comes first, then the look-behind at the character before it: a pattern that
# starts with a character class lets the regex engine skip to the next capital, where one
# that starts with a look-behind is tried at every position (a third less time over the
# corpus; the same matches).
RUNS = re.compile(r"[A-Z\u00C0-\u00DE](?<![\w'’].)[\w'’./-]*(?:[ \t]+(?:" + _PART + r"[ \t]+)*"
                  + _SIMPLE_WORD + r")*")
_ABBRS = frozenset("Amb. Dr. Mr. Mrs. Ms. Gen. Col. Lt. Sen. Rep. Gov. Prof. Adm. Capt. Maj. Sgt. "
                   "Pres. St. Jr. Sr.".split())


def _segments(run: str):
    """The parts of a run between sentence ends, as stripped tokens."""
    seg: list[str] = []
    for tok in run.split():
        end = tok.endswith(".") and tok not in _ABBRS and not _INITIAL.match(tok)
        if end:
            tok = tok.rstrip(".")
        if tok:
            seg.append(_strip(tok))
        if end:
            if seg:
                yield seg
            seg = []
    if seg:
        yield seg




@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    """Title words in lower case (runs are compared lower-cased)."""
    from .lexicon import PERSON_TITLES
    return frozenset(PERSON_TITLES | {a.lower() for a in TITLE_ABBREVIATIONS})


@lru_cache(maxsize=1)
def _given_words() -> frozenset[str]:
    return frozenset(v for g in given_names() for v in (g, g.upper()))


@lru_cache(maxsize=1 << 16)
def _is_title(tok: str) -> bool:
    return is_title(tok)


@lru_cache(maxsize=1 << 18)
def _is_given(tok: str) -> bool:
    return tok[:1].isupper() and fold(tok.split("-")[0]).capitalize() in given_names()


def _name_end(toks: list[str], k: int, caps: bool, vocab: set[str], titled: bool,
              inside: bool = False) -> int:
    """Index after the last name word starting at ``k`` (``inside``: after a given name)."""
    end = k
    limit = min(len(toks), k + 5)
    while end < limit and (_nameish(toks[end], caps, vocab, titled and end == k
                                    or caps and end > k)
                           or not caps and (end > k or titled or inside) and _caps_inside(toks[end])):
        end += 1
        if caps:
            # in capitals a given name or an initial can be followed by more of the name,
            # a surname ends it
            last = toks[end - 1]
            if not (_is_given(last) or _INITIAL.match(last)):
                break
    return end


_SEPARATORS = str.maketrans({c: " " for c in ".,;:!?()[]{}\"“”‘’/*<>=+&%$#@|\\"})
_LOWER_WORD = re.compile(r"(?<![A-Za-z.])[a-z][a-z'-]+")


def extract(paragraphs: tuple[Paragraph, ...], subject: str | None, classified_by_name: str | None,
            classified_by_title: str | None, signer: str | None) -> tuple[tuple[Mention, ...],
                                                                          frozenset[str]]:
    """Every person mention in a cable, plus bare candidates (``where='bare'``), and the
    common English words the cable writes in lower case (for the collection-level pass)."""
    joined = " ".join(p.text for p in paragraphs if p.kind == "paragraph")
    vocab = set(filter(str.islower, set(joined.translate(_SEPARATORS).split())))
    mentions: list[Mention] = []
    bare: list[Mention] = []
    if classified_by_name:
        mentions.append(Mention(classified_by_name, classified_by_title, "classified_by", None,
                                "classified_by"))
    if signer:
        mentions.append(Mention(signer, None, "signer", None, "signer"))
    if subject:
        f, b = scan(subject, "subject", None, vocab)
        mentions += f
        bare += b
    for k, p in enumerate(paragraphs):
        if p.kind != "paragraph":
            continue
        f, b = scan(p.text, "body", k, vocab)
        mentions += f
        bare += b
    lower_common = vocab & common_words()
    # evidence 3 inside the cable: bare surnames of people already found
    known = {surname_key(m.name) for m in mentions}
    confirmed = []
    rest = []
    for b in bare:
        (confirmed if surname_key(b.name) in known else rest).append(b)
    confirmed = [Mention(b.name, None, "subject" if b.paragraph is None else "body", b.paragraph,
                         "surname") for b in confirmed]
    return tuple(mentions + confirmed + rest), frozenset(lower_common)


@lru_cache(maxsize=1 << 18)      # names repeat across a collection: resolving asks often
def surname_key(name: str) -> str:
    toks = [t for t in name.replace(".", ". ").split() if t.lower() not in _PARTICLES]
    toks = [t for t in toks if t.lower() not in ("jr.", "sr.", "ii", "iii")]
    return fold(toks[-1]).lower().strip(".,'") if toks else ""
