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
from .feeds import cable_exports, csv_part, csv_print, export_prints, jsonl_print
from .pages import data_parts
from .site import Site

FORK_AT = 400      # cables to read before the work is spread over processes
CHUNK = 50         # cables a worker exports at a time
AHEAD = 8          # chunks exported and not yet written, at most (a bound on memory)


def write_exports(site: Site, kept: Callable[[str, bytes | None], bool],
                  add: Callable[[str, object], None], jobs: int = 1,
                  put: Callable[[str, bytes], object] | None = None) -> None:
    """Write the export with ``add(path, data)``, but the files for which
    ``kept(path, fingerprint)`` says the last build's file stays.  ``put``
    (:meth:`generator.write.SiteWriter.put`): each cable's files are staged where they
    are made, and ``add`` records what ``put`` did (their bytes do not come back to this
    process, but the ``.json`` of a part whose JSON lines are made anew)."""
    parts, work = [], []
    for name, idx in data_parts(site):
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
        parts.append((name, idx, whole, rows))

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
    for name, idx, whole, rows in parts:
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
    for _ in made:      # none left; closes the pool
        pass
