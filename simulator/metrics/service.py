"""Customer service and sales KPIs, from the per-stream accumulators of the KPI window.

A demand stream is one SKU demanded by one zone at one outlet (a market zone has streams at its
first-choice outlet, the next one and the online shop). Its accumulators are summed per network,
node (the outlet), SKU, channel (the outlet's) and zone; ratios are formed from those sums, so
an aggregate rate is always the demand-weighted mean of the rates below it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from simulator.metrics import KpiContext, Scope

CUSTOMER_SCOPES: tuple[Scope, ...] = ("network", "node", "sku", "channel", "zone")
OUTLET_SCOPES: frozenset[Scope] = frozenset({"node", "channel"})
"""Scopes that see what customers asked *of them*, substitutes included; the others see the
zones' own demand, each unit once wherever it was finally served."""

DEFINITIONS: dict[str, str] = {
    "demand": "Units customers asked for in the KPI window. Node and channel: units asked of "
    "the scope's outlets, customers sent there by a stockout elsewhere included.",
    "fill_rate": "Unit fill rate: units filled from stock on the day asked for / demand "
    "(ratio, 0-1). A zone's units filled by a substitute outlet count as filled.",
    "order_fill_rate": "Customer orders filled completely on arrival / customer orders (ratio "
    "0-1); on the daily path a day's orders of a stream are all full or all short.",
    "otif": "On time in full: customer orders filled in full on arrival and delivered within "
    "the promise (at once in a store; online, within the delivery promise, judged when the "
    "vehicle arrives where a fleet delivers) / customer orders (ratio, 0-1).",
    "on_time_rate": "Units delivered within the promise, backorders included / demand "
    "(ratio, 0-1).",
    "lost_sales": "Units of demand lost, whatever the cause (units).",
    "lost_sales_rate": "lost_sales / demand (ratio, 0-1).",
    "lost_sales_no_coverage": "Units lost because no outlet was within the customers' reach "
    "and they did not buy online (units).",
    "lost_sales_stockout": "Units lost to a stockout: unmet in a lost-sales zone, or customers "
    "who left rather than try elsewhere (units).",
    "lost_sales_late": "Units lost to late delivery: backorders that outwaited the customers' "
    "patience (units).",
    "substitution_rate": "Units a zone's customers bought at another outlet or online after a "
    "stockout at their own / demand (ratio, 0-1; not at node or channel scope).",
    "coverage": "Share of demand from zones with an outlet within reach carrying the SKU "
    "(ratio, 0-1; not at node or channel scope).",
    "backorders_mean": "Mean end-of-day customer backorders: backordered unit-days / KPI days "
    "(units).",
    "backorders_max": "Sum over the scope's demand streams of each stream's largest end-of-day "
    "backorder (units); exact for one zone and SKU, an upper bound on the simultaneous peak "
    "above that.",
    "units_sold": "Units delivered to customers: filled on the day asked for plus backorders "
    "served later (units).",
    "revenue": "units_sold x consumer price (times the distribution strategy's price factor, "
    "which scales every price of the SKU along the chain), booked on delivery (money).",
    "gross_margin": "revenue - units_sold x SKU unit cost: the whole chain's margin (money).",
    "manufacturer_revenue": "units_sold x the manufacturer's trade price (times the price "
    "factor) (money).",
    "manufacturer_margin": "units_sold x (manufacturer's trade price - unit cost) (money).",
    "partner_margin": "revenue - manufacturer_revenue: what the resellers between the "
    "manufacturer and the consumer keep (money).",
}


def add_service_kpis(ctx: KpiContext) -> None:
    """Add the customer-side KPIs for every customer scope to ``ctx``.

    Args:
        ctx: The run's KPI context.
    """
    rec, dem = ctx.records, ctx.demand
    sku = dem.stream_sku
    sold = rec.stream_filled_now + rec.stream_served_late
    revenue = sold * (ctx.product("price") * ctx.price_factor)[sku]
    manufacturer = sold * ctx.manufacturer_price[sku]
    stockout = rec.stream_lost - rec.stream_lost_coverage - rec.stream_lost_late
    substituted = np.where(dem.first, 0.0, sold)
    for scope in CUSTOMER_SCOPES:
        present = ctx.population("stream", scope)
        demand = ctx.sum(
            "stream", scope, rec.stream_asked if scope in OUTLET_SCOPES else rec.stream_demand
        )
        # An outlet never saw the customers who had none within reach: no lost sale of its own.
        lost = ctx.sum(
            "stream",
            scope,
            rec.stream_lost - rec.stream_lost_coverage
            if scope in OUTLET_SCOPES
            else rec.stream_lost,
        )
        rows = {
            "demand": (demand, None),
            "fill_rate": (ctx.sum("stream", scope, rec.stream_filled_now), demand),
            "order_fill_rate": (
                ctx.sum("stream", scope, rec.stream_orders_full),
                ctx.sum("stream", scope, rec.stream_orders),
            ),
            "otif": (
                ctx.sum("stream", scope, rec.stream_orders_otif),
                ctx.sum("stream", scope, rec.stream_orders),
            ),
            "on_time_rate": (ctx.sum("stream", scope, rec.stream_on_time), demand),
            "lost_sales": (lost, None),
            "lost_sales_rate": (lost, demand),
            "lost_sales_no_coverage": (
                ctx.sum("stream", scope, rec.stream_lost_coverage) * (scope not in OUTLET_SCOPES),
                None,
            ),
            "lost_sales_stockout": (ctx.sum("stream", scope, stockout), None),
            "lost_sales_late": (ctx.sum("stream", scope, rec.stream_lost_late), None),
            "backorders_mean": (ctx.sum("stream", scope, rec.stream_backlog_days), ctx.days),
            "backorders_max": (ctx.sum("stream", scope, rec.stream_backlog_max), None),
            "units_sold": (ctx.sum("stream", scope, sold), None),
            "revenue": (ctx.sum("stream", scope, revenue), None),
            "gross_margin": (
                ctx.sum("stream", scope, revenue - sold * ctx.product("unit_cost")[sku]),
                None,
            ),
            "manufacturer_revenue": (ctx.sum("stream", scope, manufacturer), None),
            "manufacturer_margin": (
                ctx.sum("stream", scope, manufacturer - sold * ctx.product("unit_cost")[sku]),
                None,
            ),
            "partner_margin": (ctx.sum("stream", scope, revenue - manufacturer), None),
        }
        if scope not in OUTLET_SCOPES:
            rows["substitution_rate"] = (ctx.sum("stream", scope, substituted), demand)
            covered = np.where(dem.stream_covered, rec.stream_demand, 0.0)
            rows["coverage"] = (ctx.sum("stream", scope, covered), demand)
        for metric, (num, den) in rows.items():
            ctx.add(scope, metric, num, den, present=present)
