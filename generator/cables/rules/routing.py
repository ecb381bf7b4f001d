"""Header rule: the telegram's routing lines.

``VZCZCXRO4022``, ``OO RUEHDBU ...``, ``DE RUEHFR #3198/01 2080913``,
``ZNY CCCCC ZZH``, the date-time group ``O 270913Z JUL 07`` (date and
precedence), ``FM AMEMBASSY PARIS`` (origin), ``TO``/``INFO`` address lists
(continued on the next lines), ``BT``, and the distribution lines of 1970s
cables (``ACTION EUR-25``, ``INFO OCT-01 EA-11``).
"""
from __future__ import annotations

import re

from ...registry import post_name
from ..dates import DTG, dtg_to_iso
from ..state import State

NAME = "routing"
PRECEDENCE = {"Z": "FLASH", "ZZ": "FLASH", "O": "IMMEDIATE", "OO": "IMMEDIATE",
              "P": "PRIORITY", "PP": "PRIORITY", "R": "ROUTINE", "RR": "ROUTINE",
              "NIACT": "NIACT IMMEDIATE"}
_DTG_LINE = re.compile(r"^\s*(?:(ZZ|OO|PP|RR|Z|O|P|R)(?:\s+[ZOPR])?\s+)?(\d{6}Z\s+[A-Za-z]{3}\s+\d{2,4})"
                       r"\b(?:\s+Z[A-Z]{2}\b.*)?\s*$")
_DE = re.compile(r"^\s*DE\s+([A-Z]{4,8})\s+#?(\d+)")
_PREC_RI = re.compile(r"^\s*(ZZ|OO|PP|RR|Z|O|P|R)\s+(R[A-Z]{3,7}\b.*)$")
_SIMPLE = re.compile(r"^\s*(VZCZC\w*|(?:R[A-Z]{3,7}\s+)*R[A-Z]{3,7}|ZCZC\w*|ZNY\s+\w+.*|ZNR\s+\w+.*|BT|NNNN|ZEX\b.*|ZFF\b.*|"
                     r"ZDK\b.*|ZUI\b.*|/\d+ W|-{5,}\s+\d+|"
                     r"(?:(?:ACTION|INFO)\s+)?(?:[A-Z]{1,6}-\d{2}\s*)+(?:/\d{3}W)?|/\d{3}W|"
                     r"-{5,}[0-9A-F]{6}\s+\d{6}Z\s*/\d+|[A-Z0-9]{6,14} - [A-Z ]+|PTQ\d+|"
                     r"\d{1,2}|O R I G I N.*|"
                     r"(?:DRAFTED|APPROVED|CLEARED|CLEARANCES?) BY.*)\s*$")
_ADDR_START = re.compile(r"^\s*(TO|INFO)\s+(.*)$")
_FM = re.compile(r"^\s*FM\s+(.+?)\s*$")
_STOP = re.compile(r"^\s*(INFO\b|BT\b|TO\b|ZEN\b|E\.?\s?O\.?|TAGS|SUBJ|C O N|S E C|U N C|UNCLAS|"
                   r"CONFIDENTIAL|SECRET|LIMITED OFFICIAL|SIPDIS|NOFORN)")
_RI_PREFIX = re.compile(r"^[A-Z]{5,8}/")
_TRAIL = re.compile(r"\s+(?:(?:NIACT\s+)?IMMEDIATE|PRIORITY|ROUTINE|FLASH)?\s*\d*\s*$")


def match(state: State, i: int) -> int:
    line = state.lines[i]
    m = _DTG_LINE.match(line)
    if m:
        d = DTG.search(m.group(2).upper())
        iso = dtg_to_iso(*d.groups()) if d else None
        if iso and state.set("dtg_date", iso, i) and m.group(1):
            state.set("precedence", PRECEDENCE[m.group(1)])
        return 1
    m = _DE.match(line)
    if m:
        state.set("routing_indicator", m.group(1), i)
        state.set("de_serial", m.group(2), i)
        return 1
    m = _FM.match(line)
    if m:
        state.set("from_form", m.group(1), i)
        return 1
    m = _ADDR_START.match(line)
    if m and not re.match(r"^\s*INFO\s+(?:[A-Z]+-\d{2}\s*)+$", line):
        field = "to" if m.group(1) == "TO" else "info"
        addresses = [m.group(2)]
        n = 1
        while i + n < len(state.lines):
            nxt = state.lines[i + n]
            if not nxt.strip():
                # scrapes double the line ends: a blank line may sit between addresses
                if i + n + 1 < len(state.lines) and _RI_PREFIX.match(state.lines[i + n + 1].strip()):
                    n += 1
                    continue
                break
            if _STOP.match(nxt) or not re.match(r"^\s*[A-Z0-9]", nxt):
                break
            addresses.append(nxt)
            n += 1
        names = [_address(a) for a in addresses if a.strip()]
        if state.fields.get(field) is None:
            state.fields[field] = tuple(x for x in names if x)
        return n
    if _PREC_RI.match(line) or _SIMPLE.match(line):
        return 1
    return 0


def _address(text: str) -> str:
    form = _TRAIL.sub("", _RI_PREFIX.sub("", text.strip()))
    form = " ".join(form.split())
    return post_name(form) or form
