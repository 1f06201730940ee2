"""KPIs, daily position series and the conservation audit, computed from a finished run.

Metrics read only a run's :class:`~simulator.records.Records`, its compiled network and its
scenario; they never touch SimPy. Each KPI module turns per-entity numpy arrays (per demand
stream, inventory position, node or order line) into per-scope totals with ``np.bincount`` and
hands them to a :class:`KpiContext`, which builds the tidy table once at the end. What each KPI
means, its unit, direction and scopes are declared once, in :mod:`simulator.metrics.catalogue`;
``KPI_DEFINITIONS`` is its name -> definition view, and docs/kpis.md is generated from it.
"""

from __future__ import annotations

from simulator.metrics.audit import conservation_audit, position_series
from simulator.metrics.context import KpiContext
from simulator.metrics.kpis import KPI_DEFINITIONS, compute_kpis

__all__ = [
    "KPI_DEFINITIONS",
    "KpiContext",
    "compute_kpis",
    "conservation_audit",
    "position_series",
]
