"""Recall: a SKU's lots made in a range of days are pulled from the network."""

from __future__ import annotations

from simulator.disruptions.base import Disruption, Window, World
from simulator.disruptions.kinds.recall import RecallParams
from simulator.network import Network


class Recall(Disruption[RecallParams]):
    def __init__(self, index: int, params: RecallParams, net: Network) -> None:
        super().__init__(index, params, net)

    def begin(self, world: World, window: Window) -> None:
        world.recall(self.index)
