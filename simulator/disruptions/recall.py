"""Recall: a SKU's lots made in a range of days are pulled from the network."""

from __future__ import annotations

from simulator.disruptions.base import Disruption, Window, World
from simulator.network import Network
from simulator.scenario.disruptions import RecallParams


class Recall(Disruption[RecallParams]):
    params_model = RecallParams

    def __init__(self, index: int, params: RecallParams, net: Network) -> None:
        super().__init__(index, params, net)

    def begin(self, world: World, window: Window) -> None:
        world.recall(self.index)
