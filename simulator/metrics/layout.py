"""What the records must know of a network to sum a run as the KPIs read it.

The records keep sums instead of every snapshot and every order line (see
:mod:`simulator.records`); these are the groupings and rules those sums need: the echelons'
positions, the positions customers buy from (service and stockout days), and how a completed
replenishment line is classified (bought from outside, on time).
"""

from __future__ import annotations

import numpy as np

from simulator.network import Network
from simulator.network.demand import DemandStreams
from simulator.network.topology import Topology
from simulator.records import Layout
from simulator.records.lines import ON_TIME_EPS, LinePlan


def customer_facing(topology: Topology, demand: DemandStreams) -> np.ndarray:
    """Positions some customers ask of: a first choice with reach, or a substitute."""
    asks = np.abs(demand.stream_reach) > 0
    return np.bincount(demand.stream_pos[asks], minlength=topology.n_positions) > 0


def nominal_lead_times(topology: Topology, daily_path: bool) -> tuple[np.ndarray, np.ndarray]:
    """The longest cycle time that counts as on time: per lane its mean lead time, and per
    position the plant's production lead time (for production lines).

    On the daily path a line that ships at once on a lane with lead time L arrives after
    ceil(L) days (docs/kpis.md), so that is the shortest cycle time and the nominal one.
    """
    lane = np.asarray([lead.mean for lead in topology.lane_lead_time], dtype=np.float64)
    pos = np.asarray(topology.pos_lead_time, dtype=np.float64)
    if daily_path:
        return np.ceil(lane - ON_TIME_EPS), np.ceil(pos - ON_TIME_EPS)
    return lane, pos


def record_layout(net: Network) -> Layout:
    """The records' layout of the scenario compiled into ``net``."""
    topo, dem = net.topology, net.demand
    lane_nominal, pos_nominal = nominal_lead_times(topo, len(dem.event) == 0)
    plan = LinePlan(
        pos_node=topo.pos_node,
        lane_nominal=lane_nominal,
        pos_nominal=pos_nominal,
        n_nodes=len(topo.node_ids),
    )
    tiers = tuple(tier.positions for tier in topo.tiers)
    return Layout(tiers, customer_facing(topo, dem), plan)
