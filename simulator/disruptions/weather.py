"""Weather: a storm over a region slows or closes its lanes and closes its facilities."""

from __future__ import annotations

import numpy as np

from simulator.disruptions.base import Disruption
from simulator.disruptions.conditions import Conditions
from simulator.disruptions.kinds.weather import Region, WeatherParams
from simulator.network import Network


def region_nodes(region: Region, net: Network) -> np.ndarray:
    """Node indices in a region: those named, or the located ones within the radius."""
    ids = net.topology.node_ids
    if region.nodes is not None:
        return np.asarray([ids.index(n) for n in region.nodes], dtype=np.int64)
    assert region.centre is not None and region.radius_km is not None
    located = [n for n in ids if n in net.geography.locations]
    places = [net.geography.locations[n] for n in located]
    km = net.geography.straight_km([region.centre], places)[0] if places else np.zeros(0)
    return np.asarray(
        [ids.index(n) for n, d in zip(located, km, strict=True) if d <= region.radius_km],
        dtype=np.int64,  # also when the circle holds no node: an index array
    )


class Weather(Disruption[WeatherParams]):
    def __init__(self, index: int, params: WeatherParams, net: Network) -> None:
        super().__init__(index, params, net)
        self.nodes = region_nodes(params.region, net)
        topo = net.topology
        touches = np.isin(topo.lane_origin, self.nodes) | np.isin(topo.lane_destination, self.nodes)
        self.lanes = np.flatnonzero(touches)

    def affect(self, conditions: Conditions) -> None:
        conditions.lane_speed[self.lanes] *= self.params.speed
        if self.params.close_facilities:
            conditions.node_open[self.nodes] = False
