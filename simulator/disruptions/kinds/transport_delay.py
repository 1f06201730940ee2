"""Transport delay: chosen lanes slow down (lead times multiplied) or close.

Parameters and checks only: the effect is in :mod:`simulator.disruptions.transport_delay`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from simulator.scenario.disruption_checks import unknown_ids
from simulator.scenario.disruptions import DisruptionCommon, DisruptionKind, Document, Issue
from simulator.scenario.errors import DocPath


class TransportDelayParams(DisruptionCommon):
    """Infrastructure trouble: chosen lanes slow down (lead times multiplied) or close."""

    type: Literal["transport_delay"]
    lanes: list[str] = Field(min_length=1, description="Lane ids, or 'from->to'.")
    lead_time_factor: Annotated[float, Field(ge=1, allow_inf_nan=False)] = Field(
        1.0, description="Transit takes this many times longer while it lasts."
    )
    closed: bool = Field(False, description="The lanes are closed instead.")


def checks(path: DocPath, item: dict[str, Any], doc: Document) -> list[Issue]:
    """The lanes exist."""
    return unknown_ids((*path, "lanes"), item.get("lanes"), doc.lanes, "lane")


KIND = DisruptionKind(
    TransportDelayParams,
    effect="simulator.disruptions.transport_delay:TransportDelay",
    checks=checks,
)
