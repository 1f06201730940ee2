"""Transport emissions (the GLEC Framework / ISO 14083 method): tonne-km x emission intensity.

A carrier shipment on a lane emits its weight in tonnes x the lane's distance x the lane's
kg CO2e per tonne-km (its own, or its mode's default: ``network.topology.CO2_PER_TONNE_KM``).
A fleet's vehicles emit what their routes record (km x the vehicle type's ``co2_per_km``); a
lane a fleet drives adds nothing more, so nothing is counted twice. Emissions belong to the
shipping node: a lane's origin, a fleet's depot. Shipments and routes count in the KPI window
by the day they leave.

A shipment's weight is recorded with it when it leaves: each SKU's units x that SKU's weight
per unit, so tonne-km is exact however the lane's product mix varies over the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.metrics.catalogue import EMISSION_SCOPES

if TYPE_CHECKING:
    from simulator.metrics.context import KpiContext


def add_emission_kpis(ctx: KpiContext) -> None:
    """Add ``co2_kg``, ``co2_per_unit`` and ``tonne_km`` per lane, node and for the network.

    Args:
        ctx: The run's KPI context.
    """
    rec, topo = ctx.records, ctx.topology
    n_lanes, n_nodes = len(topo.lane_ids), len(topo.node_ids)
    # Carrier shipments' tonne-km and units per lane, summed in log order a block at a time.
    lane_tkm, lane_units = np.zeros(n_lanes), np.zeros(n_lanes)
    for day, lane, units, tonnes in rec.shipments.blocks("day", "lane", "units", "tonnes"):
        keep = rec.in_window(day) & (lane >= 0)
        lane = lane[keep]
        carrier = ctx.network.lane_fleet[lane] < 0
        np.add.at(lane_tkm, lane, np.where(carrier, tonnes[keep] * topo.lane_distance[lane], 0.0))
        np.add.at(lane_units, lane, np.where(carrier, units[keep], 0.0))
    lane_co2 = lane_tkm * topo.lane_co2_per_tonne_km

    routes = rec.routes.as_dict()
    in_window = rec.in_window(routes["day"])
    depot = np.asarray([fleet.depot for fleet in ctx.network.fleets], dtype=np.int64)
    route_node = depot[routes["fleet"][in_window]] if len(depot) else np.zeros(0, np.int64)

    def per_node(lane_values: np.ndarray, route_values: np.ndarray) -> np.ndarray:
        by_lane = np.bincount(topo.lane_origin, weights=lane_values, minlength=n_nodes)
        return by_lane + np.bincount(route_node, weights=route_values, minlength=n_nodes)

    node_co2 = per_node(lane_co2, routes["co2"][in_window])
    node_units = per_node(lane_units, routes["units"][in_window])
    node_tkm = per_node(lane_tkm, np.zeros(len(route_node)))

    carrier_lanes = ctx.network.lane_fleet < 0
    shipping = np.zeros(n_nodes, dtype=bool)
    shipping[topo.lane_origin[carrier_lanes]] = True
    shipping[depot] = True
    totals = {
        "lane": (lane_co2, lane_units, lane_tkm, carrier_lanes),
        "node": (node_co2, node_units, node_tkm, shipping),
        "network": (
            node_co2.sum(keepdims=True),
            node_units.sum(keepdims=True),
            node_tkm.sum(keepdims=True),
            None,
        ),
    }
    for scope in EMISSION_SCOPES:
        co2, moved, tkm, present = totals[scope]
        ctx.add(scope, "co2_kg", co2, present=present)
        ctx.add(scope, "co2_per_unit", co2, moved, present=present)
        ctx.add(scope, "tonne_km", tkm, present=present)
