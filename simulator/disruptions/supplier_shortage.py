"""Supplier shortage: a plant or supplier makes or ships less, or takes longer."""

from __future__ import annotations

import numpy as np

from simulator.disruptions.base import Disruption
from simulator.disruptions.conditions import Conditions
from simulator.disruptions.kinds.supplier_shortage import SupplierShortageParams
from simulator.network import Network


class SupplierShortage(Disruption[SupplierShortageParams]):
    def __init__(self, index: int, params: SupplierShortageParams, net: Network) -> None:
        super().__init__(index, params, net)
        topo = net.topology
        self.node = topo.node_ids.index(params.node)
        # A supplier's lead time is its lanes' transit; a plant's, its production lead time.
        self.lanes = np.flatnonzero(topo.lane_origin == self.node)

    def affect(self, conditions: Conditions) -> None:
        spec, n = self.params, self.node
        if spec.capacity is not None:
            conditions.supply_cap[n] = min(conditions.supply_cap[n], spec.capacity)
        if spec.capacity_share is not None:
            conditions.production_share[n] *= spec.capacity_share
        conditions.production_slowdown[n] *= spec.lead_time_factor
        if self.net.topology.node_kind[n] == "supplier":
            conditions.lane_speed[self.lanes] /= spec.lead_time_factor
