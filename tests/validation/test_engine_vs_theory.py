"""The simulation engine against exact inventory and queueing theory.

Each test builds a small network, simulates it and compares every KPI, computed from
``result.records`` alone, with the exact value of ``theory_inventory`` or ``theory_queue``.

Replications. A position (one SKU at one node) with its own demand stream, policy and lane
evolves independently of every other position: each demand zone and SKU draws from its own
named random stream, lead times here are constant and nothing is capacity-limited. A node
carrying ``copies`` identical SKUs therefore yields ``copies`` independent replications from
one run, at little more than the cost of one run on the daily path (the engine's daily work is
vectorised over positions). Each test simulates its network once per seed in ``SEEDS`` (the
runs go to two worker processes) and pools the copies of all runs. The warm-up is at least as
long as the time each configuration needs to reach its stationary regime (given per test).

Tolerances. A KPI passes when the theoretical value lies in the Student t interval of the mean
of its replications (``stats_ci.mean_ci``) at ``CONFIDENCE`` = 99.9 %, so a correct engine fails
a given check for about one seed set in a thousand (about 4 % for the 44 checks of the file
together, not counting the three of the expected failure). Every reference value is exact for
the simulated model, so no model-error allowance is added. The per-replication estimates that
are ratios (fill rate, mean wait, variance ratio) carry an O(1/n) bias in the n demands of a
replication, orders of magnitude below the half-widths. The sizes are chosen so the file runs
in well under 90 s on two cores while an off-by-one in a lead time or a review timing moves a
KPI by many half-widths.

Timing conventions (see the ``theory_inventory`` module docstring): on the daily path the orders
of day ``t`` are placed at its end, time ``t + 1``; with lead time ``L`` they serve the demand
from day ``t + 1 + L`` on, and with a daily review end-of-day net stock is ``S - D(L + 1)``, so
the protection is ``n = L + R = L + 1`` (``n = 1`` for ``L = 0``). On the event path with
review-instant placement (``placement: at_review``, continuous time) an arriving
customer sees the time-stationary net stock ``S - D(L)`` of continuous review (PASTA), and the
end-of-day snapshots sample the same stationary process. With a daily order-up-to review on both
paths and the same ``L``, the fill rates agree; the end-of-day stock snapshots do not (the last
two tests pin this down).
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from stats_ci import mean_ci
from theory_inventory import (
    base_stock_continuous_poisson,
    bullwhip_ma_order_up_to,
    order_up_to_periodic_poisson,
    rQ_continuous_poisson,
    sS_periodic_markov,
)
from theory_queue import erlang_c, mmc_mean_wait

from simulator import run
from simulator.network import compile_network
from simulator.records import Records
from simulator.scenario import scenario_from_data

pytestmark = pytest.mark.slow

CONFIDENCE = 0.999
SEEDS = (20261, 20262)  # one run per worker process

# Products: a holding rate of 1 per year on a unit cost of 365 makes h = 1 per unit-day.
DAYS_PER_YEAR = 365.0
UNIT_COST = 365.0
HOLDING_RATE = 1.0
H_PER_DAY = UNIT_COST * HOLDING_RATE / DAYS_PER_YEAR

Replicator = Callable[[dict[str, Any], Sequence[int]], list[Records]]


def _simulate(data: dict[str, Any], seed: int) -> Records:
    """One run of the scenario ``data``: its records (small and picklable)."""
    return run(scenario_from_data(data), seed=seed).records


@pytest.fixture(scope="module")
def replicate() -> Iterator[Replicator]:
    """``replicate(data, seeds)``: the records of one run per seed, on up to two cores.

    The runs are independent (one seed each), so spreading them over worker processes changes
    only the wall time. Without ``fork`` (or with one core) they run in this process.
    """
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda data, seeds: [_simulate(data, seed) for seed in seeds]
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        yield lambda data, seeds: list(pool.map(_simulate, [data] * len(seeds), seeds))


# --------------------------------------------------------------------------- scenarios


def _daily(mean: float) -> dict[str, Any]:
    """Daily path: Poisson demand per SKU and day."""
    return {"daily": {"dist": "poisson", "mean": mean}}


def _orders(rate: float) -> dict[str, Any]:
    """Event path: Poisson arrivals of one-unit customer orders."""
    return {"orders": {"rate": rate, "size": 1}}


def _node(
    node_id: str,
    policy: dict[str, Any],
    *,
    lead_time: float,
    demand: dict[str, Any],
    initial: float,
    **extra: Any,
) -> dict[str, Any]:
    """A stocking node fed by the external supplier ``sup``, with its own customers.

    ``extra`` holds node fields (``kind``, ``processing``) and ``order_cost``.
    """
    order_cost = extra.pop("order_cost", 0.0)
    node = {
        "id": node_id,
        "kind": extra.pop("kind", "retailer"),
        "inventory": {"policy": policy, "initial": initial, "order_cost": order_cost},
        **extra,
    }
    return {
        "node": node,
        "lane": {"from": "sup", "to": node_id, "lead_time": lead_time},
        "zone": {"id": f"{node_id}-customers", "node": node_id, **demand},
    }


def _scenario(
    parts: Sequence[dict[str, Any]],
    *,
    copies: int,
    horizon: float,
    warmup: float,
    backorder_cost: float = 0.0,
    placement: str = "end_of_day",
) -> dict[str, Any]:
    """A supplier and the given nodes, each carrying ``copies`` identical SKUs (replications).

    ``placement: at_review`` is continuous time: a continuous-review position orders at each
    customer order, and the order leaves at once.
    """
    products = [
        {
            "id": f"u{i:02d}",
            "unit_cost": UNIT_COST,
            "price": 2 * UNIT_COST,
            "holding_rate": HOLDING_RATE,
            "backorder_cost": backorder_cost,
        }
        for i in range(copies)
    ]
    return {
        "name": "validation",
        "horizon": horizon,
        "warmup": warmup,
        "placement": placement,
        "products": products,
        "nodes": [{"id": "sup", "kind": "supplier"}, *(p["node"] for p in parts)],
        "lanes": [p["lane"] for p in parts],
        "demand": [p["zone"] for p in parts],
    }


# --------------------------------------------------------------------------- estimates


@dataclass(frozen=True)
class _Copy:
    """One replication: one position of one run, read from the run's records."""

    rec: Records
    pos: int
    stream: int
    node: int

    @property
    def _first(self) -> int:
        return math.ceil(self.rec.warmup)

    def order_fill(self) -> float:
        """Share of customer orders filled completely on arrival."""
        return float(self.rec.stream_orders_full[self.stream] / self.rec.stream_orders[self.stream])

    def unit_fill(self) -> float:
        """Share of demanded units filled from stock when demanded."""
        return float(self.rec.stream_filled_now[self.stream] / self.rec.stream_demand[self.stream])

    def on_hand(self) -> float:
        """Mean end-of-day on-hand stock after the warm-up."""
        return float(self.rec.series_on_hand[self._first :, self.pos].mean(dtype=np.float64))

    def backorders(self) -> float:
        """Mean end-of-day backlog after the warm-up."""
        return float(self.rec.series_backlog[self._first :, self.pos].mean(dtype=np.float64))

    def ok_days(self) -> float:
        """Share of days ending without backlog (cycle service level)."""
        return float(self.rec.pos_ok_days[self.pos] / self.rec.kpi_days)

    def order_lines_per_day(self) -> float:
        """Replenishment order lines placed per day."""
        return float(self.rec.pos_order_lines[self.pos] / self.rec.kpi_days)

    def variance_ratio(self) -> float:
        """Var(daily orders placed) / Var(daily demand received) of the node (bullwhip)."""
        orders = self.rec.node_orders[self._first :, self.node]
        demand = self.rec.node_demand[self._first :, self.node]
        return float(orders.var(ddof=1) / demand.var(ddof=1))

    def desk_utilisation(self, servers: int) -> float:
        """Server-days the node's desk worked in the window / (servers x window days)."""
        return float(self.rec.node_desk_busy[self.node] / (servers * self.rec.kpi_days))

    def waits(self) -> np.ndarray:
        """Waits in queue of this stream's customer orders that arrived after the warm-up and
        before the last day (an order still waiting at the end of the run is not recorded)."""
        orders = self.rec.customer_orders
        keep = (orders.column("stream") == self.stream) & (
            orders.column("time") < self.rec.n_days - 1
        )
        return orders.column("wait")[keep]


class _Runs:
    """Records of one run per seed of one scenario, with the replications of each node."""

    def __init__(self, data: dict[str, Any], replicate: Replicator) -> None:
        self.net = compile_network(scenario_from_data(data))
        self.records = replicate(data, SEEDS)

    def copies(self, nodes: Sequence[str]) -> list[_Copy]:
        topo, dem = self.net.topology, self.net.demand
        found = []
        for rec in self.records:
            for node_id in nodes:
                node = topo.node_ids.index(node_id)
                for pos in range(topo.n_positions)[topo.node_positions[node]]:
                    (stream,) = np.flatnonzero(dem.stream_pos == pos)
                    found.append(_Copy(rec, pos, int(stream), node))
        return found

    def values(self, nodes: Sequence[str], kpi: Callable[[_Copy], float]) -> np.ndarray:
        return np.array([kpi(copy) for copy in self.copies(nodes)])


def _agrees(label: str, samples: np.ndarray, theory: float, report: list[str]) -> bool:
    """Whether ``theory`` lies in the CONFIDENCE t interval of the mean of ``samples``."""
    mean, half = mean_ci(samples, CONFIDENCE)
    # An estimate that is the same in every replication (e.g. no backlog ever) has a zero-width
    # interval; allow float rounding only.
    ok = abs(mean - theory) <= half + 1e-9 * max(1.0, abs(theory))
    report.append(
        f"{label}: sim {mean:.4f} +- {half:.4f} (n={samples.size}) vs theory {theory:.4f}"
        + ("" if ok else "  <-- OUTSIDE")
    )
    return ok


def _check(results: list[bool], report: list[str]) -> None:
    print("\n".join(report))
    assert all(results), "\n" + "\n".join(report)


# --------------------------------------------------------------------------- tests


def test_continuous_base_stock_event_path(replicate: Replicator) -> None:
    """Continuous-review base stock, unit Poisson orders, constant lead time, backorders.

    Stationary from t = L: the inventory position stays at S from the start, so the net stock
    at t >= L is S minus the demand of (t - L, t]. Fill rate P(D(L) <= S - 1) per customer
    order; end-of-day on hand and backlog are E[(S - D(L))^+] and E[(D(L) - S)^+].
    """
    lam, lead, levels = 4.0, 2, (6, 9, 12)
    parts = [
        _node(
            f"bs{S}", {"type": "base_stock", "S": S}, lead_time=lead, demand=_orders(lam), initial=S
        )
        for S in levels
    ]
    scenario = _scenario(parts, copies=10, horizon=255, warmup=5, placement="at_review")
    runs = _Runs(scenario, replicate)
    results: list[bool] = []
    report: list[str] = []
    for S in levels:
        theory = base_stock_continuous_poisson(S, lam, lead)
        nodes = [f"bs{S}"]
        results += [
            _agrees(f"S={S} fill", runs.values(nodes, _Copy.order_fill), theory.fill_rate, report),
            _agrees(
                f"S={S} E[OH]", runs.values(nodes, _Copy.on_hand), theory.expected_on_hand, report
            ),
            _agrees(
                f"S={S} E[BO]",
                runs.values(nodes, _Copy.backorders),
                theory.expected_backorders,
                report,
            ),
        ]
    _check(results, report)


def test_periodic_order_up_to_daily_path(replicate: Replicator) -> None:
    """Order-up-to S reviewed daily (R = 1) on the daily path, integer lead times L.

    Protection n = L + 1: end-of-day net stock is S - D(L + 1) from day L + 1 on. With L = 0
    the order of day t arrives at the start of day t + 1, so end-of-day net stock is S - D_t
    (n = 1), no longer S.
    """
    lam = 4.0
    configs = ((2, 9), (2, 12), (2, 15), (0, 5))  # (L, S)
    parts = [
        _node(
            f"L{lead}-S{S}",
            {"type": "RS", "S": S, "review_period": 1},
            lead_time=lead,
            demand=_daily(lam),
            initial=S,
        )
        for lead, S in configs
    ]
    runs = _Runs(_scenario(parts, copies=20, horizon=1000, warmup=5), replicate)
    results: list[bool] = []
    report: list[str] = []
    for lead, S in configs:
        theory = order_up_to_periodic_poisson(S, lam, lead + 1)
        nodes = [f"L{lead}-S{S}"]
        tag = f"L={lead} S={S}"
        results += [
            _agrees(f"{tag} fill", runs.values(nodes, _Copy.unit_fill), theory.fill_rate, report),
            _agrees(
                f"{tag} E[OH]", runs.values(nodes, _Copy.on_hand), theory.expected_on_hand, report
            ),
            _agrees(
                f"{tag} E[BO]",
                runs.values(nodes, _Copy.backorders),
                theory.expected_backorders,
                report,
            ),
            _agrees(
                f"{tag} CSL", runs.values(nodes, _Copy.ok_days), theory.cycle_service_level, report
            ),
        ]
    _check(results, report)


def test_periodic_sS_cost_daily_path(replicate: Replicator) -> None:
    """Daily-review (s, S) with a fixed order cost against its exact Markov chain (n = L + 1).

    Cost per day = K x order lines per day + h E[OH] + b E[BO], from the records. The chain
    forgets its start within a few order cycles (about (S - s) / lam = 2.5 days each).
    """
    lam, lead, s, S, K, b = 4.0, 2, 5, 15, 20.0, 9.0
    part = _node(
        "sS",
        {"type": "sS", "s": s, "S": S, "review_period": 1},
        lead_time=lead,
        demand=_daily(lam),
        initial=S,
        order_cost=K,
    )
    data = _scenario([part], copies=40, horizon=1000, warmup=50, backorder_cost=b)
    runs = _Runs(data, replicate)
    theory = sS_periodic_markov(s, S, lam, lead + 1, K, H_PER_DAY, b)

    def cost(copy: _Copy) -> float:
        return K * copy.order_lines_per_day() + H_PER_DAY * copy.on_hand() + b * copy.backorders()

    nodes = ["sS"]
    report: list[str] = []
    results = [
        _agrees("cost/day", runs.values(nodes, cost), theory.average_cost, report),
        _agrees(
            "orders/day",
            runs.values(nodes, _Copy.order_lines_per_day),
            theory.order_probability,
            report,
        ),
        _agrees("E[OH]", runs.values(nodes, _Copy.on_hand), theory.expected_on_hand, report),
        _agrees("E[BO]", runs.values(nodes, _Copy.backorders), theory.expected_backorders, report),
    ]
    _check(results, report)


def test_continuous_rQ_event_path(replicate: Replicator) -> None:
    """Continuous-review (r, Q) with unit Poisson orders: IP uniform on r+1..r+Q.

    Starting at IP = r + Q, IP is r + Q - (N(t) mod Q); after the 15-day warm-up N(t) mod Q is
    within 1e-3 of uniform (N(15) ~ Poisson(60)) and the pipeline has turned over (L = 2).
    """
    lam, lead, configs = 4.0, 2, ((8, 5), (5, 10))  # (r, Q)
    parts = [
        _node(
            f"r{r}-Q{Q}",
            {"type": "rQ", "r": r, "Q": Q},
            lead_time=lead,
            demand=_orders(lam),
            initial=r + Q,
        )
        for r, Q in configs
    ]
    scenario = _scenario(parts, copies=12, horizon=315, warmup=15, placement="at_review")
    runs = _Runs(scenario, replicate)
    results: list[bool] = []
    report: list[str] = []
    for r, Q in configs:
        theory = rQ_continuous_poisson(r, Q, lam, lead)
        nodes = [f"r{r}-Q{Q}"]
        tag = f"r={r} Q={Q}"
        results += [
            _agrees(f"{tag} fill", runs.values(nodes, _Copy.order_fill), theory.fill_rate, report),
            _agrees(
                f"{tag} E[OH]", runs.values(nodes, _Copy.on_hand), theory.expected_on_hand, report
            ),
            _agrees(
                f"{tag} E[BO]",
                runs.values(nodes, _Copy.backorders),
                theory.expected_backorders,
                report,
            ),
            _agrees(
                f"{tag} orders/day",
                runs.values(nodes, _Copy.order_lines_per_day),
                theory.order_frequency,
                report,
            ),
        ]
    _check(results, report)


def test_mmc_order_processing(replicate: Replicator) -> None:
    """An order desk with c exponential servers fed by Poisson orders is an M/M/c queue.

    Stock never runs out (huge initial stock, no reordering), so the desk alone delays orders.
    Each replication is one e-commerce node with its own desk and order stream. The queue
    starts empty; its relaxation time 1 / (c mu (1 - sqrt(rho))^2) is under 2 days, and the
    warm-up is 10. Orders arriving in the last day are dropped: one still waiting at the end
    is not recorded, and a wait over a day has probability C exp(-(c mu - lam)) < 1e-4. The
    utilisation is the time average of the busy servers over the whole window / c, whose
    stationary mean is rho = lam / (c mu).
    """
    lam, mu, servers, nodes = 40.0, 25.0, 2, [f"desk{i}" for i in range(10)]
    processing = {"servers": servers, "time": {"dist": "exponential", "mean": 1.0 / mu}}
    parts = [
        _node(
            node,
            {"type": "base_stock", "S": 0},
            lead_time=1,
            demand=_orders(lam),
            initial=1e6,
            kind="ecommerce",
            processing=processing,
        )
        for node in nodes
    ]
    runs = _Runs(_scenario(parts, copies=1, horizon=110, warmup=10), replicate)

    report: list[str] = []
    results = [
        _agrees(
            "mean wait",
            runs.values(nodes, lambda c: float(c.waits().mean())),
            mmc_mean_wait(servers, lam, mu),
            report,
        ),
        _agrees(
            "P(wait>0)",
            runs.values(nodes, lambda c: float((c.waits() > 0).mean())),
            erlang_c(servers, lam, mu),
            report,
        ),
        _agrees(
            "utilisation",
            runs.values(nodes, lambda c: c.desk_utilisation(servers)),
            lam / (servers * mu),
            report,
        ),
    ]
    _check(results, report)


def test_bullwhip_moving_average(replicate: Replicator) -> None:
    """Order-up-to k x (p-day moving average), no safety stock, iid Poisson(100) demand.

    The engine observes the day's demand before the review, so the average includes the
    current period, as the formula assumes; then q_t = D_t + (k/p)(D_t - D_{t-p}) exactly, as
    long as no order is cut at zero. After the warm-up q_t has mean 100 and standard deviation
    10 sqrt((1 + k/p)^2 + (k/p)^2) <= 10 sqrt(1.75^2 + 0.75^2) < 20, so a negative order (which
    the engine would cut to 0) is a 5-sigma event; the formula is exact here.
    Each replication is a retailer with one SKU (node_orders and node_demand are per node).
    """
    mean, configs, copies = 100.0, ((3, 4), (5, 10)), 10  # (k, p)
    parts = [
        _node(
            f"k{k}-p{p}-{i}",
            {
                "type": "forecast",
                "method": "moving_average",
                "window": p,
                "cover": k,
                "safety_factor": 0.0,
            },
            lead_time=1,
            demand=_daily(mean),
            initial=k * mean,
        )
        for k, p in configs
        for i in range(copies)
    ]
    runs = _Runs(_scenario(parts, copies=1, horizon=1000, warmup=30), replicate)
    report: list[str] = []
    results = [
        _agrees(
            f"k={k} p={p} Var(q)/Var(D)",
            runs.values([f"k{k}-p{p}-{i}" for i in range(copies)], _Copy.variance_ratio),
            bullwhip_ma_order_up_to(k, p),
            report,
        )
        for k, p in configs
    ]
    _check(results, report)


# Daily order-up-to review (R = 1) on both demand paths: lambda, lead time L, level S.
PATHS_LAM, PATHS_LEAD, PATHS_S = 4.0, 2, 10


@pytest.fixture(scope="module")
def paths(replicate: Replicator) -> dict[str, _Runs]:
    """The same network, with the same lane lead time L, on the event path and the daily path."""
    policy = {"type": "RS", "S": PATHS_S, "review_period": 1}

    def runs(demand: dict[str, Any]) -> _Runs:
        part = _node("r", policy, lead_time=PATHS_LEAD, demand=demand, initial=PATHS_S)
        return _Runs(_scenario([part], copies=16, horizon=800, warmup=5), replicate)

    return {"event": runs(_orders(PATHS_LAM)), "daily": runs(_daily(PATHS_LAM))}


def _difference(
    paths: dict[str, _Runs], label: str, kpi: Callable[[_Copy], float], report: list[str]
) -> bool:
    """Replication i of the event path minus replication i of the daily path (independent pairs).

    They are different sample paths, so the pairs are independent; the CI of the mean
    difference must contain 0.
    """
    differences = paths["event"].values(["r"], kpi) - paths["daily"].values(["r"], kpi)
    return _agrees(f"{label}: event - daily", differences, 0.0, report)


def test_event_path_fill_rate_matches_daily_path(paths: dict[str, _Runs]) -> None:
    """Daily Poisson demand and unit Poisson orders at the same rate, daily order-up-to review,
    the same lane lead time L on both paths.

    Daily path: the order of day d - L - 1, placed at time d - L, arrives at the start of day d,
    so day d's demand meets the stock (S - D(L))^+ and the fill rate is that of protection
    n = L + 1. Event path: the review at time d - L raises the position to S and its order
    arrives at time d, so the orders of (d, d + 1) meet the same stock (S - D(L))^+ and there are
    Poisson(lambda) of them: the same fill rate, order_up_to_periodic_poisson(S, lambda, L + 1).
    Checked on each path against the theory and as a paired difference.
    """
    theory = order_up_to_periodic_poisson(PATHS_S, PATHS_LAM, PATHS_LEAD + 1).fill_rate
    report: list[str] = []
    results = [
        _agrees("fill: event", paths["event"].values(["r"], _Copy.unit_fill), theory, report),
        _agrees("fill: daily", paths["daily"].values(["r"], _Copy.unit_fill), theory, report),
        _difference(paths, "fill", _Copy.unit_fill, report),
    ]
    _check(results, report)


def test_event_path_end_of_day_stock_matches_daily_path(paths: dict[str, _Runs]) -> None:
    """End-of-day on hand, backlog and days without backlog, same lead time L on both paths.

    Both paths snapshot day d at time d + 1, before anything due at that moment, so both sample
    S - D(L + 1): the paired differences must be zero within their intervals.
    """
    report: list[str] = []
    results = [
        _difference(paths, "E[OH]", _Copy.on_hand, report),
        _difference(paths, "E[BO]", _Copy.backorders, report),
        _difference(paths, "CSL", _Copy.ok_days, report),
    ]
    _check(results, report)
