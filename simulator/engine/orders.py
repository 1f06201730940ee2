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

import heapq
from collections.abc import Callable, Generator
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
from simulator.scenario.distributions import Constant

_BLOCK = 512
_FIRST_BLOCK = 16


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
        self.per_order = replenishment.per_order
        self.idle_above = replenishment.idle_above
        self.owed = ledger.owed
        self.on_hand = ledger.on_hand
        self.open_order, self.in_transit = ledger.open_order, ledger.in_transit
        self.log = ctx.records.customer_orders.append_row
        self.tally = replenishment.tally

    def start(self) -> None:
        """The customers of every event-path stream: one SimPy process."""
        if len(self.ctx.net.demand.event):
            # Not through ctx.start: the process watches for its own failure, which saves a
            # generator hand-off per order.
            self.ctx.env.process(self._arrivals())

    def _arrivals(self) -> Generator[simpy.Event, Any, None]:
        """Poisson customer orders of every event-path stream, merged in time order.

        Each stream keeps its own random streams, so its orders are those it would give
        alone. An order due before the next scheduled event of the run is served at once, the
        clock set to its time: nothing else can happen in between, so that is what a SimPy
        event of its own would give, without the event. Otherwise the process waits for it.
        """
        ctx = self.ctx
        env = ctx.env
        try:  # here rather than through ctx.start: no generator hand-off per order
            streams = {}
            for s, made in self._generators().items():
                stream = self._stream(s, made)
                if stream is not None:
                    streams[s] = stream
            due = [(stream.gaps.next(), s) for s, stream in streams.items()]
            heapq.heapify(due)
            timeout, peek, serve, replace = env.timeout, env.peek, self.serve, heapq.heapreplace
            while True:
                now, s = due[0]
                if now >= peek():  # something else is due first (or at the same instant)
                    yield timeout(now - env.now)
                _set_clock(env, now)
                stream = streams[s]
                replace(due, (now + stream.gaps.next(), s))
                if stream.thinning is not None and stream.thinned(now):
                    continue
                size = stream.size()
                if stream.desk:
                    what = f"order desk of {ctx.node_name(stream.node)}"
                    ctx.start(self._at_desk(stream.node, s, size, now), what)
                else:
                    serve(s, size, now, 0.0)
        except Exception as error:
            raise ctx.failure("customers of the order streams", error) from error

    def _name(self, s: int) -> str:
        """The name of stream ``s``'s random stream of orders."""
        dem = self.ctx.net.demand
        zone, sku = dem.zones[dem.stream_zone[s]], self.ctx.net.topology.sku_ids[dem.stream_sku[s]]
        return f"orders/{zone.id}/{sku}"

    def _generators(self) -> dict[int, dict[str, np.random.Generator]]:
        """Per event-path stream, its generators of gaps and sizes by name, made together."""
        dem = self.ctx.net.demand
        names = {s: [self._name(s)] for s in dem.event.tolist()}
        for s, own in names.items():
            orders = dem.zones[dem.stream_zone[s]].orders
            assert orders is not None
            if not isinstance(orders.size, Constant):
                own.append(own[0] + "/size")
        made = iter(self.ctx.draws.streams.streams([n for own in names.values() for n in own]))
        return {s: {name: next(made) for name in own} for s, own in names.items()}

    def _stream(self, s: int, made: dict[str, np.random.Generator]) -> _Stream | None:
        """Stream ``s``'s random draws (``made``: its generators by name) and rate; ``None``
        if it never orders."""
        ctx = self.ctx
        dem, topo = ctx.net.demand, ctx.net.topology
        zone = dem.zones[dem.stream_zone[s]]
        sku = topo.sku_ids[dem.stream_sku[s]]
        assert zone.orders is not None
        name = self._name(s)
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
            return None  # a SKU weighted 0, or a zone switched off all horizon: no orders
        size_dist = zone.orders.size
        node = self.stream_node[s]
        thinning = None
        if varying:  # a time-varying mean: orders at the peak rate, kept with probability m/peak
            accept = _Block(ctx.draws.rng(name + "/thinning").random)
            thinning = (accept, peak, lambda now: self._multiplier(zone, sku, s, now))
        return _Stream(
            gaps=_Block(made[name].exponential, 1.0 / rate),
            sizes=None
            if name + "/size" not in made
            else _Block(size_dist.sample, made[name + "/size"]),
            fixed_size=size_dist.value if isinstance(size_dist, Constant) else None,
            thinning=thinning,
            node=node,
            desk=node in self.fulfilment.desks,
        )

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
        desk = self.fulfilment.desks[node]
        with desk.request() as request:
            yield request
            wait = env.now - arrived
            yield desk.work(self.ctx.draws.processing_time(node))
        self.serve(s, size, arrived, wait)

    def serve(self, s: int, size: float, arrived: float, wait: float) -> None:
        """Serve one customer order of stream ``s`` that arrived at ``arrived``."""
        pos = self.stream_pos[s]
        on_hand, tally = self.on_hand, self.tally
        waiting = self.waiting.item(pos)
        in_stock = on_hand.item(pos)
        served = 0.0
        if waiting <= EPS:  # FIFO behind waiting customers
            served = size if size < in_stock else in_stock
            if not self.plain:
                served *= self._work_share(pos)
        kpi = arrived >= self.kpi_from
        sold = served > 0 and self.plain_stock
        if sold:
            on_hand[pos] = in_stock - served
            tally.total_issued[pos] += served
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
        tally.touched = True
        node = self.stream_node[s]
        tally.node_demand[node] += size
        tally.node_asked[node] += size
        tally.node_filled[node] += served
        if kpi:
            tally.stream_asked[s] += size
            tally.stream_filled_now[s] += served
            tally.stream_lost[s] += lost
            tally.stream_demand[s] += size
            tally.stream_orders[s] += 1.0
            tally.stream_orders_full[s] += full
            if sold:
                tally.pos_shipped[pos] += served
                tally.pos_sold[pos] += served
            self.log(arrived, s, size, served, wait)
        if self.delivers:
            self._hand_over(s, served, wait, full, kpi)
        else:
            if kpi and wait == 0:  # served at once in a store: on time
                tally.stream_on_time[s] += served
                tally.stream_orders_otif[s] += full
            if self.remember_sales:
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


class _Block:
    """Values of a random stream drawn a block at a time, handed out one by one.

    ``draw(*args, n)`` draws ``n`` values. Blocks start small and double up to ``_BLOCK``
    values, so a stream that orders a few times costs a few draws; the values do not depend
    on the block sizes (each is drawn in turn from the stream's generator).
    """

    __slots__ = ("_args", "_draw", "_size", "_values")

    def __init__(self, draw: Callable[..., np.ndarray], *args: Any) -> None:
        self._draw = draw
        self._args = args
        self._size = _FIRST_BLOCK
        self._values: list[float] = []

    def next(self) -> float:
        if not self._values:
            self._values = self._draw(*self._args, self._size).tolist()[::-1]
            self._size = min(2 * self._size, _BLOCK)
        return self._values.pop()


_Thinning = tuple[_Block, float, Callable[[float], float]]  # draws, peak, mean multiplier at t


class _Stream:
    """One event-path stream's draws: gaps between orders, sizes, thinning."""

    __slots__ = ("desk", "fixed_size", "gaps", "node", "sizes", "thinning")

    def __init__(
        self,
        gaps: _Block,
        sizes: _Block | None,
        fixed_size: float | None,
        thinning: _Thinning | None,
        node: int,
        desk: bool,
    ) -> None:
        self.gaps, self.sizes, self.fixed_size = gaps, sizes, fixed_size
        self.thinning, self.node, self.desk = thinning, node, desk

    def thinned(self, now: float) -> bool:
        """Whether the order at ``now`` is thinned away (a time-varying mean below its peak)."""
        assert self.thinning is not None
        accept, peak, level = self.thinning
        return accept.next() * peak > level(now)

    def size(self) -> float:
        if self.sizes is None:
            assert self.fixed_size is not None
            return self.fixed_size
        return self.sizes.next()


def _set_clock(env: simpy.Environment, now: float) -> None:
    """Set the clock to ``now``, the time of the order being served: no earlier than the last
    event processed and before the next one due (or, after waiting for it, the exact sum of
    the stream's gaps rather than SimPy's sum of the wait with the clock)."""
    env._now = now
