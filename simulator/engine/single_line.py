"""One order line from placement to receipt in plain Python: the per-order path's reorders.

On the per-order path a position reorders every few customer orders, one line at a time, and
the array machinery of :mod:`~simulator.engine.replenishment`, :mod:`~simulator.engine.fulfilment`
and :mod:`~simulator.engine.shipping` spends most of its time in numpy's per-call overhead for
that single line. This module does the same bookkeeping with scalars, for the lines where
nothing else can intervene: one supplier, no lot sizing, lane capacity, desk, fleet,
lots, tracing or disruption, and no earlier line waiting at the same source while it has
stock. A storage limit cuts the line as the array path does. When stock arrives at a source,
a few such lines waiting on it ship here too, first come, first served. Any other line takes
the array path. ``tests/engine/test_single_line.py`` runs scenarios
both ways and checks that the records are identical.
"""

from __future__ import annotations

import math

import numpy as np

from policies.allocation import FcfsParams, grant_in_order
from simulator.engine.clock import Phase, at_phase
from simulator.engine.context import EPS, RunContext
from simulator.engine.fulfilment import Fulfilment
from simulator.engine.stock import StockLedger
from simulator.engine.tally import Tally
from simulator.network.topology import NO_SOURCE, UNLIMITED

_FEW_WAITING = 16  # waiting lines shipped here; more go through the arrays


def simple_positions(ctx: RunContext, ledger: StockLedger, fulfilment: Fulfilment) -> np.ndarray:
    """Which positions' lines may take the scalar path (a mask over positions)."""
    topo = ctx.net.topology
    n = topo.n_positions
    if ctx.disruptions is not None or ledger.perishable or ledger.trace is not None:
        return np.zeros(n, dtype=bool)
    src, lane = topo.pos_sources[:, 0], topo.pos_lanes[:, 0]
    one_source = (topo.pos_sources[:, 1:] == NO_SOURCE).all(axis=1)
    source_node = topo.pos_node[np.maximum(src, 0)]
    fcfs = np.asarray([isinstance(a, FcfsParams) for a in topo.node_allocation])
    stocked = (src >= 0) & ~fulfilment.has_desk[source_node] & fcfs[source_node]
    carried = lane >= 0
    lane_ok = np.ones(n, dtype=bool)
    lane_ok[carried] = np.isinf(topo.lane_capacity[lane[carried]])
    if len(ctx.net.fleets):
        lane_ok[carried] &= ctx.net.lane_fleet[lane[carried]] < 0
    return (
        (stocked | (src == UNLIMITED))
        & carried
        & lane_ok
        & one_source
        & (topo.pos_case_pack == 0)
        & (topo.pos_min_order == 0)
    )


class SingleLine:
    """Places, ships and receives one line of a simple position with scalar arithmetic.

    Counts go to the run's :class:`~simulator.engine.tally.Tally`; a line shipped in full at
    once never opens in the order book (see :meth:`OrderBook.shipped_at_once`).
    """

    def __init__(
        self,
        ctx: RunContext,
        ledger: StockLedger,
        fulfilment: Fulfilment,
        tally: Tally,
        simple: np.ndarray,
    ) -> None:
        """``simple``: the positions whose lines take this path (a mask)."""
        topo = ctx.net.topology
        self.ctx = ctx
        self.tally = tally
        self.book = fulfilment.book
        self.shipping = fulfilment.shipping
        self.on_hand, self.owed = ledger.on_hand, ledger.owed
        self.open_order, self.in_transit = ledger.open_order, ledger.in_transit
        self.source = topo.pos_sources[:, 0].tolist()
        self.lane = topo.pos_lanes[:, 0].tolist()
        self.pos_node = topo.pos_node.tolist()
        # Storage limits: each position's node capacity and the node's positions.
        self.capacity = topo.node_capacity[topo.pos_node].tolist()
        members: dict[int, list[int]] = {}
        for pos in np.flatnonzero(np.isfinite(topo.node_capacity[topo.pos_node])).tolist():
            members.setdefault(self.pos_node[pos], []).append(pos)
        self.node_positions = members
        self.lane_destination = topo.lane_destination.tolist()
        self.lane_cost = (
            topo.lane_cost_per_shipment + topo.lane_distance * topo.lane_cost_per_km
        ).tolist()
        self.lane_unit_cost = topo.lane_cost_per_unit.tolist()
        self.kpi_from = ctx.scenario.warmup - EPS
        self.log_shipment = ctx.records.shipments.append_row
        self.pos_tonnes = self.shipping.sku_tonnes[topo.pos_sku].tolist()
        # Transit times come from the lanes' streams, as on the array path; the generators of
        # simple positions' lanes are made together.
        self.lead_time = ctx.draws.lanes.take_one
        ctx.draws.lanes.prepare_lanes(np.asarray(self.lane)[simple].tolist())
        self.simple = simple.tolist()

    def place(self, pos: int, qty: float, demand_received: np.ndarray) -> bool:
        """Place and ship what the source can give now; False (nothing done) if other lines
        wait at the source while it has stock, so the array path keeps first come, first
        served. Without stock at the source the line just joins the queue."""
        if self.capacity[pos] < math.inf:
            qty = self._within_storage(pos, qty)
            if qty <= EPS:
                return True  # no room: nothing ordered
        src = self.source[pos]
        in_stock = 0.0
        if src >= 0:
            in_stock = self.on_hand.item(src)
            if in_stock <= EPS:
                in_stock = 0.0  # nothing to ship
            elif self.owed.item(src) > EPS:
                return False
        ctx, tally = self.ctx, self.tally
        tally.touched = True
        now, day = ctx.env.now, ctx.today
        kpi = ctx.now >= self.kpi_from
        self.open_order[pos] += qty
        tally.node_orders[self.pos_node[pos]] += qty
        if kpi:
            tally.pos_order_lines[pos] += 1.0
        grant = qty
        if src >= 0:
            demand_received[src] += qty
            tally.node_demand[self.pos_node[src]] += qty
            if qty > in_stock:
                grant = in_stock
                self.owed[src] += qty - grant
        lane = self.lane[pos]
        if grant >= qty:  # shipped in full: the line closes at once
            arrival = self._ship(pos, src, lane, qty, now, day, kpi)
            self.book.shipped_at_once(pos, qty, lane, now, day, arrival)
            return True
        row = self.book.add_one(pos, qty, src, lane, now, day)
        if grant > EPS:
            self.book.open[row] -= grant
            self.book.last_arrival[row] = self._ship(pos, src, lane, grant, now, day, kpi)
        return True

    def fill_waiting(self, rows: np.ndarray) -> bool:
        """Ship what a source that just received stock can give to the lines waiting on it
        (book ``rows``), first come, first served, as :meth:`Fulfilment.fill` does; False
        (nothing done) unless they are a few simple positions' lines, one each, all at one
        source, so that each is a shipment of its own."""
        if len(rows) > _FEW_WAITING:
            return False
        book, ctx = self.book, self.ctx
        now = ctx.env.now
        ready = [
            r for r in rows.tolist() if book.ready.item(r) <= now + EPS and book.open.item(r) > EPS
        ]
        if not ready:
            return True
        pos = [book.position.item(r) for r in ready]
        sources = {book.source.item(r) for r in ready}
        if len(set(pos)) < len(pos) or len(sources) > 1 or not all(self.simple[p] for p in pos):
            return False
        src = sources.pop()
        wanted = np.asarray([book.open.item(r) for r in ready])
        grants = grant_in_order(np.full(len(ready), src), wanted, self.on_hand).tolist()
        self.tally.touched = True
        kpi, day = ctx.now >= self.kpi_from, ctx.today
        # Shipments leave in lane order, as the array path logs them.
        for i in sorted(range(len(ready)), key=lambda i: self.lane[pos[i]]):
            grant, row = grants[i], ready[i]
            if grant <= EPS:
                continue
            self.owed[src] -= grant
            arrival = self._ship(pos[i], src, self.lane[pos[i]], grant, now, day, kpi)
            book.open[row] -= grant
            book.last_arrival[row] = max(book.last_arrival.item(row), arrival)
        return True

    def _within_storage(self, pos: int, qty: float) -> float:
        """The line cut so that its node's stock plus pipeline stays within storage, as the
        array path cuts it (:meth:`Replenishment._within_storage`)."""
        held = 0.0
        for p in self.node_positions[self.pos_node[pos]]:
            held += self.on_hand.item(p) + self.open_order.item(p) + self.in_transit.item(p)
        room = self.capacity[pos] - held
        room = room if room > 0.0 else 0.0
        return qty * (room / qty) if qty > room else qty

    def _ship(
        self, pos: int, src: int, lane: int, qty: float, now: float, day: int, kpi: bool
    ) -> float:
        """Send ``qty`` of the line on its lane; returns its arrival time."""
        ctx, tally = self.ctx, self.tally
        if src >= 0:
            self.on_hand[src] -= qty
            tally.total_issued[src] += qty
            if kpi:
                tally.pos_shipped[src] += qty
        elif kpi:  # bought from an external supplier (the only other source here)
            tally.pos_purchased[pos] += qty
        self.open_order[pos] -= qty
        self.in_transit[pos] += qty
        lead = self.lead_time(lane)
        arrival = now + lead
        cost = self.lane_cost[lane] + qty * self.lane_unit_cost[lane]
        tonnes = qty * self.pos_tonnes[pos]
        self.log_shipment(now, day, lane, self.lane_destination[lane], qty, tonnes, cost, arrival)
        event = at_phase(ctx.env, lead, Phase.ARRIVE)
        event.callbacks.append(lambda _event: self._receive(pos, qty))
        return arrival

    def _receive(self, pos: int, qty: float) -> None:
        self.on_hand[pos] += qty
        self.in_transit[pos] -= qty
        self.tally.total_received[pos] += qty
        self.tally.touched = True
        self.shipping.received_one(pos)
