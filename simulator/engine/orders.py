"""Customers of the event path: each stream is a SimPy process of Poisson customer orders.

An order is served the moment it arrives (or, where the outlet has an order desk, once a server
has processed it), from the outlet's stock, behind any customers already waiting. The work per
order touches one stream and one position in plain Python, because numpy's per-call overhead
dominates at that size: its cost does not grow with the network. Random draws come in blocks,
records are appended as rows, and a position reviews only when its policy may order.

Everything an order counts (demand, fill, lost sales, on-time delivery) is counted by the time
the customer arrived, so the warm-up cuts demand and service at the same instant.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from simulator.engine.context import EPS, RunContext
from simulator.engine.customers import Customers
from simulator.engine.fulfilment import Fulfilment
from simulator.engine.replenishment import Replenishment
from simulator.engine.stock import StockLedger
from simulator.network.demand import multipliers
from simulator.scenario.customers import CustomerDemand

_BLOCK = 512


class OrderStreams:
    """The event path's customer processes and the per-order bookkeeping."""

    def __init__(
        self,
        ctx: RunContext,
        ledger: StockLedger,
        customers: Customers,
        fulfilment: Fulfilment,
        replenishment: Replenishment,
    ) -> None:
        self.ctx = ctx
        self.ledger = ledger
        self.customers = customers
        self.fulfilment = fulfilment
        self.replenishment = replenishment
        dem, topo = ctx.net.demand, ctx.net.topology
        self.stream_pos = dem.stream_pos.tolist()
        self.stream_node = topo.pos_node[dem.stream_pos].tolist()
        self.stream_lost = dem.stream_lost.tolist()
        # What may need the general (array) path: disruptions, perishables, deliveries.
        self.plain = ctx.disruptions is None and not customers.delivers

    def start(self) -> None:
        """One customer process per event-path stream."""
        for s in self.ctx.net.demand.event:
            self.ctx.start(self._arrivals(int(s)), f"customers of stream {int(s)}")

    def _arrivals(self, s: int) -> Generator[simpy.Event, Any, None]:
        """Poisson customer orders of stream ``s`` (thinned for a time-varying mean)."""
        ctx = self.ctx
        dem, topo = ctx.net.demand, ctx.net.topology
        zone = dem.zones[dem.stream_zone[s]]
        sku = topo.sku_ids[dem.stream_sku[s]]
        assert zone.orders is not None
        name = f"orders/{zone.id}/{sku}"
        horizon_days = np.arange(ctx.n_days + 1, dtype=float)
        profile = multipliers(zone, sku, horizon_days)
        if ctx.disruptions is not None:
            shocks = ctx.disruptions.timeline.demand_factors(horizon_days, np.array([s]))
            if shocks is not None:
                profile = profile * shocks[:, 0]
        peak = float(profile.max())
        rate = zone.orders.rate * dem.stream_weight[s] * peak
        if rate <= 0:
            return  # a SKU weighted 0, or a zone switched off all horizon: no orders
        varying = not np.allclose(profile, 1.0)
        gaps = _Block(lambda: ctx.draws.rng(name).exponential(1.0 / rate, _BLOCK))
        size_dist = zone.orders.size
        sizes = _Block(lambda: size_dist.sample(ctx.draws.rng(name + "/size"), _BLOCK))
        thin = _Block(lambda: ctx.draws.rng(name + "/thinning").random(_BLOCK))
        env = ctx.env
        node = self.stream_node[s]
        desk = node in self.fulfilment.desks
        timeout = env.timeout
        while True:
            yield timeout(gaps.next())
            now = env.now
            if varying and thin.next() * peak > self._multiplier(zone, sku, s, now):
                continue
            size = sizes.next()
            if desk:
                ctx.start(self._at_desk(node, s, size, now), f"order desk of {ctx.node_name(node)}")
            else:
                self.serve(s, size, now, 0.0)

    def _multiplier(self, zone: CustomerDemand, sku: str, s: int, now: float) -> float:
        m = float(multipliers(zone, sku, np.array([now]))[0])
        if self.ctx.disruptions is not None:
            m *= float(self.ctx.disruptions.timeline.at(now).demand[s])
        return m

    def _at_desk(
        self, node: int, s: int, size: float, arrived: float
    ) -> Generator[simpy.Event, Any, None]:
        """A customer order waits for a server, then for its processing time."""
        env = self.ctx.env
        with self.fulfilment.desks[node].request() as request:
            yield request
            wait = env.now - arrived
            yield env.timeout(self.ctx.draws.processing_time(node))
        self.serve(s, size, arrived, wait)

    def serve(self, s: int, size: float, arrived: float, wait: float) -> None:
        """Serve one customer order of stream ``s`` that arrived at ``arrived``."""
        ctx, ledger, customers = self.ctx, self.ledger, self.customers
        rec = ctx.records
        pos = self.stream_pos[s]
        kpi = ctx.kpi(arrived)
        served = 0.0
        if customers.backorders.at_position[pos] <= EPS:  # FIFO behind waiting customers
            served = min(size, float(ledger.on_hand[pos]))
            if not self.plain:
                served *= self._work_share(pos)
            if served > 0:
                ledger.sell_one(pos, served, kpi)
        short = size - served
        lost = short if self.stream_lost[s] else 0.0
        if short - lost > 0:
            customers.backorders.add_one(s, short - lost)
        if lost > 0:
            customers.lost_today[pos] += lost
        customers.demand_received[pos] += size
        day, node = ctx.today, self.stream_node[s]
        rec.node_demand[day, node] += size
        rec.node_asked[day, node] += size
        rec.node_filled[day, node] += served
        full = served >= size - EPS
        if kpi:
            rec.stream_asked[s] += size
            rec.stream_filled_now[s] += served
            rec.stream_lost[s] += lost
            rec.stream_demand[s] += size
            rec.stream_orders[s] += 1
            rec.stream_orders_full[s] += full
            rec.customer_orders.append_row(arrived, s, size, served, wait)
        self._hand_over(s, served, wait, full, kpi)
        if self.replenishment.per_order[pos]:
            self.replenishment.review_one(pos)

    def _work_share(self, pos: int) -> float:
        """Share of its work the position's node can do now (1 without disruptions)."""
        conditions = self.ctx.conditions()
        if conditions is None:
            return 1.0
        return float(conditions.work()[self.ctx.net.topology.pos_node[pos]])

    def _hand_over(self, s: int, served: float, wait: float, full: bool, kpi: bool) -> None:
        customers = self.customers
        if not customers.delivers:  # a store: on time exactly when served at once
            customers.interventions.note_served_one(s, served)
            if kpi and wait == 0:
                rec = self.ctx.records
                rec.stream_on_time[s] += served
                rec.stream_orders_otif[s] += full
            return
        n = self.ctx.net.demand.n_streams
        one = np.zeros(n)
        one[s] = served
        orders_full = None
        if kpi:
            orders_full = np.zeros(n)
            orders_full[s] = full
        customers.hand_over(one, wait, orders_full, kpi)


class _Block:
    """Values of a random stream drawn a block at a time, handed out one by one."""

    __slots__ = ("_draw", "_values")

    def __init__(self, draw: Any) -> None:
        self._draw = draw
        self._values: list[float] = []

    def next(self) -> float:
        if not self._values:
            self._values = self._draw().tolist()[::-1]
        return self._values.pop()
