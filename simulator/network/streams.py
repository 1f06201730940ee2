"""Named random streams: one generator per consumer, derived from the run seed and a stable name.

A stream's draws depend only on ``(seed, name)``, never on how many other streams exist or in
which order they are created. Adding a node or a SKU therefore does not shift any other entity's
randomness, which is what makes common random numbers work across variants of a network.

A stream is numpy's PCG64 seeded by ``SeedSequence(seed, spawn_key=(k1, k2))``, with ``(k1, k2)``
a hash of the name. :meth:`RandomStreams.streams` derives many at once: it runs numpy's
seed-sequence mixing on arrays (one pass for all names) and hands each generator its finished
state, which gives the very generators of :meth:`RandomStreams.stream` at a tenth of the cost.
(Making a generator from its state costs less than setting the state of one generator again
and again: numpy's state setter takes the 128-bit state as Python integers.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence
from numpy.typing import NDArray

# numpy's SeedSequence constants (a pool of 4 words of 32 bits).
_POOL = 4
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_SHIFT = 16
_Words = NDArray[np.uint32]


def _digest(name: str) -> bytes:
    """The name's hash: two 64-bit words, little-endian."""
    return hashlib.blake2b(name.encode(), digest_size=16).digest()


def _name_key(name: str) -> tuple[int, int]:
    digest = _digest(name)
    return int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little")


def _name_keys(names: Sequence[str]) -> NDArray[np.uint64]:
    """:func:`_name_key` of every name, one row each (read from the hashes at once)."""
    joined = b"".join([_digest(name) for name in names])
    return np.frombuffer(joined, dtype="<u8").astype(np.uint64).reshape(-1, 2)


class RandomStreams:
    """Factory of independent generators keyed by name, e.g. ``demand/zone-17/sku-3``."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def stream(self, name: str) -> np.random.Generator:
        """A fresh generator for ``name``; the same name always gives the same sequence."""
        sequence = np.random.SeedSequence(self.seed, spawn_key=_name_key(name))
        return np.random.Generator(np.random.PCG64(sequence))

    def streams(self, names: Sequence[str]) -> list[np.random.Generator]:
        """Fresh generators for ``names``, each the one :meth:`stream` gives, made together."""
        keys = _name_keys(names)
        # A key below 2**32 is one word, not two (probability 2**-32 a name): made one by one.
        long_key = np.asarray((keys >> np.uint64(32)).min(axis=1) > 0)
        short = np.flatnonzero(~long_key).tolist()
        out: list[np.random.Generator | None] = [None] * len(names)
        for i in short:
            out[i] = self.stream(names[i])
        batch = np.flatnonzero(long_key)
        words: list[int | _Words] = [*_words(self.seed)]
        words += [*_key_words(keys[batch, 0]), *_key_words(keys[batch, 1])]
        states = _generate_state(_mix_entropy(words, len(batch)))
        for i, state in zip(batch.tolist(), states, strict=True):
            # PCG64 takes any seed sequence (numpy's stubs say SeedSequence only).
            out[i] = np.random.Generator(np.random.PCG64(_Seeded(state)))  # type: ignore[arg-type]
        return out  # type: ignore[return-value]  # every entry is set by now


def _words(value: int) -> list[int]:
    """A non-negative integer as numpy's seed sequence reads it: 32-bit words, low first,
    padded to the pool size (there is a spawn key)."""
    words = [value & 0xFFFFFFFF] if value == 0 else []
    while value > 0:
        words.append(value & 0xFFFFFFFF)
        value >>= 32
    return words + [0] * (_POOL - len(words))


def _key_words(key: np.ndarray) -> list[np.ndarray]:
    """The two 32-bit words of 64-bit keys, low first."""
    return [
        (key & np.uint64(0xFFFFFFFF)).astype(np.uint32),
        (key >> np.uint64(32)).astype(np.uint32),
    ]


def _hashmix(value: _Words, const: list[int]) -> _Words:
    value = value ^ np.uint32(const[0])
    const[0] = (const[0] * _MULT_A) & 0xFFFFFFFF
    value = value * np.uint32(const[0])
    return value ^ (value >> np.uint32(_SHIFT))


def _mix(x: _Words, y: _Words) -> _Words:
    result: _Words = x * np.uint32(_MIX_L) - y * np.uint32(_MIX_R)
    return result ^ (result >> np.uint32(_SHIFT))


def _mix_entropy(words: list[int | _Words], n: int) -> list[_Words]:
    """numpy's ``SeedSequence.mix_entropy`` for ``n`` names at once (word ``i`` of each entropy
    is ``words[i]``, a number for all names or an array per name)."""
    entropy = [np.broadcast_to(np.asarray(w, dtype=np.uint32), n) for w in words]
    const = [_INIT_A]
    pool = [_hashmix(entropy[i], const) for i in range(_POOL)]
    for i_src in range(_POOL):
        for i_dst in range(_POOL):
            if i_src != i_dst:
                pool[i_dst] = _mix(pool[i_dst], _hashmix(pool[i_src], const))
    for word in entropy[_POOL:]:
        for i_dst in range(_POOL):
            pool[i_dst] = _mix(pool[i_dst], _hashmix(word, const))
    return pool


def _generate_state(pool: list[_Words]) -> NDArray[np.uint64]:
    """numpy's ``SeedSequence.generate_state(4, uint64)``, one row per name."""
    const = _INIT_B
    out = np.empty((len(pool[0]), 2 * _POOL), dtype=np.uint32)
    for i in range(2 * _POOL):
        value = pool[i % _POOL] ^ np.uint32(const)
        const = (const * _MULT_B) & 0xFFFFFFFF
        value = value * np.uint32(const)
        out[:, i] = value ^ (value >> np.uint32(_SHIFT))
    return out.astype("<u4").view("<u8").astype(np.uint64)


class _Seeded(ISeedSequence):
    """A seed sequence whose state is already generated: what PCG64 asks of it."""

    def __init__(self, state: np.ndarray) -> None:
        self._state = state

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> NDArray[np.uint64]:
        """The state, whatever is asked: PCG64 asks for its 4 words of 64 bits (checking the
        arguments here took longer than making the generator)."""
        return self._state
