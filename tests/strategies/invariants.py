"""What every finished run must satisfy, whatever its network: the checks of the random-network
property and of the regression reproducers found by it."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from simulator import Result
from simulator.metrics import KPI_DEFINITIONS

TOTALS = ("units", "money", "money per day", "km", "count", "kg")
"""Units of KPIs that are sums (or means over the KPI days): a number even without activity.
Ratios and means over events (a fill rate, a lateness percentile) are NaN without events."""


def _unit(definition: str) -> str:
    """The unit a KPI definition ends with, e.g. ``money`` in ``... (money; accrues daily)``."""
    found = re.search(r"\(([^()]*)\)\.?\s*$", definition)
    return found.group(1).split(";")[0].strip() if found else ""


ALWAYS_DEFINED = frozenset(m for m, d in KPI_DEFINITIONS.items() if _unit(d) in TOTALS)


def tolerance(*flows: np.ndarray | float) -> float:
    """Rounding allowed in a balance of float32 and float64 flows of this size."""
    scale = max([1.0, *(float(np.nanmax(np.abs(np.atleast_1d(f)), initial=0.0)) for f in flows)])
    return 1e-5 * scale


def assert_books_balance(result: Result) -> None:
    """The conservation audit: per position and over the lanes, no unit appears or vanishes."""
    audit = result.audit()
    positions, network = audit.iloc[:-1], audit.iloc[-1]
    slack = tolerance(
        *(positions[c].to_numpy(float) for c in ("initial", "received", "issued", "on_hand"))
    )
    worst = positions.imbalance.abs().idxmax() if len(positions) else None
    assert worst is None or abs(positions.imbalance[worst]) <= slack, (
        f"units unaccounted for at {positions.node[worst]}/{positions.sku[worst]}:\n"
        f"{positions.loc[worst].to_string()}"
    )
    assert abs(network.transit_imbalance) <= tolerance(network.shipped), (
        f"lanes lost or made units: shipped {network.shipped} != received {network.received} "
        f"+ in transit {network.in_transit}"
    )


def assert_stock_never_negative(result: Result) -> None:
    rec = result.records
    for name, values in (
        ("end-of-day on hand", rec.series_on_hand),
        ("end-of-day backlog", rec.series_backlog),
        ("end-of-day pipeline", rec.series_pipeline),
        ("final on hand", result.final_on_hand),
        ("final in transit", result.final_in_transit),
    ):
        low = float(np.min(values, initial=0.0))
        assert low >= -tolerance(values), f"negative {name}: {low}"


def assert_kpis_finite(kpis: pd.DataFrame) -> None:
    """No KPI is infinite; a total (units, money, km, counts) is never NaN either."""
    values = kpis.value.to_numpy(float)
    assert not np.isinf(values).any(), kpis[np.isinf(values)].to_string()
    undefined = kpis[np.isnan(values) & kpis.metric.isin(ALWAYS_DEFINED).to_numpy()]
    assert undefined.empty, f"totals without a value:\n{undefined.to_string()}"


def assert_sound(result: Result) -> None:
    """Every invariant of a single run."""
    assert_books_balance(result)
    assert_stock_never_negative(result)
    assert_kpis_finite(result.kpis)
