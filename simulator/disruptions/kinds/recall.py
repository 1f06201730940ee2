"""Recall: a SKU's lots made in a range of days are pulled from the network.

Parameters and checks only: the effect is in :mod:`simulator.disruptions.recall`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from simulator.scenario.base import Id, NonNegative, Probability, Section
from simulator.scenario.disruption_checks import unknown_id
from simulator.scenario.disruptions import DisruptionCommon, DisruptionKind, Document, Issue
from simulator.scenario.distributions import Constant, Distribution
from simulator.scenario.errors import DocPath


class LotRange(Section):
    """Production days of the recalled lots, inclusive."""

    first: NonNegative = Field(alias="from")
    last: NonNegative = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> LotRange:
        if self.last < self.first:
            raise ValueError("'to' must not be before 'from'")
        return self


class RecallParams(DisruptionCommon):
    """A batch is recalled: affected units in stock and in transit are quarantined, units sold
    come back to ``return_to``."""

    type: Literal["recall"]
    sku: Id
    lots: LotRange = Field(description="Lots by the day they were made or bought in.")
    source: Id | None = Field(None, description="Only lots from this plant or supplier.")
    return_to: Id = Field(description="Node that receives the returned units.")
    return_rate: Probability = Field(1.0, description="Share of sold affected units returned.")
    return_delay: Distribution = Field(
        default_factory=lambda: Constant(value=7.0),
        description="Days from the recall to a returned unit's arrival.",
    )
    cost_per_unit: NonNegative = Field(
        0.0, description="Handling, refund and disposal per unit quarantined or returned."
    )
    fixed_cost: NonNegative = Field(0.0, description="Cost of the recall itself.")


def checks(path: DocPath, item: dict[str, Any], doc: Document) -> list[Issue]:
    """The SKU and the nodes exist."""
    issues = unknown_id((*path, "sku"), item.get("sku"), doc.skus, "SKU")
    for key in ("return_to", "source"):
        issues += unknown_id((*path, key), item.get(key), set(doc.nodes), "node")
    return issues


KIND = DisruptionKind(RecallParams, effect="simulator.disruptions.recall:Recall", checks=checks)
