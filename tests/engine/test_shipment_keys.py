"""A day's shipment keys grouped as ``np.unique`` groups them, with few keys or many."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine.shipping import _distinct, _grouped


@given(st.lists(st.integers(-50, 400), min_size=1, max_size=80))
def test_keys_are_grouped_as_unique_groups_them(values: list[int]) -> None:
    key = np.asarray(values, dtype=np.int64)
    keys, member = _grouped(key)
    expected_keys, expected_member = np.unique(key, return_inverse=True)
    assert keys.tolist() == expected_keys.tolist() and keys.dtype == np.int64
    assert member.tolist() == expected_member.tolist()


@given(st.lists(st.floats(0, 400, allow_nan=False), min_size=1, max_size=40))
def test_distinct_values_are_uniques(values: list[float]) -> None:
    assert _distinct(np.asarray(values)).tolist() == np.unique(values).tolist()
