"""Economic shift: transport costs (fuel), the value of goods (currency) and demand change.

Parameters and checks only: the effect is in :mod:`simulator.disruptions.economic_shift`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from simulator.scenario.base import NonNegative, Positive
from simulator.scenario.disruptions import DisruptionCommon, DisruptionKind


class EconomicShiftParams(DisruptionCommon):
    """Costs and demand shift: fuel, currency, a downturn."""

    type: Literal["economic_shift"]
    transport_cost: Positive = Field(1.0, description="Multiplier on transport costs (fuel).")
    goods_value: Positive = Field(
        1.0,
        description="Multiplier on the value of goods (currency): holding costs are charged at it.",
    )
    demand: NonNegative = Field(1.0, description="Multiplier on every zone's demand.")


KIND = DisruptionKind(
    EconomicShiftParams, effect="simulator.disruptions.economic_shift:EconomicShift"
)
