"""The data export written: each cable's ``.json`` and ``.txt``, and the collection as
JSON lines and CSV in the parts of :func:`generator.pages.data_parts`.

First every file's fingerprint is known and the files the last build wrote with the
same one are kept (their cables are not read); then the cables still to export are
read and serialised on ``jobs`` forked processes, in order, and their files written
one part at a time (a part's JSON lines are its cables' ``.json`` files, made once).
"""
from __future__ import annotations

from typing import Callable

from . import forked
from .feeds import cable_exports, csv_part, export_prints, jsonl_print
from .pages import data_parts
from .site import Site

FORK_AT = 400      # cables to read before the work is spread over processes
CHUNK = 50         # cables a worker exports at a time
AHEAD = 8          # chunks exported and not yet written, at most (a bound on memory)


def write_exports(site: Site, kept: Callable[[str, bytes | None], bool],
                  add: Callable[[str, bytes], None], jobs: int = 1) -> None:
    """Write the export with ``add(path, data)``, but the files for which
    ``kept(path, fingerprint)`` says the last build's file stays."""
    parts, work = [], []
    for name, idx in data_parts(site):
        prints = [export_prints(site, i) for i in idx]
        whole = kept(f"data/{name}.jsonl", jsonl_print([p[1] for p in prints]))
        rows = []
        for i, (json_path, json_print, text_path, text_print) in zip(idx, prints):
            json_new = not kept(json_path, json_print)
            text_new = not kept(text_path, text_print)
            if json_new or text_new or not whole:
                work.append((i, json_new or not whole, text_new))
            rows.append((json_path if json_new else None, text_path if text_new else None))
        parts.append((name, idx, whole, rows))

    def export(start: int, stop: int) -> list:
        return [cable_exports(site, i, json, text) for i, json, text in work[start:stop]]
    made = forked.results(export, len(work), jobs, CHUNK, FORK_AT, AHEAD)
    for name, idx, whole, rows in parts:
        lines = []
        for json_path, text_path in rows:
            if json_path is None and text_path is None and whole:
                continue
            json_data, text_data = next(made)
            if json_path is not None:
                add(json_path, json_data)
            if text_path is not None:
                add(text_path, text_data)
            if not whole:
                lines.append(json_data)
        if not whole:
            add(f"data/{name}.jsonl", b"".join(lines))
        add(f"data/{name}.csv", csv_part(site, idx))
    for _ in made:      # none left; closes the pool
        pass
