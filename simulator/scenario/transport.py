"""Geography and fleets: how far places are apart, and the vehicles a depot dispatches.

A node with a fleet drives every lane that leaves it (and, for an e-commerce node, its home
deliveries) with its own vehicles, in dispatch waves routed by a routing policy, instead of
sending shipments with a lane lead time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, model_validator

from policies.registry import ROUTING
from simulator.scenario.base import Id, NonNegative, Positive, Probability, Section, policy_union
from simulator.scenario.distributions import Constant, Days, Distribution

if TYPE_CHECKING:
    RoutingParams = BaseModel
else:
    RoutingParams = policy_union(ROUTING)


class Geography(Section):
    """How locations are given and distances measured."""

    coordinates: Literal["planar", "latlon"] = Field(
        "planar",
        description="planar: every location is x/y in km, with straight-line distances; "
        "latlon: every location is lat/lon in degrees, with great-circle (haversine) distances.",
    )
    circuity: float = Field(
        1.0,
        ge=1.0,
        le=3.0,
        description="Road km per straight-line km (about 1.2-1.4 by road); not applied to "
        "matrix distances.",
    )
    matrix: str | None = Field(
        None,
        description="CSV file (relative to the scenario) with columns from, to, km and "
        "optionally hours: road distances (and driving times, whatever the vehicle's speed) "
        "between node or zone ids that replace the computed ones; a pair given one way counts "
        "both ways, unless the other way has its own row.",
    )


class Capacity(Section):
    """What one vehicle carries at most; omit a dimension that does not bind."""

    units: Positive | None = Field(None, description="Units, all SKUs together.")
    volume: Positive | None = Field(
        None, description="In the unit of the products' `volume` (per unit)."
    )
    weight: Positive | None = Field(
        None, description="In the unit of the products' `weight` (per unit)."
    )

    @model_validator(mode="after")
    def _bounded(self) -> Capacity:
        if self.units is None and self.volume is None and self.weight is None:
            raise ValueError("give at least one of units, volume, weight")
        return self


class VehicleType(Section):
    """Vehicles of one kind at a depot. Each drives at most one route per dispatch wave."""

    id: Id = Field(description="The vehicle type's name.")
    count: int = Field(ge=1, description="Vehicles of this type at the depot.")
    capacity: Capacity = Field(description="The most one vehicle carries.")
    speed: Positive = Field(
        60.0, description="km per hour, driving; unused where the matrix gives hours."
    )
    fixed_cost: NonNegative = Field(
        0.0,
        description="Per vehicle and day it drives at least one route (lease, insurance, "
        "depreciation).",
    )
    cost_per_km: NonNegative = Field(0.0, description="Per km driven (fuel, tyres, maintenance).")
    cost_per_hour: NonNegative = Field(
        0.0, description="Per hour on a route, driving and stops (the driver)."
    )
    shift: Days | None = Field(
        None,
        description="Longest route, driving and stops together, e.g. '10h'; omit for no limit.",
    )
    cold_chain: bool = Field(False, description="Refrigerated: may carry cold-chain products.")
    co2_per_km: NonNegative = Field(0.0, description="kg of CO2 emitted per km driven.")
    mtbf: Days | None = Field(
        None,
        description="Mean time between breakdowns, counted in time on routes (driving and "
        "stops), e.g. '150h'; the time to the next breakdown is exponential. Omit for vehicles "
        "that never break down.",
    )
    repair_time: Distribution = Field(
        default_factory=lambda: Constant(value=1.0),
        description="Days a broken-down vehicle is out of service, from the breakdown.",
    )


class Dispatch(Section):
    """When vehicles leave: waves at fixed times of day, and optionally when load builds up."""

    times: list[Days] = Field(
        default_factory=lambda: [0.0],
        min_length=1,
        description="Times of day of the dispatch waves, each under 24h, e.g. ['7h', '13h'].",
    )
    min_load: Probability | None = Field(
        None,
        description="Also dispatch as soon as the waiting load fills this share of the "
        "largest vehicle (a full-truck trigger); omit for scheduled waves only.",
    )
    replan: Literal["every_wave", "on_change"] = Field(
        "every_wave",
        description="every_wave: the routing policy plans every wave. on_change: a wave "
        "whose stops are all at places of the policy's last plan drives that plan again, "
        "without the places where nothing waits; a route that now carries too much or lasts "
        "too long gives stops to routes with room, and the lightest route is dropped when "
        "the others take its stops for less. The policy plans afresh when a stop is at a new "
        "place or the plan cannot be made to fit the vehicles free.",
    )
    reoptimise_every: Days | None = Field(
        None,
        gt=0,
        description="With replan: on_change, also let the policy plan afresh once its last "
        "plan is this old (days, e.g. 7); omit to plan only when the stops change.",
    )

    @model_validator(mode="after")
    def _within_a_day(self) -> Dispatch:
        if any(t >= 1.0 for t in self.times):
            raise ValueError("dispatch times are times of day: each must be under 24h")
        return self

    @model_validator(mode="after")
    def _reoptimise_reused_plans(self) -> Dispatch:
        if self.reoptimise_every is not None and self.replan != "on_change":
            raise ValueError("reoptimise_every applies to replan: on_change only")
        return self


class Fleet(Section):
    """The vehicles of one depot, when they leave, and how their routes are planned."""

    depot: Id = Field(description="The node that owns the vehicles; one fleet per node.")
    vehicles: list[VehicleType] = Field(min_length=1, description="The depot's vehicle types.")
    dispatch: Dispatch = Field(default_factory=Dispatch, description="When the vehicles leave.")
    stop_time: Days = Field(
        0.0, description="Time spent at each stop (parking, paperwork), e.g. '6m'."
    )
    handling_time: Days = Field(0.0, description="Extra time per unit unloaded, e.g. '0.2m'.")
    routing: RoutingParams = Field(
        default_factory=lambda: ROUTING.params_model("savings")(),
        description="The routing policy that plans each wave, with its parameters.",
    )
