"""Vehicle breakdowns: a share of a fleet out of service, or breakdowns more frequent."""

from __future__ import annotations

import numpy as np

from simulator.disruptions.base import Disruption
from simulator.disruptions.conditions import Conditions
from simulator.disruptions.kinds.vehicle_breakdowns import VehicleBreakdownsParams
from simulator.network import Network


class VehicleBreakdowns(Disruption[VehicleBreakdownsParams]):
    def __init__(self, index: int, params: VehicleBreakdownsParams, net: Network) -> None:
        super().__init__(index, params, net)
        depot = net.topology.node_ids.index(params.fleet)
        self.fleet = next(f.index for f in net.fleets if f.depot == depot)
        types = net.fleets[self.fleet].type_ids
        self.types = (
            np.arange(len(types)) if params.vehicle is None else [types.index(params.vehicle)]
        )

    def affect(self, conditions: Conditions) -> None:
        out = conditions.vehicles_out[self.fleet]
        out[self.types] = 1 - (1 - out[self.types]) * (1 - self.params.out_of_service)
        conditions.failure_factor[self.fleet][self.types] *= self.params.failure_factor
