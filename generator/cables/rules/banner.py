"""Header rule: the classification line (banner).

``C O N F I D E N T I A L SECTION 01 OF 02 PARIS 003198``,
``UNCLAS SECTION 01 OF 03 MEXICO 001476``, ``S E C R E T STATE 012345``,
``LIMITED OFFICIAL USE ATHENS 2959``, ``SECRET//NOFORN``.  Gives the
classification, caveats written on the line, the number of sections and the
post and serial the cable ID is made of.
"""
from __future__ import annotations

import re

from ..ids import token_of
from ..state import State

NAME = "banner"
CLASSIFICATIONS = {"UNCLASSIFIED": "UNCLASSIFIED", "UNCLAS": "UNCLASSIFIED",
                   "UNCLASEFTO": "UNCLASSIFIED", "CONFIDENTIAL": "CONFIDENTIAL",
                   "SECRET": "SECRET", "TOPSECRET": "TOP SECRET",
                   "LIMITEDOFFICIALUSE": "LIMITED OFFICIAL USE"}
CAVEATS = ("NOFORN", "NODIS", "EXDIS", "LIMDIS", "STADIS", "SIPDIS", "SENSITIVE", "CHEROKEE",
           "ROGER", "SPECAT", "NOCONTRACT", "ORCON", "PROPIN", "FOR OFFICIAL USE ONLY")
_SPACED = re.compile(r"^\s*((?:[A-Z] ){3,}[A-Z])(?=\s|$|/)(.*)$")
_PLAIN = re.compile(r"^\s*(UNCLASSIFIED|UNCLAS(?: EFTO)?|CONFIDENTIAL|SECRET|TOP SECRET|"
                    r"LIMITED OFFICIAL USE)(?=\s|$|/)(.*)$")
_SECTION = re.compile(r"\bSECTION\s+0*(\d+)\s+OF\s+0*(\d+)\b")
_POST_SERIAL = re.compile(r"([A-Z][A-Z .'-]*?[A-Z])\s+0*(\d{1,7})\s*$")


def parse_banner(line: str) -> tuple[str, str] | None:
    """(classification, rest of the line) when ``line`` is a classification line."""
    m = _SPACED.match(line)
    if m:
        word = m.group(1).replace(" ", "")
        cls = CLASSIFICATIONS.get(word)
        if cls:
            return cls, m.group(2)
    m = _PLAIN.match(line)
    if m:
        return CLASSIFICATIONS[m.group(1).replace(" ", "")], m.group(2)
    return None


def match(state: State, i: int) -> int:
    parsed = parse_banner(state.lines[i])
    if not parsed:
        return 0
    cls, rest = parsed
    rest = rest.replace("//", " ").strip()
    caveats = [c for c in CAVEATS if re.search(r"\b" + c + r"\b", rest)]
    for c in caveats:
        rest = re.sub(r"\b" + c + r"\b", " ", rest)
    sec = _SECTION.search(rest)
    if sec:
        rest = rest[:sec.start()] + " " + rest[sec.end():]
    ps = _POST_SERIAL.search(rest.strip())
    if not (ps or sec or caveats or not rest.strip()):
        return 0  # "SECRET service agents ..." is prose, not a banner
    state.set("banner_classification", cls, i)
    state.fields.setdefault("caveats", [])
    for c in caveats:
        if c not in state.fields["caveats"]:
            state.fields["caveats"].append(c)
    if sec:
        state.set("sections", int(sec.group(2)), i)
    if ps:
        state.set("banner_token", token_of(ps.group(1)), i)
        state.set("banner_serial", ps.group(2), i)
    return 1
