"""Dates as cables and their sources write them, to ISO 8601."""
from __future__ import annotations

import re

from .ids import full_year

MONTHS = {m: i for i, m in enumerate(
    "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}
_MONTH_NAMES = {name: i for i, name in enumerate(
    "january february march april may june july august september october november december"
    .split(), 1)}

# 270913Z JUL 07
DTG = re.compile(r"\b(\d{2})(\d{2})(\d{2})Z\s+([A-Z]{3})\s+(\d{2,4})\b")


def dtg_to_iso(day: str, hh: str, mm: str, mon: str, year: str) -> str | None:
    month = MONTHS.get(mon.upper())
    if not month or not (1 <= int(day) <= 31) or int(hh) > 23 or int(mm) > 59:
        return None
    y = int(year)
    y = full_year(y) if y < 100 else y
    return f"{y:04d}-{month:02d}-{int(day):02d}T{hh}:{mm}Z"


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::\d{2})?)?")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})(?:\s+(\d{1,2}):(\d{2}))?")
_PLUSD = re.compile(r"^(\d{4}) ([A-Za-z]{3})[a-z]* (\d{1,2}),?(?:\s+(\d{1,2}):(\d{2}))?")
_LONG = re.compile(r"(\d{1,2}) ([A-Za-z]+),? (\d{4})(?:,\s+(\d{1,2}):(\d{2}))?")


def _fmt(y: int, mo: int, d: int, hh, mm) -> str | None:
    if not (1 <= mo <= 12 and 1 <= d <= 31 and 1900 <= y <= 2100):
        return None
    day = f"{y:04d}-{mo:02d}-{d:02d}"
    return f"{day}T{int(hh):02d}:{mm}Z" if hh is not None else day


def source_date(value: str) -> str | None:
    """A date as a source's metadata gives it: ``2006-03-31 13:01``, ``3/22/1994 17:53``,
    ``1974 May 17, 16:00 (Friday)``, ``Wednesday, 19 November 2008, 06:43``."""
    v = value.strip()
    m = _ISO.match(v)
    if m:
        y, mo, d, hh, mm = m.groups()
        return _fmt(int(y), int(mo), int(d), hh, mm)
    m = _US.match(v)
    if m:
        mo, d, y, hh, mm = m.groups()
        y = int(y)
        return _fmt(full_year(y) if y < 100 else y, int(mo), int(d), hh, mm)
    m = _PLUSD.match(v)
    if m:
        y, mon, d, hh, mm = m.groups()
        mo = MONTHS.get(mon.upper()[:3])
        return _fmt(int(y), mo, int(d), hh, mm) if mo else None
    m = _LONG.search(v)
    if m:
        d, month, y, hh, mm = m.groups()
        mo = _MONTH_NAMES.get(month.lower())
        return _fmt(int(y), mo, int(d), hh, mm) if mo else None
    return None


_DECL = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b")


def decl_date(text: str) -> str | None:
    """``DECL: 07/25/2017`` -> ``2017-07-25``."""
    m = _DECL.search(text)
    if not m:
        return None
    mo, d, y = (int(x) for x in m.groups())
    if y < 100:
        y = full_year(y)
    return _fmt(y, mo, d, None, None)
