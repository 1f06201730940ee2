"""Sums of per-item values per group (per node of each stream, say), as ``np.bincount`` gives
them, taken the fast way where the result is provably the same.

A weighted ``bincount`` adds item by item into its bins: about 3 ms for a million items. Where
each group's items are consecutive, ``np.add.reduceat`` sums the runs in a fraction of that,
but in another order (pairwise), so in general not to the same last bit. Whole numbers below
2**31, fewer than 2**22 of them, sum exactly in float64 in any order, so for them the two agree
exactly; checking that costs less than the difference.
"""

from __future__ import annotations

import numpy as np

_MIN_ITEMS = 4096
"""Below this a ``bincount`` is as fast as the check."""
_MAX_ITEMS = 1 << 22
"""Up to this many whole values below 2**31 sum to less than 2**53: exact in float64."""


class GroupSums:
    """``values`` summed per group of ``group`` (one group index per item, ``n_groups`` groups)."""

    def __init__(self, group: np.ndarray, n_groups: int) -> None:
        self.group = group
        self.n_groups = n_groups
        n = len(group)
        grouped = n >= _MIN_ITEMS and n <= _MAX_ITEMS and bool((np.diff(group) >= 0).all())
        # Where each group's items are consecutive: the first item of each run, and its group.
        self._starts: np.ndarray | None = None
        self._run_group = np.zeros(0, dtype=np.intp)
        if grouped:
            self._starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
            self._run_group = group[self._starts]

    def __call__(self, values: np.ndarray) -> np.ndarray:
        """The sums per group, float64, equal to ``np.bincount(group, weights=values,
        minlength=n_groups)``."""
        if self._starts is not None and _whole(values):
            out = np.zeros(self.n_groups)
            # + 0.0: a run of -0.0 sums to -0.0, where bincount's bins start at +0.0.
            out[self._run_group] = np.add.reduceat(values, self._starts) + 0.0
            return out
        return np.bincount(self.group, weights=values, minlength=self.n_groups)


def _whole(values: np.ndarray) -> bool:
    """Whether every value is a whole number of magnitude below 2**31 (NaN and inf are not)."""
    with np.errstate(invalid="ignore"):  # NaN, inf and large values cast to garbage: unequal
        return bool((values.astype(np.int32) == values).all())
