"""What a run writes down: flat, typed buffers filled during the run, turned into KPIs afterwards.

Nothing here knows SimPy or pandas. The engine appends numpy arrays (never per-event dicts or
strings); :mod:`simulator.metrics` reads the finished :class:`Records`.

Conventions (see docs/kpis.md):
- ``series_*`` are end-of-day snapshots per position, shape (days, positions), float32.
- ``stream_*`` and ``pos_*`` accumulators count only days at or after the warm-up.
- ``total_*`` accumulators count the whole run; they feed the conservation audit.
- Event buffers carry ``day``, the day whose work produced the row; a row belongs to the KPI
  window when ``day >= warmup``, the same rule as the accumulators.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class ColumnBuffer:
    """Append-only typed columns: chunks are kept as appended and joined once, when read.

    Joining once (and dropping the chunks) avoids the repeated copies of a growing array, which
    matters for logs of millions of rows.
    """

    def __init__(self, **dtypes: type | np.dtype) -> None:
        self._dtypes = {name: np.dtype(dt) for name, dt in dtypes.items()}
        self._chunks: dict[str, list[np.ndarray]] = {name: [] for name in dtypes}
        # Rows appended one by one, flattened into one plain list of numbers: cheaper to grow
        # than arrays, and numbers in a list cost the garbage collector nothing.
        self._rows: list[float] = []
        self._size = 0

    def append_row(self, *values: float) -> None:
        """Append one row, values in column order (for per-event logs; numbers only)."""
        self._rows.extend(values)

    def append(self, **columns: np.ndarray | float) -> None:
        """Append equal-length arrays (scalars are broadcast to the arrays' length)."""
        n = max((np.size(v) for v in columns.values()), default=0)
        if n == 0:
            return
        self._flush_rows()
        for name, dtype in self._dtypes.items():
            self._chunks[name].append(np.broadcast_to(np.asarray(columns[name], dtype), n).copy())
        self._size += n

    def __len__(self) -> int:
        return self._size + len(self._rows) // len(self._dtypes)

    def _flush_rows(self) -> None:
        """Turn the rows appended one by one into one chunk per column, keeping the order."""
        if self._rows:
            rows = np.asarray(self._rows).reshape(-1, len(self._dtypes))
            for k, (col, dtype) in enumerate(self._dtypes.items()):
                self._chunks[col].append(rows[:, k].astype(dtype))
            self._size += len(rows)
            self._rows = []

    def column(self, name: str) -> np.ndarray:
        self._flush_rows()
        chunks = self._chunks[name]
        if len(chunks) != 1:
            joined = np.concatenate(chunks) if chunks else np.empty(0, self._dtypes[name])
            self._chunks[name] = chunks = [joined]
        return chunks[0]

    def as_dict(self) -> dict[str, np.ndarray]:
        return {name: self.column(name) for name in self._dtypes}


@dataclass
class Records:
    """Everything the metrics need, for one replication."""

    n_days: int
    warmup: float
    n_positions: int
    n_streams: int
    n_nodes: int

    series_on_hand: np.ndarray = field(init=False)
    series_backlog: np.ndarray = field(init=False)  # customers' and downstream nodes' backorders
    series_pipeline: np.ndarray = field(init=False)  # ordered, not yet received
    node_demand: np.ndarray = field(init=False)  # (days, nodes) units demanded of each node
    node_orders: np.ndarray = field(init=False)  # (days, nodes) units each node ordered
    node_lost: np.ndarray = field(init=False)  # (days, nodes) customer sales each node lost
    cost_factor: np.ndarray = field(init=False)  # (days, 2) disruptions' transport, goods factors
    node_asked: np.ndarray = field(init=False)  # (days, nodes) units customers asked for
    node_filled: np.ndarray = field(init=False)  # (days, nodes) ... filled from stock at once
    node_desk_busy: np.ndarray = field(init=False)  # server-days order desks worked in the window

    stream_demand: np.ndarray = field(init=False)  # the zone's demand (first streams only)
    stream_asked: np.ndarray = field(init=False)  # asked at the stream's outlet, substitutes too
    stream_filled_now: np.ndarray = field(init=False)  # filled from stock on the day demanded
    stream_served_late: np.ndarray = field(init=False)  # backorders filled later
    stream_on_time: np.ndarray = field(init=False)  # delivered within the promise
    stream_lost: np.ndarray = field(init=False)  # every cause
    stream_lost_coverage: np.ndarray = field(init=False)  # no outlet within reach
    stream_lost_late: np.ndarray = field(init=False)  # backorders that outwaited patience
    stream_cancelled: np.ndarray = field(init=False)  # waiting orders cancelled (lost too)
    stream_backlog_days: np.ndarray = field(init=False)  # unit-days of customer backorders
    stream_backlog_max: np.ndarray = field(init=False)
    stream_orders: np.ndarray = field(init=False)  # customer orders (days with demand, or events)
    stream_orders_full: np.ndarray = field(init=False)  # ... filled completely on arrival
    stream_orders_otif: np.ndarray = field(init=False)  # ... and delivered within the promise
    stream_orders_undelivered: np.ndarray = field(init=False)  # ... not at the door at the end

    pos_ok_days: np.ndarray = field(init=False)  # days ending with no backorder and no lost sale
    pos_shipped: np.ndarray = field(init=False)  # units issued to customers or downstream
    pos_sold: np.ndarray = field(init=False)  # units issued to customers
    pos_order_lines: np.ndarray = field(init=False)
    pos_purchased: np.ndarray = field(init=False)  # units external suppliers shipped to it
    pos_wasted: np.ndarray = field(init=False)  # perishable units past their expiry
    pos_life_sold: np.ndarray = field(init=False)  # unit-days of shelf life left at sale
    pos_destroyed: np.ndarray = field(init=False)  # stock destroyed by disruptions
    pos_quarantined: np.ndarray = field(init=False)  # recalled stock taken out of sale
    pos_returned: np.ndarray = field(init=False)  # units customers sent back

    total_received: np.ndarray = field(init=False)
    total_issued: np.ndarray = field(init=False)
    total_wasted: np.ndarray = field(init=False)
    total_removed: np.ndarray = field(init=False)  # destroyed or quarantined in stock
    total_returned: np.ndarray = field(init=False)  # customer returns put back into stock

    order_lines: ColumnBuffer = field(init=False)  # completed replenishment lines (compact)
    shipments: ColumnBuffer = field(init=False)  # every shipment, warm-up included
    customer_orders: ColumnBuffer = field(init=False)  # event path only
    routes: ColumnBuffer = field(init=False)  # every route a fleet drove, warm-up included
    deliveries: ColumnBuffer = field(init=False)  # every consignment a vehicle handed over
    recalls: ColumnBuffer = field(init=False)  # what recalls did and cost, warm-up included
    solver_seconds: float = 0.0  # wall time spent planning routes, reused plans included
    waves: int = 0  # wave plans made by a routing policy (one per wave and vehicle group)
    waves_reused: int = 0  # wave plans that drove the last policy plan again (replan: on_change)

    def __post_init__(self) -> None:
        d, p, s, n = self.n_days, self.n_positions, self.n_streams, self.n_nodes
        self.series_on_hand = np.zeros((d, p), dtype=np.float32)
        self.series_backlog = np.zeros((d, p), dtype=np.float32)
        self.series_pipeline = np.zeros((d, p), dtype=np.float32)
        self.node_demand = np.zeros((d, n))
        self.node_orders = np.zeros((d, n))
        self.node_lost = np.zeros((d, n))
        self.node_asked = np.zeros((d, n))
        self.cost_factor = np.ones((d, 2))
        self.node_filled = np.zeros((d, n))
        self.node_desk_busy = np.zeros(n)
        for name in (
            "stream_demand",
            "stream_asked",
            "stream_filled_now",
            "stream_served_late",
            "stream_on_time",
            "stream_lost",
            "stream_lost_coverage",
            "stream_lost_late",
            "stream_cancelled",
            "stream_backlog_days",
            "stream_backlog_max",
            "stream_orders",
            "stream_orders_full",
            "stream_orders_otif",
            "stream_orders_undelivered",
        ):
            setattr(self, name, np.zeros(s))
        for name in (
            "pos_ok_days",
            "pos_shipped",
            "pos_sold",
            "pos_order_lines",
            "pos_purchased",
            "pos_wasted",
            "pos_life_sold",
            "pos_destroyed",
            "pos_quarantined",
            "pos_returned",
            "total_received",
            "total_issued",
            "total_wasted",
            "total_removed",
            "total_returned",
        ):
            setattr(self, name, np.zeros(p))
        self.order_lines = ColumnBuffer(
            position=np.int32,
            lane=np.int32,  # the lane it came by; -1 for production
            day=np.int32,
            quantity=np.float32,
            cycle=np.float32,  # days from placing the line to receiving its last unit
        )
        self.shipments = ColumnBuffer(
            time=np.float64,
            day=np.int64,
            lane=np.int64,
            node=np.int64,
            units=np.float64,
            tonnes=np.float64,  # the units' weight: each SKU's weight per unit, in tonnes
            cost=np.float64,
            arrival=np.float64,
        )
        self.customer_orders = ColumnBuffer(
            time=np.float64,
            stream=np.int64,
            quantity=np.float64,
            filled_now=np.float64,
            wait=np.float64,
        )

        self.routes = ColumnBuffer(
            fleet=np.int32,
            vehicle=np.int32,
            vehicle_type=np.int32,
            day=np.int32,  # the day the route started
            start=np.float64,
            hours=np.float64,  # on the road and at stops (broken: to the breakdown and back)
            km=np.float64,
            stops=np.int32,  # stops delivered
            units=np.float64,  # units delivered
            load_factor=np.float64,  # load over capacity in the binding dimension
            cost=np.float64,  # fixed (first route of the vehicle's day), km and hours
            co2=np.float64,  # kg
            first_today=np.bool_,
            shift_hours=np.float64,
            broken=np.bool_,
        )
        self.deliveries = ColumnBuffer(
            fleet=np.int32,
            day=np.int32,  # the day whose work produced the consignment
            node=np.int64,  # destination node; -1 for a home delivery
            time=np.float64,
            due=np.float64,  # inf where nothing was promised
            units=np.float64,
        )
        # One row per recall started (its fixed cost), per position's stock quarantined, and
        # per batch of units customers sent back (see simulator.engine.traceability).
        self.recalls = ColumnBuffer(
            recall=np.int32,  # index of the recall among the scenario's disruptions
            day=np.int32,
            time=np.float64,
            node=np.int64,  # where the units were quarantined or returned to
            sku=np.int64,
            quarantined=np.float64,  # units taken out of stock (at once, or on arrival)
            returned=np.float64,  # sold units back from customers, quarantined too
            cost=np.float64,
        )

    def in_window(self, day: np.ndarray) -> np.ndarray:
        """Which rows of an event buffer fall in the KPI window, from their ``day`` column."""
        return day >= self.warmup - 1e-9

    @property
    def kpi_days(self) -> int:
        """Number of whole days in the KPI window (after the warm-up)."""
        return self.n_days - int(np.ceil(self.warmup))
