"""Counts of values that recur, per group, by a small hash table instead of a sort.

The daily path's order lines take a handful of distinct cycle times a day, a hundred million
lines a year at a million streams. Sorting them to count the distinct values was most of the
cost of keeping cycle-time quantiles; looking each value up in a table of the few values seen
so far costs a few array passes. Values the table does not hold (a new value once the table is
full, or one whose slot another value took) are left to the caller's sort, so the counts stay
exact whatever the values.
"""

from __future__ import annotations

import numpy as np

VALUES = 64
"""Distinct values the table holds; counts per group and value take ``groups x VALUES``."""
_SLOT_BITS = 12  # 4,096 hash slots: the values rarely share one
_MULTIPLIER = np.uint32(0x9E3779B1)  # Fibonacci hashing: the top bits of bits x this
_MIN_HITS = 0.5  # share of values found below which a full table stops looking


class RecurringValues:
    """Counts per (group, value) of the values found in a table of recurring float32 values."""

    def __init__(self, n_groups: int) -> None:
        self.n_groups = n_groups
        self.active = True  # False once the values do not recur (continuous times)
        self._value_of_slot = np.full(1 << _SLOT_BITS, -1, dtype=np.int64)
        self._bits = np.zeros(VALUES, dtype=np.uint32)  # each value's float32 bits
        self._n_values = 0
        self._counts = np.zeros(n_groups * VALUES, dtype=np.int64)

    def count(self, groups: np.ndarray, bits: np.ndarray) -> np.ndarray:
        """Count the values (float32 ``bits``) the table holds; returns which were counted."""
        slots = (bits * _MULTIPLIER) >> np.uint32(32 - _SLOT_BITS)
        value, found = self._look_up(slots, bits)
        if not found.all() and self._n_values < VALUES:
            self._learn(bits[~found], slots[~found])
            value, found = self._look_up(slots, bits)
        if found.all():  # as usual: no subsets to take
            np.add.at(self._counts, groups * VALUES + value, 1)
            return found
        if self._n_values == VALUES and np.count_nonzero(found) < _MIN_HITS * len(found):
            self.active = False
        np.add.at(self._counts, groups[found] * VALUES + value[found], 1)
        return found

    def _look_up(self, slots: np.ndarray, bits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        value = self._value_of_slot[slots]
        found = value >= 0
        found[found] = self._bits[value[found]] == bits[found]
        return value, found

    def _learn(self, bits: np.ndarray, slots: np.ndarray) -> None:
        """Take new values into free slots while there is room."""
        new, first = np.unique(bits, return_index=True)
        for b, slot in zip(new.tolist(), slots[first].tolist(), strict=True):
            if self._n_values == VALUES:
                return
            if self._value_of_slot[slot] < 0:
                self._value_of_slot[slot] = self._n_values
                self._bits[self._n_values] = b
                self._n_values += 1

    def drain(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The counts so far as (group, float32 bits, count), sorted by group then value, and
        zero them."""
        at = np.flatnonzero(self._counts)
        group, value = np.divmod(at, VALUES)
        bits = self._bits[value]
        order = np.lexsort((bits, group))
        counts = self._counts[at[order]]
        self._counts[at] = 0
        return group[order], bits[order], counts
