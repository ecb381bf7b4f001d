"""Full-text search: a lunr index built here, cut into parts the browser loads on demand.

pipeline (words -> terms, the same in lunr.js) -> documents (what is indexed) ->
postings (lunr's scores, tiers, encoding) -> parts (the ``.js`` files).
"""
from .parts import search_parts

__all__ = ["search_parts"]
