"""Safety-stock estimation: an order-up-to level per position from its lead-time demand, for a
target cycle service level, then checked by simulation.

The classic estimate (as anyLogistix's safety-stock estimation and the textbooks give it):
over the protection interval ``n = L + R`` days (lead time plus review period; with the
engine's end-of-day ordering and a daily review that is ``L + 1``, see docs/concepts.md) the
demand has mean ``mu n`` and variance ``n sigma^2 + mu^2 sigma_L^2``, and the level is
``S = mu n + z sd`` with ``z`` the standard normal quantile of the target. Daily demand of each
position (``mu``, ``sigma``) is measured on pilot runs of the scenario as it is, so upstream
positions see the orders of the positions they serve; lead times are the lanes' distributions.
A node with several SKUs shares its daily demand among them by their share of units shipped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import norm

from simulator.engine import Simulation
from simulator.experiment.executors import completed
from simulator.experiment.optimise_runs import Job
from simulator.network import compile_network
from simulator.network.topology import Topology
from simulator.scenario.loader import scenario_from_data
from simulator.scenario.models import Scenario


@dataclass(frozen=True)
class SafetyLevel:
    """One position's estimate.

    Attributes:
        node: The node's id.
        sku: The SKU's id.
        demand_mean: Mean daily demand ``mu``, units.
        demand_sd: Standard deviation of daily demand ``sigma``.
        lead_time: Mean lead time ``L``, days.
        lead_time_sd: Its standard deviation ``sigma_L``.
        protection: ``L + R``, days.
        safety_stock: ``z`` times the standard deviation of lead-time demand.
        level: The order-up-to level, ``mu n + safety_stock`` rounded up.
    """

    node: str
    sku: str
    demand_mean: float
    demand_sd: float
    lead_time: float
    lead_time_sd: float
    protection: float
    safety_stock: float
    level: int


def pilot_demand(job: Job) -> tuple[np.ndarray, np.ndarray]:
    """One pilot run: daily units demanded of each node after the warm-up, and units each
    position shipped."""
    scenario, seed = job
    records = Simulation(scenario, seed=seed).run().records
    first = math.ceil(records.warmup)
    return records.node_demand[first:], records.pos_shipped


def safety_levels(
    scenario: Scenario, service_level: float, executor: Executor, seeds: Sequence[int]
) -> list[SafetyLevel]:
    """Estimate every order-up-to position's level from pilot runs on ``seeds``.

    Args:
        scenario: The scenario as it is; its policies drive the pilot runs.
        service_level: Target cycle service level, strictly between 0 and 1.
        executor: Where the pilot runs execute.
        seeds: One pilot run per seed.

    Returns:
        One estimate per position whose policy has an order-up-to level ``S``.
    """
    if not 0 < service_level < 1:
        raise ValueError(f"the service level must lie strictly between 0 and 1: {service_level}")
    z = float(norm.ppf(service_level))
    pilots = [
        result for _, result in completed(executor, pilot_demand, [(scenario, s) for s in seeds])
    ]
    demand = np.concatenate([days for days, _ in pilots])
    shipped = np.sum([by_position for _, by_position in pilots], axis=0)
    topology = compile_network(scenario).topology
    found = []
    for pos in range(topology.n_positions):
        policy = topology.pos_policy[pos]
        if not hasattr(policy, "S"):
            continue
        node = int(topology.pos_node[pos])
        siblings = range(topology.n_positions)[topology.node_positions[node]]
        total = float(shipped[list(siblings)].sum())
        share = float(shipped[pos]) / total if total > 0 else 1.0 / len(siblings)
        mu = share * float(demand[:, node].mean())
        variance = share * float(demand[:, node].var(ddof=1))  # SKUs as independent parts
        lead, lead_var = _lead_time(topology, pos)
        n = lead + (getattr(policy, "review_period", None) or 1.0)
        safety = z * math.sqrt(n * variance + mu**2 * lead_var)
        found.append(
            SafetyLevel(
                node=topology.node_ids[node],
                sku=topology.sku_ids[int(topology.pos_sku[pos])],
                demand_mean=mu,
                demand_sd=math.sqrt(variance),
                lead_time=lead,
                lead_time_sd=math.sqrt(lead_var),
                protection=n,
                safety_stock=safety,
                level=math.ceil(mu * n + safety - 1e-9),
            )
        )
    return found


def _lead_time(topology: Topology, pos: int) -> tuple[float, float]:
    """Mean and variance of a position's replenishment lead time, days."""
    lane = int(topology.pos_lane[pos])
    if lane < 0:  # made in house: the mean is known, its spread is not modelled here
        return float(topology.pos_lead_time[pos]), 0.0
    distribution = topology.lane_lead_time[lane]
    return float(distribution.mean), float(distribution.variance)


def with_levels(scenario: Scenario, levels: Sequence[SafetyLevel]) -> Scenario:
    """The scenario with each estimated position on a base-stock policy at its level (per-SKU
    rules), keeping its review period."""
    data: dict[str, Any] = scenario.to_dict()
    nodes = {node["id"]: node for node in data["nodes"]}
    for level in levels:
        inventory = nodes[level.node]["inventory"]
        rule = inventory.setdefault("skus", {}).setdefault(level.sku, {})
        current = rule.get("policy") or inventory["policy"]
        policy: dict[str, Any] = {"type": "base_stock", "S": level.level}
        if current.get("review_period") is not None:
            policy["review_period"] = current["review_period"]
        rule["policy"] = policy
    return scenario_from_data(data)
