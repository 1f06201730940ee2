"""Customer orders of the event path, counted in bulk once served.

Serving an order touches one position in plain Python; what it counts (demand, fill, lost
sales, orders filled in full, on-time service, the order log) is kept as one row per order and
added to the records and the day's counters with array sums when the day closes, or whenever
results are read. Nothing reads those counts in between.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.context import EPS, RunContext
from simulator.engine.customers import Customers


class ServedOrders:
    """The orders served since the last count: (arrived, stream, size, served now, wait) each,
    in one flat list (cheaper to grow and to turn into an array than a list of rows)."""

    def __init__(self, ctx: RunContext, customers: Customers, plain_stock: bool) -> None:
        """``plain_stock``: sales leave stock here (no lots or tracing, which book their own)."""
        self.ctx = ctx
        self.customers = customers
        self.plain_stock = plain_stock
        self.rows: list[float] = []
        self.add = self.rows.extend

    def count(self, day: int) -> None:
        """Add the rows to the records and to ``day``'s counters."""
        if not self.rows:
            return
        rows = np.array(self.rows, dtype=float).reshape(-1, 5)
        ctx, customers = self.ctx, self.customers
        rec, dem = ctx.records, ctx.net.demand
        n_streams, n_positions = dem.n_streams, ctx.net.topology.n_positions
        arrived, size, served, wait = rows[:, 0], rows[:, 2], rows[:, 3], rows[:, 4]
        streams = rows[:, 1].astype(np.intp)

        def per_stream(values: np.ndarray) -> np.ndarray:
            return np.bincount(streams, weights=values, minlength=n_streams)

        def per_position(by_stream: np.ndarray) -> np.ndarray:
            return np.bincount(dem.stream_pos, weights=by_stream, minlength=n_positions)

        lost = np.where(dem.stream_lost[streams], size - served, 0.0)
        day = min(max(day, 0), ctx.n_days - 1)
        asked_s, served_s, lost_s = per_stream(size), per_stream(served), per_stream(lost)
        customers.count(asked_s, served_s, lost_s, day)
        sold = per_position(served_s) if self.plain_stock else None
        if sold is not None:
            rec.total_issued += sold
        kpi = arrived >= ctx.scenario.warmup - EPS  # counted by the customer's arrival
        in_window = bool(kpi.all())
        if in_window:  # the rows as they are make the order log's (the same columns)
            rec.customer_orders.append_table(rows)
        self.rows.clear()
        if not in_window:  # some arrived in the warm-up: the window's sums and log without them
            arrived, size, served, wait = arrived[kpi], size[kpi], served[kpi], wait[kpi]
            streams, lost = streams[kpi], lost[kpi]
            if len(streams) == 0:
                return
            rec.customer_orders.append(
                time=arrived, stream=streams, quantity=size, filled_now=served, wait=wait
            )
            asked_s, served_s, lost_s = per_stream(size), per_stream(served), per_stream(lost)
            sold = per_position(served_s) if self.plain_stock else None
        customers.count_in_window(asked_s, served_s, lost_s)
        rec.stream_demand += asked_s
        rec.stream_orders += np.bincount(streams, minlength=n_streams)
        full = served >= size - EPS
        rec.stream_orders_full += per_stream(full)
        if not customers.delivers:  # in a store, on time exactly when served at once
            at_once = wait == 0
            rec.stream_on_time += per_stream(np.where(at_once, served, 0.0))
            rec.stream_orders_otif += per_stream(full & at_once)
        if sold is not None:
            rec.pos_shipped += sold
            rec.pos_sold += sold
