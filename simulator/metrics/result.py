"""The outcome of one run: KPI table, daily series, conservation audit and provenance."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from simulator.metrics.audit import conservation_audit, echelon_series, position_series
from simulator.metrics.catalogue import CATALOGUE
from simulator.metrics.kpis import compute_kpis
from simulator.metrics.scorecard import scorecard as partner_scorecard
from simulator.network import Network
from simulator.records import Records
from simulator.scenario.models import Scenario

# The KPIs a Result's repr shows, network scope: service, money and emissions at a glance.
HEADLINE = ("fill_rate", "total_cost", "gross_margin", "co2_kg")


def package_versions() -> dict[str, str]:
    """Versions of Python and of the packages that decide the numbers, for provenance."""
    names = ("supplysim", "simpy", "numpy", "pandas", "pydantic")
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "unknown"
    found["python"] = platform.python_version()
    return found


@dataclass
class Result:
    """One replication's outcome. KPIs are computed on first access, once."""

    scenario: Scenario
    seed: int
    network: Network
    records: Records
    final_on_hand: np.ndarray
    final_in_transit: np.ndarray
    wall_time: float
    disruption_windows: tuple[tuple[float, float], ...] = ()
    """(start, end) day of every disruption occurrence, in order of start."""
    versions: dict[str, str] = field(default_factory=package_versions)

    def __repr__(self) -> str:
        # Two short lines for notebooks: the field dump (records, network) runs to pages.
        head = f"Result({self.scenario.name!r}: seed {self.seed}, {self.records.n_days} days)"
        return f"{head}\n  " + ", ".join(self._headline(metric) for metric in HEADLINE)

    def _headline(self, metric: str) -> str:
        kpi, value = CATALOGUE[metric], self.kpi(metric)
        if kpi.unit == "share":
            return f"{kpi.label} {value:.1%}"
        unit = self.scenario.currency if kpi.unit == "money" else kpi.unit
        number = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
        return f"{kpi.label} {number} {unit}"

    @cached_property
    def kpis(self) -> pd.DataFrame:
        """Tidy KPI table with columns ``scope, id, metric, value`` (see docs/kpis.md)."""
        return compute_kpis(self)

    def kpi(self, metric: str, scope: str = "network", id: str = "network") -> float:
        """One KPI value, e.g. ``result.kpi("fill_rate")`` or ``kpi("fill_rate", "node", "r1")``."""
        table = self.kpis
        hit = table[(table.scope == scope) & (table.id == id) & (table.metric == metric)]
        if hit.empty:
            raise KeyError(f"no KPI {metric!r} for {scope} {id!r}")
        return float(hit.value.iloc[0])

    def scorecard(self) -> pd.DataFrame:
        """Ranked scorecard of the partner nodes: distributors, wholesalers, retailers, e-commerce.

        See ``simulator.metrics.scorecard.scorecard`` and docs/kpis.md ("Partner scorecard").
        """
        return partner_scorecard(self)

    def series(self) -> pd.DataFrame:
        """End-of-day on hand, backlog and pipeline per node and SKU (long format); only
        where the run kept its detail (scenario ``detail``), else ``DetailNotKept``."""
        return position_series(self)

    def echelon_series(self) -> pd.DataFrame:
        """End-of-day on hand, backlog and pipeline per echelon (long format), every run."""
        return echelon_series(self)

    def audit(self) -> pd.DataFrame:
        """Conservation of units per node and SKU: initial + received = issued + on hand."""
        return conservation_audit(self)

    def provenance(self) -> dict[str, Any]:
        """What produced this result: scenario name and hash, seed, horizon, versions, wall time."""
        return {
            "scenario": self.scenario.name,
            "scenario_hash": self.scenario.content_hash(),
            "seed": self.seed,
            "horizon_days": self.records.n_days,
            "warmup_days": self.records.warmup,
            "wall_time_s": round(self.wall_time, 4),
            "solver_time_s": round(self.records.solver_seconds, 4),
            "routing_waves": {"solved": self.records.waves, "reused": self.records.waves_reused},
            "versions": self.versions,
        }
