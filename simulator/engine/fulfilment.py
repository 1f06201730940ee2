"""Fulfilment: open order lines become shipments.

A line is filled from its source's stock (shared among competing lines by the source node's
allocation rule), from production (within plant capacity) or from an outside supplier, within
lane capacities and the day's disruptions. Lines to a node with an order-processing desk wait
for a server (a :class:`Desk`, a ``simpy.Resource`` that notes its servers' busy time) and
their processing time first.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from policies.allocation import AllocationRequest, AllocationRule, grant_in_order
from policies.registry import ALLOCATION
from simulator.disruptions import Conditions
from simulator.engine.context import EPS, RunContext
from simulator.engine.orderbook import OrderBook
from simulator.engine.shipping import Shipping
from simulator.engine.stock import StockLedger
from simulator.network.topology import PRODUCTION, UNLIMITED
from simulator.records import Records
from simulator.transport.shipment import Shipment

_NONE = np.empty(0, dtype=np.intp)  # no lines (never written to)


class Desk(simpy.Resource):
    """A node's order desk: ``servers`` servers, first come first served.

    Each processing adds its overlap with the KPI window (the window days, to the horizon) to
    the node's busy server-days in ``Records.node_desk_busy``, when the server starts it: its
    length is known then, so a processing still going on at the horizon counts up to it.
    """

    def __init__(self, env: simpy.Environment, servers: int, node: int, records: Records):
        super().__init__(env, capacity=servers)
        self.env = env
        self.node = node
        self.busy = records.node_desk_busy
        self.window = (float(records.n_days - records.kpi_days), float(records.n_days))

    def work(self, duration: float) -> simpy.Timeout:
        """A server processes one order for ``duration`` days from now."""
        now = self.env.now
        start, end = self.window
        busy = min(now + duration, end) - max(now, start)
        if busy > 0:
            self.busy[self.node] += busy
        return self.env.timeout(duration)


class Fulfilment:
    """Ships open order lines from stock, production and suppliers."""

    def __init__(
        self, ctx: RunContext, ledger: StockLedger, shipping: Shipping, at_review: bool
    ) -> None:
        topo = ctx.net.topology
        self.ctx = ctx
        self.ledger = ledger
        self.shipping = shipping
        self.book = OrderBook()
        self.at_review = at_review
        self.pos_tier = np.empty(topo.n_positions, dtype=np.int64)
        for k, tier in enumerate(topo.tiers):
            self.pos_tier[tier.positions] = k
        # One rule instance per distinct allocation setting; nodes point at theirs.
        settings = list(dict.fromkeys(topo.node_allocation))
        self.rules: list[AllocationRule] = [
            ALLOCATION.get(s.type).from_params(s)  # type: ignore[attr-defined]
            for s in settings
        ]
        self.node_rule = np.asarray([settings.index(a) for a in topo.node_allocation])
        self.desks = {
            n: Desk(ctx.env, proc.servers, n, ctx.records)
            for n, proc in enumerate(topo.node_processing)
            if proc is not None
        }
        self.has_desk = np.zeros(len(topo.node_ids), dtype=bool)
        self.has_desk[list(self.desks)] = True
        self.lane_left = topo.lane_capacity.copy()
        self.lanes_limited = bool(np.isfinite(topo.lane_capacity).any())  # else none runs out
        self.production_left = topo.production_capacity.copy()
        self.supplier_left = np.full(len(topo.node_ids), np.inf)  # what suppliers ship today
        shipping.book = self.book

    def open_day(self, conditions: Conditions | None) -> None:
        """The day's capacities: lanes and plants afresh, cut by the disruptions' conditions."""
        topo = self.ctx.net.topology
        self.lane_left[:] = topo.lane_capacity
        self.production_left[:] = topo.production_capacity
        if conditions is not None:
            work = conditions.work()
            open_share = np.where(work > 0, conditions.production_share * work, 1.0)
            scaled = topo.production_capacity * open_share  # inf x 0 is NaN, hence the where
            cap = np.where(work > 0, scaled, 0.0)
            self.production_left[:] = np.minimum(cap, conditions.supply_cap)
            self.supplier_left[:] = np.where(work > 0, conditions.supply_cap, 0.0)

    # ----------------------------------------------------------------- which lines

    def lines_sourced_in(self, tier: int) -> np.ndarray:
        """Open lines this tier must fill from its own stock."""
        if not len(self.book):
            return _NONE
        src = self.book.source
        tier_of_source = np.where(src >= 0, self.pos_tier[np.maximum(src, 0)], -1)
        return np.flatnonzero(tier_of_source == tier)

    def lines_to_outside(self, tier: int) -> np.ndarray:
        """Open lines of this tier to external suppliers or to its plants' production."""
        book = self.book
        if not len(book):
            return _NONE
        return np.flatnonzero((book.source < 0) & (self.pos_tier[book.position] == tier))

    def lines_waiting_on(self, positions: np.ndarray) -> np.ndarray:
        """Open lines sourced at ``positions`` (stock just arrived there)."""
        if len(positions) == 1:  # the usual case: one delivery (isin costs far more)
            return np.flatnonzero(self.book.source == positions[0])
        return np.flatnonzero(np.isin(self.book.source, positions))

    # ----------------------------------------------------------------- desks

    def to_desk(self, node: int, ids: np.ndarray) -> None:
        """Lines of one requester queue at ``node``'s order desk as one order."""
        self.ctx.start(self._desk(node, ids), f"order desk of {self.ctx.node_name(node)}")

    def _desk(self, node: int, ids: np.ndarray) -> Generator[simpy.Event, Any, None]:
        desk = self.desks[node]
        with desk.request() as request:
            yield request
            service = self.ctx.draws.processing_time(node)
            self.book.ready[self.book.rows_of(ids)] = self.ctx.env.now + service
            yield desk.work(service)
        # A processed order leaves at once: the desk works in continuous time.
        self.fill(self.book.rows_of(ids))

    # ----------------------------------------------------------------- filling

    def fill(self, rows: np.ndarray) -> None:
        """Ship what sources can give to ready open lines, first come first served."""
        if len(rows) == 0:
            return
        topo, book = self.ctx.net.topology, self.book
        depart = self.ctx.env.now
        ready = book.ready[rows] <= depart + EPS
        rows = rows[ready & (book.open[rows] > EPS)]
        if len(rows) == 0:
            return
        src = book.source[rows]
        pos = book.position[rows]
        grant = book.open[rows].copy()
        stock = src >= 0
        if stock.any():
            grant[stock] = self._allocate(src[stock], pos[stock], grant[stock])
        conditions = self.ctx.conditions()
        if conditions is not None:
            self._within_conditions(conditions, grant, src, book.lane[rows])
        made = src == PRODUCTION
        if made.any():
            grant[made] = grant_in_order(
                topo.pos_node[pos[made]], grant[made], self.production_left
            )
        lane = book.lane[rows]
        carried = lane >= 0
        if self.lanes_limited and carried.any():
            grant[carried] = grant_in_order(lane[carried], grant[carried], self.lane_left)
        moving = grant > EPS
        if moving.any():
            self._ship(rows[moving], grant[moving])

    def _within_conditions(
        self, conditions: Conditions, grant: np.ndarray, src: np.ndarray, lane: np.ndarray
    ) -> None:
        """Cut grants to what disrupted sources can do: a stocking node its share of work (none
        when closed), an external supplier its remaining supply today."""
        topo = self.ctx.net.topology
        stock = src >= 0
        work = conditions.work()
        grant[stock] *= work[topo.pos_node[src[stock]]]
        bought = src == UNLIMITED
        if bought.any():
            supplier = topo.lane_origin[lane[bought]]
            grant[bought] *= work[supplier]
            grant[bought] = grant_in_order(supplier, grant[bought], self.supplier_left)

    def _allocate(
        self, sources: np.ndarray, requesters: np.ndarray, wanted: np.ndarray
    ) -> np.ndarray:
        """Share each source position's stock among its lines by its node's allocation rule."""
        topo = self.ctx.net.topology
        requester = topo.pos_node[requesters]
        if len(self.rules) == 1:  # one rule for every node: all lines at once, unmasked
            split: list[tuple[int, slice | np.ndarray]] = [(0, slice(None))]
        else:
            rule_of = self.node_rule[topo.pos_node[sources]]
            split = [(int(r), rule_of == r) for r in np.unique(rule_of)]
        granted = np.empty(len(wanted))
        for r, mine in split:
            granted[mine] = self.rules[r].allocate(
                AllocationRequest(
                    supplier=sources[mine],
                    quantity=wanted[mine],
                    tier=topo.node_tier[requester[mine]],
                    channel=topo.node_channel[requester[mine]],
                    available=self.ledger.on_hand,
                )
            )
        return granted

    def _ship(self, rows: np.ndarray, qty: np.ndarray) -> None:
        """Take the granted units from stock or capacity and hand them to transport."""
        ctx, book = self.ctx, self.book
        topo = ctx.net.topology
        depart = ctx.env.now
        pos, src = book.position[rows], book.source[rows]
        stock = src >= 0
        profile = None
        taken = self.ledger.ship_out(src[stock], qty[stock], depart)
        if taken is not None:  # the lots each line takes travel with it, expiry dates and all
            profile = np.zeros((len(rows), self.ledger.lots.horizon))
            profile[stock] = taken
        made = src == PRODUCTION
        if made.any():
            np.subtract.at(self.production_left, topo.pos_node[pos[made]], qty[made])
        lane = book.lane[rows]
        if self.lanes_limited:
            np.subtract.at(self.lane_left, lane[lane >= 0], qty[lane >= 0])
        bought = src == UNLIMITED
        if ctx.disruptions is not None:
            np.subtract.at(self.supplier_left, topo.lane_origin[lane[bought]], qty[bought])
        if ctx.kpi(ctx.now):
            np.add.at(ctx.records.pos_purchased, pos[bought], qty[bought])
        book.open[rows] -= qty
        self.ledger.dispatch(pos, qty)
        trace = self.ledger.trace
        lots = None if trace is None else trace.ship(pos, src, lane, qty, ctx.now)
        shipped = Shipment(pos, qty, profile, ~stock, taken_at=depart, made=depart, lots=lots)
        self.shipping.send(rows, shipped)
