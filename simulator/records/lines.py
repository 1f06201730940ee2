"""Completed replenishment lines, summed as they close instead of kept one by one.

A year of a million demand streams closes about a hundred million order lines; the KPIs need
only sums of them per position and per lane, and the distribution of cycle times per node. The
full log (:attr:`LineTotals.log`) is kept only when the run keeps its detail.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.records.buffers import ColumnBuffer
from simulator.records.quantiles import GroupedQuantiles

ON_TIME_EPS = 1e-9
"""Tolerance of the on-time test: a line is on time when its cycle <= nominal + this."""
_PENDING = 1 << 16  # lines added before they are summed


@dataclass(frozen=True)
class LinePlan:
    """What classifies a closed line: per position its node, and the longest on-time cycle (the
    nominal lead time) per lane and, for production lines, per position."""

    pos_node: np.ndarray
    lane_nominal: np.ndarray
    pos_nominal: np.ndarray
    n_nodes: int

    @staticmethod
    def empty(n_positions: int, n_nodes: int) -> LinePlan:
        """No lanes, every position at node 0 (for records made outside a run)."""
        return LinePlan(
            np.zeros(n_positions, dtype=np.int64), np.zeros(0), np.zeros(n_positions), n_nodes
        )


class LineTotals:
    """Sums over completed replenishment lines: in the KPI window per position (lines, cycle
    days, lines and units on time), per lane (units on time in the window) and cycle-time
    counts per node."""

    def __init__(self, plan: LinePlan, keep_log: bool) -> None:
        n_pos, n_lanes = len(plan.pos_node), len(plan.lane_nominal)
        self.plan = plan
        # Lines, cycle days, on time: lines, units. Sums of float32 values (whole lines, days
        # and units) in float64: exact in any order.
        self._per_position = np.zeros((4, n_pos))
        self._lane_on_time_units = np.zeros(n_lanes)
        self._cycles = GroupedQuantiles(plan.n_nodes)
        self._log: ColumnBuffer | None = _line_log() if keep_log else None
        # Lines added but not summed yet: a day's few lines cost little to keep and much to
        # sum on their own (numpy's per-call overhead), so they are summed in batches.
        self._pending: list[tuple[np.ndarray, ...]] = []
        self._n_pending = 0

    @property
    def lines(self) -> np.ndarray:
        """Lines completed in the window, per position."""
        return self._settled()[0]

    @property
    def cycle_days(self) -> np.ndarray:
        """Their cycle times summed, days, per position."""
        return self._settled()[1]

    @property
    def on_time_lines(self) -> np.ndarray:
        """Of those lines, the ones on time, per position."""
        return self._settled()[2]

    @property
    def on_time_units(self) -> np.ndarray:
        """Units of the lines on time, per position."""
        return self._settled()[3]

    @property
    def lane_on_time_units(self) -> np.ndarray:
        """Units of the lines on time in the window, per lane."""
        self._settled()
        return self._lane_on_time_units

    @property
    def cycles(self) -> GroupedQuantiles:
        """Cycle-time counts per node, of the lines in the window."""
        self._settled()
        return self._cycles

    @property
    def log(self) -> ColumnBuffer | None:
        """Every line added, when the run keeps its detail."""
        self._settled()
        return self._log

    def add(
        self,
        position: np.ndarray,
        lane: np.ndarray,
        day: np.ndarray,
        quantity: np.ndarray,
        cycle: np.ndarray,
        in_window: np.ndarray,
    ) -> None:
        """Count lines that closed: each with its position, lane (-1: production), the day it
        was placed, its quantity, its cycle time (from placing to its last unit) and whether
        it counts in the KPI window. The arrays are kept until summed: do not change them."""
        line = (
            np.asarray(position, dtype=np.int64),
            np.asarray(lane, dtype=np.int64),
            np.asarray(day),
            np.asarray(quantity, dtype=np.float32),
            np.asarray(cycle, dtype=np.float32),
            np.asarray(in_window, dtype=bool),
        )
        self._pending.append(line)
        self._n_pending += len(line[0])
        if self._n_pending >= _PENDING:
            self._settled()

    def _settled(self) -> np.ndarray:
        """Sum the pending lines in the order added; returns the sums per position. A batch
        summed at once gives what summing each addition would: float32 values summed in
        float64 are exact in any order."""
        if self._pending:
            parts = self._pending
            columns = zip(*parts, strict=True)
            line = parts[0] if len(parts) == 1 else tuple(map(np.concatenate, columns))
            self._pending, self._n_pending = [], 0
            self._sum(*line)
        return self._per_position

    def _sum(
        self,
        pos: np.ndarray,
        lane: np.ndarray,
        day: np.ndarray,
        q32: np.ndarray,
        c32: np.ndarray,
        w: np.ndarray,
    ) -> None:
        plan = self.plan
        q = q32.astype(np.float64)
        if self._log is not None:
            self._log.append(position=pos, lane=lane, day=day, quantity=q, cycle=c32)
        by_lane = lane >= 0
        if not w.all():
            pos, lane, q, c32, by_lane = pos[w], lane[w], q[w], c32[w], by_lane[w]
        c = c32.astype(np.float64)
        if by_lane.all():  # no production lines (usually): one gather
            nominal = plan.lane_nominal[lane]
        else:
            lanes = plan.lane_nominal
            of_lane = lanes[np.maximum(lane, 0)] if len(lanes) else 0.0
            nominal = np.where(by_lane, of_lane, plan.pos_nominal[pos])
        on_time = c <= nominal + ON_TIME_EPS
        units = q * on_time
        # Added line by line at the lines' positions (a batch's lines are few of them).
        sums = self._per_position
        np.add.at(sums[0], pos, 1.0)
        np.add.at(sums[1], pos, c)
        np.add.at(sums[2], pos, on_time.astype(np.float64))
        np.add.at(sums[3], pos, units)
        self._lane_on_time_units += np.bincount(
            lane[by_lane], weights=units[by_lane], minlength=len(self._lane_on_time_units)
        )
        self._cycles.add(plan.pos_node[pos], c32)


def _line_log() -> ColumnBuffer:
    return ColumnBuffer(
        position=np.int32,
        lane=np.int32,  # the lane it came by; -1 for production
        day=np.int32,
        quantity=np.float32,
        cycle=np.float32,  # days from placing the line to receiving its last unit
    )
