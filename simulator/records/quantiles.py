"""Quantiles of many values per group without keeping the values: counts of distinct values.

Order-line cycle times on the daily path take a handful of distinct values per node (whole days,
plus the fraction of a day an order waits for the close), so counting each distinct value per
group keeps every quantile exact in a few kilobytes where a log of the lines would take tens of
bytes per line. A group whose values are all different (the event path's continuous times)
would make the counts as large as the log: past :data:`MAX_DISTINCT` distinct values, a group
keeps each value rounded to a logarithmic bucket instead (as in DDSketch), so its quantiles are
within :data:`RELATIVE_ERROR` of the exact ones, relative to their value. Values that recur
are counted through a small table (:mod:`simulator.records.recurring`), the rest by sorting.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.records.recurring import RecurringValues

MAX_DISTINCT = 2048
"""Distinct values a group counts exactly; past this its values are rounded to buckets."""
RELATIVE_ERROR = 0.005
"""Largest error of a rounded group's quantile, relative to the exact quantile (0.5 %)."""
_GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR)
_LOG_GAMMA = math.log(_GAMMA)
_PENDING = 1 << 20  # values buffered before they are merged into the counts


def bucketed(values: np.ndarray) -> np.ndarray:
    """Each value replaced by the middle of its logarithmic bucket (0 stays 0).

    Buckets are ``(g^(i-1), g^i]`` with ``g = (1 + a) / (1 - a)``; the point
    ``2 g^i / (1 + g)`` is within ``a`` (:data:`RELATIVE_ERROR`) of every value in the bucket,
    relative to that value, and the rounding keeps the order of the values.
    """
    x = np.asarray(values, dtype=np.float64)
    out = np.zeros(x.shape)
    positive = x > 0
    index = np.ceil(np.log(x[positive]) / _LOG_GAMMA)
    out[positive] = 2.0 * np.exp(index * _LOG_GAMMA) / (1.0 + _GAMMA)
    return out.astype(np.float32)


class GroupedQuantiles:
    """Counts of distinct non-negative float32 values per group (0 .. n_groups-1).

    Each distinct value of a group is one 64-bit key (the group in the high half, the value's
    float32 bits in the low half, which sort like the values themselves) with a count.
    """

    def __init__(self, n_groups: int) -> None:
        self.n_groups = n_groups
        self.rounded = np.zeros(n_groups, dtype=bool)  # groups past MAX_DISTINCT
        self._keys = np.empty(0, dtype=np.uint64)  # sorted, unique
        self._counts = np.empty(0, dtype=np.int64)
        self._pending: list[np.ndarray] = []
        self._n_pending = 0  # values added since the last merge
        self._recurring = RecurringValues(n_groups)  # most of them, where values recur

    def add(self, groups: np.ndarray, values: np.ndarray) -> None:
        """Count ``values`` (>= 0) in their ``groups``."""
        if len(values) == 0:
            return
        v = np.asarray(values, dtype=np.float32) + np.float32(0.0)  # -0.0 becomes 0.0
        g = np.asarray(groups, dtype=np.int64)
        if self.rounded.any():
            r = self.rounded[g]
            v[r] = bucketed(v[r])
        if self._recurring.active:
            left = ~self._recurring.count(g, v.view(np.uint32))
            if left.any():
                self._pending.append(self._key(g[left], v[left]))
        else:
            self._pending.append(self._key(g, v))
        self._n_pending += len(v)
        if self._n_pending >= _PENDING:
            self._merge()

    @staticmethod
    def _key(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
        bits = values.view(np.uint32).astype(np.uint64)
        return (groups.astype(np.uint64) << np.uint64(32)) | bits

    def _merge(self) -> None:
        """Fold the buffered values into the counts; round the groups that grew too varied."""
        if not self._n_pending:
            return
        # (An empty key array leads the list: the table may have counted every value.)
        pending, seen = np.unique(
            np.concatenate([self._keys[:0], *self._pending]), return_counts=True
        )
        group, bits, counts = self._recurring.drain()
        pending, seen = _merged(pending, seen, self._key(group, bits.view(np.float32)), counts)
        self._pending, self._n_pending = [], 0
        self._keys, self._counts = _merged(self._keys, self._counts, pending, seen)
        group = (self._keys >> np.uint64(32)).astype(np.int64)
        distinct = np.bincount(group, minlength=self.n_groups)
        grown = (distinct > MAX_DISTINCT) & ~self.rounded
        if grown.any():
            self.rounded |= grown
            move = grown[group]
            low = (self._keys[move] & np.uint64(0xFFFFFFFF)).astype(np.uint32).view(np.float32)
            self._keys[move] = self._key(group[move], bucketed(low))
            self._keys, self._counts = _unique_counts(self._keys, self._counts)

    def counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every (group, value, count) counted so far, sorted by group then value."""
        self._merge()
        group = (self._keys >> np.uint64(32)).astype(np.int64)
        low = (self._keys & np.uint64(0xFFFFFFFF)).astype(np.uint32).view(np.float32)
        return group, low.astype(np.float64), self._counts

    def quantile(self, ids: np.ndarray, n_ids: int, q: float) -> np.ndarray:
        """Quantile ``q`` of the values of each id, where group ``g`` belongs to ``ids[g]``
        (-1: to none), by ``np.quantile``'s linear method; NaN for an id without values.

        Exact where every group of the id counts its values exactly; otherwise within
        :data:`RELATIVE_ERROR` of the exact quantile (rounding keeps the values' order, so
        each order statistic moves by at most that share, and so does a mix of two).
        """
        group, value, count = self.counts()
        owner = ids[group]
        keep = owner >= 0
        owner, value, count = owner[keep], value[keep], count[keep]
        total = np.bincount(owner, weights=count, minlength=n_ids).astype(np.int64)
        order = np.lexsort((value, owner))
        value, count = value[order], count[order]
        offset = np.cumsum(total) - total
        cum = np.cumsum(count)
        out = np.full(n_ids, np.nan)
        has = total > 0
        rank = q * (total[has] - 1)
        low, high = np.floor(rank).astype(np.int64), np.ceil(rank).astype(np.int64)
        below = value[np.searchsorted(cum, offset[has] + low, side="right")]
        above = value[np.searchsorted(cum, offset[has] + high, side="right")]
        out[has] = below + (rank - low) * (above - below)
        return out


def _merged(
    keys: np.ndarray, counts: np.ndarray, more: np.ndarray, more_counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct ``keys`` with their counts, and ``more`` of the same kind, merged: the
    keys seen before add to their counts (in place), the new ones are inserted in order (a
    merge of sorted arrays; sorting them together again cost as much as counting the new
    values)."""
    at = np.searchsorted(keys, more)
    known = at < len(keys)
    known[known] = keys[at[known]] == more[known]
    counts[at[known]] += more_counts[known]
    new = ~known
    if not new.any():
        return keys, counts
    return np.insert(keys, at[new], more[new]), np.insert(counts, at[new], more_counts[new])


def _unique_counts(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct keys and the summed counts of each."""
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, np.bincount(inverse, weights=counts, minlength=len(unique)).astype(np.int64)
