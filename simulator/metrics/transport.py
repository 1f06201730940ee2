"""Fleet KPIs: distance, vehicles, loads, time, cost, punctuality and emissions of the routes
driven, per depot (node scope) and for the network.

Routes belong to the KPI window by the day they start; deliveries by the day whose work
produced the goods. The share of run time spent in routing is wall-clock time, so it is
reported with the run (``solver_time_s`` in ``Result.provenance()``), not in the KPI
table: the table stays the
same for the same seed on any machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.metrics.operations import grouped_quantile
from simulator.network.fleets import HOURS_PER_DAY

if TYPE_CHECKING:
    from simulator.metrics import KpiContext, Scope

FLEET_SCOPES: tuple[Scope, ...] = ("network", "node")

DEFINITIONS: dict[str, str] = {
    "km_driven": "km driven by the fleets' vehicles, routes started in the window (km).",
    "vehicle_days": "Vehicle-days used: distinct (vehicle, day) pairs with a route (count).",
    "routes": "Routes driven (count).",
    "load_factor": "Mean over routes of load / capacity in the route's binding dimension "
    "(ratio, 0-1).",
    "time_utilisation": "Hours on routes / hours available: per vehicle-day used, the "
    "vehicle's shift (24 h where none) for each route it started, at most 24 h (ratio, 0-1).",
    "fleet_cost": "Vehicles' fixed cost per vehicle-day used plus cost per km and per hour; "
    "part of transport_cost (money).",
    "transport_cost_per_unit": "fleet_cost / units the vehicles delivered (money per unit).",
    "transport_cost_per_stop": "fleet_cost / stops made (money per stop).",
    "on_time_delivery_rate": "Deliveries with a due time (a lane's planned transit, or a "
    "customer's promise) made by it / such deliveries (ratio, 0-1).",
    "lateness_p50": "Median hours late, over the deliveries that were late (hours).",
    "lateness_p95": "95th percentile of hours late, over late deliveries (hours).",
    "lateness_max": "Longest lateness of a delivery (hours).",
    "co2_kg": "km driven x each vehicle type's kg of CO2 per km (kg).",
    "breakdowns": "Routes interrupted by a vehicle breakdown (count).",
}


FLEET_ONLY: frozenset[str] = frozenset(DEFINITIONS)
"""KPIs with rows only in scenarios with fleets."""


def add_transport_kpis(ctx: KpiContext) -> None:
    """Add the fleet KPIs to ``ctx``; nothing for a scenario without fleets.

    Args:
        ctx: The run's KPI context.
    """
    fleets = ctx.network.fleets
    if not fleets:
        return
    rec = ctx.records
    n_nodes = len(ctx.topology.node_ids)
    depot_of = np.asarray([f.depot for f in fleets], dtype=np.int64)
    routes = {
        k: v[rec.in_window(rec.routes.column("day"))] for k, v in rec.routes.as_dict().items()
    }
    node = depot_of[routes["fleet"]]
    deliveries = rec.deliveries.as_dict()
    keep = rec.in_window(deliveries["day"]) & np.isfinite(deliveries["due"])
    late_hours = (deliveries["time"][keep] - deliveries["due"][keep]) * HOURS_PER_DAY
    delivery_node = depot_of[deliveries["fleet"][keep]]
    first = routes["first_today"].astype(np.float64)

    def per_node(values: np.ndarray, where: np.ndarray = node) -> np.ndarray:
        return np.bincount(where, weights=values, minlength=n_nodes)

    cost = per_node(routes["cost"])
    late = late_hours > 1e-6
    totals = {
        "km_driven": (per_node(routes["km"]), None),
        "vehicle_days": (per_node(first), None),
        "routes": (per_node(np.ones(len(node))), None),
        "load_factor": (per_node(routes["load_factor"]), per_node(np.ones(len(node)))),
        "time_utilisation": (per_node(routes["hours"]), per_node(_hours_available(routes))),
        "fleet_cost": (cost, None),
        "transport_cost_per_unit": (cost, per_node(routes["units"])),
        "transport_cost_per_stop": (cost, per_node(routes["stops"].astype(np.float64))),
        "on_time_delivery_rate": (
            per_node((~late).astype(np.float64), delivery_node),
            per_node(np.ones(len(delivery_node)), delivery_node),
        ),
        "co2_kg": (per_node(routes["co2"]), None),
        "breakdowns": (per_node(routes["broken"].astype(np.float64)), None),
    }
    present = np.zeros(n_nodes, dtype=bool)
    present[depot_of] = True
    for scope in FLEET_SCOPES:
        keys = ctx.keys("node", scope)
        for metric, (num, den) in totals.items():
            scoped_den = None if den is None else ctx.total(scope, keys, den)
            ctx.add(
                scope,
                metric,
                ctx.total(scope, keys, num),
                scoped_den,
                present=None if scope == "network" else present,
            )
        keys_late = keys[delivery_node[late]]
        for metric, q in (("lateness_p50", 0.5), ("lateness_p95", 0.95), ("lateness_max", 1.0)):
            value = grouped_quantile(keys_late, late_hours[late], len(ctx.ids[scope]), q)
            ctx.add(scope, metric, value, present=None if scope == "network" else present)


def _hours_available(routes: dict[str, np.ndarray]) -> np.ndarray:
    """Per route, its share of the hours its vehicle-day offered: the shift bounds each
    route, not the day, so every route opens a shift (24 h where none), up to 24 h a day."""
    shift = np.where(np.isfinite(routes["shift_hours"]), routes["shift_hours"], HOURS_PER_DAY)
    day = routes["day"].astype(np.int64)
    vehicle = routes["fleet"].astype(np.int64) * (int(routes["vehicle"].max(initial=0)) + 1)
    vehicle += routes["vehicle"]
    _, vehicle_day = np.unique(vehicle * (int(day.max(initial=0)) + 1) + day, return_inverse=True)
    opened = np.bincount(vehicle_day, weights=shift)[vehicle_day]
    return shift * np.minimum(1.0, HOURS_PER_DAY / opened)
