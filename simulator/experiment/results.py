"""The outcome of a study: every run's KPIs and daily series, with summaries and comparisons."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from simulator.experiment import stats
from simulator.experiment.design import StudyDesign
from simulator.experiment.objectives import OBJECTIVE_SCOPE, formula_rows
from simulator.experiment.runs import WHOLE_RUN
from simulator.experiment.selection import Verdict, decide
from simulator.experiment.store import read_manifest, read_runs, read_study


@dataclass(frozen=True)
class StudyResult:
    """Every run of a study, in study order (variant, then replication).

    Attributes:
        study: The study.
        runs: Whole-run rows: ``study, variant, replication, seed, scope, id, metric, value``; the
            KPIs of every scope, and scope ``lane`` (metric ``units``: units shipped on each
            lane in the KPI window).
        series: Daily rows, ``study, variant, replication, seed, scope, id, metric, day, value``:
            scope ``echelon``, ids ``level-k``, metrics ``on_hand, backlog, pipeline, demand,
            orders``; days from 0, warm-up included.
        warmup: Days left out of every KPI (found by MSER-5 when the study asks).
        notes: What happened: the warm-up found, whether the precision target was met.
    """

    study: StudyDesign
    runs: pd.DataFrame
    series: pd.DataFrame
    warmup: float
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_table(
        cls, study: StudyDesign, table: pd.DataFrame, warmup: float, notes: list[str]
    ) -> StudyResult:
        """Split run outcome tables (``runs.run_one``'s columns) into runs and series."""
        # The study's name leads every row, so tables of several studies can be stacked.
        table = table.assign(study=study.name)[["study", *table.columns]]
        whole = table["day"] == WHOLE_RUN
        runs = table.loc[whole].drop(columns="day").reset_index(drop=True)
        series = table.loc[~whole].reset_index(drop=True)
        return cls(study, runs, series, warmup, list(notes))

    @classmethod
    def load(cls, out_dir: str | Path) -> StudyResult:
        """Read a results folder written by ``StudyDesign.run(out=...)``, complete or not.

        Raises:
            ScenarioError: The folder is not a readable results folder.
        """
        folder = Path(out_dir)
        manifest = read_manifest(folder)
        study = read_study(folder)
        table = read_runs(folder, study, manifest)
        warmup = manifest["warmup"] if manifest["warmup"] is not None else 0.0
        return cls.from_table(study, table, warmup, manifest["notes"])

    def to_frame(self) -> pd.DataFrame:
        """Every row, whole-run (``day = -1``) then daily, in the columns of a run's table."""
        return pd.concat([self.runs.assign(day=WHOLE_RUN), self.series], ignore_index=True)[
            list(self.series.columns)
        ]

    @property
    def flows(self) -> pd.DataFrame:
        """Units shipped per lane and run: ``variant, replication, lane, units``."""
        runs = self.runs
        rows = runs[(runs["scope"] == "lane") & (runs["metric"] == "units")]
        return rows.rename(columns={"id": "lane", "value": "units"})[
            ["variant", "replication", "lane", "units"]
        ].reset_index(drop=True)

    def objective_runs(self) -> pd.DataFrame:
        """The study's declared objectives per run, as rows of scope ``objective``, id
        ``network`` and the objective's name as metric (in the columns of :attr:`runs`)."""
        formulas = {o.name: o.formula for o in self.study.objectives}
        return formula_rows(self.runs, formulas)

    def verdict(self, confidence: float = 0.95) -> Verdict | None:
        """The best variant on the study's objective, within its constraints (see
        :func:`~simulator.experiment.selection.decide`); None if the study has no objective."""
        objective = self.study.objective
        if objective is None:
            return None
        network = self.runs[self.runs["scope"] == "network"]
        return decide(network, objective, self.study.constraints, confidence, seed=self.study.seed)

    def _select(self, scope: str, metrics: list[str] | None) -> pd.DataFrame:
        if scope == OBJECTIVE_SCOPE:
            rows = self.objective_runs()
            return rows if metrics is None else rows[rows["metric"].isin(metrics)]
        rows = self.runs[self.runs["scope"] == scope]
        wanted = list(self.study.kpis) if metrics is None and scope == "network" else metrics
        return rows if wanted is None else rows[rows["metric"].isin(wanted)]

    def summary(
        self, scope: str = "network", metrics: list[str] | None = None, confidence: float = 0.95
    ) -> pd.DataFrame:
        """Mean and confidence interval of KPIs per variant (``stats.summarize``).

        Args:
            scope: KPI scope (``network``, ``node``, ``echelon``, ...).
            metrics: KPIs to keep; default: the study's KPIs for the network, else all.
            confidence: Two-sided confidence level.
        """
        return stats.summarize(self._select(scope, metrics), confidence)

    def paired(
        self,
        baseline: str | None = None,
        scope: str = "network",
        metrics: list[str] | None = None,
        confidence: float = 0.95,
    ) -> pd.DataFrame:
        """Paired differences ``variant - baseline`` by replication (``stats.paired_differences``).

        Args:
            baseline: Variant to compare with; default: the study's baseline.
            scope: KPI scope.
            metrics: KPIs to keep; default as for :meth:`summary`.
            confidence: Two-sided confidence level.
        """
        rows = self._select(scope, metrics)
        return stats.paired_differences(rows, baseline or self.study.baseline, confidence)

    def ranking(
        self,
        metric: str,
        higher_is_better: bool | None = None,
        n_boot: int = 10_000,
        seed: int = 0,
    ) -> pd.DataFrame:
        """Probability that each variant has the best mean of a network KPI or of a declared
        objective (paired bootstrap).

        Args:
            metric: The KPI or objective.
            higher_is_better: Direction; default: the objective's, or
                ``stats.HIGHER_IS_BETTER[metric]``.
            n_boot: Bootstrap resamples.
            seed: Seed of the resampling.

        Raises:
            ValueError: ``metric`` has no natural direction and none is given.
        """
        declared = {o.name: o for o in self.study.objectives}
        if metric in declared:
            direction = declared[metric].higher_is_better
            rows = self._select(OBJECTIVE_SCOPE, [metric])
            return stats.probability_best(
                rows,
                metric,
                direction if higher_is_better is None else higher_is_better,
                scope=OBJECTIVE_SCOPE,
                n_boot=n_boot,
                seed=seed,
            )
        if higher_is_better is None:
            if metric not in stats.HIGHER_IS_BETTER:
                raise ValueError(f"{metric!r} has no better direction: give higher_is_better")
            higher_is_better = stats.HIGHER_IS_BETTER[metric]
        rows = self._select("network", [metric])
        return stats.probability_best(rows, metric, higher_is_better, n_boot=n_boot, seed=seed)
