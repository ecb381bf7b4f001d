"""A 64-bit hash of numbers, a numpy array at a time: splitmix64's finaliser.  It picks
the marks where lists of numbered items are cut (``pagecuts.number_marks``), chains the
facts of the cables' fingerprints (``cableprints``) and sums to the identities of the
search index's tiers (``search.tiers.identities``)."""
from __future__ import annotations

import numpy as np

_U = np.uint64


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser on each number (uint64; a new array): every bit of the
    result depends on every bit of the input."""
    x = x ^ (x >> _U(30))
    x *= _U(0xBF58476D1CE4E5B9)
    x ^= x >> _U(27)
    x *= _U(0x94D049BB133111EB)
    return x ^ (x >> _U(31))
