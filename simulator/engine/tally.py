"""Counts of the per-order path kept in plain Python lists, added to the records in bulk.

Adding one number to a numpy array costs far more than to a list element, and an order
touches a dozen counters; so the per-order path counts here, in lists named after the records
they end up in, and :meth:`Tally.flush` adds the counts to the records at each day's end
(day-indexed ones) and before results are read. Whoever counts sets :attr:`Tally.touched`.
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
_POSITION = (
    "total_issued",
    "pos_shipped",
    "pos_sold",
    "total_received",
    "pos_order_lines",
    "pos_purchased",
)


class Tally:
    """Per-order counters for one run; every number ends up in :class:`Records`."""

    def __init__(self, records: Records, n_days: int) -> None:
        self.records = records
        self.n_days = n_days
        self.touched = False
        sizes = {_STREAM: records.n_streams, _NODE: records.n_nodes, _POSITION: records.n_positions}
        self._lists = {name: [0.0] * n for names, n in sizes.items() for name in names}
        lists = self._lists
        self.stream_asked, self.stream_filled_now = (
            lists["stream_asked"],
            lists["stream_filled_now"],
        )
        self.stream_lost, self.stream_demand = lists["stream_lost"], lists["stream_demand"]
        self.stream_orders = lists["stream_orders"]
        self.stream_orders_full = lists["stream_orders_full"]
        self.stream_on_time = lists["stream_on_time"]
        self.stream_orders_otif = lists["stream_orders_otif"]
        self.node_demand, self.node_asked = lists["node_demand"], lists["node_asked"]
        self.node_filled, self.node_orders = lists["node_filled"], lists["node_orders"]
        self.total_issued, self.pos_shipped = lists["total_issued"], lists["pos_shipped"]
        self.pos_sold, self.total_received = lists["pos_sold"], lists["total_received"]
        self.pos_order_lines = lists["pos_order_lines"]
        self.pos_purchased = lists["pos_purchased"]

    def flush(self, day: int) -> None:
        """Add the counts to the records; day-indexed counts to ``day``."""
        if not self.touched:
            return
        rec = self.records
        day = min(max(day, 0), self.n_days - 1)
        for name, counts in self._lists.items():
            array = getattr(rec, name)
            (array[day] if name in _NODE else array)[:] += np.asarray(counts)
            counts[:] = [0.0] * len(counts)
        self.touched = False
