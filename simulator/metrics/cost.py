"""Cost KPIs: holding, ordering, transport and shortage, and their total, over the KPI window.

Accrual conventions (docs/kpis.md): holding is charged on end-of-day on-hand stock; ordering per
replenishment line when it is placed; transport per shipment when it leaves, charged to the
receiving node; shortage per end-of-day backordered customer unit and per unit of lost sales,
charged to the node the customers buy at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.disruptions.conditions import TRANSPORT
from simulator.metrics.catalogue import POSITION, Scope

if TYPE_CHECKING:
    from simulator.metrics.context import KpiContext

DAYS_PER_YEAR = 365.0


def _delivery_cost(ctx: KpiContext) -> np.ndarray:
    """Parcel costs per node: units delivered to customers at nodes with home delivery, but
    not by a fleet of their own, whose route costs are the delivery's cost."""
    topo, dem, rec = ctx.topology, ctx.demand, ctx.records
    per_parcel = np.asarray([d.cost_per_parcel if d else 0.0 for d in topo.node_delivery])
    per_parcel[[f.depot for f in ctx.network.fleets]] = 0.0
    parcels = (rec.stream_filled_now + rec.stream_served_late) / dem.stream_order_size
    node = topo.pos_node[dem.stream_pos]
    return np.bincount(node, weights=parcels * per_parcel[node], minlength=len(topo.node_ids))


def add_cost_kpis(ctx: KpiContext) -> None:
    """Add the cost KPIs to ``ctx``: per network, node and echelon, and per SKU where defined.

    Args:
        ctx: The run's KPI context.
    """
    rec, topo = ctx.records, ctx.topology
    daily_rate = ctx.product("unit_cost") * ctx.product("holding_rate") / DAYS_PER_YEAR
    fuel = rec.cost_factor[:, TRANSPORT]
    # An economic shift revalues the goods on its days.
    valued = rec.stock.on_hand_valued
    held = ctx.on_hand_days if valued is None else valued
    holding = held * daily_rate[topo.pos_sku]
    ordering = rec.pos_order_lines * topo.pos_order_cost
    sku = ctx.demand.stream_sku
    shortage = (
        rec.stream_backlog_days * ctx.product("backorder_cost")[sku]
        + rec.stream_lost * ctx.product("lost_sale_cost")[sku]
    )
    waste = rec.pos_wasted * (ctx.product("unit_cost") + ctx.product("disposal_cost"))[topo.pos_sku]
    n_nodes = len(topo.node_ids)
    # Shipment costs per receiving node, summed in log order a block at a time (as one
    # bincount would sum them).
    shipped, cold_shipped = np.zeros(n_nodes), np.zeros(n_nodes)
    cold_lane = np.append(topo.lane_cold_chain, False)  # -1: production, not cold
    for day, lane, node, cost in rec.shipments.blocks("day", "lane", "node", "cost"):
        in_window = rec.in_window(day)
        node = node[in_window]
        cost = cost[in_window] * fuel[day[in_window]]
        np.add.at(shipped, node, cost)
        np.add.at(cold_shipped, node, cost * cold_lane[np.maximum(lane[in_window], -1)])
    delivery = _delivery_cost(ctx)
    transport = shipped + delivery
    transport = transport + fleet_cost_by_node(ctx)
    cold_chain = cold_shipped + fleet_cost_by_node(ctx, cold_only=True)
    for scope in POSITION:
        present = ctx.population("position", scope)
        costs = {
            "holding_cost": ctx.sum("position", scope, holding),
            "ordering_cost": ctx.sum("position", scope, ordering),
            "shortage_cost": ctx.sum("stream", scope, shortage),
            "waste_cost": ctx.sum("position", scope, waste),
            "recall_cost": _recall_cost(ctx, scope),
        }
        if scope != "sku":
            costs["transport_cost"] = ctx.sum("node", scope, transport)
            costs["total_cost"] = sum(costs.values(), np.zeros(len(ctx.ids[scope])))
            costs["delivery_cost"] = ctx.sum("node", scope, delivery)
            costs["cold_chain_cost"] = ctx.sum("node", scope, cold_chain)
        for metric, value in costs.items():
            ctx.add(scope, metric, value, present=present)
        if scope == "network":
            ctx.add(scope, "cost_per_day", costs["total_cost"], ctx.days)


def _recall_cost(ctx: KpiContext, scope: Scope) -> np.ndarray:
    """Recall costs in the window per id of ``scope``, from the recall log (one node and SKU
    per row)."""
    log = ctx.records.recalls
    if not len(log):
        return np.zeros(len(ctx.ids[scope]))
    keep = ctx.records.in_window(log.column("day"))
    if scope == "sku":
        keys = log.column("sku")[keep]
    else:
        keys = ctx.keys("node", scope)[log.column("node")[keep]]
    return ctx.total(scope, keys, log.column("cost")[keep])


def fleet_cost_by_node(ctx: KpiContext, cold_only: bool = False) -> np.ndarray:
    """Route costs in the window per depot node (refrigerated vehicles' only, if asked)."""
    routes = ctx.records.routes
    n_nodes = len(ctx.topology.node_ids)
    if not len(routes):
        return np.zeros(n_nodes)
    keep = ctx.records.in_window(routes.column("day"))
    depot = np.asarray([f.depot for f in ctx.network.fleets], dtype=np.int64)
    fleet = routes.column("fleet")[keep]
    day = routes.column("day")[keep]
    cost = routes.column("cost")[keep] * ctx.records.cost_factor[day, TRANSPORT]
    if cold_only:
        cold = np.concatenate([f.cold for f in ctx.network.fleets])
        offset = np.cumsum([0, *(len(f.cold) for f in ctx.network.fleets)])[:-1]
        cost = cost * cold[offset[fleet] + routes.column("vehicle_type")[keep]]
    return np.bincount(depot[fleet], weights=cost, minlength=n_nodes)
