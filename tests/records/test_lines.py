"""Closed lines summed in batches give the sums of adding them one day at a time."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.records.buffers import ColumnBuffer
from simulator.records.lines import LinePlan, LineTotals

N_POSITIONS, N_LANES, N_NODES = 6, 4, 3
Line = tuple[int, int, float, float, bool]  # position, lane, quantity, cycle, in window
PLAN = LinePlan(
    pos_node=np.array([0, 0, 1, 1, 2, 2]),
    lane_nominal=np.array([1.0, 2.0, 2.0, 3.5]),
    pos_nominal=np.full(N_POSITIONS, 1.5),
    n_nodes=N_NODES,
)

line = st.tuples(
    st.integers(0, N_POSITIONS - 1),
    st.integers(-1, N_LANES - 1),
    st.floats(0.25, 500, allow_nan=False, width=32),
    st.floats(0, 8, allow_nan=False, width=32),
    st.booleans(),
)


def _add(totals: LineTotals, day: int, lines: list[Line]) -> None:
    pos, lane, qty, cycle, window = (np.asarray(c) for c in zip(*lines, strict=True))
    totals.add(pos, lane, np.full(len(pos), day), qty, cycle, window)


def _state(totals: LineTotals) -> dict[str, np.ndarray]:
    log = totals.log
    assert isinstance(log, ColumnBuffer)
    group, value, count = totals.cycles.counts()
    return {
        "lines": totals.lines,
        "cycle_days": totals.cycle_days,
        "on_time_lines": totals.on_time_lines,
        "on_time_units": totals.on_time_units,
        "lane_on_time_units": totals.lane_on_time_units,
        "cycle_counts": np.concatenate([group, value, count]),
        **{f"log.{name}": column for name, column in log.as_dict().items()},
    }


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(line, min_size=1, max_size=12), min_size=1, max_size=8))
def test_batches_sum_as_each_day_would(days: list[list[Line]]) -> None:
    batched, daily = LineTotals(PLAN, keep_log=True), LineTotals(PLAN, keep_log=True)
    in_window = 0
    for day, lines in enumerate(days):
        _add(batched, day, lines)
        _add(daily, day, lines)
        in_window += sum(ln[4] for ln in lines)
        assert daily.lines.sum() == in_window  # read each day: summed at once
    got, expected = _state(batched), _state(daily)
    for name, value in expected.items():
        np.testing.assert_array_equal(got[name], value, err_msg=name)
    lane_units = np.zeros(N_LANES)  # by brute force: in the window, by lane, on time
    for _, lane, qty, cycle, window in (ln for lines in days for ln in lines):
        if window and lane >= 0 and np.float32(cycle) <= PLAN.lane_nominal[lane] + 1e-9:
            lane_units[lane] += float(np.float32(qty))
    np.testing.assert_allclose(got["lane_on_time_units"], lane_units, rtol=1e-12)
    assert got["lines"].sum() == sum(ln[4] for lines in days for ln in lines)


def test_lines_added_show_at_once() -> None:
    totals = LineTotals(PLAN, keep_log=False)
    _add(totals, 0, [(2, 1, 10.0, 1.5, True), (2, 1, 5.0, 3.0, True), (4, -1, 7.0, 1.0, False)])
    np.testing.assert_array_equal(totals.lines, [0, 0, 2, 0, 0, 0])
    np.testing.assert_array_equal(totals.cycle_days, [0, 0, 4.5, 0, 0, 0])
    np.testing.assert_array_equal(totals.on_time_units, [0, 0, 10.0, 0, 0, 0])
    np.testing.assert_array_equal(totals.lane_on_time_units, [0, 10.0, 0, 0])
    assert totals.log is None
