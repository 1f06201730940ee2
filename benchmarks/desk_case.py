"""The M/M/2 desk case: one outlet whose customer orders queue for a two-server desk.

Orders arrive as a Poisson stream of ``RATE`` a day (36,500 in a year); each takes an
exponential processing time that loads the desk at ``DESK_UTILISATION``; the outlet holds
enough stock for the year, so the case times the queue alone. Three models of it: supplysim
(event path, ``processing`` on the outlet), a bare SimPy model (the textbook one: a source
process and a process per customer around a ``simpy.Resource``) and Ciw, when installed (not
in the ``bench`` extra: its wheel installs a top-level ``tests`` package that shadows ours).
Each reports its mean wait for a server, to compare with Erlang C.
"""

from __future__ import annotations

import importlib.util
import math
import random
from collections.abc import Generator
from typing import Any

import simpy
from network_spec import DESK_SERVERS, desk_time_mean
from supplysim_model import run_supplysim
from timing import Timing, timed

RATE = 100.0  # customer orders a day


def ciw_available() -> bool:
    """Tell whether Ciw can be imported."""
    return importlib.util.find_spec("ciw") is not None


def scenario_data(days: int) -> dict[str, Any]:
    """The desk case as a supplysim scenario document."""
    stock = 2 * RATE * days  # twice the year's expected units: never short
    return {
        "name": "bench-desk",
        "horizon": days,
        "seed": 0,
        "products": [{"id": "item", "unit_cost": 1.0, "price": 2.0}],
        "nodes": [
            {"id": "S0", "kind": "supplier"},
            {
                "id": "R0",
                "kind": "retailer",
                "inventory": {"policy": {"type": "sS", "s": 0, "S": stock}, "initial": stock},
                "processing": {
                    "servers": DESK_SERVERS,
                    "time": {"dist": "exponential", "mean": desk_time_mean(RATE)},
                },
            },
        ],
        "lanes": [{"from": "S0", "to": "R0", "lead_time": 1}],
        "demand": [{"id": "C0", "node": "R0", "orders": {"rate": RATE, "size": 1}}],
    }


def run_desk_supplysim(days: int) -> dict[str, float]:
    """Customers served and their mean wait, with ``run_s`` and ``run_cpu_s`` (wall and CPU
    seconds in ``Simulation.run``), as the other two models."""
    outcomes, _ = run_supplysim(scenario_data(days))  # the KPI error shows in the grid
    return {k: outcomes[k] for k in ("customer_orders", "wait_mean", "run_s", "run_cpu_s")}


def run_desk_bare(days: int, seed: int = 0) -> dict[str, float]:
    """The same queue in plain SimPy."""
    env = simpy.Environment()
    rng = random.Random(seed)
    desk = simpy.Resource(env, capacity=DESK_SERVERS)
    waits: list[float] = []
    service_rate = 1.0 / desk_time_mean(RATE)

    def customer() -> Generator[simpy.Event, Any, None]:
        arrived = env.now
        with desk.request() as request:
            yield request
            waited = env.now - arrived
            yield env.timeout(rng.expovariate(service_rate))
        waits.append(waited)

    def source() -> Generator[simpy.Event, Any, None]:
        while True:
            yield env.timeout(rng.expovariate(RATE))
            env.process(customer())

    env.process(source())
    run, _ = timed(lambda: env.run(until=days))
    return _outcomes(waits, run)


def run_desk_ciw(days: int, seed: int = 0) -> dict[str, float]:
    """The same queue in Ciw.

    Raises:
        ImportError: If Ciw is not installed.
    """
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=RATE)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / desk_time_mean(RATE))],
        number_of_servers=[DESK_SERVERS],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    run, _ = timed(lambda: simulation.simulate_until_max_time(days))
    return _outcomes([record.waiting_time for record in simulation.get_all_records()], run)


def _outcomes(waits: list[float], run: Timing) -> dict[str, float]:
    mean = sum(waits) / len(waits) if waits else math.nan
    return {
        "customer_orders": len(waits),
        "wait_mean": mean,
        "run_s": run.wall,
        "run_cpu_s": run.cpu,
    }
