"""Transport delay: chosen lanes slow down (lead times multiplied) or close."""

from __future__ import annotations

from simulator.disruptions.base import Disruption
from simulator.disruptions.conditions import Conditions
from simulator.disruptions.kinds.transport_delay import TransportDelayParams
from simulator.network import Network


class TransportDelay(Disruption[TransportDelayParams]):
    def __init__(self, index: int, params: TransportDelayParams, net: Network) -> None:
        super().__init__(index, params, net)
        topo = net.topology
        ids, names = topo.lane_ids, topo.node_ids
        by_name = {
            f"{names[o]}->{names[d]}": k
            for k, (o, d) in enumerate(zip(topo.lane_origin, topo.lane_destination, strict=True))
        }
        by_name.update({lane: k for k, lane in enumerate(ids)})
        self.lanes = [by_name[lane] for lane in params.lanes]
        self.speed = 0.0 if params.closed else 1.0 / params.lead_time_factor

    def affect(self, conditions: Conditions) -> None:
        conditions.lane_speed[self.lanes] *= self.speed
