"""Named random streams: one generator per consumer, derived from the run seed and a stable name.

A stream's draws depend only on ``(seed, name)``, never on how many other streams exist or in
which order they are created. Adding a node or a SKU therefore does not shift any other entity's
randomness, which is what makes common random numbers work across variants of a network.
"""

from __future__ import annotations

import hashlib

import numpy as np


def _name_key(name: str) -> tuple[int, int]:
    digest = hashlib.blake2b(name.encode(), digest_size=16).digest()
    return int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little")


class RandomStreams:
    """Factory of independent generators keyed by name, e.g. ``demand/zone-17/sku-3``."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def stream(self, name: str) -> np.random.Generator:
        """A fresh generator for ``name``; the same name always gives the same sequence."""
        sequence = np.random.SeedSequence(self.seed, spawn_key=_name_key(name))
        return np.random.Generator(np.random.PCG64(sequence))
