"""The ``disruptions:`` section: what goes wrong, where, and when.

Each item names its kind with ``type`` (see ``supplysim list disruptions``) and its timing with
``when``: scheduled (``start`` and ``duration``), random (``every``: the mean time between starts,
and a ``duration`` law) or triggered (``after`` another disruption starts, with a ``probability``
and a ``delay``). The effects themselves live in :mod:`simulator.disruptions`, one module per
kind; this module is only their schema.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from simulator.scenario.base import Id, Location, NonNegative, Positive, Probability, Section
from simulator.scenario.customers import Channel
from simulator.scenario.distributions import Constant, Days, Distribution


class Scheduled(Section):
    """Once, at a known time."""

    start: Days = Field(description="Day it starts, e.g. 30 or '30d'.")
    duration: Days = Field(description="How long it lasts; 0 for a one-off event such as a recall.")


class Recurring(Section):
    """At random: starts form a Poisson process, each lasting a random time."""

    every: Positive = Field(description="Mean days between starts (the MTBF of the event).")
    duration: Distribution = Field(description="Days each occurrence lasts.")
    first: Days = Field(0.0, description="No occurrence starts before this day.")


class Triggered(Section):
    """Follows another disruption: each time that one starts, this one may follow."""

    after: Id = Field(description="The disruption whose starts trigger this one.")
    probability: Probability = Field(1.0, description="Chance that a start triggers this one.")
    delay: Distribution = Field(
        default_factory=lambda: Constant(value=0.0), description="Days from that start to this."
    )
    duration: Distribution = Field(description="Days each occurrence lasts.")


def _timing_tag(value: Any) -> str:
    if isinstance(value, dict):
        return "triggered" if "after" in value else "recurring" if "every" in value else "scheduled"
    if isinstance(value, Triggered):
        return "triggered"
    return "recurring" if isinstance(value, Recurring) else "scheduled"


When = Annotated[
    Annotated[Scheduled, Tag("scheduled")]
    | Annotated[Recurring, Tag("recurring")]
    | Annotated[Triggered, Tag("triggered")],
    Discriminator(_timing_tag),
]
"""``{start, duration}``, ``{every, duration}`` or ``{after, duration, ...}``."""


class DisruptionCommon(Section):
    """What every kind has: its name, its timing and a note."""

    id: Id
    when: When
    description: str = ""


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


class TransportDelayParams(DisruptionCommon):
    """Infrastructure trouble: chosen lanes slow down (lead times multiplied) or close."""

    type: Literal["transport_delay"]
    lanes: list[str] = Field(min_length=1, description="Lane ids, or 'from->to'.")
    lead_time_factor: Annotated[float, Field(ge=1, allow_inf_nan=False)] = Field(
        1.0, description="Transit takes this many times longer while it lasts."
    )
    closed: bool = Field(False, description="The lanes are closed instead.")


class VehicleBreakdownsParams(DisruptionCommon):
    """A fleet loses vehicles: a share out of service, or more frequent breakdowns."""

    type: Literal["vehicle_breakdowns"]
    fleet: Id = Field(description="The fleet's depot.")
    vehicle: Id | None = Field(None, description="One vehicle type; omit for every type.")
    out_of_service: Probability = Field(0.0, description="Share of the vehicles unavailable.")
    failure_factor: Annotated[float, Field(ge=1, allow_inf_nan=False)] = Field(
        1.0, description="Breakdowns this many times as frequent (MTBF divided by it)."
    )


class DemandShockParams(DisruptionCommon):
    """Demand multiplied while it lasts: a spike, a drop, a promotion, a seasonal peak."""

    type: Literal["demand_shock"]
    multiplier: NonNegative = Field(description="Demand is this many times what it would be.")
    zones: list[Id] | None = Field(None, description="Customer zones; omit for all.")
    skus: list[Id] | None = Field(None, description="SKUs; omit for all.")
    channels: list[Channel] | None = Field(None, description="Sales channels; omit for all.")


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


class EconomicShiftParams(DisruptionCommon):
    """Costs and demand shift: fuel, currency, a downturn."""

    type: Literal["economic_shift"]
    transport_cost: Positive = Field(1.0, description="Multiplier on transport costs (fuel).")
    goods_value: Positive = Field(
        1.0,
        description="Multiplier on the value of goods (currency): holding costs are charged at it.",
    )
    demand: NonNegative = Field(1.0, description="Multiplier on every zone's demand.")


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


DisruptionParams = Annotated[
    WeatherParams
    | TransportDelayParams
    | VehicleBreakdownsParams
    | DemandShockParams
    | SupplierShortageParams
    | FacilityOutageParams
    | RecallParams
    | EconomicShiftParams
    | CustomerSideParams,
    Field(discriminator="type"),
]
"""One disruption of any kind, told apart by ``type``."""
