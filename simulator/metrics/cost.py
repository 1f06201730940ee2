"""Cost KPIs: holding, ordering, transport and shortage, and their total, over the KPI window.

Accrual conventions (docs/kpis.md): holding is charged on end-of-day on-hand stock; ordering per
replenishment line when it is placed; transport per shipment when it leaves, charged to the
receiving node; shortage per end-of-day backordered customer unit and per unit of lost sales,
charged to the node the customers buy at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from simulator.metrics import KpiContext, Scope

COST_SCOPES: tuple[Scope, ...] = ("network", "node", "sku", "echelon")
DAYS_PER_YEAR = 365.0

DEFINITIONS: dict[str, str] = {
    "holding_cost": "Sum over window days of end-of-day on hand x unit cost x holding rate / "
    "365 (money; accrues daily on end-of-day stock).",
    "ordering_cost": "Replenishment lines placed in the window x the position's order cost "
    "(money; accrues when a line is placed).",
    "transport_cost": "Cost of shipments leaving in the window (per shipment + per unit x units "
    "+ per km x distance; production is free), charged to the receiving node (money; not "
    "split by SKU).",
    "shortage_cost": "Customer backordered unit-days x backorder cost + lost units x lost-sale "
    "cost, charged to the node customers buy at (money; backorders accrue daily at end of "
    "day, lost sales when lost).",
    "total_cost": "holding_cost + ordering_cost + transport_cost + shortage_cost (money; not "
    "at SKU scope, where transport is not defined).",
    "cost_per_day": "Network total_cost / KPI days (money per day).",
}


def add_cost_kpis(ctx: KpiContext) -> None:
    """Add the cost KPIs to ``ctx``: per network, node and echelon, and per SKU where defined.

    Args:
        ctx: The run's KPI context.
    """
    rec, topo = ctx.records, ctx.topology
    daily_rate = ctx.product("unit_cost") * ctx.product("holding_rate") / DAYS_PER_YEAR
    holding = ctx.on_hand_days * daily_rate[topo.pos_sku]
    ordering = rec.pos_order_lines * topo.pos_order_cost
    sku = ctx.demand.stream_sku
    shortage = (
        rec.stream_backlog_days * ctx.product("backorder_cost")[sku]
        + rec.stream_lost * ctx.product("lost_sale_cost")[sku]
    )
    shipments = rec.shipments
    in_window = rec.in_window(shipments.column("day"))
    transport = np.bincount(
        shipments.column("node")[in_window],
        weights=shipments.column("cost")[in_window],
        minlength=len(topo.node_ids),
    )
    for scope in COST_SCOPES:
        present = ctx.population("position", scope)
        costs = {
            "holding_cost": ctx.sum("position", scope, holding),
            "ordering_cost": ctx.sum("position", scope, ordering),
            "shortage_cost": ctx.sum("stream", scope, shortage),
        }
        if scope != "sku":
            costs["transport_cost"] = ctx.sum("node", scope, transport)
            costs["total_cost"] = sum(costs.values(), np.zeros(len(ctx.ids[scope])))
        for metric, value in costs.items():
            ctx.add(scope, metric, value, present=present)
        if scope == "network":
            ctx.add(scope, "cost_per_day", costs["total_cost"], ctx.days)
