"""The shards the last build wrote, read back for the rows of the terms a rebuild did not
change (``parts._shard_files``).

A new cable changes the shards that hold its terms, and a shard is written whole; at
250,000 cables about two fifths of the postings a rebuild encoded were those of the
other terms of those shards.  A term whose content sum (``postings.Postings.merge_run``)
is the one it had in the last build has the same postings, so the same row; its row is
taken from the shard file the last build wrote, when that file is provably the one made
from the sums kept (its fingerprint, made again from its terms and their kept sums, is
the one the last build recorded for it) and the term is at the same place in it (its
tier files keep their names).
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from hashlib import blake2b
from pathlib import Path
from typing import Callable

import numpy as np

from ..kept import read_pickle, write_pickle
from . import tiers

CUTS = "ranked in float32, cut by number"   # how tiers are made: another way, another
#                                             fingerprint of every shard

_CALL = re.compile(rb"cablesearch\.shard\((.*)\);\n", re.S)


def shard_print(file: str, names: list[str], sums: np.ndarray) -> bytes:
    """The fingerprint of the shard file ``file`` holding these terms with these content
    sums (uint64), their tiers cut as :mod:`.tiers` cuts them with its ``TIER``: equal
    fingerprints, equal files (and equal tier files)."""
    return blake2b(f"{file}\n{CUTS} {tiers.TIER}\n{chr(10).join(names)}".encode("utf-8") +
                   sums.tobytes(), digest_size=16).digest()


def tier_print(path: str, identity: int) -> bytes:
    """The fingerprint of the tier file ``path`` of a term whose tier it holds has this
    identity (``tiers.identities``), cut as :mod:`.tiers` cuts with its ``TIER``: equal
    fingerprints, equal files.  So a tier a rebuild did not change is kept without being
    encoded (``tiers.encode_terms``)."""
    return blake2b(f"tier {path}\n{CUTS} {tiers.TIER}\n{identity}".encode("utf-8"),
                   digest_size=16).digest()


class LastShards:
    """The last build's terms (sorted), their content sums and their numbers of tiers,
    its shard files as ``read(path)`` gives them (None: no such file of the last build)
    and the fingerprints it recorded for its files (``recorded(path)``).  ``made`` is set
    to this build's terms, sums and tiers, for the next (:class:`TermSums`)."""

    def __init__(self, names: list[str], sums: np.ndarray, tiers: np.ndarray,
                 read: Callable[[str], bytes | None], recorded: Callable[[str], bytes | None]):
        self.names, self.sums, self.tiers = names, sums, tiers
        self.read, self.recorded = read, recorded
        self.made: tuple[list[str], np.ndarray, np.ndarray] | None = None

    def _find(self, name: str) -> int | None:
        k = bisect_left(self.names, name)
        return k if k < len(self.names) and self.names[k] == name else None

    def sum_of(self, name: str) -> int | None:
        """The term's content sum in the last build (None: it had no such term)."""
        k = self._find(name)
        return None if k is None else int(self.sums[k])

    def tiers_of(self, name: str, total: int) -> int | None:
        """The number of tiers the last build cut the term into, when its content sum was
        ``total`` (None: it had no such term, or another sum)."""
        k = self._find(name)
        return None if k is None or int(self.sums[k]) != total else int(self.tiers[k])

    def rows(self, file: str, path: str) -> list | None:
        """The rows ([term, documents, tiers, first tier]) of the shard the last build
        wrote at ``path``, named ``file``; None when there is none, or it cannot be shown
        to be the one made from the kept sums."""
        recorded = self.recorded(path)
        data = self.read(path) if recorded is not None else None
        m = _CALL.fullmatch(data) if data is not None else None
        if m is None:
            return None
        try:
            name, rows = json.loads(b"[" + m.group(1) + b"]")
        except ValueError:
            return None
        if not isinstance(rows, list):
            return None
        sums = [self.sum_of(r[0]) if isinstance(r, list) and r and isinstance(r[0], str)
                else None for r in rows]
        if name != file or None in sums:
            return None
        if shard_print(file, [r[0] for r in rows], np.array(sums, dtype=np.uint64)) != recorded:
            return None
        return rows


class TermSums:
    """Each term of the last search index with its content sum and its number of tiers,
    kept between builds: the terms sorted, as one string, their sums and their tiers as
    strings of bytes (at 250,000 cables, 770,000 terms: 16 MB).  One pickle file;
    unreadable, or of the form before the tiers were cut by document (a pair), it is
    started afresh.  (Here, not in ``generator.cache``, whose code is the parse cache's
    key.)"""

    def __init__(self, path: Path, fresh: bool = False):
        self.path = path
        self.names: list[str] = []
        self.sums = np.zeros(0, dtype=np.uint64)
        self.tiers = np.zeros(0, dtype=np.uint32)
        kept = None if fresh else read_pickle(path)
        if isinstance(kept, tuple) and len(kept) == 3 and isinstance(kept[0], str) \
                and isinstance(kept[1], bytes) and isinstance(kept[2], bytes) \
                and len(kept[1]) % 8 == 0 and len(kept[2]) * 2 == len(kept[1]):
            names = kept[0].split("\n") if kept[0] else []
            sums = np.frombuffer(kept[1], dtype=np.uint64)
            if len(names) == len(sums):
                self.names, self.sums = names, sums
                self.tiers = np.frombuffer(kept[2], dtype=np.uint32)

    def save(self, made: tuple[list[str], np.ndarray, np.ndarray] | None) -> None:
        """Keep this build's terms, sums and tiers (``LastShards.made``); none known (or a
        term with a line break), keep none."""
        names, sums, tiers = made if made is not None else ([], None, None)
        text = "\n".join(names)
        if sums is None or text.count("\n") != max(len(names) - 1, 0):
            self.path.unlink(missing_ok=True)
            return
        write_pickle(self.path, (text, np.asarray(sums, dtype=np.uint64).tobytes(),
                                 np.asarray(tiers, dtype=np.uint32).tobytes()))
