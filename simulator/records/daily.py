"""End-of-day stock of every position, kept at the granularity its readers need.

The KPIs read sums over the KPI window per position, the stock at the horizon, and per node the
days a customer-facing position ended with backorders; reports, plots and studies read totals
per echelon per day. Those are kept always. Every position's daily series (three float32 arrays
of days x positions, 4.4 GB for a million positions over a year) is kept only when asked for.
Values are rounded to float32 before they are summed, as the per-position series store them,
so the sums are the same whether the series are kept or not.
"""

from __future__ import annotations

import numpy as np

from simulator.disruptions.conditions import GOODS
from simulator.network.demand import consecutive_run

EPS = 1e-9
"""Stock or backlog below this counts as none."""


class PositionSeries:
    """Every position's end-of-day on hand, backlog and pipeline, shape (days, positions)."""

    def __init__(self, n_days: int, n_positions: int) -> None:
        self.on_hand = np.zeros((n_days, n_positions), dtype=np.float32)
        self.backlog = np.zeros((n_days, n_positions), dtype=np.float32)
        self.pipeline = np.zeros((n_days, n_positions), dtype=np.float32)


class DailyStock:
    """What the end-of-day snapshots leave for the KPIs, reports and plots."""

    def __init__(
        self,
        n_days: int,
        start: int,
        tiers: tuple[slice, ...],
        pos_node: np.ndarray,
        facing: np.ndarray,
        n_nodes: int,
        keep_positions: bool,
    ) -> None:
        n_pos = len(pos_node)
        self.n_days = n_days
        self.start = start  # first day of the KPI window
        self.tiers = tiers
        facing_at = np.flatnonzero(facing)  # positions customers buy from
        self.facing_node = pos_node[facing_at]
        # Usually a run of positions (a tier's), read as a slice.
        run = consecutive_run(facing_at)
        self.facing: slice | np.ndarray = facing_at if run is None else run
        self.echelon_on_hand = np.zeros((n_days, len(tiers)))  # float64 totals per echelon
        self.echelon_backlog = np.zeros((n_days, len(tiers)))
        self.echelon_pipeline = np.zeros((n_days, len(tiers)))
        self.on_hand_days = np.zeros(n_pos)  # unit-days over the KPI window
        self.ready_days = np.zeros(n_pos)  # window days ending with stock (> EPS)
        self.on_hand_valued: np.ndarray | None = None  # unit-days x the goods factor, if not 1
        self.on_hand_end = np.zeros(n_pos, dtype=np.float32)  # the horizon's last day
        self.node_short = np.zeros((n_days, n_nodes), dtype=bool)  # facing backorders at close
        self.positions = PositionSeries(n_days, n_pos) if keep_positions else None

    def record(
        self,
        day: int,
        on_hand: np.ndarray,
        backlog: np.ndarray,
        pipeline: np.ndarray,
        cost_factor: np.ndarray,
    ) -> None:
        """The close of ``day``: on hand, backlog and pipeline of every position (float64)."""
        stock = on_hand.astype(np.float32)
        owed = backlog.astype(np.float32)
        coming = pipeline.astype(np.float32)
        for k, span in enumerate(self.tiers):
            self.echelon_on_hand[day, k] = stock[span].sum(dtype=np.float64)
            self.echelon_backlog[day, k] = owed[span].sum(dtype=np.float64)
            self.echelon_pipeline[day, k] = coming[span].sum(dtype=np.float64)
        self.node_short[day, self.facing_node[owed[self.facing] > EPS]] = True
        if self.positions is not None:
            self.positions.on_hand[day] = stock
            self.positions.backlog[day] = owed
            self.positions.pipeline[day] = coming
        if day == self.n_days - 1:
            self.on_hand_end[:] = stock
        if day < self.start:
            return
        goods = float(cost_factor[GOODS])
        if self.on_hand_valued is None and goods != 1.0:  # stock valued at par so far
            self.on_hand_valued = self.on_hand_days.copy()
        self.on_hand_days += stock
        self.ready_days += stock > EPS
        if self.on_hand_valued is not None:
            self.on_hand_valued += stock.astype(np.float64) * goods
