"""Repair: markdown scrape artefacts.

``[PREL](#)`` -> ``PREL``; the paragraph mark that became a link ``[1](#)3.``
or ``[13.](#)`` -> ``¶3.``; ``[text](url)`` -> ``text``; ``<http://x>`` -> ``http://x``.
"""
from __future__ import annotations

import re

from ..state import State

NAME = "markdown_artifacts"
_PILCROW_LINK = re.compile(r"^(\s*)\[1\]\(#\)\s*(\d{1,3}\.)")      # [1](#)3.
_NUMBER_LINK = re.compile(r"^(\s*)\[1(\d{1,3}\.)\]\(#\)")          # [13.](#)
_LINK = re.compile(r"\[([^\]\n]*)\]\((?:#|https?://[^)\s]*)\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]*)>")


def apply(state: State) -> None:
    lines = state.lines
    for i, line in enumerate(lines):
        if "](" not in line and "<http" not in line:
            continue
        line = _PILCROW_LINK.sub(r"\1¶\2", line)
        line = _NUMBER_LINK.sub(r"\1¶\2", line)
        line = _LINK.sub(r"\1", line)
        line = _AUTOLINK.sub(r"\1", line)
        lines[i] = line
