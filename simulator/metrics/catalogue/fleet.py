"""Fleet KPIs of scenarios with fleets (docs/kpis.md, "Fleets")."""

from __future__ import annotations

from simulator.metrics.catalogue.kpi import NETWORK_NODE, Direction, Kpi, Unit


def _fleet(name: str, definition: str, unit: Unit, direction: Direction, label: str = "") -> Kpi:
    return Kpi(name, definition, unit, direction, NETWORK_NODE, "fleet", label, needs="fleet")


FLEET_KPIS: tuple[Kpi, ...] = (
    _fleet(
        "km_driven",
        "km driven on routes started in the window; an interrupted route counts the km to "
        "where it broke down and back to the depot.",
        "km",
        "lower",
    ),
    _fleet(
        "vehicle_days",
        "Distinct (vehicle, day) pairs with at least one route.",
        "vehicle-days",
        "lower",
    ),
    _fleet("routes", "Routes driven, interrupted and rescue routes included.", "count", "lower"),
    _fleet(
        "load_factor",
        "Mean over routes of load / capacity in the route's binding dimension (the largest of "
        "units, volume, weight).",
        "share",
        "higher",
    ),
    _fleet(
        "time_utilisation",
        "Hours on routes / hours available: per vehicle-day used, the vehicle's shift (24 h "
        "without one) for each route it started that day, at most 24 h.",
        "share",
        "higher",
    ),
    _fleet(
        "fleet_cost",
        "Fixed cost per vehicle-day used + cost per km x km + cost per hour x hours on routes; "
        "part of transport_cost.",
        "money",
        "lower",
    ),
    _fleet(
        "transport_cost_per_unit",
        "fleet_cost / units the vehicles delivered.",
        "money/unit",
        "lower",
    ),
    _fleet("transport_cost_per_stop", "fleet_cost / stops made.", "money/stop", "lower"),
    _fleet(
        "on_time_delivery_rate",
        "Deliveries made by their due time / deliveries with a due time.",
        "share",
        "higher",
    ),
    _fleet("lateness_p50", "Median hours late, over the late deliveries.", "hours", "lower"),
    _fleet(
        "lateness_p95",
        "95th percentile (linear interpolation) of hours late, over the late deliveries.",
        "hours",
        "lower",
    ),
    _fleet("lateness_max", "The longest lateness of a delivery.", "hours", "lower"),
    _fleet("breakdowns", "Routes interrupted by a vehicle breakdown.", "count", "lower"),
)
