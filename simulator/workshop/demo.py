"""Demo mode: a shipped study, or a scenario under a disruption overlay, run live.

A study runs with fewer replications than its file asks (a demo, not a verdict), through an
executor that counts finished runs, so a screen can show progress. The comparison is the
study's own summary: each variant's KPIs with confidence intervals.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from simulator.experiment import Study, load_study
from simulator.experiment.executors import SerialExecutor
from simulator.report.study_plots import plot_intervals

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@dataclass(frozen=True)
class Demo:
    """One demo: a study file and the KPIs shown."""

    label: str
    study: Path
    kpis: tuple[str, ...]


DEMOS: dict[str, Demo] = {
    "strategies": Demo(
        "Distribution strategies: mass, selective, exclusive",
        SCENARIOS / "strategies" / "strategies.yaml",
        ("fill_rate", "coverage", "total_cost"),
    ),
    "regional": Demo(
        "Replenishment policies of the regional network",
        SCENARIOS / "studies" / "regional_policies.yaml",
        ("fill_rate", "total_cost", "on_hand_mean"),
    ),
    "bullwhip": Demo(
        "Beer game: Sterman bots against base stock (random demand)",
        SCENARIOS / "teaching" / "bullwhip.yaml",
        ("total_cost", "fill_rate"),
    ),
}
"""The demos a facilitator can run, by id."""


class CountingExecutor(Executor):
    """Runs each call inline (as :class:`SerialExecutor`) and reports it to ``done``.

    Not a :class:`SerialExecutor` itself: a study gives those its runs without ``submit``.
    """

    def __init__(self, done: Callable[[], None]) -> None:
        self._serial = SerialExecutor()
        self._done = done

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = self._serial.submit(fn, *args, **kwargs)
        self._done()
        return future


def study_of(demo: str, replications: int) -> Study:
    """The demo's study with ``replications`` per variant (at least 2, for intervals)."""
    study = load_study(DEMOS[demo].study)
    return study.model_copy(update={"replications": max(2, replications), "precision": None})


def run_demo(
    demo: str, replications: int, progress: Callable[[float], None]
) -> tuple[pd.DataFrame, Figure]:
    """Run a demo; ``progress`` gets the share of runs done (0..1) after each run.

    Returns:
        The summary (variant, metric, mean and interval) of the demo's KPIs, and its figure.
    """
    study = study_of(demo, replications)
    total = len(study.variants()) * study.replications
    done = 0

    def count() -> None:
        nonlocal done
        done += 1
        progress(min(done / total, 1.0))

    result = study.run(executor=CountingExecutor(count))
    kpis = list(DEMOS[demo].kpis)
    summary = result.summary(metrics=kpis)
    return summary, plot_intervals(summary, kpis)
