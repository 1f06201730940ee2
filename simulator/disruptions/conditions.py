"""The state of the world that disruptions change, as arrays the engine reads.

Every field has a neutral value (all lanes at full speed, all facilities open, factors 1). A
:class:`Conditions` is built fresh for each stretch of time with a fixed set of active
disruptions, each of which :meth:`~simulator.disruptions.base.Disruption.affect` s it; effects of
overlapping disruptions compose (speeds and shares multiply, closures win).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.network import Network

TRANSPORT, GOODS = 0, 1
"""Columns of :attr:`Conditions.cost`: transport costs (fuel) and the value of goods (currency)."""


@dataclass
class Conditions:
    lane_speed: np.ndarray  # per lane: share of normal transit speed; 0 closed
    node_open: np.ndarray  # per node, bool: ships, receives, sells and produces
    node_work: np.ndarray  # per node: share of its daily work it can do (shipping, selling)
    supply_cap: np.ndarray  # per node: units a day a plant makes or a supplier ships; inf
    production_share: np.ndarray  # per node: share of production capacity left
    production_slowdown: np.ndarray  # per node: factor on production lead time
    demand: np.ndarray  # per demand stream: multiplier on its customers' demand
    cost: np.ndarray  # (2,): multipliers on transport costs and on the value of goods
    vehicles_out: list[np.ndarray]  # per fleet, per vehicle type: share out of service
    failure_factor: list[np.ndarray]  # per fleet, per vehicle type: breakdown rate factor

    @classmethod
    def normal(cls, net: Network) -> Conditions:
        topo = net.topology
        n_nodes, n_lanes = len(topo.node_ids), len(topo.lane_ids)
        return cls(
            lane_speed=np.ones(n_lanes),
            node_open=np.ones(n_nodes, dtype=bool),
            node_work=np.ones(n_nodes),
            supply_cap=np.full(n_nodes, np.inf),
            production_share=np.ones(n_nodes),
            production_slowdown=np.ones(n_nodes),
            demand=np.ones(net.demand.n_streams),
            cost=np.ones(2),
            vehicles_out=[np.zeros(len(f.count)) for f in net.fleets],
            failure_factor=[np.ones(len(f.count)) for f in net.fleets],
        )

    def work(self) -> np.ndarray:
        """Share of its work each node can do now: 0 where closed."""
        return np.where(self.node_open, self.node_work, 0.0)
