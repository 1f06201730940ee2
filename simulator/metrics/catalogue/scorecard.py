"""Partner scorecard columns (docs/kpis.md, "Partner scorecard"): one row per partner node."""

from __future__ import annotations

from simulator.metrics.catalogue.kpi import Direction, Kpi, Unit


def _column(name: str, definition: str, unit: Unit, direction: Direction, label: str = "") -> Kpi:
    return Kpi(name, definition, unit, direction, ("node",), "scorecard", label)


SCORECARD_COLUMNS: tuple[Kpi, ...] = (
    _column(
        "sales_units",
        "Units issued in the window: sold to customers plus shipped to downstream nodes (the "
        "issued of inventory_turns).",
        "units",
        "higher",
        "sales",
    ),
    _column(
        "revenue",
        "The node's trade_revenue: its sales at its selling price; 0 for a partner that holds "
        "no stock.",
        "money",
        "higher",
    ),
    _column(
        "gross_margin",
        "The node's trade_margin: its margin on them over its buying price; 0 for a partner "
        "that holds no stock.",
        "money",
        "higher",
    ),
    _column(
        "fill_rate_given",
        "With customers, their fill_rate at the node; without, the units the downstream nodes "
        "it supplies received from it on time in full / the units they ordered from it.",
        "share",
        "higher",
        "fill given",
    ),
    _column(
        "fill_rate_received",
        "The node's ordered units that arrived on time in full / the units it ordered.",
        "share",
        "higher",
        "fill received",
    ),
    _column(
        "on_time_delivery",
        "Its completed replenishment lines that arrived within their lane's nominal lead time "
        "/ its completed lines.",
        "share",
        "higher",
        "on time",
    ),
    _column(
        "stockout_days",
        "Window days on which a customer-facing position of the node ended with a customer "
        "backorder or the node lost a sale (once per day).",
        "days",
        "lower",
    ),
    _column("inventory_turns", "The node's inventory_turns.", "per year", "higher", "turns"),
    _column(
        "rank",
        "1 = best: fill_rate_given, then gross_margin, each best first, then node id.",
        "rank",
        "lower",
    ),
)
