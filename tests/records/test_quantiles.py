"""Cycle-time counts per group: exact quantiles while values repeat, a stated bound after."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.records import quantiles
from simulator.records.quantiles import (
    MAX_DISTINCT,
    RELATIVE_ERROR,
    GroupedQuantiles,
    bucketed,
)

# float32 rounding of a bucket's middle adds up to one float32 ulp to the bucket's bound
BOUND = RELATIVE_ERROR + 2 * float(np.finfo(np.float32).eps)


def _numpy_quantile(groups: np.ndarray, values: np.ndarray, group: int, q: float) -> float:
    return float(np.quantile(values[groups == group].astype(np.float32).astype(np.float64), q))


@pytest.mark.parametrize("q", [0.0, 0.25, 0.5, 0.95, 1.0])
def test_repeated_values_give_numpys_quantile_exactly(
    q: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quantiles, "_PENDING", 500)  # merge many times on the way
    rng = np.random.default_rng(1)
    groups = rng.integers(0, 5, 4000)
    values = rng.integers(0, 9, 4000) + rng.choice([0.0, 0.01, 0.5], 4000)
    counts = GroupedQuantiles(6)
    for part in np.array_split(np.arange(4000), 13):
        counts.add(groups[part], values[part])
    got = counts.quantile(np.arange(6), 6, q)
    for g in range(5):
        assert got[g] == _numpy_quantile(groups, values, g, q)
    assert np.isnan(got[5])  # no values
    assert not counts.rounded.any()


@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 3), st.sampled_from([0.0, 0.5, 1.0, 2.25, 7.0]))),
        max_size=8,
    )
)
def test_counts_are_those_of_every_value_added(chunks: list[list[tuple[int, float]]]) -> None:
    """However the values come in chunks and merges, the counts are those of all of them."""
    counts = GroupedQuantiles(4)
    original = quantiles._PENDING
    quantiles._PENDING = 3  # merge after nearly every chunk
    try:
        for chunk in chunks:
            counts.add(np.array([g for g, _ in chunk], dtype=np.int64), [v for _, v in chunk])
    finally:
        quantiles._PENDING = original
    group, value, count = counts.counts()
    every = sorted(pair for chunk in chunks for pair in chunk)
    expected = sorted({pair: every.count(pair) for pair in every}.items())
    pairs = zip(group.tolist(), value.tolist(), strict=True)
    got = list(zip(pairs, count.tolist(), strict=True))
    assert got == expected


@pytest.mark.parametrize("distinct", [3, 300, None])  # few, more than the table, continuous
@pytest.mark.parametrize("pending", [700, 1 << 20])
def test_counts_are_exact_whether_or_not_values_recur(
    distinct: int | None, pending: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table of recurring values and the sort count the same: every (group, value) pair
    as often as it was added, with the table full, bypassed or unused."""
    monkeypatch.setattr(quantiles, "_PENDING", pending)
    rng = np.random.default_rng(distinct or 0)
    n = 10_000  # continuous: fewer than MAX_DISTINCT a group, so none is rounded
    groups = rng.integers(0, 7, n)
    if distinct is None:
        values = rng.exponential(3.0, n)
    else:
        values = rng.choice(rng.exponential(3.0, distinct), n)
    counts = GroupedQuantiles(7)
    for part in np.array_split(np.arange(n), 9):
        counts.add(groups[part], values[part])
    group, value, count = counts.counts()
    pairs = np.rec.fromarrays([groups, values.astype(np.float32).astype(np.float64)])
    expected, times = np.unique(pairs, return_counts=True)
    assert group.tolist() == expected.f0.tolist()
    assert value.tolist() == expected.f1.tolist()
    assert count.tolist() == times.tolist()


def test_groups_are_merged_into_ids_and_unmapped_groups_dropped() -> None:
    rng = np.random.default_rng(2)
    groups = rng.integers(0, 4, 1000)
    values = rng.integers(1, 30, 1000).astype(float)
    counts = GroupedQuantiles(4)
    counts.add(groups, values)
    ids = np.array([0, 0, 1, -1])  # groups 0 and 1 form id 0, group 2 is id 1, group 3 none
    got = counts.quantile(ids, 2, 0.95)
    assert got[0] == np.quantile(values[groups <= 1], 0.95)
    assert got[1] == np.quantile(values[groups == 2], 0.95)


def test_bucket_middles_are_within_the_bound_and_keep_the_order() -> None:
    x = np.sort(np.random.default_rng(3).lognormal(0.0, 3.0, 100_000))
    rounded = bucketed(x).astype(np.float64)
    assert np.all(np.abs(rounded - x) <= BOUND * x)
    assert np.all(np.diff(rounded) >= 0)
    assert bucketed(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("q", [0.05, 0.5, 0.95])
def test_varied_values_are_rounded_within_the_stated_bound(q: float) -> None:
    rng = np.random.default_rng(4)
    n = 20 * MAX_DISTINCT
    groups = np.repeat([0, 1], n // 2)
    values = np.concatenate([rng.exponential(3.0, n // 2), rng.integers(1, 4, n // 2)])
    counts = GroupedQuantiles(2)
    for part in np.array_split(np.arange(n), 7):
        counts.add(groups[part], values[part])
    got = counts.quantile(np.arange(2), 2, q)
    assert counts.rounded.tolist() == [True, False]  # only the continuous group
    exact = _numpy_quantile(groups, values, 0, q)
    assert abs(got[0] - exact) <= BOUND * exact
    assert got[1] == _numpy_quantile(groups, values, 1, q)
    # A group of both kinds: every value within the bound, so every quantile too.
    both = counts.quantile(np.zeros(2, dtype=np.int64), 1, q)[0]
    exact_both = float(np.quantile(values.astype(np.float32).astype(np.float64), q))
    assert abs(both - exact_both) <= BOUND * exact_both


def test_negative_zero_counts_as_zero() -> None:
    counts = GroupedQuantiles(1)
    counts.add(np.zeros(2, dtype=np.int64), np.array([-0.0, 0.0]))
    _, value, count = counts.counts()
    assert value.tolist() == [0.0] and count.tolist() == [2]


def test_ids_whose_groups_interleave_get_their_own_values() -> None:
    # Groups 0 and 2 form id 0, group 1 id 1: the ids' values are not contiguous in the counts.
    counts = GroupedQuantiles(3)
    counts.add(
        np.array([0] * 90 + [1] * 50 + [2] * 10), np.array([1.0] * 90 + [9.0] * 50 + [2.0] * 10)
    )
    got = counts.quantile(np.array([0, 1, 0]), 2, 0.95)
    assert got.tolist() == [2.0, 9.0]
