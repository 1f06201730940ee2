"""Inventory, replenishment and order-desk KPIs (docs/kpis.md, "Inventory and replenishment"
and "Order desks")."""

from __future__ import annotations

from simulator.metrics.catalogue.kpi import NETWORK_NODE, NODES, POSITION, Kpi

INVENTORY: tuple[Kpi, ...] = (
    Kpi(
        "on_hand_mean",
        "Mean end-of-day on-hand stock over the window days, summed over the scope's positions.",
        "units",
        "lower",
        POSITION,
        "inventory",
    ),
    Kpi(
        "on_hand_time_mean",
        "Time-averaged on-hand stock: on hand integrated over the window / kpi_days, where a "
        "day holds its stock after customers are served until its end-of-day shipments leave "
        "(end-of-day stock + units shipped downstream at the day's end).",
        "units",
        "lower",
        POSITION,
        "inventory",
        label="on hand, time average",
        needs="daily_path",
    ),
    Kpi(
        "on_hand_end",
        "On-hand stock at the horizon: the end-of-day stock of the run's last day.",
        "units",
        "lower",
        POSITION,
        "inventory",
        label="on hand at the horizon",
    ),
    Kpi(
        "stock_value_end",
        "on_hand_end x SKU unit cost.",
        "money",
        "lower",
        POSITION,
        "inventory",
        label="stock value at the horizon",
    ),
    Kpi(
        "inventory_turns",
        "Units issued (to customers and downstream nodes) per year / on_hand_mean.",
        "per year",
        "higher",
        POSITION,
        "inventory",
    ),
    Kpi(
        "days_of_supply",
        "on_hand_mean / mean units issued per day.",
        "days",
        "lower",
        POSITION,
        "inventory",
    ),
    Kpi(
        "cycle_service_level",
        "Share of position-days ending with no backorder (customer or downstream node) and no "
        "lost sale; network and SKU scopes average only customer-facing positions.",
        "share",
        "higher",
        POSITION,
        "inventory",
    ),
    Kpi(
        "ready_rate",
        "Share of position-days ending with stock on hand, averaged as cycle_service_level.",
        "share",
        "higher",
        POSITION,
        "inventory",
    ),
    Kpi(
        "waste_units",
        "Perishable units that expired in stock or in transit to the scope.",
        "units",
        "lower",
        POSITION,
        "inventory",
    ),
    Kpi(
        "waste_rate",
        "waste_units / (waste_units + perishable units issued).",
        "share",
        "lower",
        POSITION,
        "inventory",
        needs="perishable",
    ),
    Kpi(
        "shelf_life_at_sale",
        "Mean days of shelf life left on the perishable units sold to customers.",
        "days",
        "higher",
        POSITION,
        "inventory",
        needs="perishable",
    ),
    Kpi(
        "bullwhip",
        "Variance of the echelon's daily orders / variance of the daily demand it receives, "
        "both summed over its nodes (NaN where that demand is constant).",
        "ratio",
        "lower",
        ("echelon",),
        "inventory",
    ),
)

REPLENISHMENT: tuple[Kpi, ...] = (
    Kpi(
        "order_lines",
        "Replenishment lines placed in the window, one per position and placement (a line "
        "split over several suppliers counts once).",
        "count",
        "neutral",
        POSITION,
        "replenishment",
    ),
    Kpi(
        "units_ordered",
        "Units on the replenishment lines the scope's nodes placed in the window, from any source.",
        "units",
        "neutral",
        NODES,
        "replenishment",
    ),
    Kpi(
        "order_cycle_time_mean",
        "Mean days from placing a replenishment line to receiving its last unit, over the "
        "lines placed in the window and fully shipped by the end of the run.",
        "days",
        "lower",
        NODES,
        "replenishment",
    ),
    Kpi(
        "order_cycle_time_p95",
        "95th percentile (linear interpolation) of the same lines' cycle times.",
        "days",
        "lower",
        NODES,
        "replenishment",
    ),
    Kpi(
        "purchased_units",
        "Units external suppliers shipped to the scope's positions in the window, complete "
        "lines or not.",
        "units",
        "neutral",
        POSITION,
        "replenishment",
    ),
    Kpi(
        "purchases",
        "purchased_units x SKU unit cost, what external suppliers charge: the replenishment "
        "spend; neutral, since it follows sales (judge it through the margins).",
        "money",
        "neutral",
        POSITION,
        "replenishment",
        accrues="when the supplier ships (time d + 1 for a shipment of day d), counted if "
        "day d is in the window",
    ),
)

DESKS: tuple[Kpi, ...] = (
    Kpi(
        "desk_wait_mean",
        "Mean days event-path customer orders arriving in the window waited at the node's "
        "order desk before a server took them.",
        "days",
        "lower",
        NETWORK_NODE,
        "desks",
        label="desk wait",
        needs="customer_desk",
    ),
    Kpi(
        "desk_wait_probability",
        "Share of those orders that waited at all.",
        "share",
        "lower",
        NETWORK_NODE,
        "desks",
        label="P(wait at desk)",
        needs="customer_desk",
    ),
    Kpi(
        "desk_utilisation",
        "Server-days the desk spent processing customer orders and replenishment lines "
        "within the window (a processing under way at the horizon up to it) / (servers x "
        "kpi_days).",
        "share",
        "neutral",
        NETWORK_NODE,
        "desks",
        label="desk utilisation",
        needs="desk",
    ),
)
