"""Demand shock: demand multiplied on chosen zones, SKUs and channels (spikes, drops,
promotions, seasonal peaks)."""

from __future__ import annotations

import numpy as np

from simulator.disruptions.base import Disruption
from simulator.disruptions.conditions import Conditions
from simulator.disruptions.kinds.demand_shock import DemandShockParams
from simulator.network import Network
from simulator.network.demand import CHANNELS
from simulator.scenario.customers import Channel


def chosen_streams(
    net: Network,
    zones: list[str] | None,
    skus: list[str] | None = None,
    channels: list[Channel] | None = None,
) -> np.ndarray:
    """Demand streams of the given zones, SKUs and channels (``None``: all)."""
    dem, topo = net.demand, net.topology
    keep = np.ones(dem.n_streams, dtype=bool)
    if zones is not None:
        keep &= np.isin(dem.stream_zone, [dem.zone_ids.index(z) for z in zones])
    if skus is not None:
        keep &= np.isin(dem.stream_sku, [topo.sku_ids.index(s) for s in skus])
    if channels is not None:
        keep &= np.isin(dem.stream_channel, [CHANNELS.index(c) for c in channels])
    return np.flatnonzero(keep)


class DemandShock(Disruption[DemandShockParams]):
    def __init__(self, index: int, params: DemandShockParams, net: Network) -> None:
        super().__init__(index, params, net)
        self.multiplier = params.multiplier
        self.streams = chosen_streams(net, params.zones, params.skus, params.channels)

    def affect(self, conditions: Conditions) -> None:
        conditions.demand[self.streams] *= self.multiplier
