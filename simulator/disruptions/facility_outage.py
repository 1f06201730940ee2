"""Facility outage: a facility closed or short-handed, and storage failures destroying stock."""

from __future__ import annotations

import numpy as np

from simulator.disruptions.base import Disruption, Window, World
from simulator.disruptions.conditions import Conditions
from simulator.disruptions.kinds.facility_outage import FacilityOutageParams
from simulator.network import Network


class FacilityOutage(Disruption[FacilityOutageParams]):
    def __init__(self, index: int, params: FacilityOutageParams, net: Network) -> None:
        super().__init__(index, params, net)
        topo = net.topology
        self.nodes = np.asarray([topo.node_ids.index(n) for n in params.nodes], dtype=np.int64)
        held = np.isin(topo.pos_node, self.nodes)
        if params.destroy_skus == "perishable":
            held &= np.isfinite(topo.pos_shelf_life)
        elif params.destroy_skus != "all":
            held &= np.isin(topo.pos_sku, [topo.sku_ids.index(s) for s in params.destroy_skus])
        self.stock = np.flatnonzero(held)

    def affect(self, conditions: Conditions) -> None:
        if self.params.capacity == 0:
            conditions.node_open[self.nodes] = False
        conditions.node_work[self.nodes] *= self.params.capacity

    def begin(self, world: World, window: Window) -> None:
        if self.params.destroy > 0:
            world.destroy(self.stock, self.params.destroy)
