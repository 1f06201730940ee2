"""Customer service and sales KPIs, from the per-stream accumulators of the KPI window.

A demand stream is one SKU demanded by one zone at one outlet (a market zone has streams at its
first-choice outlet, the next one and the online shop). Its accumulators are summed per network,
node (the outlet), SKU, channel (the outlet's) and zone; ratios are formed from those sums, so
an aggregate rate is always the demand-weighted mean of the rates below it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.metrics.catalogue import CUSTOMER, Scope

if TYPE_CHECKING:
    from simulator.metrics.context import KpiContext

OUTLET_SCOPES: frozenset[Scope] = frozenset({"node", "channel"})
"""Scopes that see what customers asked *of them*, substitutes included; the others see the
zones' own demand, each unit once wherever it was finally served."""


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
    for scope in CUSTOMER:
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
            "customer_orders": (ctx.sum("stream", scope, rec.stream_orders), None),
            "fill_rate": (ctx.sum("stream", scope, rec.stream_filled_now), demand),
            "orders_delivered": (
                ctx.sum("stream", scope, rec.stream_orders_full - rec.stream_orders_undelivered),
                None,
            ),
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
