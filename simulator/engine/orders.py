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
from simulator.engine.tally import Tally
from simulator.network.demand import multipliers
from simulator.scenario.customers import CustomerDemand
from simulator.scenario.distributions import Constant

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
        # Shortcuts of the hot path, looked up once.
        self.plain = ctx.disruptions is None  # outlets always work at full capacity
        self.plain_stock = not (ledger.perishable or ledger.trace is not None)
        self.delivers = customers.delivers
        self.remember_sales = len(customers.interventions.served) > 0
        self.kpi_from = ctx.scenario.warmup - EPS
        self.waiting = customers.backorders.at_position
        self.demand_received = customers.demand_received
        self.asked = customers.asked
        self.per_order = replenishment.per_order.tolist()
        self.idle_above = replenishment.idle_above.tolist()
        self.owed = ledger.owed
        self.on_hand = ledger.on_hand
        self.log = ctx.records.customer_orders.append_row
        self.tally = Tally(ctx.records, ctx.n_days)

    def start(self) -> None:
        """One customer process per event-path stream."""
        for s in self.ctx.net.demand.event:
            # Not through ctx.start: the stream watches for its own failure, which saves a
            # generator hand-off per order.
            self.ctx.env.process(self._arrivals(int(s)))

    def _arrivals(self, s: int) -> Generator[simpy.Event, Any, None]:
        """Poisson customer orders of stream ``s`` (thinned for a time-varying mean)."""
        ctx = self.ctx
        dem, topo = ctx.net.demand, ctx.net.topology
        zone = dem.zones[dem.stream_zone[s]]
        sku = topo.sku_ids[dem.stream_sku[s]]
        assert zone.orders is not None
        name = f"orders/{zone.id}/{sku}"
        peak, varying = 1.0, False
        if zone.seasonality or zone.trend or zone.promotions or ctx.disruptions is not None:
            horizon_days = np.arange(ctx.n_days + 1, dtype=float)
            profile = multipliers(zone, sku, horizon_days)
            if ctx.disruptions is not None:
                shocks = ctx.disruptions.timeline.demand_factors(horizon_days, np.array([s]))
                if shocks is not None:
                    profile = profile * shocks[:, 0]
            peak, varying = float(profile.max()), not np.allclose(profile, 1.0)
        rate = zone.orders.rate * dem.stream_weight[s] * peak
        if rate <= 0:
            return  # a SKU weighted 0, or a zone switched off all horizon: no orders
        gaps = _Block(lambda: ctx.draws.rng(name).exponential(1.0 / rate, _BLOCK))
        size_dist = zone.orders.size
        fixed_size = size_dist.value if isinstance(size_dist, Constant) else None
        sizes = _Block(lambda: size_dist.sample(ctx.draws.rng(name + "/size"), _BLOCK))
        thin = _Block(lambda: ctx.draws.rng(name + "/thinning").random(_BLOCK))
        env = ctx.env
        node = self.stream_node[s]
        desk = node in self.fulfilment.desks
        timeout, serve = env.timeout, self.serve
        try:  # here rather than through ctx.start: no generator hand-off per order
            while True:
                yield timeout(gaps.next())
                now = env.now
                if varying and thin.next() * peak > self._multiplier(zone, sku, s, now):
                    continue
                size = sizes.next() if fixed_size is None else fixed_size
                if desk:
                    what = f"order desk of {ctx.node_name(node)}"
                    ctx.start(self._at_desk(node, s, size, now), what)
                else:
                    serve(s, size, now, 0.0)
        except Exception as error:
            raise ctx.failure(f"customers of stream {s}", error) from error

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
        pos = self.stream_pos[s]
        on_hand = self.on_hand
        waiting = float(self.waiting[pos])
        in_stock = float(on_hand[pos])
        served = 0.0
        if waiting <= EPS:  # FIFO behind waiting customers
            served = size if size < in_stock else in_stock
            if not self.plain:
                served *= self._work_share(pos)
        kpi = arrived >= self.kpi_from
        sold = served > 0 and self.plain_stock
        if sold:
            on_hand[pos] = in_stock - served
        elif served > 0:
            self.ledger.sell_one(pos, served, kpi)
        lost = 0.0
        if served < size:
            short = size - served
            if self.stream_lost[s]:
                lost = short
                self.customers.lost_today[pos] += lost
            else:
                self.customers.backorders.add_one(s, short)
                waiting += short
        self.demand_received[pos] += size
        self.asked[pos] += size
        full = served >= size - EPS
        in_store = not self.delivers
        self.tally.order(
            s, pos, self.stream_node[s], size, served, lost, full, kpi, sold, in_store and wait == 0
        )
        if kpi:
            self.log(arrived, s, size, served, wait)
        if not in_store:
            self._hand_over(s, served, wait, full, kpi)
        elif self.remember_sales:
            self.customers.interventions.note_served_one(s, served)
        # Review only if the position may order: its inventory position is at least what it
        # holds less what it owes, so above the policy's idle level it cannot.
        if self.per_order[pos] and (
            in_stock - served - waiting - float(self.owed[pos]) <= self.idle_above[pos]
        ):
            self.replenishment.review_one(pos)

    def _work_share(self, pos: int) -> float:
        """Share of its work the position's node can do now (1 without disruptions)."""
        conditions = self.ctx.conditions()
        if conditions is None:
            return 1.0
        return float(conditions.work()[self.ctx.net.topology.pos_node[pos]])

    def _hand_over(self, s: int, served: float, wait: float, full: bool, kpi: bool) -> None:
        """Online orders: delivered by the node's delivery or fleet (the array path)."""
        n = self.ctx.net.demand.n_streams
        one = np.zeros(n)
        one[s] = served
        orders_full = None
        if kpi:
            orders_full = np.zeros(n)
            orders_full[s] = full
        self.customers.hand_over(one, wait, orders_full, kpi)


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
