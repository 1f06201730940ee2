"""Customer side: cancellations, address corrections and bulk returns, when it starts.

Parameters and checks only: the effect is in :mod:`simulator.disruptions.customer_side`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from simulator.scenario.base import Id, Positive, Probability
from simulator.scenario.disruption_checks import unknown_ids
from simulator.scenario.disruptions import DisruptionCommon, DisruptionKind, Document, Issue
from simulator.scenario.errors import DocPath


class CustomerSideParams(DisruptionCommon):
    """Customers change their minds: cancellations, address corrections, bulk returns."""

    type: Literal["customer_side"]
    cancel: Probability = Field(
        0.0, description="Share of waiting customer orders cancelled at the start."
    )
    address_changes: Probability = Field(
        0.0, description="Share of home deliveries waiting at a depot re-routed to a new address."
    )
    returns: Probability = Field(
        0.0, description="Share of the units sold in the last `returns_window` days sent back."
    )
    returns_window: Positive = Field(14.0, description="Days of sales the returns come from.")
    restock: bool = Field(True, description="Returned units go back into sellable stock.")
    zones: list[Id] | None = Field(None, description="Customer zones; omit for all.")


def checks(path: DocPath, item: dict[str, Any], doc: Document) -> list[Issue]:
    """The zones exist."""
    return unknown_ids((*path, "zones"), item.get("zones"), doc.zones, "zone")


KIND = DisruptionKind(
    CustomerSideParams, effect="simulator.disruptions.customer_side:CustomerSide", checks=checks
)
