"""Customers' backorders: the streams known to wait are every stream with units waiting."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.engine.backorders import CustomerBackorders

N_STREAMS = 12
_STEP: st.SearchStrategy[tuple[str, list[int]]] = st.one_of(
    st.tuples(st.just("add"), st.lists(st.integers(0, N_STREAMS - 1), max_size=4)),
    st.tuples(st.just("serve"), st.lists(st.integers(0, N_STREAMS - 1), max_size=4)),
    st.tuples(st.just("age"), st.just([])),
    st.tuples(st.just("add one"), st.lists(st.integers(0, N_STREAMS - 1), max_size=1)),
)


@settings(max_examples=80, deadline=None)
@given(steps=st.lists(_STEP, max_size=25), patience=st.sampled_from([np.inf, 2.0]))
def test_waiting_streams_cover_every_stream_that_waits(
    steps: list[tuple[str, list[int]]], patience: float
) -> None:
    stream_pos = np.arange(N_STREAMS) + 3  # each stream its own position, after 3 others
    backorders = CustomerBackorders(stream_pos, np.full(N_STREAMS, patience), N_STREAMS + 3)
    for kind, streams in steps:
        if kind == "add":
            units = np.zeros(N_STREAMS)
            units[streams] = 1.5
            backorders.add(units)
        elif kind == "serve":  # as the stores' service does: take from rows, recount
            served = np.unique(np.asarray(streams, dtype=np.int64))
            for _, row in backorders.oldest_first(backorders.waiting_streams()):
                row[served] = 0.0
            backorders.recount(served)
        elif kind == "age":
            backorders.age_one_day()
        elif streams:
            backorders.add_one(streams[0], 2.0)
        waiting = np.flatnonzero(backorders.units.any(axis=0))
        assert set(waiting) <= set(backorders.waiting_streams().tolist())
        streams_now, units_now = backorders.waiting()
        per_stream = backorders.per_stream()
        np.testing.assert_array_equal(streams_now, np.flatnonzero(per_stream))
        np.testing.assert_array_equal(units_now, per_stream[streams_now])
