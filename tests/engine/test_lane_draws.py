"""Lane transit times handed out in batches: each lane's shipments get its stream's values in
order, however the shipments are batched."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine.lane_draws import LaneDraws, row_width
from simulator.network.streams import RandomStreams
from simulator.scenario.distributions import Constant, Exponential, UniformInt

DISTS = (
    UniformInt(low=1, high=9),
    Constant(value=2.0),
    Exponential(mean=3),
    UniformInt(low=0, high=100),
)
NAMES = tuple(f"leadtime/l{k}" for k in range(len(DISTS)))


WIDTH = row_width(len(DISTS) - 1)  # the random lanes' blocks


def stream_values(lane: int, n: int) -> list[float]:
    """The first ``n`` values of the lane's stream, drawn in blocks of ``WIDTH``."""
    dist = DISTS[lane]
    if isinstance(dist, Constant):
        return [dist.value] * n
    rng = RandomStreams(7).stream(NAMES[lane])
    blocks = [dist.sample(rng, WIDTH) for _ in range(n // WIDTH + 1)]
    return np.concatenate(blocks)[:n].tolist()


batches = st.lists(
    st.one_of(
        st.lists(st.integers(0, len(DISTS) - 1), max_size=3 * WIDTH),  # a batch, lanes repeat
        st.integers(0, len(DISTS) - 1),  # one shipment on its own
    ),
    max_size=12,
)


@given(batches)
def test_each_lane_gets_its_streams_values_in_order(calls: list[list[int] | int]) -> None:
    draws = LaneDraws(DISTS, NAMES, RandomStreams(7).streams)
    got: dict[int, list[float]] = {lane: [] for lane in range(len(DISTS))}
    for call in calls:
        if isinstance(call, int):
            got[call].append(draws.take_one(call))
        else:
            taken = draws.take(np.asarray(call, dtype=np.int64)).tolist()
            for lane, value in zip(call, taken, strict=True):
                got[lane].append(value)
    for lane, values in got.items():
        assert values == stream_values(lane, len(values)), f"lane {lane}"


def test_rows_narrow_for_many_lanes_to_bound_memory() -> None:
    assert row_width(1_000) == 128
    for lanes in (100_000, 300_000):
        assert 16 <= row_width(lanes) < 128
        assert row_width(lanes) * lanes <= 2**23
    assert row_width(10**7) == 16  # never narrower
