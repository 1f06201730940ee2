"""Stress tests: how a network fails and recovers under its disruptions.

Each replication runs the scenario without disruptions (the baseline) and then each *case*
with the same seed, so every difference is the disruption's doing (common random numbers).
The cases are each disruption on its own (with the disruptions it follows, if triggered), all of
them together, or, for node criticality, each chosen node closed in turn. The resilience KPIs
(:mod:`simulator.metrics.resilience`) compare a case's daily service with the baseline's from the
case's first start.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.disruptions.kinds.facility_outage import FacilityOutageParams
from simulator.engine import Simulation
from simulator.experiment.executors import completed
from simulator.metrics.resilience import (
    ResilienceKPIs,
    RunSeries,
    resilience_kpis,
    smoothed_fill_rate,
)
from simulator.metrics.resilience_summary import summarize_resilience
from simulator.metrics.result import Result
from simulator.scenario.disruptions import DisruptionParams, Scheduled
from simulator.scenario.models import Scenario

BASELINE = "baseline"
COMBINED = "all disruptions together"

RESIDUE = 1e-9
"""Relative size of a negative daily total that is float rounding, not a shortfall."""

KIND_ALIASES = {"dc": "warehouse"}
"""``--remove-each dc`` means every warehouse (regional hub)."""


@dataclass(frozen=True)
class StressSettings:
    """What counts as surviving and recovering (see :func:`resilience_kpis`)."""

    target: float = 0.95
    tolerance: float = 0.02
    window: int = 7


@dataclass(frozen=True)
class Case:
    """One way of disrupting the scenario: the disruptions it keeps."""

    name: str
    disruptions: tuple[DisruptionParams, ...]

    def scenario(self, base: Scenario) -> Scenario:
        return base.model_copy(update={"disruptions": list(self.disruptions)})


@dataclass(frozen=True)
class CaseRun:
    """What the KPIs need of one run of one case: daily series, totals and when it struck."""

    case: str
    replication: int
    series: RunSeries
    windows: tuple[tuple[float, float], ...]  # occurrences of the case's disruptions
    wall_time: float

    @property
    def start(self) -> float:
        """First start of any of the case's disruptions; inf if none occurred."""
        return min((start for start, _ in self.windows), default=math.inf)

    @property
    def end(self) -> float:
        return max((end for _, end in self.windows), default=math.inf)


@dataclass(frozen=True)
class _Task:
    case: str
    replication: int
    seed: int
    scenario: Scenario


def disruption_cases(scenario: Scenario) -> list[Case]:
    """Each disruption with the chain of disruptions that triggers it, then all together."""
    by_id = {d.id: d for d in scenario.disruptions}

    def chain(d: DisruptionParams) -> list[DisruptionParams]:
        after = getattr(d.when, "after", None)
        return [*chain(by_id[after]), d] if after is not None else [d]

    # A case is named after everything it contains: "storm + restock-north", not "restock-north".
    cases = [
        Case(" + ".join(c.id for c in chain(d)), tuple(chain(d))) for d in scenario.disruptions
    ]
    # All together, unless one chain already holds them all.
    if len(cases) > 1 and all(len(c.disruptions) < len(cases) for c in cases):
        cases.append(Case(COMBINED, tuple(scenario.disruptions)))
    return cases


def removal_cases(scenario: Scenario, kind: str, start: float, duration: float) -> list[Case]:
    """Each node of ``kind`` (or the node named ``kind``) closed from ``start`` for
    ``duration`` days, one case per node; the scenario's own disruptions are left out."""
    wanted = KIND_ALIASES.get(kind, kind)
    nodes = [n.id for n in scenario.nodes if n.kind == wanted or n.id == kind]
    if not nodes:
        kinds = sorted({n.kind for n in scenario.nodes} | set(KIND_ALIASES))
        raise ValueError(f"no node of kind or id {kind!r}; kinds: {', '.join(kinds)}")
    return [
        Case(
            f"remove {node}",
            (
                FacilityOutageParams(
                    id=f"remove-{node}",
                    type="facility_outage",
                    nodes=[node],
                    when=Scheduled(start=start, duration=duration),
                ),
            ),
        )
        for node in nodes
    ]


def _run(task: _Task) -> CaseRun:
    """One replication of one case (picklable, for process and Dask executors)."""
    result = Simulation(task.scenario, seed=task.seed).run()
    return CaseRun(
        case=task.case,
        replication=task.replication,
        series=run_series(result),
        windows=result.disruption_windows,
        wall_time=result.wall_time,
    )


def run_series(result: Result) -> RunSeries:
    """The daily network series and totals the resilience KPIs compare."""
    rec = result.records
    return RunSeries(
        asked=_without_residue(rec.node_asked.sum(axis=1)),
        filled=_without_residue(rec.node_filled.sum(axis=1)),
        backlog=_without_residue(rec.stock.echelon_backlog.sum(axis=1)),
        lost_sales=result.kpi("lost_sales"),
        cost=result.kpi("total_cost"),
    )


def _without_residue(units: np.ndarray) -> np.ndarray:
    """Daily units with rounding residue below zero (a backlog of -1e-12 after many partial
    fills) set to 0. A negative beyond rounding of the series' own size is left as it is,
    for :class:`RunSeries` to refuse: that would be a wrong book, not residue."""
    scale = max(1.0, float(np.abs(units).max(initial=0.0)))
    return np.where((units < 0) & (units >= -RESIDUE * scale), 0.0, units)


def run_cases(
    scenario: Scenario,
    cases: Sequence[Case],
    replications: int,
    executor: Executor,
    advance: Callable[[], None] = lambda: None,
) -> Iterator[CaseRun]:
    """Run the baseline and every case ``replications`` times; replication ``r`` of every case
    uses seed ``scenario.seed + r``. Yields runs as they finish; ``advance`` ticks a progress
    bar."""
    tasks = [
        _Task(case.name, r, scenario.seed + r, case.scenario(scenario))
        for r in range(replications)
        for case in (Case(BASELINE, ()), *cases)  # the baseline keeps no disruption
    ]
    for _, run in completed(executor, _run, tasks):
        advance()
        yield run


def case_kpis(runs: Sequence[CaseRun], settings: StressSettings) -> dict[str, list[ResilienceKPIs]]:
    """Resilience KPIs of every case run against its replication's baseline. A replication in
    which a case's disruptions never occurred (random ones) has nothing to measure: skipped."""
    baseline = {r.replication: r.series for r in runs if r.case == BASELINE}
    out: dict[str, list[ResilienceKPIs]] = {}
    for run in sorted(runs, key=lambda r: (r.case, r.replication)):
        if run.case == BASELINE:
            continue
        kpis = out.setdefault(run.case, [])
        if math.isinf(run.start) or run.start >= run.series.days:
            continue
        kpis.append(
            resilience_kpis(
                baseline[run.replication],
                run.series,
                start=math.floor(run.start),
                end=_end_day(run),
                target=settings.target,
                tolerance=settings.tolerance,
                window=settings.window,
            )
        )
    return out


def _end_day(run: CaseRun) -> int | None:
    """The day the case's disruptions are over, for reporting; ``None`` for one-off events
    (a recall) and for ends beyond the horizon."""
    start, end = math.floor(run.start), math.ceil(run.end)
    return end if start < end <= run.series.days else None


def impact_table(kpis: dict[str, list[ResilienceKPIs]], confidence: float = 0.95) -> pd.DataFrame:
    """One row per case and KPI (median, band, mean and interval over replications), cases
    ranked by median service lost, the largest first."""
    parts = [
        summarize_resilience(runs, confidence).assign(case=case, occurred=len(runs))
        for case, runs in kpis.items()
        if runs
    ]
    if not parts:
        return pd.DataFrame()
    table = pd.concat(parts, ignore_index=True)
    area = table[table.metric == "service_loss_area"].set_index("case")["median"]
    rank = {case: i for i, case in enumerate(area.sort_values(ascending=False).index)}
    table["rank"] = table.case.map(rank)
    return table.sort_values(["rank", "metric"], kind="stable").reset_index(drop=True)


def recovery_curves(runs: Sequence[CaseRun], settings: StressSettings) -> dict[str, np.ndarray]:
    """Smoothed daily service per case, shape ``(replications, days)``, baseline included."""
    curves: dict[str, list[np.ndarray]] = {}
    for run in sorted(runs, key=lambda r: (r.case, r.replication)):
        s = run.series
        curves.setdefault(run.case, []).append(
            smoothed_fill_rate(s.asked, s.filled, settings.window)
        )
    return {case: np.vstack(rows) for case, rows in curves.items()}
