"""Finding positions by node and SKU."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.network.positions import PositionIndex


@settings(max_examples=50, deadline=None)
@given(
    carried=st.lists(st.lists(st.booleans(), min_size=4, max_size=4), max_size=8),
    order=st.randoms(use_true_random=False),
)
def test_finds_every_position_and_only_those(
    carried: list[list[bool]], order: random.Random
) -> None:
    pairs = [(n, k) for n, row in enumerate(carried) for k, has in enumerate(row) if has]
    order.shuffle(pairs)  # positions in any order of node and SKU
    pos_node = np.asarray([n for n, _ in pairs], dtype=np.int64)
    pos_sku = np.asarray([k for _, k in pairs], dtype=np.int64)
    index = PositionIndex(pos_node, pos_sku, 4)
    wanted = [(n, k) for n in range(len(carried) + 1) for k in range(4)]
    found = index.find(np.asarray([n for n, _ in wanted]), np.asarray([k for _, k in wanted]))
    for pair, at in zip(wanted, found.tolist(), strict=True):
        assert at == (pairs.index(pair) if pair in pairs else -1)
    if pairs:  # one node against many SKUs broadcasts
        node = pairs[0][0]
        np.testing.assert_array_equal(
            index.find(node, np.arange(4)), [int(index.find(node, k)) for k in range(4)]
        )
