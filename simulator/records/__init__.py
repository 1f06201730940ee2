"""What a run writes down: flat, typed buffers filled during the run, turned into KPIs afterwards.

Nothing here knows SimPy or pandas. The engine appends numpy arrays (never per-event dicts or
strings); :mod:`simulator.metrics` reads the finished :class:`Records`.

Conventions (see docs/kpis.md):
- ``stock`` keeps the end-of-day snapshots: totals per echelon and day, sums per position over
  the KPI window; ``series_*``, every position's snapshot, shape (days, positions), float32, are
  there only when the run keeps its detail (:attr:`Records.detail`).
- ``lines`` sums the completed replenishment lines; ``order_lines``, the log of every line, is
  there only when the run keeps its detail.
- ``stream_*`` and ``pos_*`` accumulators count only days at or after the warm-up.
- ``total_*`` accumulators count the whole run; they feed the conservation audit.
- Event buffers carry ``day``, the day whose work produced the row; a row belongs to the KPI
  window when ``day >= warmup``, the same rule as the accumulators.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.network.budget import AUTO_DETAIL_CELLS, keeps_detail
from simulator.records.buffers import ColumnBuffer
from simulator.records.daily import DailyStock, PositionSeries
from simulator.records.lines import LinePlan, LineTotals


class DetailNotKept(LookupError):
    """A per-position series or the order-line log asked of a run that did not keep them."""


@dataclass(frozen=True)
class Layout:
    """How the network groups positions for the records: each echelon's position slice, each
    position's node, the positions customers buy from, and how closed lines are classified."""

    tiers: tuple[slice, ...]
    facing: np.ndarray
    lines: LinePlan

    @staticmethod
    def flat(n_positions: int, n_nodes: int) -> Layout:
        """One echelon of every position, all at node 0, none facing customers, no lanes."""
        return Layout(
            (slice(0, n_positions),),
            np.zeros(n_positions, dtype=bool),
            LinePlan.empty(n_positions, n_nodes),
        )


@dataclass
class Records:
    """Everything the metrics need, for one replication."""

    n_days: int
    warmup: float
    n_positions: int
    n_streams: int
    n_nodes: int
    detail: bool = True
    """Keep every position's daily series and every completed line (else sums only)."""
    layout: Layout | None = None  # default: Layout.flat

    stock: DailyStock = field(init=False)  # end-of-day snapshots, summed
    lines: LineTotals = field(init=False)  # completed replenishment lines, summed
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
        layout = self.layout or Layout.flat(p, n)
        start = d - self.kpi_days
        pos_node = layout.lines.pos_node
        self.stock = DailyStock(d, start, layout.tiers, pos_node, layout.facing, n, self.detail)
        self.lines = LineTotals(layout.lines, self.detail)
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

    # ----------------------------------------------------------------- kept with the detail

    def _positions(self) -> PositionSeries:
        if self.stock.positions is None:
            raise DetailNotKept(
                "every position's daily series is kept only with `detail: full` "
                "(this run summed them per echelon)"
            )
        return self.stock.positions

    @property
    def series_on_hand(self) -> np.ndarray:
        """End-of-day on hand per (day, position), float32 (kept with the detail only)."""
        return self._positions().on_hand

    @property
    def series_backlog(self) -> np.ndarray:
        """End-of-day backlog (customers' and downstream nodes' backorders) per (day, position)."""
        return self._positions().backlog

    @property
    def series_pipeline(self) -> np.ndarray:
        """End-of-day pipeline (ordered, not yet received) per (day, position)."""
        return self._positions().pipeline

    @property
    def order_lines(self) -> ColumnBuffer:
        """Every completed replenishment line: position, lane, day, quantity, cycle."""
        if self.lines.log is None:
            raise DetailNotKept(
                "the log of every order line is kept only with `detail: full` "
                "(this run summed the lines per position, lane and node)"
            )
        return self.lines.log


__all__ = [
    "AUTO_DETAIL_CELLS",
    "ColumnBuffer",
    "DetailNotKept",
    "Layout",
    "Records",
    "keeps_detail",
]
