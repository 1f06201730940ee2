"""One run of a study: a variant's scenario and seed in, a tidy outcome table out."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.engine import Simulation
from simulator.metrics.result import Result
from simulator.scenario.models import Scenario

COLUMNS = ("variant", "replication", "seed", "scope", "id", "metric", "day", "value")
"""Columns of a run's outcome table."""
WHOLE_RUN = -1
"""The ``day`` of a row that covers the whole KPI window (KPIs and lane flows)."""
ECHELON_SERIES = ("on_hand", "backlog", "pipeline", "demand", "orders")


@dataclass(frozen=True)
class RunSpec:
    """One replication of one variant; picklable, so it can run in another process."""

    variant: str
    replication: int
    seed: int
    scenario: Scenario


def run_one(spec: RunSpec) -> pd.DataFrame:
    """Simulate one run and flatten what a study keeps of it into one tidy table.

    Rows (columns :data:`COLUMNS`):

    * every KPI of ``Result.kpis``, with ``day = -1``;
    * the daily echelon series, scope ``echelon``, id ``level-k``, metrics ``on_hand``,
      ``backlog`` and ``pipeline`` (end-of-day sums over the echelon's positions) and
      ``demand`` and ``orders`` (units asked of and ordered by its nodes), days ``0..n-1``,
      warm-up included;
    * lane flows, scope ``lane``: ``units`` shipped on each lane in the KPI window, ``day = -1``;
    * the partner scorecard, scope ``partner``, id the node, one metric per scorecard column
      (``Result.scorecard``; ``rank`` included), ``day = -1``.

    Args:
        spec: The run.

    Returns:
        The table (about 8,000 rows for the regional scenario).
    """
    result = Simulation(spec.scenario, seed=spec.seed).run()
    parts = [
        result.kpis.assign(day=WHOLE_RUN),
        _echelon_series(result),
        _lane_flows(result),
        _partners(result),
    ]
    table = pd.concat(parts, ignore_index=True)
    return table.assign(variant=spec.variant, replication=spec.replication, seed=spec.seed)[
        list(COLUMNS)
    ]


def _echelon_series(result: Result) -> pd.DataFrame:
    rec, topo = result.records, result.network.topology
    blocks: list[np.ndarray] = []
    ids: list[str] = []
    stock = rec.stock
    for k, tier in enumerate(topo.tiers):
        nodes = list(tier.nodes)
        blocks += [
            stock.echelon_on_hand[:, k],
            stock.echelon_backlog[:, k],
            stock.echelon_pipeline[:, k],
            rec.node_demand[:, nodes].sum(axis=1),
            rec.node_orders[:, nodes].sum(axis=1),
        ]
        ids += [f"level-{tier.level}"] * len(ECHELON_SERIES)
    days = rec.n_days
    return pd.DataFrame(
        {
            "scope": "echelon",
            "id": np.repeat(ids, days),
            "metric": np.tile(np.repeat(ECHELON_SERIES, days), len(topo.tiers)),
            "day": np.tile(np.arange(days), len(blocks)),
            "value": np.concatenate(blocks) if blocks else np.empty(0),
        }
    )


def _lane_flows(result: Result) -> pd.DataFrame:
    rec, lane_ids = result.records, result.network.topology.lane_ids
    lane, day = rec.shipments.column("lane"), rec.shipments.column("day")
    keep = (lane >= 0) & rec.in_window(day)  # negative keys are production batches
    units = rec.shipments.column("units")[keep]
    return pd.DataFrame(
        {
            "scope": "lane",
            "id": lane_ids,
            "metric": "units",
            "day": WHOLE_RUN,
            "value": np.bincount(lane[keep], weights=units, minlength=len(lane_ids)),
        }
    )


def _partners(result: Result) -> pd.DataFrame:
    """The scorecard in long form: one row per partner node and scorecard figure."""
    card = result.scorecard().drop(columns="kind")
    rows = card.melt(id_vars="node", var_name="metric", value_name="value")
    return rows.rename(columns={"node": "id"}).assign(scope="partner", day=WHOLE_RUN)


def timed_run(spec: RunSpec) -> tuple[pd.DataFrame, float]:
    """:func:`run_one` and its wall time; a failure names the run."""
    started = time.perf_counter()
    try:
        table = run_one(spec)
    except Exception as exc:
        where = f"{spec.variant}, replication {spec.replication} (seed {spec.seed})"
        raise RuntimeError(f"run {where} failed: {exc}") from exc
    return table, time.perf_counter() - started
