"""Customer service and sales KPIs (docs/kpis.md, "Customer service and sales")."""

from __future__ import annotations

from simulator.metrics.catalogue.kpi import CUSTOMER, ZONE_VIEW, Kpi

SERVICE: tuple[Kpi, ...] = (
    Kpi(
        "demand",
        "Units customers asked for; at node and channel scope, units asked of the scope's "
        "outlets, customers sent there by a stockout elsewhere included.",
        "units",
        "neutral",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "customer_orders",
        "Customer orders received, each for one SKU (on the daily path, a stream's demand on "
        "a day with demand, or that demand over the zone's order size).",
        "count",
        "neutral",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "fill_rate",
        "Units filled from stock on the day asked for / demand; a zone's units filled at the "
        "next outlet or online count as filled.",
        "share",
        "higher",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "orders_delivered",
        "Customer orders filled completely on arrival whose goods reached the customer before "
        "the horizon (as any arrival, one due at the horizon is still on its way): at once in a "
        "store, after the node's delivery lead time where it delivers, when a fleet's vehicle "
        "hands them over.",
        "count",
        "higher",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "order_fill_rate",
        "Customer orders filled completely on arrival / customer orders.",
        "share",
        "higher",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "otif",
        "Customer orders filled completely on arrival and delivered within the promise (see "
        "On time) / customer orders.",
        "share",
        "higher",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "on_time_rate",
        "Units delivered within the promise, backorders served later included / demand.",
        "share",
        "higher",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "lost_sales",
        "Units lost whatever the cause: lost_sales_no_coverage + lost_sales_stockout + "
        "lost_sales_late.",
        "units",
        "lower",
        CUSTOMER,
        "service",
    ),
    Kpi("lost_sales_rate", "lost_sales / demand.", "share", "lower", CUSTOMER, "service"),
    Kpi(
        "lost_sales_no_coverage",
        "Units of market zones with no outlet carrying the SKU within reach that did not buy "
        "online.",
        "units",
        "lower",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "lost_sales_stockout",
        "Units lost to a stockout: unmet in a lost-sales zone, unmet at a next outlet, or "
        "market customers who left rather than try elsewhere.",
        "units",
        "lower",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "lost_sales_late",
        "Backordered units whose customers' patience ran out before delivery.",
        "units",
        "lower",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "substitution_rate",
        "Units a zone's customers bought at the next outlet or online after a stockout at "
        "their own / demand; neutral, since more of it means both more stockouts and fewer "
        "customers lost to them.",
        "share",
        "neutral",
        ZONE_VIEW,
        "service",
    ),
    Kpi(
        "coverage",
        "Demand of zones with an outlet carrying the SKU within reach / demand.",
        "share",
        "higher",
        ZONE_VIEW,
        "service",
    ),
    Kpi(
        "backorders_mean",
        "Customer backorders at the end of each window day, summed, / kpi_days.",
        "units",
        "lower",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "backorders_max",
        "Sum over the scope's demand streams of each stream's largest end-of-day backorder "
        "(exact for one zone and SKU, an upper bound on the simultaneous peak above that).",
        "units",
        "lower",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "units_sold",
        "Units delivered to customers: filled on the day asked for plus backorders served later.",
        "units",
        "higher",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "revenue",
        "units_sold x consumer price x the SKU's strategy price_factor (1 without a market), "
        "booked on delivery.",
        "money",
        "higher",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "gross_margin",
        "revenue - units_sold x SKU unit cost: the whole chain's margin.",
        "money",
        "higher",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "manufacturer_revenue",
        "units_sold x the manufacturer's trade price x price_factor.",
        "money",
        "higher",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "manufacturer_margin",
        "units_sold x (the manufacturer's trade price x price_factor - unit cost).",
        "money",
        "higher",
        CUSTOMER,
        "service",
    ),
    Kpi(
        "partner_margin",
        "revenue - manufacturer_revenue: what the resellers between the manufacturer and the "
        "consumer keep.",
        "money",
        "higher",
        CUSTOMER,
        "service",
    ),
)
