"""Runs of a study: one run to a tidy outcome table, and the order runs are made in.

A study runs its ``replications`` for every variant, after MSER-5 pilot runs when the warm-up
is to be found, and then adds batches of replications while a precision target is not met.
Each completed run is handed to the :class:`~simulator.experiment.store.RunStore` at once, so
an interrupted study resumes where it stopped.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from simulator.engine import Simulation
from simulator.experiment.executors import completed
from simulator.experiment.precision import half_width, replications_needed
from simulator.experiment.study import MserWarmup
from simulator.experiment.warmup import mser5
from simulator.metrics.result import Result
from simulator.scenario.models import Scenario

if TYPE_CHECKING:
    from simulator.experiment.results import StudyResult
    from simulator.experiment.store import RunStore
    from simulator.experiment.study import Precision, Study

COLUMNS = ("variant", "replication", "seed", "scope", "id", "metric", "day", "value")
"""Columns of a run's outcome table."""
WHOLE_RUN = -1
"""The ``day`` of a row that covers the whole KPI window (KPIs and lane flows)."""
ECHELON_SERIES = ("on_hand", "backlog", "pipeline", "demand", "orders")
MIN_BATCH = 5
"""Fewest replications a precision batch adds per variant."""


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
    for tier in topo.tiers:
        nodes = list(tier.nodes)
        blocks += [
            rec.series_on_hand[:, tier.positions].sum(axis=1, dtype=np.float64),
            rec.series_backlog[:, tier.positions].sum(axis=1, dtype=np.float64),
            rec.series_pipeline[:, tier.positions].sum(axis=1, dtype=np.float64),
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


def _timed_run(spec: RunSpec) -> tuple[pd.DataFrame, float]:
    """:func:`run_one` and its wall time; a failure names the run."""
    started = time.perf_counter()
    try:
        table = run_one(spec)
    except Exception as exc:
        where = f"{spec.variant}, replication {spec.replication} (seed {spec.seed})"
        raise RuntimeError(f"run {where} failed: {exc}") from exc
    return table, time.perf_counter() - started


def run_study(study: Study, executor: Executor, store: RunStore, progress: bool) -> StudyResult:
    """Run a study's pilots, replications and precision batches, skipping stored runs.

    Args:
        study: The study.
        executor: Where runs execute.
        store: Where completed runs go; it knows which are done already.
        progress: Show a progress bar on stderr.

    Returns:
        The runs of every variant, replications ``0..n-1`` with the final ``n``.
    """
    from simulator.experiment.results import StudyResult

    notes: list[str] = []
    with progress_bar(progress) as bar:
        scenarios = {v.name: v.scenario for v in study.variant_list}
        if isinstance(study.warmup, MserWarmup):
            found = store.warmup  # found by an earlier, interrupted run of this study
            warmup = (
                found if found is not None else _find_warmup(study, study.warmup, executor, bar)
            )
            scenarios = {n: s.with_overrides({"warmup": warmup}) for n, s in scenarios.items()}
            notes.append(
                f"warm-up {warmup:g} days, by MSER-5 on the daily {study.warmup.series} of "
                f"echelon level-{study.warmup.echelon} (the longest over the variants, each "
                f"from the mean of {study.warmup.pilot_replications} pilot runs)"
            )
        else:
            warmup = scenarios[study.baseline].warmup
        store.set_warmup(warmup)
        n = study.replications
        task = bar.add_task("runs", total=len(scenarios) * n)
        _execute(study, scenarios, range(n), executor, store, (bar, task))
        if study.precision is not None:
            n, note = _reach_precision(study, study.precision, scenarios, executor, store, bar)
            notes.append(note)
    store.finish(notes)
    return StudyResult.from_table(study, store.table(n), warmup, notes)


def _execute(
    study: Study,
    scenarios: dict[str, Scenario],
    replications: Iterable[int],
    executor: Executor,
    store: RunStore,
    progress: tuple[Progress, TaskID],
) -> None:
    """Run the replications of every variant that the store does not hold yet."""
    bar, task = progress
    specs = [
        RunSpec(name, r, study.seed_of(name, r), scenario)
        for r in replications
        for name, scenario in scenarios.items()
    ]
    todo = [spec for spec in specs if not store.has(spec.variant, spec.replication)]
    if len(todo) < len(specs):  # count runs done earlier, but keep them out of the rate
        done = int(bar.tasks[task].completed) + len(specs) - len(todo)
        bar.reset(task, total=bar.tasks[task].total, completed=done)
    for spec, (table, wall_time) in completed(executor, _timed_run, todo):
        store.add(spec, table, wall_time)
        bar.advance(task)


def _find_warmup(study: Study, spec: MserWarmup, executor: Executor, bar: Progress) -> float:
    """The MSER-5 truncation point: pilot runs of every variant without warm-up.

    Each variant's pilot series are averaged day by day before the rule is applied (as
    MSER-5 is usually applied, Hoad, Robinson & Davies 2010): one path is too noisy for it.
    The longest truncation over the variants is kept, so that every variant is past its
    transient.
    """
    pilots = [
        RunSpec(v.name, r, study.seed_of(v.name, r), v.scenario.with_overrides({"warmup": 0}))
        for v in study.variant_list
        for r in range(spec.pilot_replications)
    ]
    task = bar.add_task("warm-up pilots", total=len(pilots))
    paths: dict[str, list[np.ndarray]] = {}
    for pilot, (table, _) in completed(executor, _timed_run, pilots):
        rows = table[
            (table.scope == "echelon")
            & (table.id == f"level-{spec.echelon}")
            & (table.metric == spec.series)
        ].sort_values("day")
        paths.setdefault(pilot.variant, []).append(rows.value.to_numpy())
        bar.advance(task)
    return float(max(mser5(np.vstack(series)) for series in paths.values()))


def _reach_precision(
    study: Study,
    target: Precision,
    scenarios: dict[str, Scenario],
    executor: Executor,
    store: RunStore,
    bar: Progress,
) -> tuple[int, str]:
    """Add batches of replications to every variant until the target is met or capped.

    After each batch the classic two-stage estimate (``precision.replications_needed``) of
    the least precise variant sets the next batch, at least :data:`MIN_BATCH`. Every variant
    gets the same replications, so that they stay paired.

    Returns:
        The final replications per variant and a note on the outcome.
    """
    n = study.replications
    task, added = bar.add_task("precision batches", total=0), 0
    while True:
        values = {name: store.network_values(name, n, target.metric) for name in scenarios}
        widths = {name: half_width(v, target.confidence) for name, v in values.items()}
        if any(math.isnan(w) for w in widths.values()):
            return n, f"precision not assessed: {target.metric} has fewer than two values"
        worst = max(widths, key=widths.__getitem__)
        summary = f"{target.metric} half-width {widths[worst]:.4g} (largest: {worst})"
        if widths[worst] <= target.half_width:
            return n, f"precision reached with {n} replications: {summary}"
        if n >= target.max_replications:
            return n, f"precision not reached with max_replications ({n}): {summary}"
        needed = max(
            replications_needed(v, target.half_width, target.confidence) for v in values.values()
        )
        batch = min(max(needed - n, MIN_BATCH), target.max_replications - n)
        added += batch * len(scenarios)
        bar.update(task, total=added)
        _execute(study, scenarios, range(n, n + batch), executor, store, (bar, task))
        n += batch


class _RateColumn(ProgressColumn):
    """Completed runs per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.2f} runs/s" if speed else "", style="progress.data.speed")


def progress_bar(show: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not show,
    )
