"""Fleet KPIs: distance, vehicles, loads, time, cost and punctuality of the routes driven, per
depot (node scope) and for the network (their emissions are in :mod:`simulator.metrics.emissions`).

Routes belong to the KPI window by the day they start; deliveries by the day whose work
produced the goods. The share of run time spent in routing is wall-clock time, so it is
reported with the run (``solver_time_s`` in ``Result.provenance()``), not in the KPI
table: the table stays the
same for the same seed on any machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.metrics.catalogue import NETWORK_NODE
from simulator.metrics.operations import grouped_quantile
from simulator.network.fleets import HOURS_PER_DAY

if TYPE_CHECKING:
    from simulator.metrics.context import KpiContext


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
        "breakdowns": (per_node(routes["broken"].astype(np.float64)), None),
    }
    present = np.zeros(n_nodes, dtype=bool)
    present[depot_of] = True
    for scope in NETWORK_NODE:
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
