"""Customers of the event path: Poisson customer orders, served one by one as they arrive.

An order is served the moment it arrives (or, where the outlet has an order desk, once a server
has processed it), from the outlet's stock, behind any customers already waiting. The orders
are drawn ahead in arrays (:mod:`~simulator.engine.arrivals`); serving one touches one stream
and one position in plain Python, because numpy's per-call overhead dominates at that size, so
its cost does not grow with the network. What it counts is counted in bulk
(:mod:`~simulator.engine.served`), and a position reviews only when its policy may order.

Everything an order counts (demand, fill, lost sales, on-time delivery) is counted by the time
the customer arrived, so the warm-up cuts demand and service at the same instant.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from simulator.engine.arrivals import Arrivals
from simulator.engine.context import EPS, RunContext
from simulator.engine.customers import Customers
from simulator.engine.fulfilment import Fulfilment
from simulator.engine.replenishment import Replenishment
from simulator.engine.served import ServedOrders
from simulator.engine.stock import StockLedger


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
        self.per_order = replenishment.per_order
        self.idle_above = replenishment.idle_above
        self.owed = ledger.owed
        self.on_hand = ledger.on_hand
        self.open_order, self.in_transit = ledger.open_order, ledger.in_transit
        self.served = ServedOrders(ctx, customers, self.plain_stock)
        self.tally = replenishment.tally

    def count(self, day: int) -> None:
        """Add what the per-order path counted to the records, day-indexed counts to ``day``."""
        self.served.count(day)
        self.tally.flush(day)

    def start(self) -> None:
        """The customers of every event-path stream: one SimPy process."""
        if len(self.ctx.net.demand.event):
            # Not through ctx.start: the process watches for its own failure, which saves a
            # generator hand-off per order.
            self.ctx.env.process(self._arrivals())

    def _arrivals(self) -> Generator[simpy.Event, Any, None]:
        """Poisson customer orders of every event-path stream, in time order.

        An order due before the next scheduled event of the run is served at once, the clock
        set to its time: nothing else can happen in between, so that is what a SimPy event of
        its own would give, without the event. Otherwise the process waits for it.
        """
        ctx = self.ctx
        env = ctx.env
        try:  # here rather than through ctx.start: no generator hand-off per order
            arrivals = Arrivals(ctx)
            timeout, peek, serve = env.timeout, env.peek, self.serve
            desks = self.fulfilment.desks
            at_desk = [node in desks for node in self.stream_node]
            for times, streams, sizes in arrivals.rounds():
                for now, s, size in zip(times, streams, sizes, strict=True):
                    if now >= peek():  # something else is due first (or at the same instant)
                        yield timeout(now - env.now)
                    _set_clock(env, now)
                    if at_desk[s]:
                        node = self.stream_node[s]
                        what = f"order desk of {ctx.node_name(node)}"
                        ctx.start(self._at_desk(node, s, size, now), what)
                    else:
                        serve(s, size, now, 0.0)
        except Exception as error:
            raise ctx.failure("customers of the order streams", error) from error

    def _at_desk(
        self, node: int, s: int, size: float, arrived: float
    ) -> Generator[simpy.Event, Any, None]:
        """A customer order waits for a server, then for its processing time."""
        env = self.ctx.env
        desk = self.fulfilment.desks[node]
        with desk.request() as request:
            yield request
            wait = env.now - arrived
            yield desk.work(self.ctx.draws.processing_time(node))
        self.serve(s, size, arrived, wait)

    def serve(self, s: int, size: float, arrived: float, wait: float) -> None:
        """Serve one customer order of stream ``s`` that arrived at ``arrived``: from stock,
        behind any customers waiting; the rest is backordered or lost. What it counts is
        counted in bulk (:meth:`ServedOrders.count`)."""
        pos = self.stream_pos[s]
        on_hand = self.on_hand
        waiting = self.waiting.item(pos)
        in_stock = on_hand.item(pos)
        served = 0.0
        if waiting <= EPS:  # FIFO behind waiting customers
            served = size if size < in_stock else in_stock
            if not self.plain:
                served *= self._work_share(pos)
            if served > 0:
                if self.plain_stock:
                    on_hand[pos] = in_stock - served
                else:
                    self.ledger.sell_one(pos, served, arrived >= self.kpi_from)
        if served < size and not self.stream_lost[s]:
            short = size - served
            self.customers.backorders.add_one(s, short)
            waiting += short
        self.served.add((arrived, s, size, served, wait))
        if self.delivers:
            kpi = arrived >= self.kpi_from
            self._hand_over(s, served, wait, served >= size - EPS, kpi)
        elif self.remember_sales:
            self.customers.interventions.note_served_one(s, served)
        # Review only if the position may order: above the policy's idle level it cannot.
        if self.per_order[pos]:
            position = (
                in_stock - served + (self.open_order.item(pos) + self.in_transit.item(pos))
            ) - (self.owed.item(pos) + waiting)
            if position <= self.idle_above[pos]:
                self.replenishment.decide_one(pos, position)

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


def _set_clock(env: simpy.Environment, now: float) -> None:
    """Set the clock to ``now``, the time of the order being served: no earlier than the last
    event processed and before the next one due (or, after waiting for it, the exact sum of
    the stream's gaps rather than SimPy's sum of the wait with the clock)."""
    env._now = now
