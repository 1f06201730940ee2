"""The compiled runtime model of a scenario: facilities, positions, lanes and demand streams."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.network.demand import CHANNELS, DemandStreams, compile_demand
from simulator.network.topology import PRODUCTION, UNLIMITED, Tier, Topology, compile_topology
from simulator.scenario.models import Scenario


@dataclass(frozen=True)
class Network:
    """Everything a run needs from a scenario, as arrays. Built once per scenario."""

    topology: Topology
    demand: DemandStreams


def compile_network(scenario: Scenario) -> Network:
    """Compile a validated scenario into a :class:`Network`."""
    topology = compile_topology(scenario)
    return Network(topology=topology, demand=compile_demand(scenario, topology))


__all__ = [
    "CHANNELS",
    "PRODUCTION",
    "UNLIMITED",
    "DemandStreams",
    "Network",
    "Tier",
    "Topology",
    "compile_network",
]
