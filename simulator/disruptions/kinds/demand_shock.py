"""Demand shock: demand multiplied on chosen zones, SKUs and channels (spikes, drops,
promotions, seasonal peaks).

Parameters and checks only: the effect is in :mod:`simulator.disruptions.demand_shock`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from simulator.scenario.base import Id, NonNegative
from simulator.scenario.customers import Channel
from simulator.scenario.disruption_checks import unknown_ids
from simulator.scenario.disruptions import DisruptionCommon, DisruptionKind, Document, Issue
from simulator.scenario.errors import DocPath


class DemandShockParams(DisruptionCommon):
    """Demand multiplied while it lasts: a spike, a drop, a promotion, a seasonal peak."""

    type: Literal["demand_shock"]
    multiplier: NonNegative = Field(description="Demand is this many times what it would be.")
    zones: list[Id] | None = Field(None, description="Customer zones; omit for all.")
    skus: list[Id] | None = Field(None, description="SKUs; omit for all.")
    channels: list[Channel] | None = Field(None, description="Sales channels; omit for all.")


def checks(path: DocPath, item: dict[str, Any], doc: Document) -> list[Issue]:
    """The zones and SKUs exist."""
    return unknown_ids((*path, "zones"), item.get("zones"), doc.zones, "zone") + unknown_ids(
        (*path, "skus"), item.get("skus"), doc.skus, "SKU"
    )


KIND = DisruptionKind(
    DemandShockParams, effect="simulator.disruptions.demand_shock:DemandShock", checks=checks
)
