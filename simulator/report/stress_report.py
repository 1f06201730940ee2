"""The HTML report of a stress test: the impact table, recovery curves and KPI definitions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from simulator.experiment.stress import BASELINE, Case, CaseRun, StressSettings, recovery_curves
from simulator.metrics.resilience import DEFINITIONS
from simulator.report.impact import IMPACT_COLUMNS, impact_cell, ties
from simulator.report.page import write_report
from simulator.report.recovery import plot_recovery
from simulator.report.sections import Part, Section
from simulator.report.tables import Cell, Table
from simulator.report.templating import render
from simulator.scenario.models import Scenario

_HOWTO = {
    "impact": "One row per case, the most harmful first on the ranking KPI. Times and areas "
    "are medians over the replications (a typical run); extra lost sales and cost are means "
    "with their 95% interval. '≈' marks a case that cannot be told apart from the one above "
    "it on the ranking KPI: their intervals overlap.",
    "curves": "One panel per case: the median service over replications (blue) with the band "
    "holding 80% of them, the undisrupted baseline (dashed) and the target (dotted). Red "
    "shading marks when the disruptions were active, darker where more replications were hit.",
}


def write_stress_report(
    path: str | Path,
    scenario: Scenario,
    cases: list[Case],
    runs: list[CaseRun],
    table: pd.DataFrame,
    settings: StressSettings,
    ranked_by: str = "service_loss_area",
) -> None:
    """Write the self-contained page atomically."""
    curves = recovery_curves(runs, settings)
    windows: dict[str, list[list[tuple[float, float]]]] = {}
    for run in sorted(runs, key=lambda r: r.replication):
        windows.setdefault(run.case, []).append(list(run.windows))
    figure = plot_recovery(curves, windows, BASELINE, settings.target, scenario.warmup)
    n = len(curves[BASELINE])
    intro = (
        f"{n} replications of the baseline and of each of {len(cases)} cases, paired by seed "
        f"(common random numbers). Service is the unit fill rate over a {settings.window}-day "
        f"moving window; target {settings.target:.0%}, recovered within "
        f"{settings.tolerance * 100:g} points of the baseline."
    )
    heading = IMPACT_COLUMNS[ranked_by].heading.lower()
    sections = [
        Section(
            "impact",
            f"Impact, most harmful first by {heading}",
            _HOWTO["impact"],
            parts=[Part(table=_impact(table, scenario.currency, ranked_by))],
        ),
        Section("curves", "Recovery curves", _HOWTO["curves"], parts=[Part.figure(figure)]),
    ]
    glossary = [
        (IMPACT_COLUMNS[m].heading if m in IMPACT_COLUMNS else m.replace("_", " "), text)
        for m, text in DEFINITIONS.items()
    ]
    page = render(
        "stress.html.j2",
        title=f"{scenario.name}: stress test",
        intro=intro,
        sections=sections,
        glossary=glossary,
    )
    write_report(path, page)


def _impact(table: pd.DataFrame, currency: str, ranked_by: str) -> Table:
    tied = ties(table, ranked_by)
    rows = []
    for case, group in table.groupby("case", sort=False):
        stats = {str(r["metric"]): r for _, r in group.iterrows()}
        rank = str(int(group["rank"].iloc[0]) + 1) + (" ≈" if case in tied else "")
        cells = [Cell(rank), Cell(str(case))]
        cells += [Cell(impact_cell(stats[m], m)) for m in IMPACT_COLUMNS]
        rows.append(cells)
    head = ["rank", "case", *(c.label(currency) for c in IMPACT_COLUMNS.values())]
    return Table("impact", "Impact", head, rows, table, left=2)
