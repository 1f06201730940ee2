"""The KPI table of a run: every KPI module adds its rows to one :class:`KpiContext`."""

from __future__ import annotations

import pandas as pd

from simulator.metrics.catalogue import CATALOGUE
from simulator.metrics.context import KpiContext
from simulator.metrics.cost import add_cost_kpis
from simulator.metrics.desks import add_desk_kpis
from simulator.metrics.emissions import add_emission_kpis
from simulator.metrics.operations import add_operations_kpis
from simulator.metrics.replenishment import add_replenishment_kpis
from simulator.metrics.run import RunOutcome
from simulator.metrics.service import add_service_kpis
from simulator.metrics.trade import add_trade_kpis
from simulator.metrics.transport import add_transport_kpis

KPI_DEFINITIONS: dict[str, str] = {name: kpi.definition for name, kpi in CATALOGUE.items()}
"""Metric name -> one-sentence definition, for every metric a run computes (a view of
:data:`simulator.metrics.catalogue.CATALOGUE`, which also has each one's unit and direction)."""


def compute_kpis(result: RunOutcome) -> pd.DataFrame:
    """Every KPI of a run over its KPI window, as a tidy table.

    Args:
        result: A finished run.

    Returns:
        One row per (scope, id, metric) with a float ``value``; scopes are ``network``,
        ``node``, ``sku``, ``channel``, ``zone``, ``echelon`` and ``lane``. NaN marks a ratio
        with a zero denominator (for example a fill rate without demand). See ``KPI_DEFINITIONS``.
    """
    context = KpiContext(result)
    add_service_kpis(context)
    add_operations_kpis(context)
    add_replenishment_kpis(context)
    add_desk_kpis(context)
    add_cost_kpis(context)
    add_trade_kpis(context)
    add_transport_kpis(context)
    add_emission_kpis(context)
    return context.table()
