"""The impact table of a stress test, as people read it: human names, units, a chosen ranking
and tie markers. Shared by the terminal table and the HTML report; no plotting imports, so the
command line stays quick to start."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from simulator.report.numbers import number, plus_minus


@dataclass(frozen=True)
class ImpactColumn:
    """How one resilience KPI is shown and ranked.

    Attributes:
        heading: Human name.
        unit: What it is measured in (``money`` means the scenario's currency).
        statistic: ``median`` or ``mean`` over replications (means carry an interval).
        harm: ``high`` if a larger value is more harmful, ``low`` if a smaller one is.
    """

    heading: str
    unit: str
    statistic: Literal["median", "mean"]
    harm: Literal["high", "low"]

    def label(self, currency: str) -> str:
        """``Extra cost (EUR)``."""
        return f"{self.heading} ({currency if self.unit == 'money' else self.unit})"


IMPACT_COLUMNS: dict[str, ImpactColumn] = {
    "time_to_survive": ImpactColumn("Survives", "days", "median", "low"),
    "time_to_recover": ImpactColumn("Recovers", "days", "median", "high"),
    "service_loss_area": ImpactColumn("Service lost", "service-days", "median", "high"),
    "extra_peak_backlog": ImpactColumn("Extra backlog", "units", "median", "high"),
    "lost_sales_extra": ImpactColumn("Extra lost sales", "units", "mean", "high"),
    "extra_cost": ImpactColumn("Extra cost", "money", "mean", "high"),
}
"""The impact table's columns, in order: resilience KPI -> how it is shown."""


def rank_by(table: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The impact table with cases re-ranked (``rank`` from 0) on one KPI, most harmful first.

    Ties on the KPI keep the previous order.
    """
    column = IMPACT_COLUMNS[metric]
    values = table[table["metric"] == metric].set_index("case")[column.statistic]
    order = values.sort_values(ascending=column.harm == "low", kind="stable").index
    rank = {case: i for i, case in enumerate(order)}
    ranked = table.assign(rank=table["case"].map(rank))
    return ranked.sort_values(["rank", "metric"], kind="stable").reset_index(drop=True)


def ties(table: pd.DataFrame, metric: str) -> set[str]:
    """Cases whose interval of the mean ``metric`` overlaps that of the case ranked just above:
    the replications cannot tell their order apart."""
    rows = table[table["metric"] == metric].sort_values("rank")
    cases = [str(c) for c in rows["case"]]
    low = rows["ci_low"].to_numpy(dtype=float)
    high = rows["ci_high"].to_numpy(dtype=float)
    # NaN bounds (a single replication) compare false: no tie is claimed.
    overlap = (low[1:] <= high[:-1]) & (low[:-1] <= high[1:])
    return {case for case, tied in zip(cases[1:], overlap, strict=True) if tied}


def impact_cell(row: pd.Series, metric: str) -> str:
    """One cell, in the unit of its heading: ``12``, ``never``, ``1,234 ± 56``."""
    column = IMPACT_COLUMNS[metric]
    if column.statistic == "mean":
        return plus_minus(float(row["mean"]), float(row["half_width"]))
    value = float(row["median"])
    if math.isinf(value):
        return "never" if metric == "time_to_recover" else "holds"
    return number(value)
