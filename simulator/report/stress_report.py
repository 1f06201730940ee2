"""The HTML report of a stress test: the impact table, recovery curves and KPI definitions."""

from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.experiment.stress import BASELINE, Case, CaseRun, StressSettings, recovery_curves
from simulator.metrics.resilience import DEFINITIONS
from simulator.report.page import html_page, img, write_report
from simulator.report.recovery import plot_recovery
from simulator.scenario.models import Scenario

_SHOWN = ("median", "low", "high", "mean", "ci_low", "ci_high", "share_inf")


def write_stress_report(
    path: str | Path,
    scenario: Scenario,
    cases: list[Case],
    runs: list[CaseRun],
    table: pd.DataFrame,
    settings: StressSettings,
) -> None:
    """Write the self-contained page atomically."""
    curves = recovery_curves(runs, settings)
    windows: dict[str, list[list[tuple[float, float]]]] = {}
    for run in sorted(runs, key=lambda r: r.replication):
        windows.setdefault(run.case, []).append(list(run.windows))
    figure = plot_recovery(curves, windows, BASELINE, settings.target, scenario.warmup)
    n = len(curves[BASELINE])
    intro = (
        f"<h1>{escape(scenario.name)}: stress test</h1>\n<p>{n} replications of the baseline and "
        f"of each of {len(cases)} cases, paired by seed (common random numbers). Service is the "
        f"unit fill rate over a {settings.window}-day moving window; target "
        f"{settings.target:g}, recovered within {settings.tolerance:g} of the baseline.</p>"
    )
    parts = [
        intro,
        "<h2>Impact, most harmful first</h2>",
        _impact(table),
        "<h2>Recovery curves</h2>",
        img(figure),
        "<h2>Definitions</h2>",
        "<dl>"
        + "".join(f"<dt>{m}</dt><dd>{escape(d)}</dd>" for m, d in DEFINITIONS.items())
        + "</dl>",
    ]
    body = "\n".join(parts)
    write_report(path, html_page(f"{scenario.name} stress test", body))


def _impact(table: pd.DataFrame) -> str:
    rows = []
    for case, group in table.groupby("case", sort=False):
        for _, r in group.iterrows():
            cells = "".join(f"<td>{_num(r[k])}</td>" for k in _SHOWN)
            rows.append(
                f'<tr><td class="name">{escape(str(case))}</td><td>{r["metric"]}</td>{cells}</tr>'
            )
    heads = "".join(f"<th>{k}</th>" for k in _SHOWN)
    return (
        f'<table>\n<tr><th class="name">case</th><th>KPI</th>{heads}</tr>\n'
        + "\n".join(rows)
        + "\n</table>"
    )


def _num(value: float) -> str:
    value = float(value)
    if np.isnan(value):
        return "–"
    return "∞" if np.isinf(value) else f"{value:,.3g}"
