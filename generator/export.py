"""The data export written: each cable's ``.json`` and ``.txt``, and the collection as
JSON lines and CSV in the parts of :func:`generator.pages.data_parts`.

A part whose fingerprint (``part_print``: what all its files are made from) is the one
the last build recorded keeps all its files at once.  In the others, first every file's
fingerprint is known and the files the last build wrote with the same one are kept
(their cables are not read); then the cables still to export are read and serialised on
``jobs`` forked processes, in order, and their files written one part at a time (a
part's JSON lines are its cables' ``.json`` files, made once).
"""
from __future__ import annotations

from typing import Callable

from . import forked
from .feeds import cable_exports, csv_part, csv_print, export_prints, jsonl_print, part_print
from .kept import packed_prints, unpacked_prints
from .pages import data_parts
from .site import Site

FORK_AT = 400      # cables to read before the work is spread over processes
CHUNK = 50         # cables a worker exports at a time
AHEAD = 8          # chunks exported and not yet written, at most (a bound on memory)

# A data part's record: its fingerprint (``part_print``), then its files' paths (a line
# each) and their fingerprints (16 bytes each), as the next build needs them.
Record = tuple[bytes, str, bytes]


class _PartPrints:
    """The last build's fingerprints of one part's files (from its ``Record``) and this
    build's: called with a file's path and fingerprint, it records the fingerprint and
    says whether the file is the last build's and kept (``keep``)."""

    def __init__(self, old: Record | None, keep: Callable[[str], bool]):
        self.known = unpacked_prints(*old[1:]) if old is not None else {}
        self.prints: dict[str, bytes] = {}
        self.keep = keep

    def __call__(self, path: str, digest: bytes | None) -> bool:
        if digest is None:
            return False
        self.prints[path] = digest
        return self.known.get(path) == digest and self.keep(path)

    def record(self, whole: bytes) -> Record:
        """This build's record of the part, its fingerprint ``whole``: empty (never equal)
        if a file could not be listed in it, so that the next build checks the part's
        files one by one rather than keep a list that lacks one."""
        paths, digests = packed_prints(self.prints)
        if len(digests) != 16 * len(self.prints):
            whole = b""
        return whole, paths, digests


def write_exports(site: Site, keep: Callable[[str], bool], keep_all: Callable[[list[str]], bool],
                  add: Callable[[str, object], None], jobs: int = 1,
                  put: Callable[[str, bytes], object] | None = None,
                  last: dict[str, Record] | None = None) -> dict[str, Record]:
    """Write the export with ``add(path, data)`` and return each part's ``Record`` for the
    next build.  ``last``: the last build's records.  A part whose fingerprint is
    unchanged is kept whole (``keep_all(paths)``: whether the previous site has all
    those files, then kept); in the others a file whose fingerprint is unchanged is kept
    (``keep(path)``: whether the previous site has it, then kept).  ``put``
    (:meth:`generator.write.SiteWriter.put`): each cable's files are staged where they
    are made, and ``add`` records what ``put`` did (their bytes do not come back to this
    process, but the ``.json`` of a part whose JSON lines are made anew)."""
    last = last or {}
    records: dict[str, Record] = {}
    parts, work = [], []
    for name, idx in data_parts(site):
        whole_print = part_print(site, name, idx)
        old = last.get(name)
        if old is not None and old[0] == whole_print and old[1] and keep_all(old[1].split("\n")):
            records[name] = old
            continue
        kept = _PartPrints(old, keep)
        prints = [export_prints(site, i) for i in idx]
        whole = kept(f"data/{name}.jsonl", jsonl_print([p[1] for p in prints]))
        rows = []
        for i, (json_path, json_print, text_path, text_print) in zip(idx, prints):
            json_new = not kept(json_path, json_print)
            text_new = not kept(text_path, text_print)
            if json_new or text_new or not whole:
                work.append((i, json_path if json_new else None, not whole,
                             text_path if text_new else None))
            rows.append((json_path if json_new else None, text_path if text_new else None))
        parts.append((name, idx, whole, rows, kept, whole_print))

    def export(start: int, stop: int) -> list:
        out = []
        for i, json_path, lines, text_path in work[start:stop]:
            json_data, text_data = cable_exports(site, i, json_path is not None or lines,
                                                 text_path is not None)
            if put is None:
                out.append((json_data, json_data, text_data))
                continue
            out.append((put(json_path, json_data) if json_path is not None else None,
                        json_data if lines else None,
                        put(text_path, text_data) if text_path is not None else None))
        return out
    made = forked.results(export, len(work), jobs, CHUNK, FORK_AT, AHEAD)
    for name, idx, whole, rows, kept, whole_print in parts:
        lines = []
        for json_path, text_path in rows:
            if json_path is None and text_path is None and whole:
                continue
            json_file, json_line, text_file = next(made)
            if json_path is not None:
                add(json_path, json_file)
            if text_path is not None:
                add(text_path, text_file)
            if not whole:
                lines.append(json_line)
        if not whole:
            add(f"data/{name}.jsonl", b"".join(lines))
        if not kept(f"data/{name}.csv", csv_print(site, idx)):
            add(f"data/{name}.csv", csv_part(site, idx))
        records[name] = kept.record(whole_print)
    for _ in made:      # none left; closes the pool
        pass
    return records
