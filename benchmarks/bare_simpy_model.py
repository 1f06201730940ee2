"""The benchmark network on the event path, written by hand in plain SimPy.

This is the yardstick for supplysim's per-order cost: what a modeller would write for this one
network, without a framework. Same shape and work as supplysim's event path (see
``network_spec.py`` for the network):

* each retailer's customers are one SimPy process, a Poisson stream of orders of
  Uniform{5..15} units; with desks, each order is its own process that queues for the
  retailer's desk (a ``simpy.Resource`` with two servers) and is processed for an exponential
  time before it is served;
* a customer takes what is on the shelf, the rest is lost; the retailer then reviews its
  inventory position (on hand + on order) and, at or below ``s``, orders ``S`` minus it from
  its distributor;
* a distributor's stock is a ``simpy.Container``: each retailer order is a process that waits
  for the whole quantity, first come first served, then travels Uniform{1, 2} days. The
  distributor reviews its position (stock + on order - owed to retailers) at each retailer order
  and buys from the infinite supplier, whose goods take Uniform{2, 3, 4} days.

A retailer's shelf is a plain number: nothing ever waits on it (lost sales), so a ``Container``
would only add an event per order. Random numbers come from Python's ``random`` module, one
generator per run. Nothing is recorded beyond the totals the benchmark compares.
"""

from __future__ import annotations

import math
import random
from collections.abc import Generator
from typing import Any

import simpy
from network_spec import (
    DEMAND_MAX,
    DEMAND_MIN,
    DESK_SERVERS,
    DISTRIBUTOR_LEAD_TIME,
    ORDER_RATE,
    RETAILER_INITIAL_STOCK,
    RETAILER_ORDER_UP_TO,
    RETAILER_REORDER_POINT,
    SUPPLIER_LEAD_TIME,
    desk_time_mean,
    distributor_capacity,
)
from timing import timed

Process = Generator[simpy.Event, Any, None]


class Distributor:
    """Stock in a ``Container``; (s, S) on its position at each retailer order."""

    def __init__(self, env: simpy.Environment, rng: random.Random, cap: float) -> None:
        self.env, self.rng = env, rng
        self.stock = simpy.Container(env, init=cap / 2)
        self.s, self.S = cap / 3, cap
        self.on_order = 0.0  # bought from the supplier, not yet here
        self.owed = 0.0  # retailer orders waiting for stock
        self.orders = 0

    def order(self, retailer: Retailer, qty: float) -> None:
        """A retailer's replenishment order: ship it when the stock is there, then review."""
        self.owed += qty
        self.env.process(self.ship(retailer, qty))
        position = self.stock.level + self.on_order - self.owed
        if position <= self.s:
            self.on_order += self.S - position
            self.orders += 1
            self.env.process(self.buy(self.S - position))

    def ship(self, retailer: Retailer, qty: float) -> Process:
        yield self.stock.get(qty)
        self.owed -= qty
        yield self.env.timeout(self.rng.randint(*DISTRIBUTOR_LEAD_TIME))
        retailer.receive(qty)

    def buy(self, qty: float) -> Process:
        yield self.env.timeout(self.rng.randint(*SUPPLIER_LEAD_TIME))
        self.on_order -= qty
        yield self.stock.put(qty)


class Retailer:
    """Sells from the shelf to its customers; (s, S) on its position after each sale."""

    def __init__(
        self, env: simpy.Environment, rng: random.Random, distributor: Distributor, desk: bool
    ) -> None:
        self.env, self.rng, self.distributor = env, rng, distributor
        self.on_hand = float(RETAILER_INITIAL_STOCK)
        self.on_order = 0.0
        self.desk = simpy.Resource(env, capacity=DESK_SERVERS) if desk else None
        self.customer_orders = 0
        self.demand = self.sold = self.waited = 0.0
        self.orders = 0

    def customers(self, rate: float) -> Process:
        """The Poisson stream of customer orders."""
        while True:
            yield self.env.timeout(self.rng.expovariate(rate))
            qty = self.rng.randint(DEMAND_MIN, DEMAND_MAX)
            if self.desk is None:
                self.serve(qty)
            else:
                self.env.process(self.at_desk(qty, rate))

    def at_desk(self, qty: int, rate: float) -> Process:
        """One order through the desk: queue, be processed, then be served from the shelf."""
        arrived = self.env.now
        assert self.desk is not None
        with self.desk.request() as request:
            yield request
            waited = self.env.now - arrived
            yield self.env.timeout(self.rng.expovariate(1.0 / desk_time_mean(rate)))
        self.waited += waited
        self.serve(qty)

    def serve(self, qty: int) -> None:
        sold = min(qty, self.on_hand)
        self.on_hand -= sold
        self.customer_orders += 1
        self.demand += qty
        self.sold += sold
        position = self.on_hand + self.on_order
        if position <= RETAILER_REORDER_POINT:
            self.on_order += RETAILER_ORDER_UP_TO - position
            self.orders += 1
            self.distributor.order(self, RETAILER_ORDER_UP_TO - position)

    def receive(self, qty: float) -> None:
        self.on_hand += qty
        self.on_order -= qty


def run_bare_simpy(
    n_distributors: int, n_retailers: int, days: int, seed: int = 0, desks: bool = False
) -> dict[str, float]:
    """Build the network, run it for ``days`` and return the totals (as ``our_outcomes``),
    with ``run_s`` and ``run_cpu_s``, the wall and CPU seconds spent in ``env.run``."""
    env = simpy.Environment()
    rng = random.Random(seed)
    cap = distributor_capacity(n_distributors, n_retailers)
    distributors = [Distributor(env, rng, cap) for _ in range(n_distributors)]
    retailers = [
        Retailer(env, rng, distributors[r % n_distributors], desks) for r in range(n_retailers)
    ]
    for retailer in retailers:
        env.process(retailer.customers(ORDER_RATE))
    run, _ = timed(lambda: env.run(until=days))
    orders = sum(r.customer_orders for r in retailers)
    demand = sum(r.demand for r in retailers)
    sold = sum(r.sold for r in retailers)
    return {
        "customer_orders": float(orders),
        "demand_units": demand,
        "sold_units": sold,
        "lost_sales_units": demand - sold,
        "fill_rate": sold / demand if demand else math.nan,
        "retailer_replenishment_orders": float(sum(r.orders for r in retailers)),
        "distributor_replenishment_orders": float(sum(d.orders for d in distributors)),
        "retailer_inventory_end": sum(r.on_hand for r in retailers),
        "distributor_inventory_end": sum(d.stock.level for d in distributors),
        "wait_mean": sum(r.waited for r in retailers) / orders if desks and orders else math.nan,
        "run_s": run.wall,
        "run_cpu_s": run.cpu,
    }
