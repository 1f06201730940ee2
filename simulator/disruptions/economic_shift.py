"""Economic shift: transport costs (fuel), the value of goods (currency) and demand change."""

from __future__ import annotations

from simulator.disruptions.base import Disruption
from simulator.disruptions.conditions import GOODS, TRANSPORT, Conditions
from simulator.disruptions.kinds.economic_shift import EconomicShiftParams
from simulator.network import Network


class EconomicShift(Disruption[EconomicShiftParams]):
    def __init__(self, index: int, params: EconomicShiftParams, net: Network) -> None:
        super().__init__(index, params, net)

    def affect(self, conditions: Conditions) -> None:
        conditions.cost[TRANSPORT] *= self.params.transport_cost
        conditions.cost[GOODS] *= self.params.goods_value
        conditions.demand *= self.params.demand
