"""Supplier shortage: a plant or supplier makes or ships less, or takes longer.

Parameters and checks only: the effect is in :mod:`simulator.disruptions.supplier_shortage`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from simulator.scenario.base import Id, NonNegative, Probability
from simulator.scenario.disruption_checks import unknown_id
from simulator.scenario.disruptions import DisruptionCommon, DisruptionKind, Document, Issue
from simulator.scenario.errors import DocPath


class SupplierShortageParams(DisruptionCommon):
    """A plant or supplier delivers less, or later."""

    type: Literal["supplier_shortage"]
    node: Id = Field(description="A plant or an external supplier.")
    capacity: NonNegative | None = Field(
        None, description="Units per day it can still make or ship, over all SKUs."
    )
    capacity_share: Probability | None = Field(
        None, description="Share of a plant's production capacity left."
    )
    lead_time_factor: Annotated[float, Field(ge=1, allow_inf_nan=False)] = Field(
        1.0,
        description="Its production lead time and outbound transit take this many times longer.",
    )


def checks(path: DocPath, item: dict[str, Any], doc: Document) -> list[Issue]:
    """The node is a plant or a supplier; a capacity share needs a plant's capacity."""
    node = doc.nodes.get(item.get("node"))  # type: ignore[arg-type]
    if node is None:
        return unknown_id((*path, "node"), item.get("node"), set(doc.nodes), "node")
    if node.get("kind") not in ("plant", "supplier"):
        return [((*path, "node"), "a supplier shortage hits a plant or a supplier")]
    production = node.get("production")
    if item.get("capacity_share") is not None and (
        not isinstance(production, dict) or production.get("capacity") is None
    ):
        return [((*path, "capacity_share"), "needs a plant with a production capacity")]
    return []


KIND = DisruptionKind(
    SupplierShortageParams,
    effect="simulator.disruptions.supplier_shortage:SupplierShortage",
    checks=checks,
)
