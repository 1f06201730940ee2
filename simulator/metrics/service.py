"""Customer service and sales KPIs, from the per-stream accumulators of the KPI window.

A demand stream is one SKU demanded by one zone. Its accumulators are summed per network,
node (the node the zone buys at), SKU, channel and zone; ratios are formed from those sums, so
an aggregate rate is always the demand-weighted mean of the rates below it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.metrics import KpiContext, Scope

CUSTOMER_SCOPES: tuple[Scope, ...] = ("network", "node", "sku", "channel", "zone")

DEFINITIONS: dict[str, str] = {
    "demand": "Units customers asked for in the KPI window.",
    "fill_rate": "Unit fill rate: units filled from stock on the day asked for / units asked "
    "for (ratio, 0-1).",
    "order_fill_rate": "Customer orders filled completely on arrival / customer orders (ratio "
    "0-1); on the daily path an order is one stream's demand on a day with demand.",
    "lost_sales": "Units of demand lost: unmet in a lost-sales zone, or backorders that "
    "outwaited the zone's patience (units).",
    "lost_sales_rate": "lost_sales / demand (ratio, 0-1).",
    "backorders_mean": "Mean end-of-day customer backorders: backordered unit-days / KPI days "
    "(units).",
    "backorders_max": "Sum over the scope's demand streams of each stream's largest end-of-day "
    "backorder (units); exact for one zone and SKU, an upper bound on the simultaneous peak "
    "above that.",
    "units_sold": "Units delivered to customers: filled on the day asked for plus backorders "
    "served later (units).",
    "revenue": "units_sold x SKU price, booked when the units are delivered (money).",
    "gross_margin": "revenue - units_sold x SKU unit cost (money).",
}


def add_service_kpis(ctx: KpiContext) -> None:
    """Add the customer-side KPIs for every customer scope to ``ctx``.

    Args:
        ctx: The run's KPI context.
    """
    rec = ctx.records
    sku = ctx.demand.stream_sku
    sold = rec.stream_filled_now + rec.stream_served_late
    revenue = sold * ctx.product("price")[sku]
    margin = revenue - sold * ctx.product("unit_cost")[sku]
    for scope in CUSTOMER_SCOPES:
        present = ctx.population("stream", scope)
        demand = ctx.sum("stream", scope, rec.stream_demand)
        lost = ctx.sum("stream", scope, rec.stream_lost)
        rows = {
            "demand": (demand, None),
            "fill_rate": (ctx.sum("stream", scope, rec.stream_filled_now), demand),
            "order_fill_rate": (
                ctx.sum("stream", scope, rec.stream_orders_full),
                ctx.sum("stream", scope, rec.stream_orders),
            ),
            "lost_sales": (lost, None),
            "lost_sales_rate": (lost, demand),
            "backorders_mean": (ctx.sum("stream", scope, rec.stream_backlog_days), ctx.days),
            "backorders_max": (ctx.sum("stream", scope, rec.stream_backlog_max), None),
            "units_sold": (ctx.sum("stream", scope, sold), None),
            "revenue": (ctx.sum("stream", scope, revenue), None),
            "gross_margin": (ctx.sum("stream", scope, margin), None),
        }
        for metric, (num, den) in rows.items():
            ctx.add(scope, metric, num, den, present=present)
