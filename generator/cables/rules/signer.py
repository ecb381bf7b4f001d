"""Tail rule: the signer (``STAPLETON``, ``Burns``) and the footer lines after it.

Works back from the last line: footer lines (``Please visit Paris' Classified
Website``, links, ``NNNN``, the 1970s review stamp) go to ``footer``; the first
other line, when it is a name of one to three words, is the signer.
"""
from __future__ import annotations

import re

from ...names import clean_name, is_title_word
from ..state import State

NAME = "signer"
_FOOTER = re.compile(
    r"^\s*(?:Please visit\b.*|Visit\b.*(?:[Cc]lassified|SIPRNET|[Ww]ebsite).*|<?https?://\S*.*|"
    r"\S*\.c ?fm>?|Declassified/Released US Department of State.*|Systematic Review \d.*|"
    r"NNNN?|BT|\(?END (?:OF )?(?:TEXT|CABLE|MESSAGE)\)?\.?|Classified Website.*|"
    r"[A-Z][a-z]+ minimize considered\.?|MINIMIZE CONSIDERED\.?|=+\s*CABLE ENDS\s*=+|"
    r"\*+|.*\*\*\* Current (?:Handling|Classification).*|NMAFVVZCZ.*)\s*$")
_SIGNER = re.compile(r"^\s*([A-Z][A-Za-z'\-]+\.?(?:\s+[A-Z][A-Za-z'\-]*\.?){0,2})[\s#]*$")
# "... END ACTION REQUEST. SPOGLI": a signer glued to the last sentence
_GLUED = re.compile(r"^(.*[.!?\"')])\s+([A-Z][A-Z'\-]{2,})[\s#]*$")
_NOT_NAMES = {"END", "COMMENT", "SUMMARY", "NOTE", "TEXT", "UNQTE", "QTE", "CONFIDENTIAL", "SECRET",
              "UNCLASSIFIED", "SIPDIS", "NOFORN", "CABLE", "BT", "NNNN", "NNN", "PARA", "EXDIS",
              "LIMITED", "OFFICIAL", "USE", "SENSITIVE", "SUBJECT", "Comment", "Summary", "End",
              "Note", "Kosovo", "Background", "Iran", "Russia", "Lebanon", "Conclusion", "Action",
              "Request", "Bio", "Participants", "Darfur", "Afghanistan", "Iraq", "Syria", "France",
              "Turkey", "China", "Israel", "Yemen", "Egypt", "Pakistan", "India", "Japan"}


def apply(state: State) -> None:
    lines, used = state.lines, state.used
    i = len(lines) - 1
    end = len(lines)
    signer_found = False
    while i >= state.body_start:
        line = lines[i]
        if not line.strip() or used[i]:
            i -= 1
            continue
        if _FOOTER.match(line):
            state.take(i, "footer")
            end = i
            i -= 1
            continue
        m = _SIGNER.match(line)
        glued = None if m or signer_found else _GLUED.match(line)
        if glued and glued.group(2) not in _NOT_NAMES and len(glued.group(1)) > 20:
            state.split_line(i, [glued.group(1), glued.group(2)])
            end = len(state.lines)
            i += 1
            continue
        words = m.group(1).replace(".", " ").split() if m else []
        if (not signer_found and m and not (set(words) & _NOT_NAMES)
                and not (len(words) > 1 and is_title_word(words[0]))
                and _previous_text(state, i) is not None):
            state.take(i, NAME)
            state.fields["signer"] = clean_name(m.group(1))
            signer_found = True
            end = i
            i -= 1
            continue
        break
    state.body_end = end


def _previous_text(state: State, i: int) -> str | None:
    """The signer follows some body text; a lone name is not a signer of nothing."""
    j = i - 1
    while j >= state.body_start:
        if state.lines[j].strip() and state.used[j] is None:
            return state.lines[j]
        j -= 1
    return None
