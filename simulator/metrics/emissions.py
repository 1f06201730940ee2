"""Transport emissions (the GLEC Framework / ISO 14083 method): tonne-km x emission intensity.

A carrier shipment on a lane emits its weight in tonnes x the lane's distance x the lane's
kg CO2e per tonne-km (its own, or its mode's default: ``network.topology.CO2_PER_TONNE_KM``).
A fleet's vehicles emit what their routes record (km x the vehicle type's ``co2_per_km``); a
lane a fleet drives adds nothing more, so nothing is counted twice. Emissions belong to the
shipping node: a lane's origin, a fleet's depot. Shipments and routes count in the KPI window
by the day they leave.

Shipments are recorded per lane and moment with their units, not per SKU, so a shipment's
weight is its units x the lane's weight per unit: the mean product weight of the order lines
received by that lane over the run (of the SKUs the lane supplies, before any line closed).
That is exact on a lane whose SKUs weigh the same, and a close estimate otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.metrics.catalogue import EMISSION_SCOPES

if TYPE_CHECKING:
    from simulator.metrics.context import KpiContext

KG_PER_TONNE = 1000.0


def add_emission_kpis(ctx: KpiContext) -> None:
    """Add ``co2_kg``, ``co2_per_unit`` and ``tonne_km`` per lane, node and for the network.

    Args:
        ctx: The run's KPI context.
    """
    rec, topo = ctx.records, ctx.topology
    n_lanes, n_nodes = len(topo.lane_ids), len(topo.node_ids)
    shipments = rec.shipments.as_dict()
    keep = rec.in_window(shipments["day"]) & (shipments["lane"] >= 0)
    lane = shipments["lane"][keep]
    units = shipments["units"][keep]
    carrier = ctx.network.lane_fleet[lane] < 0
    tonne_km = units * lane_weight(ctx)[lane] / KG_PER_TONNE * topo.lane_distance[lane]
    tonne_km = np.where(carrier, tonne_km, 0.0)

    def per_lane(values: np.ndarray) -> np.ndarray:
        return np.bincount(lane, weights=values, minlength=n_lanes)

    lane_tkm = per_lane(tonne_km)
    lane_co2 = lane_tkm * topo.lane_co2_per_tonne_km
    lane_units = per_lane(np.where(carrier, units, 0.0))

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


def lane_weight(ctx: KpiContext) -> np.ndarray:
    """kg per unit shipped on each lane: the product mix of the order lines it delivered."""
    topo = ctx.topology
    n_lanes = len(topo.lane_ids)
    weight = ctx.product("weight")
    kg, received = ctx.records.lines.lane_kg, ctx.records.lines.lane_units
    # Before any line closed: the plain mean weight of the SKUs the lane supplies.
    pos, _ = np.nonzero(topo.pos_lanes >= 0)
    supplied = topo.pos_lanes[topo.pos_lanes >= 0]
    mean_kg = np.bincount(supplied, weights=weight[topo.pos_sku[pos]], minlength=n_lanes)
    count = np.bincount(supplied, minlength=n_lanes)
    fallback = np.divide(mean_kg, count, out=np.zeros(n_lanes), where=count > 0)
    return np.divide(kg, received, out=fallback, where=received > 0)
