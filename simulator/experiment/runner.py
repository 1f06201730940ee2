"""Runs of a study: one run to a tidy outcome table, and the order runs are made in.

A study runs its ``replications`` for every variant, after MSER-5 pilot runs when the warm-up
is to be found, and then adds batches of replications while a precision target is not met.
Each completed run is handed to the :class:`~simulator.experiment.store.RunStore` at once, so
an interrupted study resumes where it stopped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from concurrent.futures import Executor

import numpy as np
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

from simulator.experiment.design import MserWarmup, Precision, StudyDesign
from simulator.experiment.executors import completed
from simulator.experiment.results import StudyResult
from simulator.experiment.runs import RunSpec, timed_run
from simulator.experiment.store import RunStore
from simulator.experiment.warmup import mser5
from simulator.metrics.intervals import half_width, replications_needed
from simulator.scenario import with_overrides
from simulator.scenario.models import Scenario

MIN_BATCH = 5
"""Fewest replications a precision batch adds per variant."""


def run_study(
    study: StudyDesign, executor: Executor, store: RunStore, progress: bool
) -> StudyResult:
    """Run a study's pilots, replications and precision batches, skipping stored runs.

    Args:
        study: The study.
        executor: Where runs execute.
        store: Where completed runs go; it knows which are done already. Closed at the end,
            which releases its folder to other writers.
        progress: Show a progress bar on stderr.

    Returns:
        The runs of every variant, replications ``0..n-1`` with the final ``n``.
    """
    try:
        return _run_all(study, executor, store, progress)
    finally:
        store.close()


def _run_all(
    study: StudyDesign, executor: Executor, store: RunStore, progress: bool
) -> StudyResult:

    notes: list[str] = []
    with progress_bar(progress) as bar:
        scenarios = {v.name: v.scenario for v in study.variant_list}
        if isinstance(study.warmup, MserWarmup):
            found = store.warmup  # found by an earlier, interrupted run of this study
            warmup = (
                found if found is not None else _find_warmup(study, study.warmup, executor, bar)
            )
            scenarios = {n: with_overrides(s, {"warmup": warmup}) for n, s in scenarios.items()}
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
    study: StudyDesign,
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
    for spec, (table, wall_time) in completed(executor, timed_run, todo):
        store.add(spec, table, wall_time)
        bar.advance(task)


def _find_warmup(study: StudyDesign, spec: MserWarmup, executor: Executor, bar: Progress) -> float:
    """The MSER-5 truncation point: pilot runs of every variant without warm-up.

    Each variant's pilot series are averaged day by day before the rule is applied (as
    MSER-5 is usually applied, Hoad, Robinson & Davies 2010): one path is too noisy for it.
    The longest truncation over the variants is kept, so that every variant is past its
    transient.
    """
    pilots = [
        RunSpec(v.name, r, study.seed_of(v.name, r), with_overrides(v.scenario, {"warmup": 0}))
        for v in study.variant_list
        for r in range(spec.pilot_replications)
    ]
    task = bar.add_task("warm-up pilots", total=len(pilots))
    paths: dict[str, list[np.ndarray]] = {}
    for pilot, (table, _) in completed(executor, timed_run, pilots):
        rows = table[
            (table.scope == "echelon")
            & (table.id == f"level-{spec.echelon}")
            & (table.metric == spec.series)
        ].sort_values("day")
        paths.setdefault(pilot.variant, []).append(rows.value.to_numpy())
        bar.advance(task)
    return float(max(mser5(np.vstack(series)) for series in paths.values()))


def _reach_precision(
    study: StudyDesign,
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
