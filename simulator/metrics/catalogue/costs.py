"""Cost and trade KPIs (docs/kpis.md, "Costs" and "Trade revenue and margin")."""

from __future__ import annotations

from simulator.metrics.catalogue.kpi import NODES, POSITION, TRADE, Kpi

COSTS: tuple[Kpi, ...] = (
    Kpi(
        "holding_cost",
        "Sum over window days of end-of-day on hand x unit cost x holding_rate / 365 (an "
        "economic shift's goods factor revalues the stock on its days).",
        "money",
        "lower",
        POSITION,
        "cost",
        accrues="daily, on end-of-day on-hand stock",
    ),
    Kpi(
        "ordering_cost",
        "order_lines x the position's order_cost (a plant's production orders included).",
        "money",
        "lower",
        POSITION,
        "cost",
        accrues="when a line is placed, on the day it is ordered",
    ),
    Kpi(
        "transport_cost",
        "Shipments leaving in the window (per shipment + per unit x units + per km x "
        "distance; production is free), charged to the receiving node, plus delivery_cost, "
        "plus each fleet's route costs charged to its depot.",
        "money",
        "lower",
        NODES,
        "cost",
        accrues="when the shipment leaves (time d + 1 for a shipment of day d), counted if "
        "day d is in the window; a route on the day it starts",
    ),
    Kpi(
        "delivery_cost",
        "Customer orders delivered by nodes with a delivery section (units delivered / the "
        "zone's mean order size) x cost_per_parcel, where no fleet of the node's own delivers "
        "them.",
        "money",
        "lower",
        NODES,
        "cost",
        accrues="when units are delivered (counted in units_sold)",
    ),
    Kpi(
        "cold_chain_cost",
        "The part of transport_cost on cold-chain lanes and refrigerated vehicles.",
        "money",
        "lower",
        NODES,
        "cost",
        accrues="as transport_cost",
    ),
    Kpi(
        "shortage_cost",
        "Customer backordered unit-days x backorder_cost + lost units x lost_sale_cost, "
        "charged to the node customers buy at.",
        "money",
        "lower",
        POSITION,
        "cost",
        accrues="backorders daily at end of day; lost sales when lost",
    ),
    Kpi(
        "waste_cost",
        "waste_units x (unit cost + disposal_cost), charged at expiry.",
        "money",
        "lower",
        POSITION,
        "cost",
        accrues="at expiry, or on arrival for units that expired in transit",
    ),
    Kpi(
        "recall_cost",
        "Recalls' fixed costs + cost_per_unit x (units quarantined + units customers returned).",
        "money",
        "lower",
        POSITION,
        "cost",
        accrues="the fixed cost on the day the recall starts; units on the day they are "
        "quarantined (at once, or when they arrive) or come back",
    ),
    Kpi(
        "total_cost",
        "holding_cost + ordering_cost + transport_cost + shortage_cost + waste_cost + "
        "recall_cost (no SKU rows: transport is not split by SKU).",
        "money",
        "lower",
        NODES,
        "cost",
        accrues="as its parts",
    ),
    Kpi(
        "cost_per_day",
        "The network's total_cost / kpi_days.",
        "money/day",
        "lower",
        ("network",),
        "cost",
        accrues="as total_cost",
    ),
)

TRADE_KPIS: tuple[Kpi, ...] = (
    Kpi(
        "trade_revenue",
        "Units the node issued (to customers and downstream nodes) x its selling price.",
        "money",
        "higher",
        TRADE,
        "trade",
    ),
    Kpi(
        "trade_margin",
        "Units issued x (selling price - buying price from its preferred supplier; unit cost "
        "where it produces).",
        "money",
        "higher",
        TRADE,
        "trade",
    ),
)
