"""Personal names and the titles that go with them.

Shared by the parser (the classifying officer, the signer) and by people
extraction.  ``split_title('POLITICAL MINISTER-COUNSELOR JOSIAH ROSENBLATT')``
gives ``('Political Minister-Counselor', 'Josiah Rosenblatt')``.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Words that make up office titles, lower case.  Abbreviations are matched as written.
TITLE_WORDS = frozenset("""
ambassador amb amb. ambassador-designate ambassador-at-large charge chargé d'affaires a.i. a.i
political economic political-economic pol-econ econ-pol pol/econ econ/pol minister minister-counselor
minister-counsellor counselor counsellor officer deputy chief of mission section affairs acting consul
general consul-general principal director assistant secretary under undersecretary foreign
defense defence prime president vice vice-president premier chairman chairwoman chair head senior
advisor adviser special envoy representative permanent alternate coordinator public diplomacy
management regional security economic/commercial commercial attache attaché military defense
the for and a and/or interim acting/deputy to on in at by u.s. us embassy mission consulate post
legal labor labour environment science technology health affairs/ officer/ pao rso dcm cda cg poloff
econoff pol econ polcouns econcouns pol/mil polmil p/e e/p pe ep ds dao mgt refcoord polchief
econchief conoff deputy-chief spokesman spokeswoman spokesperson minister-delegate delegate
state general's mr. mr mrs. mrs ms. ms dr. dr prof. prof professor gen. gen general lt. lt col.
col colonel major maj. admiral adm. captain capt. sen. senator rep. congressman congresswoman gov.
governor mayor king queen prince princess sheikh shaykh emir amir sultan crown judge justice
speaker leader commander commissioner secretary-general secgen sec fm dfm pm dpm mfa mod mp amb/
nea eur wha eap sca af isn inr drl pm/ ct s/ct iip ea dg das u/s a/s
""".split())

# Abbreviated titles as diplomats write them before a name, with their expansion.
TITLE_ABBREVIATIONS = {
    "FM": "Foreign Minister", "DFM": "Deputy Foreign Minister", "PM": "Prime Minister",
    "DPM": "Deputy Prime Minister", "DAS": "Deputy Assistant Secretary", "U/S": "Under Secretary",
    "A/S": "Assistant Secretary", "DCM": "Deputy Chief of Mission", "CDA": "Charge d'Affaires",
    "Amb": "Ambassador", "Amb.": "Ambassador", "AMB": "Ambassador", "Pol": "Political Officer",
    "Poloff": "Political Officer", "PolOff": "Political Officer", "Econoff": "Economic Officer",
    "EconOff": "Economic Officer", "PolCouns": "Political Counselor",
    "EconCouns": "Economic Counselor", "SecGen": "Secretary General", "Gen.": "General",
    "Lt.": "Lieutenant", "Col.": "Colonel", "Adm.": "Admiral", "Sen.": "Senator",
    "Rep.": "Representative", "Gov.": "Governor", "Dr.": "Dr.", "Mr.": "Mr.", "Mrs.": "Mrs.",
    "Ms.": "Ms.", "Prof.": "Professor", "MP": "Member of Parliament",
}

_PARTICLES = {"de", "da", "del", "della", "di", "du", "des", "la", "le", "van", "von", "der", "den",
              "bin", "ibn", "al", "el", "y", "dos", "das", "ter", "ten", "st."}


def is_title_word(tok: str) -> bool:
    t = tok.strip(",;:")
    if t in TITLE_ABBREVIATIONS or t.lower() in TITLE_WORDS:
        return True
    # hyphenated or slashed title compounds: "Political-Economic", "Pol/Econ"
    parts = re.split(r"[-/]", t.lower())
    return len(parts) > 1 and all(p in TITLE_WORDS for p in parts if p)


def smart_title(word: str) -> str:
    """``ROSENBLATT`` -> ``Rosenblatt``, ``MCDONALD`` -> ``McDonald``, ``O'BRIEN`` -> ``O'Brien``,
    ``R`` -> ``R.``; words in mixed case are kept as written."""
    if not word.isupper() and not word.islower():
        return word
    if len(word) == 1 and word.isalpha():
        return word.upper() + "."
    if len(word) == 2 and word[1] == "." and word[0].isalpha():
        return word.upper()
    low = word.lower()
    if low in _PARTICLES:
        return low
    out = "-".join(_cap(p) for p in low.split("-"))
    return out


def _cap(p: str) -> str:
    if not p:
        return p
    if p.startswith("mc") and len(p) > 3:
        return "Mc" + p[2:].capitalize()
    if "'" in p[:3] and len(p) > 3:
        a, _, b = p.partition("'")
        return a.capitalize() + "'" + b.capitalize()
    return p.capitalize()


@lru_cache(maxsize=1 << 16)
def clean_name(name: str) -> str:
    words = name.replace("\u2019", "'").split()
    return " ".join(smart_title(w) for w in words).strip(" ,;.") + ("." if name.rstrip().endswith(
        (" Jr.", " Sr.")) else "")


def split_title(text: str) -> tuple[str | None, str | None]:
    """Split ``<title words> <name>`` or ``<name>, <title>`` into (title, name)."""
    text = " ".join(text.replace("\u2019", "'").split()).strip(" .,;:")
    if not text:
        return None, None
    if "," in text:
        head, _, tail = text.partition(",")
        head_toks = head.split()
        if head_toks and not any(is_title_word(t) for t in head_toks) and len(head_toks) <= 5:
            return (_title_case(tail.strip()) or None), clean_name(head)
        text = head if any(not is_title_word(t) for t in head.split()) else text.replace(",", " ")
    toks = text.split()
    k = len(toks)
    while k > 0 and not is_title_word(toks[k - 1]):
        k -= 1
    name_toks = toks[k:]
    title_toks = toks[:k]
    if not name_toks:
        return _title_case(" ".join(title_toks)) or None, None
    return (_title_case(" ".join(title_toks)) or None), clean_name(" ".join(name_toks))


def _title_case(s: str) -> str:
    if not s.isupper():
        return s
    out = []
    for w in s.split():
        if len(w) <= 4 and (w in TITLE_ABBREVIATIONS or "/" in w or w in ("DCM", "CDA", "PAO", "RSO")):
            out.append(w)
        elif w.lower() in ("of", "for", "and", "the", "a.i."):
            out.append(w.lower())
        else:
            out.append(_cap(w.lower()) if "-" not in w else "-".join(_cap(p) for p in w.lower().split("-")))
    return " ".join(out)
