"""Counts of the per-order path's reorders kept in plain Python lists, added to the records in bulk.

Adding one number to a numpy array costs far more than to a list element, and a line placed,
shipped and received touches several counters; so the scalar reorders
(:mod:`~simulator.engine.single_line`) count here, in lists named after the records they end
up in, and :meth:`Tally.flush` adds the counts to the records at each day's end
(day-indexed ones) and before results are read. Whoever counts sets :attr:`Tally.touched`.
"""

from __future__ import annotations

import numpy as np

from simulator.records import Records

_NODE = ("node_demand", "node_orders")
_POSITION = ("total_issued", "pos_shipped", "total_received", "pos_order_lines", "pos_purchased")


class Tally:
    """Per-order counters for one run; every number ends up in :class:`Records`."""

    def __init__(self, records: Records, n_days: int) -> None:
        self.records = records
        self.n_days = n_days
        self.touched = False
        sizes = {_NODE: records.n_nodes, _POSITION: records.n_positions}
        self._lists = {name: [0.0] * n for names, n in sizes.items() for name in names}
        lists = self._lists
        self.node_demand, self.node_orders = lists["node_demand"], lists["node_orders"]
        self.total_issued, self.pos_shipped = lists["total_issued"], lists["pos_shipped"]
        self.total_received = lists["total_received"]
        self.pos_order_lines = lists["pos_order_lines"]
        self.pos_purchased = lists["pos_purchased"]

    def flush(self, day: int) -> None:
        """Add the counts to the records; day-indexed counts to ``day``."""
        if not self.touched:
            return
        rec = self.records
        day = min(max(day, 0), self.n_days - 1)
        for name, counts in self._lists.items():
            if not any(counts):
                continue
            array = getattr(rec, name)
            (array[day] if name in _NODE else array)[:] += np.asarray(counts)
            counts[:] = [0.0] * len(counts)
        self.touched = False
