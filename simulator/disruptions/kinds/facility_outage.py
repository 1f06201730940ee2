"""Facility outage: a facility closed or short-handed, and storage failures destroying stock.

Parameters and checks only: the effect is in :mod:`simulator.disruptions.facility_outage`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from simulator.scenario.base import Id, Probability
from simulator.scenario.disruption_checks import unknown_ids
from simulator.scenario.disruptions import DisruptionCommon, DisruptionKind, Document, Issue
from simulator.scenario.errors import DocPath


class FacilityOutageParams(DisruptionCommon):
    """A facility closed or short-handed; optionally a storage failure destroying stock."""

    type: Literal["facility_outage"]
    nodes: list[Id] = Field(min_length=1)
    capacity: Probability = Field(
        0.0,
        description="Share of its daily work it can still do (shipping, selling); 0 closes it.",
    )
    destroy: Probability = Field(0.0, description="Share of its stock destroyed at the start.")
    destroy_skus: Literal["all", "perishable"] | list[Id] = Field(
        "all",
        description="Which stock is destroyed: all, perishable (a cold-chain failure), "
        "or a list of SKUs.",
    )


def checks(path: DocPath, item: dict[str, Any], doc: Document) -> list[Issue]:
    """The nodes exist, and so do the SKUs to destroy when listed."""
    return unknown_ids((*path, "nodes"), item.get("nodes"), set(doc.nodes), "node") + unknown_ids(
        (*path, "destroy_skus"), item.get("destroy_skus"), doc.skus, "SKU"
    )


KIND = DisruptionKind(
    FacilityOutageParams,
    effect="simulator.disruptions.facility_outage:FacilityOutage",
    checks=checks,
)
