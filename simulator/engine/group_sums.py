"""Sums per group or per index taken the fast way, where the result is provably the same.

A weighted ``bincount`` adds item by item into its bins: about 3 ms for a million items. Where
each group's items are consecutive, ``np.add.reduceat`` sums the runs in a fraction of that,
but in another order (pairwise), so in general not to the same last bit. Likewise ``np.add.at``
adds item by item into its target, where summing per index first and adding the sums touches
the target once per index. Whole numbers below 2**31, fewer than 2**22 of them, sum exactly in
float64 in any order, so for them the ways agree exactly; checking that costs less than the
difference.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MIN_ITEMS = 4096
"""Below this a ``bincount`` (or ``np.add.at``) is as fast as the check."""
MAX_ITEMS = 1 << 22
"""Up to this many whole values below 2**31 sum to less than 2**53: exact in float64."""
_FEW_ODD = 64
"""Runs with a value that is not whole, summed one by one while at most 1 in this many."""


class GroupSums:
    """``values`` summed per group of ``group`` (one group index per item, ``n_groups`` groups)."""

    def __init__(self, group: np.ndarray, n_groups: int) -> None:
        self.group = group
        self.n_groups = n_groups
        n = len(group)
        grouped = n >= MIN_ITEMS and n <= MAX_ITEMS and bool((np.diff(group) >= 0).all())
        # Where each group's items are consecutive: the first item of each run, and its group.
        self._starts: np.ndarray | None = None
        self._run_group = np.zeros(0, dtype=np.intp)
        if grouped:
            self._starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
            self._run_group = group[self._starts]

    def __call__(self, values: np.ndarray) -> np.ndarray:
        """The sums per group, float64, equal to ``np.bincount(group, weights=values,
        minlength=n_groups)``.

        Runs of whole numbers are summed by ``reduceat``; the few runs holding another value
        (a share of a short stock, say) are summed item by item, as ``bincount`` sums them.
        """
        starts = self._starts
        if starts is None:
            return np.bincount(self.group, weights=values, minlength=self.n_groups)
        odd = np.flatnonzero(~_whole(values))
        odd_runs = np.unique(np.searchsorted(starts, odd, side="right") - 1)
        if len(odd_runs) > len(starts) // _FEW_ODD:
            return np.bincount(self.group, weights=values, minlength=self.n_groups)
        out = np.zeros(self.n_groups)
        # + 0.0: a run of -0.0 sums to -0.0, where bincount's bins start at +0.0.
        out[self._run_group] = np.add.reduceat(values, starts) + 0.0
        ends = np.append(starts[1:], len(values))
        for run in odd_runs.tolist():
            out[self._run_group[run]] = np.cumsum(values[starts[run] : ends[run]])[-1] + 0.0
        return out


def whole_numbers(values: np.ndarray) -> bool:
    """Whether every value is a whole number of magnitude below 2**31 (NaN and inf are not)."""
    return bool(_whole(values).all())


def _whole(values: np.ndarray) -> np.ndarray:
    """Which values are whole numbers of magnitude below 2**31."""
    with np.errstate(invalid="ignore"):  # NaN, inf and large values cast to garbage: unequal
        return values.astype(np.int32) == values


def run_sums(
    index: np.ndarray, values: np.ndarray, run: slice | None = None
) -> tuple[slice, np.ndarray]:
    """``values`` summed per index over the run of indices ``index`` spans (``run``, if known):
    that run as a slice and the sums (those of ``np.bincount``). A day's lines of one tier
    touch a narrow run of a million positions; updating only it spares passes over all."""
    run = index_run(index) if run is None else run
    low = run.start
    sums = np.bincount(index - low if low else index, weights=values, minlength=run.stop - low)
    return run, sums


def index_run(index: np.ndarray) -> slice:
    """The run of indices from the smallest of ``index`` to its largest (empty: none)."""
    if len(index) == 0:
        return slice(0, 0)
    return slice(int(index.min()), int(index.max()) + 1)


def add_at(
    targets: Sequence[np.ndarray], index: np.ndarray, values: np.ndarray
) -> tuple[slice, np.ndarray] | None:
    """``np.add.at(target, index, values)`` for each target. Where many values of whole numbers
    go to a narrow run of indices (of whole-numbered targets), they are summed per index first:
    returns that run and its sums; else adds line by line and returns None."""
    if MIN_ITEMS <= len(index) <= MAX_ITEMS and whole_numbers(values):
        run = index_run(index)
        if run.stop - run.start <= len(index) and all(whole_numbers(t[run]) for t in targets):
            run, sums = run_sums(index, values, run)
            for target in targets:
                target[run] += sums
            return run, sums
    for target in targets:
        np.add.at(target, index, values)
    return None
