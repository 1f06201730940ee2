"""Weather: a storm over a region slows or closes its lanes and closes its facilities.

Parameters and checks only: the effect is in :mod:`simulator.disruptions.weather`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from simulator.scenario.base import Id, Location, Positive, Probability, Section
from simulator.scenario.disruption_checks import unknown_ids
from simulator.scenario.disruptions import DisruptionCommon, DisruptionKind, Document, Issue
from simulator.scenario.errors import DocPath


class Region(Section):
    """Nodes by name, or every located node within ``radius_km`` of ``centre``."""

    nodes: list[Id] | None = None
    centre: Location | None = None
    radius_km: Positive | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Region:
        circle = self.centre is not None and self.radius_km is not None
        if (self.nodes is not None) == circle or (self.centre is None) != (self.radius_km is None):
            raise ValueError("give either nodes, or centre and radius_km")
        return self


class WeatherParams(DisruptionCommon):
    """A storm over a region: its lanes slow down or close, and its facilities close."""

    type: Literal["weather"]
    region: Region
    speed: Probability = Field(
        0.0, description="Share of normal speed on lanes touching the region; 0 closes them."
    )
    close_facilities: bool = Field(True, description="Facilities in the region close.")


def checks(path: DocPath, item: dict[str, Any], doc: Document) -> list[Issue]:
    """The region's nodes exist."""
    region = item.get("region")
    if not isinstance(region, dict):
        return []
    return unknown_ids((*path, "region", "nodes"), region.get("nodes"), set(doc.nodes), "node")


KIND = DisruptionKind(WeatherParams, effect="simulator.disruptions.weather:Weather", checks=checks)
