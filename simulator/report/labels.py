"""How KPIs are named, scaled and judged in plots and reports.

Whether higher is better comes from the study statistics (:mod:`simulator.experiment.stats`),
so the report's highlighting and the ranking always agree.
"""

from __future__ import annotations

from simulator.experiment.stats import HIGHER_IS_BETTER

_RATES = frozenset(
    {
        "fill_rate",
        "order_fill_rate",
        "otif",
        "lost_sales_rate",
        "cycle_service_level",
        "ready_rate",
        "coverage",
        "substitution_rate",
        "waste_rate",
        "on_time_rate",
        "on_time_delivery_rate",
        "load_factor",
        "time_utilisation",
    }
)
_UNITS = {
    "demand": "units",
    "lost_sales": "units",
    "lost_sales_no_coverage": "units",
    "lost_sales_stockout": "units",
    "lost_sales_late": "units",
    "waste_units": "units",
    "shelf_life_at_sale": "days",
    "backorders_mean": "units",
    "backorders_max": "units",
    "units_sold": "units",
    "on_hand_mean": "units",
    "inventory_turns": "per year",
    "days_of_supply": "days",
    "order_cycle_time_mean": "days",
    "order_cycle_time_p95": "days",
    "bullwhip": "ratio",
    "km_driven": "km",
    "vehicle_days": "vehicle-days",
    "routes": "routes",
    "lateness_p50": "hours",
    "lateness_p95": "hours",
    "lateness_max": "hours",
    "co2_kg": "kg",
    "breakdowns": "breakdowns",
}


def metric_direction(metric: str) -> int:
    """+1 if a higher value is better, -1 if lower is better, 0 if neither (demand)."""
    if metric not in HIGHER_IS_BETTER:
        return 0
    return 1 if HIGHER_IS_BETTER[metric] else -1


def metric_scale(metric: str) -> float:
    """Factor from stored value to displayed value: rates (0-1) are shown as percentages."""
    return 100.0 if metric in _RATES else 1.0


def is_money(metric: str) -> bool:
    """Whether the metric is an amount of money (costs, revenue, margin)."""
    return metric.endswith(("_cost", "_margin", "_revenue")) or metric in {
        "revenue",
        "cost_per_day",
        "transport_cost_per_unit",
        "transport_cost_per_stop",
    }


def metric_label(metric: str, currency: str | None = None) -> str:
    """Readable name with its unit, e.g. ``fill rate (share, %)`` or ``total cost (EUR)``."""
    name = metric.replace("_", " ")
    if metric in _RATES:
        return f"{name} (share, %)"
    if is_money(metric):
        money = currency or "money"
        return f"{name} ({money}/day)" if metric == "cost_per_day" else f"{name} ({money})"
    return f"{name} ({_UNITS[metric]})" if metric in _UNITS else name


def difference_label(metric: str, currency: str | None = None) -> str:
    """Label of a difference in ``metric``: a difference of two rates is in percentage points."""
    if metric in _RATES:
        return f"{metric.replace('_', ' ')} (percentage points)"
    return metric_label(metric, currency)
