"""The compiled runtime model of a scenario: facilities, positions, lanes and demand streams."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.network.budget import Limits, check_budget
from simulator.network.demand import CHANNELS, DemandStreams, compile_demand
from simulator.network.fleets import CompiledFleet, compile_fleets, lane_fleet
from simulator.network.geography import Geography
from simulator.network.market import MarketPlan, plan_market
from simulator.network.topology import PRODUCTION, UNLIMITED, Tier, Topology, compile_topology
from simulator.scenario.models import Scenario


@dataclass(frozen=True)
class Network:
    """Everything a run needs from a scenario, as arrays. Built once per scenario."""

    topology: Topology
    demand: DemandStreams
    market: MarketPlan | None  # the distribution strategy's decisions, if there is a market
    geography: Geography
    fleets: tuple[CompiledFleet, ...]
    lane_fleet: np.ndarray  # per lane: the fleet that drives it, -1 for a carrier lane


def compile_network(scenario: Scenario) -> Network:
    """Compile a validated scenario into a :class:`Network`.

    A market's distribution strategy runs first: it decides which outlets stock which SKUs,
    hence which inventory positions exist, and where each customer zone shops.
    """
    geography = Geography(scenario)
    plan = plan_market(scenario, geography)
    topology = compile_topology(
        scenario, plan.carries if plan else None, plan.price_factor if plan else None, geography
    )
    demand = compile_demand(scenario, topology, plan)
    fleets = compile_fleets(scenario, topology, demand, geography)
    return Network(
        topology=topology,
        demand=demand,
        market=plan,
        geography=geography,
        fleets=fleets,
        lane_fleet=lane_fleet(topology, fleets),
    )


__all__ = [
    "CHANNELS",
    "PRODUCTION",
    "UNLIMITED",
    "CompiledFleet",
    "DemandStreams",
    "Limits",
    "MarketPlan",
    "Network",
    "Tier",
    "Topology",
    "check_budget",
    "compile_network",
]
