"""The compiled runtime model of a scenario: facilities, positions, lanes and demand streams."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.network.demand import CHANNELS, DemandStreams, compile_demand
from simulator.network.market import MarketPlan, plan_market
from simulator.network.topology import PRODUCTION, UNLIMITED, Tier, Topology, compile_topology
from simulator.scenario.models import Scenario


@dataclass(frozen=True)
class Network:
    """Everything a run needs from a scenario, as arrays. Built once per scenario."""

    topology: Topology
    demand: DemandStreams
    market: MarketPlan | None  # the distribution strategy's decisions, if there is a market


def compile_network(scenario: Scenario) -> Network:
    """Compile a validated scenario into a :class:`Network`.

    A market's distribution strategy runs first: it decides which outlets stock which SKUs,
    hence which inventory positions exist, and where each customer zone shops.
    """
    plan = plan_market(scenario)
    topology = compile_topology(
        scenario, plan.carries if plan else None, plan.price_factor if plan else None
    )
    return Network(topology=topology, demand=compile_demand(scenario, topology, plan), market=plan)


__all__ = [
    "CHANNELS",
    "PRODUCTION",
    "UNLIMITED",
    "DemandStreams",
    "MarketPlan",
    "Network",
    "Tier",
    "Topology",
    "compile_network",
]
