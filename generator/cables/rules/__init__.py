"""The parser's rules, in the order they run (the one place that knows it).

Repairs rewrite scrape artefacts in place; header rules each recognise one
kind of header line at the cursor; tail rules take the signer and footer;
body rules build the paragraphs; final rules settle identity and people.
"""
from . import (banner, captions, classified_by, eo, glued_lines, identity, markdown_artifacts,
               page_breaks, paragraphs, persons, preamble, ref, routing, signer, subject, tags)

REPAIRS = (glued_lines, markdown_artifacts, page_breaks, preamble)
HEADER = (routing, banner, captions, eo, tags, subject, ref, classified_by)
TAIL = (signer,)
BODY = (paragraphs,)
FINAL = (identity, persons)
