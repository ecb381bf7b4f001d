"""Canonical cable reference IDs: ``07PARIS3198`` (two-digit year, origin token, serial)."""
from __future__ import annotations

import re

from ..registry import post_for_token

# Tokens REF lines use for posts whose ID token is longer.
ALIASES = {
    "SECSTATE": "STATE", "DEPT": "STATE", "USUN": "USUNNEWYORK", "USUNNY": "USUNNEWYORK",
    "USEU": "USEUBRUSSELS", "UNVIE": "UNVIEVIENNA", "USOSCE": "USOSCE", "USNATO": "USNATO",
    "USTR": "USTR", "HONGKONG": "HONGKONG", "USCINCSO": "USCINCSO",
}
_ID = re.compile(r"^(\d{2})(\d{2})?([A-Z][A-Z0-9]*?)0*(\d+)(?:_[a-z]\d*)?$")


def two_digit_year(year: int) -> str:
    return f"{year % 100:02d}"


def full_year(yy: int) -> int:
    return 1900 + yy if yy >= 60 else 2000 + yy


def token_of(post_text: str) -> str:
    """``LA PAZ`` -> ``LAPAZ``; ``SECSTATE`` -> ``STATE``."""
    tok = re.sub(r"[^A-Z0-9]", "", post_text.upper())
    return ALIASES.get(tok, tok)


def known_token(tok: str) -> bool:
    return tok in ALIASES.values() or post_for_token(tok) is not None


def make_id(year: int | str, token: str, serial: int | str) -> str:
    yy = year if isinstance(year, str) else two_digit_year(year)
    return f"{yy}{token}{int(serial)}"


def canonical_id(raw: str) -> tuple[str | None, bool]:
    """Normalise an ID from source metadata.  Returns (id, repaired).

    ``1974ATHENS02959_b`` -> ``74ATHENS2959``; ``7575LIBREVILLE1895`` ->
    ``75LIBREVILLE1895`` (a WikiLeaks fault, flagged as repaired).
    """
    s = re.sub(r"\s+", "", raw.upper().replace("_B", "_b").replace("_A", "_a"))
    m = _ID.match(s)
    if not m:
        return None, False
    yy, second, token, serial = m.groups()
    repaired = False
    if second is not None:
        if second == yy:
            repaired = True
        elif yy not in ("19", "20"):
            return None, False
        yy = second
    return f"{yy}{token}{int(serial)}", repaired


# Words a REF line puts where a post would stand that are not posts.
NOT_POSTS = frozenset("""
JANUARY FEBRUARY MARCH APRIL MAY JUNE JULY AUGUST SEPTEMBER OCTOBER NOVEMBER DECEMBER JAN FEB MAR
APR JUN JUL AUG SEP SEPT OCT NOV DEC MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY
AIRGRAM EMAIL MAIL TELCON MEMCON SEPTEL REFTEL REFTELS DEMARCHE CABLE CABLES FAX LETTER MEMO
MEMORANDUM NOTE DIPLOMATIC REPORT REPORTS IIR FBIS PARA PARAS PARAGRAPH PAGE PAGES SECTION TAGS
NUMBER DATED AND THE DTG PROJECT RESOLUTION UNSCR ARTICLE LAW DECREE PUBLIC SECSTATE NOTAL TOSEC
CIRCULAR MESSAGE TELEGRAM INFORMAL RECORD OFFICIAL CONVERSATION MEETING PHONE CALL TEL NOTES YEAR
FY COUNTRY TEAM EXECUTIVE ORDER CODE NO NR ITEM STAT STATUTE ACT BILL TITLE CFR USC FAM FAH NSDD
PDD NSPM HR SECTIONS ANNEX PART VOLUME VOL MINUTES PUB FORM REF REFS UNCLAS CONFIDENTIAL SECRET
""".split())
_TOKEN_SHAPE = re.compile(r"^[A-Z]{3,20}$")


def plausible_token(tok: str) -> bool:
    """A post token REF lines use even when the shipped post table lacks it
    (closed posts such as MOGADISHU or TEHRAN)."""
    return known_token(tok) or (bool(_TOKEN_SHAPE.match(tok)) and tok not in NOT_POSTS)
