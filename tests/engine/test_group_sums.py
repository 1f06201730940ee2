"""Sums per group: the same to the last bit as a weighted bincount, whichever way they go."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.engine.group_sums import GroupSums, add_at, whole_numbers


def _bincount(group: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    return np.bincount(group, weights=values, minlength=n_groups)


def _sorted_groups(rng: np.random.Generator, n_items: int, n_groups: int) -> np.ndarray:
    return np.sort(rng.integers(0, n_groups, n_items))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_items=st.integers(4096, 20_000),
    n_groups=st.integers(1, 300),
    kind=st.sampled_from(["whole", "fraction", "few fractions", "large", "signed zero", "nan"]),
)
def test_equal_to_bincount_bit_for_bit(seed: int, n_items: int, n_groups: int, kind: str) -> None:
    rng = np.random.default_rng(seed)
    group = _sorted_groups(rng, n_items, n_groups)
    values = rng.poisson(7.0, n_items).astype(np.float64)
    if kind == "fraction":  # not whole: the sums must come the bincount way
        values *= 0.1
    elif kind == "few fractions":  # here and there a value whose sums depend on the order
        values = rng.integers(0, 2**30, n_items).astype(np.float64)
        at = rng.integers(0, n_items, 3)
        values[at] += rng.random(3)
    elif kind == "large":
        values[rng.integers(n_items)] = 2.0**31
    elif kind == "signed zero":
        values[:] = -0.0
    elif kind == "nan":
        values[rng.integers(n_items)] = np.nan
    got = GroupSums(group, n_groups)(values)
    want = _bincount(group, values, n_groups)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, want)
    assert (np.signbit(got) == np.signbit(want)).all()


def test_whole_numbers_take_the_fast_way_and_agree() -> None:
    """Where a pairwise sum and a running sum differ, the fractions go the bincount way."""
    rng = np.random.default_rng(1)
    group = np.repeat(np.arange(100), 100)
    fractions = rng.random(len(group))
    pairwise = np.add.reduceat(fractions, np.arange(0, len(group), 100))
    running = _bincount(group, fractions, 100)
    assert not np.array_equal(pairwise, running)  # the two orders really differ here
    np.testing.assert_array_equal(GroupSums(group, 100)(fractions), running)
    whole = np.floor(fractions * 1000)
    np.testing.assert_array_equal(GroupSums(group, 100)(whole), _bincount(group, whole, 100))


@pytest.mark.parametrize("n_items", [10, 5000])
def test_groups_out_of_order_and_empty_groups(n_items: int) -> None:
    rng = np.random.default_rng(2)
    group = rng.integers(0, 50, n_items) * 2  # odd groups empty, items in no order
    values = rng.poisson(3.0, n_items).astype(np.float64)
    np.testing.assert_array_equal(GroupSums(group, 101)(values), _bincount(group, values, 101))
    ordered = np.sort(group)
    np.testing.assert_array_equal(GroupSums(ordered, 101)(values), _bincount(ordered, values, 101))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_items=st.sampled_from([50, 5000, 20_000]),
    width=st.integers(1, 3000),
    kind=st.sampled_from(["whole", "fraction", "fractional target"]),
)
def test_add_at_equals_numpy_add_at_bit_for_bit(
    seed: int, n_items: int, width: int, kind: str
) -> None:
    rng = np.random.default_rng(seed)
    index = 100 + rng.integers(0, width, n_items)
    values = rng.integers(0, 50, n_items).astype(np.float64)
    if kind == "fraction":
        values *= 0.1
    targets = [np.floor(rng.random(4000) * 1000), np.zeros(4000)]
    if kind == "fractional target":
        targets[0] += 0.3
    want = [t.copy() for t in targets]
    for target in want:
        np.add.at(target, index, values)
    summed = add_at(targets, index, values)
    for got, expected in zip(targets, want, strict=True):
        np.testing.assert_array_equal(got, expected)
    fast = n_items >= 4096 and kind == "whole" and width <= n_items
    assert (summed is not None) == fast
    if summed is not None:
        run, sums = summed
        np.testing.assert_array_equal(
            sums, np.bincount(index - run.start, weights=values, minlength=run.stop - run.start)
        )


def test_whole_numbers() -> None:
    assert whole_numbers(np.array([0.0, -3.0, 2.0**31 - 1]))
    for bad in (0.5, np.nan, np.inf, 2.0**31, -(2.0**31) - 1, 1e12):
        assert not whole_numbers(np.array([1.0, bad]))


def test_runs_holding_a_value_not_whole_are_summed_item_by_item() -> None:
    """Three runs whose pairwise sum differs from the running sum: they must come out as
    bincount has them, while the other runs are summed the fast way."""
    rng = np.random.default_rng(5)
    size, n_groups = 300, 1000
    group = np.repeat(np.arange(n_groups), size)
    values = rng.integers(0, 2**30, len(group)).astype(np.float64)
    chosen: list[int] = []
    for g in range(n_groups):
        run = values[g * size : (g + 1) * size]
        fractions = run.copy()
        fractions[:5] += rng.random(5)
        if np.add.reduce(fractions) != np.cumsum(fractions)[-1]:
            run[:] = fractions
            chosen.append(g)
        if len(chosen) == 3:
            break
    assert len(chosen) == 3
    np.testing.assert_array_equal(
        GroupSums(group, n_groups)(values), _bincount(group, values, n_groups)
    )
