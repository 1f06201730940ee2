"""Vehicle breakdowns: a share of a fleet out of service, or breakdowns more frequent.

Parameters and checks only: the effect is in :mod:`simulator.disruptions.vehicle_breakdowns`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from simulator.scenario.base import Id, Probability
from simulator.scenario.disruption_checks import unknown_id
from simulator.scenario.disruptions import DisruptionCommon, DisruptionKind, Document, Issue
from simulator.scenario.errors import DocPath


class VehicleBreakdownsParams(DisruptionCommon):
    """A fleet loses vehicles: a share out of service, or more frequent breakdowns."""

    type: Literal["vehicle_breakdowns"]
    fleet: Id = Field(description="The fleet's depot.")
    vehicle: Id | None = Field(None, description="One vehicle type; omit for every type.")
    out_of_service: Probability = Field(0.0, description="Share of the vehicles unavailable.")
    failure_factor: Annotated[float, Field(ge=1, allow_inf_nan=False)] = Field(
        1.0, description="Breakdowns this many times as frequent (MTBF divided by it)."
    )


def checks(path: DocPath, item: dict[str, Any], doc: Document) -> list[Issue]:
    """A fleet has that depot, and the vehicle type is one of its own."""
    fleets = doc.data.get("fleets")
    depots = {f.get("depot"): f for f in fleets or [] if isinstance(f, dict)}
    fleet = depots.get(item.get("fleet"))
    if fleet is None:
        return [((*path, "fleet"), f"no fleet has depot '{item.get('fleet')}'")]
    types = {str(v.get("id")) for v in fleet.get("vehicles") or [] if isinstance(v, dict)}
    return unknown_id((*path, "vehicle"), item.get("vehicle"), types, "vehicle type")


KIND = DisruptionKind(
    VehicleBreakdownsParams,
    effect="simulator.disruptions.vehicle_breakdowns:VehicleBreakdowns",
    checks=checks,
)
