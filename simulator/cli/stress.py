"""The stress command: how a network fails and recovers under disruptions."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

from simulator import Scenario, load_scenario
from simulator.cli.app import (
    JsonOpt,
    OverlayOpt,
    app,
    failures_reported,
    print_json,
    show_progress,
    stdout,
)
from simulator.cli.study import ExecutorOpt, SchedulerOpt, WorkersOpt
from simulator.experiment import make_executor
from simulator.experiment.runner import progress_bar
from simulator.experiment.stress import (
    Case,
    CaseRun,
    StressSettings,
    case_kpis,
    disruption_cases,
    impact_table,
    removal_cases,
    run_cases,
)
from simulator.report import impact

RankBy = Literal[
    "time_to_survive",
    "time_to_recover",
    "service_loss_area",
    "extra_peak_backlog",
    "lost_sales_extra",
    "extra_cost",
]


@app.command("stress")
def stress(
    ctx: typer.Context,
    scenario_file: Annotated[Path, typer.Argument(help="Scenario YAML.", show_default=False)],
    overlay: OverlayOpt = None,
    replications: Annotated[int, typer.Option("-n", min=1, help="Replications per case.")] = 30,
    remove_each: Annotated[
        str | None,
        typer.Option(
            help="Close each node of this kind (dc = warehouse) or this node in turn, instead "
            "of the scenario's disruptions, and rank them by criticality."
        ),
    ] = None,
    at: Annotated[
        float | None,
        typer.Option(min=0, help="With --remove-each: closing day (default: warm-up + 30)."),
    ] = None,
    days: Annotated[
        float, typer.Option("--for", min=0, help="With --remove-each: days closed.")
    ] = 14.0,
    target: Annotated[float, typer.Option(min=0, max=1, help="Service target.")] = 0.95,
    tolerance: Annotated[
        float, typer.Option(min=0, help="Recovered when within this of the baseline's service.")
    ] = 0.02,
    window: Annotated[int, typer.Option(min=1, help="Days of the service moving window.")] = 7,
    executor: ExecutorOpt = "process",
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    report: Annotated[
        Path | None, typer.Option(dir_okay=False, help="Also write an HTML report here.")
    ] = None,
    rank_by: Annotated[
        RankBy | None,
        typer.Option(
            help="Rank cases by this KPI, most harmful first (default: service lost; with "
            "--remove-each, the soonest to fail)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the scenario with and without its disruptions under common random numbers and rank
    the disruptions (or, with --remove-each, the nodes) by their impact."""
    settings = StressSettings(target, tolerance, window)
    with failures_reported(ctx, as_json):
        scenario = load_scenario(scenario_file, overlay or [])
    cases = _cases(scenario, remove_each, at, days)
    with failures_reported(ctx, as_json):
        kind = "dask" if scheduler else executor
        runs: list[CaseRun] = []
        total = replications * (len(cases) + 1)
        with progress_bar(show_progress(as_json)) as bar:
            task = bar.add_task("runs", total=total)
            with make_executor(kind, workers=workers, scheduler=scheduler) as pool:
                runs += run_cases(scenario, cases, replications, pool, lambda: bar.advance(task))
        table = impact_table(case_kpis(runs, settings))
        metric = rank_by or ("time_to_survive" if remove_each is not None else "service_loss_area")
        if rank_by is not None:
            table = impact.rank_by(table, rank_by)
        elif remove_each is not None:
            table = _by_criticality(table)
        if report is not None:
            from simulator.report.stress_report import write_stress_report

            write_stress_report(report, scenario, cases, runs, table, settings, metric)
    if as_json:
        print_json(_json(table, scenario.name, replications, settings, metric))
        return
    stdout.print(_table(table, scenario.name, replications, scenario.currency, metric))


def _cases(
    scenario: Scenario, remove_each: str | None, at: float | None, days: float
) -> list[Case]:
    """The cases to run; bad arguments exit with status 2, like any usage error."""
    if remove_each is None:
        cases = disruption_cases(scenario)
        if not cases:
            raise typer.BadParameter("the scenario has no disruptions", param_hint="--overlay")
        return cases
    start = at if at is not None else scenario.warmup + 30.0
    try:
        return removal_cases(scenario, remove_each, start, days)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--remove-each") from None


def _by_criticality(table: pd.DataFrame) -> pd.DataFrame:
    """Nodes whose loss is felt soonest first; ties: the longest to recover first."""
    median = table.pivot(index="case", columns="metric", values="median")
    order = median.sort_values(
        ["time_to_survive", "time_to_recover"], ascending=[True, False]
    ).index
    rank = {case: i for i, case in enumerate(order)}
    table = table.assign(rank=table.case.map(rank))
    return table.sort_values(["rank", "metric"], kind="stable").reset_index(drop=True)


def _table(table: pd.DataFrame, name: str, n: int, currency: str, metric: str) -> Table:
    ranked_on = impact.IMPACT_COLUMNS[metric].heading.lower()
    out = Table(
        "#",
        "Case",
        *(column.label(currency) for column in impact.IMPACT_COLUMNS.values()),
        title=Text(
            f"{name}: impact over {n} replications (paired with the baseline), "
            f"most harmful first by {ranked_on}"
        ),
        caption="Survives, Recovers, Service lost, Extra backlog: medians over replications; "
        "extra lost sales and cost: means ± 95% interval. "
        "≈: cannot be told apart from the case above.",
    )
    for column in out.columns[2:]:
        column.justify = "right"
    tied = impact.ties(table, metric)
    for case, rows in table.groupby("case", sort=False):
        stats = {str(r["metric"]): r for _, r in rows.iterrows()}
        cells = [impact.impact_cell(stats[m], m) for m in impact.IMPACT_COLUMNS]
        occurred = int(rows["occurred"].iloc[0])
        label = f"{case}" + (f" ({occurred}/{n} hit)" if occurred < n else "")
        rank = str(int(rows["rank"].iloc[0]) + 1) + (" ≈" if case in tied else "")
        out.add_row(rank, Text(label, style="bold"), *cells)
    return out


def _json(
    table: pd.DataFrame, name: str, n: int, settings: StressSettings, metric: str
) -> dict[str, Any]:
    cases = []
    tied = impact.ties(table, metric)
    for case, rows in table.groupby("case", sort=False):
        metrics = {
            str(r["metric"]): {
                k: _finite(r[k])
                for k in ("median", "low", "high", "mean", "ci_low", "ci_high", "share_inf")
            }
            for _, r in rows.iterrows()
        }
        cases.append(
            {
                "case": case,
                "rank": int(rows["rank"].iloc[0]) + 1,
                "tied_with_previous": case in tied,
                "occurred": int(rows["occurred"].iloc[0]),
                "metrics": metrics,
            }
        )
    return {
        "scenario": name,
        "replications": n,
        "target": settings.target,
        "tolerance": settings.tolerance,
        "window": settings.window,
        "ranked_by": metric,
        "cases": cases,
    }


def _finite(value: Any) -> float | None:
    """JSON has no infinity: ``null`` means never (see ``share_inf``)."""
    number = float(value)
    return number if math.isfinite(number) else None
