"""How KPIs are named, scaled and judged in plots and reports.

Names, units and directions come from the KPI catalogue (:mod:`simulator.metrics.catalogue`),
as the study ranking's do, so the report's headings, highlighting and ranking always agree.
A metric the catalogue does not know is shown by its name, unscaled and undirected.
"""

from __future__ import annotations

from simulator.metrics.catalogue import CATALOGUE, Kpi

_DIRECTION = {"higher": 1, "lower": -1, "neutral": 0}


def metric_direction(metric: str) -> int:
    """+1 if a higher value is better, -1 if lower is better, 0 if neither (demand)."""
    kpi = CATALOGUE.get(metric)
    return 0 if kpi is None else _DIRECTION[kpi.direction]


def _is_share(metric: str) -> bool:
    kpi = CATALOGUE.get(metric)
    return kpi is not None and kpi.unit == "share"


def metric_scale(metric: str) -> float:
    """Factor from stored value to displayed value: shares (0-1) are shown as percentages."""
    return 100.0 if _is_share(metric) else 1.0


def is_money(metric: str) -> bool:
    """Whether the metric is an amount of money (costs, revenue, margin)."""
    kpi = CATALOGUE.get(metric)
    return kpi is not None and kpi.unit.startswith("money")


def _unit_label(kpi: Kpi, currency: str | None = None) -> str:
    """The unit as a heading shows it: shares in %, money in the scenario's currency."""
    if kpi.unit == "share":
        return "share, %"
    return kpi.unit.replace("money", currency or "money")


def metric_label(metric: str, currency: str | None = None) -> str:
    """Readable name with its unit, e.g. ``fill rate (share, %)`` or ``total cost (EUR)``."""
    kpi = CATALOGUE.get(metric)
    if kpi is None:
        return metric.replace("_", " ")
    return f"{kpi.label} ({_unit_label(kpi, currency)})"


def difference_label(metric: str, currency: str | None = None) -> str:
    """Label of a difference in ``metric``: a difference of two shares is in percentage points."""
    kpi = CATALOGUE.get(metric)
    if kpi is not None and kpi.unit == "share":
        return f"{kpi.label} (percentage points)"
    return metric_label(metric, currency)
