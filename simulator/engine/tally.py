"""Counts of the per-order path kept in plain Python lists, added to the records in bulk.

Adding one number to a numpy array costs far more than to a list element, and an order
touches a dozen counters; so the per-order path counts here, and :meth:`Tally.flush` adds the
counts to the records at each day's end (day-indexed ones) and before results are read.
"""

from __future__ import annotations

import numpy as np

from simulator.records import Records

_STREAM = (
    "stream_asked",
    "stream_filled_now",
    "stream_lost",
    "stream_demand",
    "stream_orders",
    "stream_orders_full",
    "stream_on_time",
    "stream_orders_otif",
)
_NODE = ("node_demand", "node_asked", "node_filled", "node_orders")
_POSITION = ("total_issued", "pos_shipped", "pos_sold", "total_received", "pos_order_lines")


class Tally:
    """Per-order counters for one run; every number ends up in :class:`Records`."""

    def __init__(self, records: Records, n_days: int) -> None:
        self.records = records
        self.n_days = n_days
        self._stream = {name: [0.0] * records.n_streams for name in _STREAM}
        self._node = {name: [0.0] * records.n_nodes for name in _NODE}
        self._pos = {name: [0.0] * records.n_positions for name in _POSITION}
        self.touched = False
        # Bound list objects of the hot path.
        self._asked, self._filled, self._lost, self._demand, self._orders, self._full = (
            self._stream[name] for name in _STREAM[:6]
        )
        self._on_time = self._stream["stream_on_time"]
        self._otif = self._stream["stream_orders_otif"]
        self.node_demand, self._node_asked, self._node_filled, self.node_orders = (
            self._node[name] for name in _NODE
        )
        self.issued, self.shipped, self._sold, self.received, self.order_lines = (
            self._pos[name] for name in _POSITION
        )

    def order(
        self,
        s: int,
        pos: int,
        node: int,
        size: float,
        served: float,
        lost: float,
        full: bool,
        kpi: bool,
        sold: bool,
        on_time: bool,
    ) -> None:
        """One customer order of stream ``s`` at position ``pos`` of ``node``; ``sold``: the
        units served are to be counted as issued here; ``on_time``: served at once in a store.
        """
        self.touched = True
        self.node_demand[node] += size
        self._node_asked[node] += size
        self._node_filled[node] += served
        if sold:
            self.issued[pos] += served
        if kpi:
            self._asked[s] += size
            self._filled[s] += served
            self._lost[s] += lost
            self._demand[s] += size
            self._orders[s] += 1.0
            self._full[s] += full
            if sold:
                self.shipped[pos] += served
                self._sold[pos] += served
            if on_time:
                self._on_time[s] += served
                self._otif[s] += full

    def flush(self, day: int) -> None:
        """Add the counts to the records; day-indexed counts to ``day``."""
        if not self.touched:
            return
        rec = self.records
        day = min(max(day, 0), self.n_days - 1)
        for groups, target in ((self._stream, None), (self._pos, None), (self._node, day)):
            for name, counts in groups.items():
                array = getattr(rec, name)
                (array if target is None else array[target])[:] += np.asarray(counts)
                counts[:] = [0.0] * len(counts)
        self.touched = False
