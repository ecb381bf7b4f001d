"""The postings of runs of documents (``postings.runs``), kept between builds with their
terms as numbers of a :class:`TermTable`.

A rebuild needs something of every run: each term's documents and sums
(``Postings.merge_run``), to know which shards a new cable changes, and then the
postings of those shards' terms.
Kept as pickles with their terms as strings, every rebuild at 250,000 cables
decompressed 600 MB, unpickled 4.2 million strings (each run's own vocabulary) and
looked each one up, to merge all 82 million postings before choosing which to encode.
Here a run is a file of arrays read as they lie, its terms numbers of one table that
only grows (a term keeps its number from build to build), and its terms' documents and
sums come first in the file, so they are read without the postings
(``RunStore.run(key, stats_only=True)``).
"""
from __future__ import annotations

import os
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .documents import FIELDS

MAGIC = b"cablesite-run 2\n"
_HEAD = struct.Struct("<8sIIQBB")    # table token, documents, terms, postings, packed width, sums
_TABLE_HEAD = "cablesite-terms "
# When the table holds more than twice the terms in use (and this many more), a build
# starts it afresh: terms of cables since removed are never renumbered away otherwise.
STALE_SLACK = 50_000


def term_ids(ids: dict[str, int], terms: list[str]) -> list[int]:
    """The numbers of ``terms`` (distinct) in ``ids``, new ones added: most terms are
    known, so one C loop looks them all up first."""
    out = list(map(ids.get, terms))
    if None in out:
        for k, t in enumerate(terms):
            if out[k] is None:
                out[k] = ids[t] = len(ids)
    return out


class TermTable:
    """Index terms by number, in order of first use; a number never changes.  With a
    ``path``, kept in a text file (a first line naming the table by a random token, then
    a term a line) to which new terms are appended before a run using them is written,
    so no run refers to a number the file lacks; a run names the table it was made with
    (:attr:`token`)."""

    def __init__(self, path: Path | None = None, fresh: bool = False) -> None:
        self.path = path
        self.ids: dict[str, int] = {}
        self.token = os.urandom(8)
        self.saved = 0            # terms in the file
        if path is not None and not fresh:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            text = path.read_bytes().decode("utf-8", "surrogatepass")
        except (OSError, UnicodeDecodeError):
            return
        lines = text.split("\n")
        if not lines[0].startswith(_TABLE_HEAD) or len(lines) < 2:
            return
        try:
            token = bytes.fromhex(lines[0][len(_TABLE_HEAD):])
        except ValueError:
            return
        terms = lines[1:-1]            # the last is empty, or a term cut off mid-line
        if lines[-1]:                  # cut off: the file goes on from its last whole line
            path.write_bytes("\n".join(lines[:-1]).encode("utf-8", "surrogatepass") + b"\n")
        self.token = token
        self.ids = {t: n for n, t in enumerate(terms)}
        self.saved = len(self.ids)

    def save(self) -> None:
        """Append the terms added since the last save (a table without a path keeps none)."""
        if self.path is None or self.saved == len(self.ids):
            return
        new = list(self.ids)[self.saved:]
        data = "".join(t + "\n" for t in new).encode("utf-8", "surrogatepass")
        if self.saved == 0:
            self.path.write_bytes(f"{_TABLE_HEAD}{self.token.hex()}\n".encode() + data)
        else:
            with open(self.path, "ab") as f:
                f.write(data)
        self.saved = len(self.ids)


@dataclass
class Run:
    """A run's postings as ``Postings.part`` gives them, its terms numbered in a table:
    ``gids[t]`` is the table's number of the run's term t.  ``docs`` and ``sums`` are per
    term of the run (``sums`` two a term: see ``Postings.merge_run``); ``term`` (the run's
    number of each posting's term), ``starts``, ``packed``, ``lengths`` and ``norm2`` are
    None when only the stats were read."""
    count: int
    gids: np.ndarray
    docs: np.ndarray
    sums: np.ndarray | None
    term: np.ndarray | None = None
    starts: np.ndarray | None = None
    packed: np.ndarray | None = None
    lengths: np.ndarray | None = None
    norm2: np.ndarray | None = None

    @classmethod
    def from_part(cls, part: tuple, ids: dict[str, int]) -> "Run":
        """``Postings.part``'s tuple, its terms numbered in ``ids`` (new ones added)."""
        vocab, count, term, starts, typecode, packed, lengths, norm2, docs, sums = part
        width = np.uint16 if typecode == "H" else np.uint32
        return cls(count, np.array(term_ids(ids, vocab), dtype=np.uint32),
                   np.frombuffer(docs, dtype=np.uint32),
                   None if sums is None else np.frombuffer(sums, dtype=np.uint64).reshape(-1, 2),
                   np.frombuffer(term, dtype=np.uint32), np.frombuffer(starts, dtype=np.uint32),
                   np.frombuffer(packed, dtype=width), np.frombuffer(lengths, dtype=np.uint32),
                   np.frombuffer(norm2, dtype=np.float64))

    def to_bytes(self, token: bytes) -> bytes:
        head = _HEAD.pack(token, self.count, len(self.gids), len(self.term),
                          self.packed.dtype.itemsize, self.sums is not None)
        arrays = [self.gids, self.docs] + ([self.sums] if self.sums is not None else []) + \
            [self.term, self.starts, self.packed, self.lengths, self.norm2]
        return MAGIC + head + b"".join(a.tobytes() for a in arrays)

    @classmethod
    def from_bytes(cls, data: bytes, token: bytes, stats_only: bool = False) -> "Run | None":
        """The run in ``data`` (all of its file, or its first :func:`stats_size` bytes
        with ``stats_only``); None if it was not made with the table ``token``."""
        if not _made_with(data, token):
            return None
        _, count, nterms, npost, width, has_sums = _HEAD.unpack_from(data, len(MAGIC))
        at = len(MAGIC) + _HEAD.size
        view = memoryview(data)
        shapes = [(np.uint32, nterms), (np.uint32, nterms)] + \
            ([(np.uint64, 2 * nterms)] if has_sums else []) + \
            ([] if stats_only else [(np.uint32, npost), (np.uint32, count),
                                    (np.uint16 if width == 2 else np.uint32, npost),
                                    (np.uint32, count * len(FIELDS)),
                                    (np.float64, count * len(FIELDS))])
        arrays = []
        for dtype, n in shapes:
            arrays.append(np.frombuffer(view, dtype=dtype, count=n, offset=at))
            at += n * np.dtype(dtype).itemsize
        if has_sums:
            arrays[2] = arrays[2].reshape(-1, 2)
        else:
            arrays.insert(2, None)
        return cls(count, *arrays)


def _made_with(data: bytes, token: bytes) -> bool:
    """Whether ``data`` starts with the header of a run made with the table ``token``."""
    return data[:len(MAGIC)] == MAGIC and len(data) >= len(MAGIC) + _HEAD.size and \
        _HEAD.unpack_from(data, len(MAGIC))[0] == token


def stats_size(data: bytes) -> int:
    """How many bytes of a run's file hold its header and its terms' stats."""
    _, _, nterms, _, _, has_sums = _HEAD.unpack_from(data, len(MAGIC))
    return len(MAGIC) + _HEAD.size + nterms * (24 if has_sums else 8)


class RunStore:
    """Runs by key, with the :class:`TermTable` their terms are numbered in: with a
    ``folder`` (the cache), a file a run named by its key in hex, beside the table's
    file ``terms``; runs without a key (a document with no fingerprint) and runs of a
    store without a folder stay in memory for this build.  :meth:`finish` forgets the
    runs this build did not use."""

    def __init__(self, folder: Path | None = None, fresh: bool = False) -> None:
        self.folder = folder
        if folder is not None:
            if fresh:
                shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
        self.table = TermTable(folder / "terms" if folder is not None else None, fresh)
        self.memory: dict[object, Run] = {}
        self.used: set[bytes] = set()
        self.live: int | None = None       # terms in use, once an index has counted them

    def _path(self, key: bytes) -> Path:
        return self.folder / key.hex()

    def kept(self, keys: list[bytes]) -> set[bytes]:
        """Which of these runs the store has, made with its table (kept past :meth:`finish`)."""
        if self.folder is None:
            return set()
        have = set()
        for key in keys:
            try:
                with open(self._path(key), "rb") as f:
                    head = f.read(len(MAGIC) + _HEAD.size)
            except OSError:
                continue
            if _made_with(head, self.table.token):
                have.add(key)
        self.used |= have
        return have

    def put(self, key, part: tuple) -> None:
        """Keep a run's ``Postings.part`` under ``key`` (a run's key in bytes, or anything
        for a run kept in memory only)."""
        run = Run.from_part(part, self.table.ids)
        if self.folder is None or not isinstance(key, bytes):
            self.memory[key] = run
            return
        self.table.save()                    # its new terms first: see TermTable
        tmp = self.folder / f"{key.hex()}.{os.getpid()}.tmp"
        tmp.write_bytes(run.to_bytes(self.table.token))
        tmp.replace(self._path(key))
        self.used.add(key)

    def run(self, key, stats_only: bool = False) -> Run:
        """A run, whole or (``stats_only``) its count and its terms' stats only."""
        if key in self.memory:
            return self.memory[key]
        with open(self._path(key), "rb") as f:
            if stats_only:
                head = f.read(len(MAGIC) + _HEAD.size)
                data = head + f.read(stats_size(head) - len(head))
            else:
                data = f.read()
        run = Run.from_bytes(data, self.table.token, stats_only)
        if run is None:
            raise ValueError(f"{self._path(key)}: not a run of this table; rebuild with --clean")
        return run

    def finish(self, prune: bool = True) -> None:
        """Forget the runs this build did not use (when ``prune``); start the table
        afresh next time once it is mostly stale (see :data:`STALE_SLACK`)."""
        self.memory.clear()
        if self.folder is None or not prune:
            return
        if self.live is not None and len(self.table.ids) > 2 * self.live + STALE_SLACK:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        for f in self.folder.iterdir():
            if f.name != "terms" and _key(f.name) not in self.used:
                f.unlink(missing_ok=True)


def _key(name: str) -> bytes | None:
    """The key a run's file is named by (None: not a run's file)."""
    try:
        return bytes.fromhex(name) if len(name) == 32 else None
    except ValueError:
        return None
