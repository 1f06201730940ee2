"""One order line from placement to receipt in plain Python: the per-order path's reorders.

On the per-order path a position reorders every few customer orders, one line at a time, and
the array machinery of :mod:`~simulator.engine.replenishment`, :mod:`~simulator.engine.fulfilment`
and :mod:`~simulator.engine.shipping` spends most of its time in numpy's per-call overhead for
that single line. This module does the same bookkeeping with scalars, for the lines where
nothing else can intervene: one supplier, no lot sizing, storage limit, capacity, desk, fleet,
lots, tracing or disruption, and no earlier line waiting at the same source. Any other line takes
the array path. ``tests/engine/test_single_line.py`` runs scenarios both ways and checks that the
records are identical.
"""

from __future__ import annotations

import numpy as np

from policies.allocation import FcfsParams
from simulator.engine.clock import Phase, at_phase
from simulator.engine.context import EPS, RunContext
from simulator.engine.fulfilment import Fulfilment
from simulator.engine.stock import StockLedger
from simulator.network.topology import NO_SOURCE, UNLIMITED


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
        & np.isinf(topo.node_capacity[topo.pos_node])
    )


class SingleLine:
    """Places, ships and receives one line of a simple position with scalar arithmetic."""

    def __init__(self, ctx: RunContext, ledger: StockLedger, fulfilment: Fulfilment) -> None:
        topo = ctx.net.topology
        self.ctx = ctx
        self.ledger = ledger
        self.fulfilment = fulfilment
        self.book = fulfilment.book
        self.source = topo.pos_sources[:, 0].tolist()
        self.lane = topo.pos_lanes[:, 0].tolist()
        self.pos_node = topo.pos_node.tolist()
        self.lane_destination = topo.lane_destination.tolist()
        self.lane_cost = (
            topo.lane_cost_per_shipment + topo.lane_distance * topo.lane_cost_per_km
        ).tolist()
        self.lane_unit_cost = topo.lane_cost_per_unit.tolist()
        self.shipping = fulfilment.shipping
        self.pos_tonnes = self.shipping.sku_tonnes[topo.pos_sku].tolist()

    def place(self, pos: int, qty: float, demand_received: np.ndarray) -> bool:
        """Place and ship what the source can give now; False (nothing done) if another line
        already waits at the source, so the array path keeps first come, first served."""
        ctx, ledger, rec = self.ctx, self.ledger, self.ctx.records
        src, lane = self.source[pos], self.lane[pos]
        if src >= 0 and ledger.owed[src] > EPS:
            return False
        day, now = ctx.today, ctx.env.now
        ledger.open_order[pos] += qty
        rec.node_orders[day, self.pos_node[pos]] += qty
        if ctx.kpi(ctx.now):
            rec.pos_order_lines[pos] += 1.0
        grant = qty
        if src >= 0:
            demand_received[src] += qty
            rec.node_demand[day, self.pos_node[src]] += qty
            grant = min(qty, float(ledger.on_hand[src]))
            ledger.owed[src] += qty - grant
        row = len(self.book)
        self.book.add(
            np.array([pos]), np.array([qty]), np.array([src]), np.array([lane]), now, day, now
        )
        if grant > EPS:
            self._ship(row, pos, src, lane, grant)
        return True

    def _ship(self, row: int, pos: int, src: int, lane: int, qty: float) -> None:
        ctx, ledger, rec = self.ctx, self.ledger, self.ctx.records
        now = ctx.env.now
        if src >= 0:
            ledger.on_hand[src] -= qty
            rec.total_issued[src] += qty
            if ctx.kpi(ctx.now):
                rec.pos_shipped[src] += qty
        self.book.open[row] -= qty
        ledger.open_order[pos] -= qty
        ledger.in_transit[pos] += qty
        lead = ctx.draws.lead_time(lane)
        arrival = now + lead
        cost = self.lane_cost[lane] + qty * self.lane_unit_cost[lane]
        destination = self.lane_destination[lane]
        tonnes = qty * self.pos_tonnes[pos]
        rec.shipments.append_row(now, ctx.today, lane, destination, qty, tonnes, cost, arrival)
        self.book.last_arrival[row] = arrival
        event = at_phase(ctx.env, lead, Phase.ARRIVE)
        event.callbacks.append(lambda _event: self._receive(pos, qty))

    def _receive(self, pos: int, qty: float) -> None:
        ledger = self.ledger
        ledger.on_hand[pos] += qty
        ledger.in_transit[pos] -= qty
        self.ctx.records.total_received[pos] += qty
        self.shipping.received_at(np.array([pos]))
