"""The stress command: how a network fails and recovers under disruptions."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from simulator.cli.app import app, console, failures_reported, print_json, show_progress
from simulator.cli.executors import (
    ConnectTimeoutOpt,
    ExecutorOpt,
    SchedulerOpt,
    WorkersOpt,
    open_executor,
)
from simulator.cli.options import JsonOpt, OverlayOpt, SetOpt, out_file_option, with_assignments

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

    from simulator import Scenario
    from simulator.experiment.stress import Case, CaseRun, StressSettings

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
    scenario_file: Annotated[
        Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML.", show_default=False)
    ],
    overlay: OverlayOpt = None,
    assignments: SetOpt = None,
    replications: Annotated[
        int,
        typer.Option("--replications", "-n", min=1, metavar="N", help="Replications per case."),
    ] = 30,
    remove_each: Annotated[
        str | None,
        typer.Option(
            metavar="KIND|NODE",
            help="Close each node of this kind (dc = warehouse) or this node in turn, instead "
            "of the scenario's disruptions, and rank them by criticality.",
        ),
    ] = None,
    at: Annotated[
        float | None,
        typer.Option(
            min=0,
            metavar="DAY",
            help="With --remove-each: closing day, before the horizon (default: warm-up + 30).",
        ),
    ] = None,
    days: Annotated[
        float,
        typer.Option("--for", min=0, metavar="DAYS", help="With --remove-each: days closed."),
    ] = 14.0,
    target: Annotated[
        float, typer.Option(min=0, max=1, metavar="SHARE", help="Service target.")
    ] = 0.95,
    tolerance: Annotated[
        float,
        typer.Option(
            min=0, metavar="SHARE", help="Recovered when within this of the baseline's service."
        ),
    ] = 0.02,
    window: Annotated[
        int, typer.Option(min=1, metavar="DAYS", help="Days of the service moving window.")
    ] = 7,
    executor: ExecutorOpt = "process",
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    connect_timeout: ConnectTimeoutOpt = 5.0,
    report: Annotated[
        Path | None, out_file_option("--report", "Also write an HTML report here.")
    ] = None,
    rank_by: Annotated[
        RankBy | None,
        typer.Option(
            metavar="KPI",
            help="Rank cases by this KPI, most harmful first (default: service lost; with "
            "--remove-each, the soonest to fail).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the scenario with and without its disruptions under common random numbers and rank
    the disruptions (or, with --remove-each, the nodes) by their impact."""
    from simulator import load_scenario
    from simulator.experiment.runner import progress_bar
    from simulator.experiment.stress import (
        StressSettings,
        case_kpis,
        impact_table,
        run_cases,
    )
    from simulator.report import impact

    settings = StressSettings(target, tolerance, window)
    # The executor first: an unreachable scheduler fails before the scenario is even read.
    with (
        failures_reported(ctx, as_json),
        open_executor(executor, workers, scheduler, connect_timeout) as pool,
    ):
        scenario = with_assignments(load_scenario(scenario_file, overlay or []), assignments)
        cases = _cases(scenario, remove_each, at, days)
        runs: list[CaseRun] = []
        with progress_bar(show_progress(ctx, as_json)) as bar:
            task = bar.add_task("runs", total=replications * (len(cases) + 1))
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
    console().print(_table(table, scenario.name, replications, scenario.currency, metric))


def _cases(
    scenario: Scenario, remove_each: str | None, at: float | None, days: float
) -> list[Case]:
    """The cases to run; bad arguments exit with status 2, like any usage error."""
    from simulator.experiment.stress import disruption_cases, removal_cases

    if remove_each is None:
        cases = disruption_cases(scenario)
        if not cases:
            raise typer.BadParameter("the scenario has no disruptions", param_hint="--overlay")
        return cases
    start = at if at is not None else scenario.warmup + 30.0
    try:
        cases = removal_cases(scenario, remove_each, start, days)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--remove-each") from None
    if start >= scenario.horizon:
        given = f"day {start:g}" + ("" if at is not None else " (warm-up + 30, the default)")
        raise typer.BadParameter(
            f"{given} is not before the end of the run (horizon {scenario.horizon:g} days); "
            f"give a day from 0 to {scenario.horizon:g}, exclusive",
            param_hint="'--at'",
        )
    return cases


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
    from rich.table import Table
    from rich.text import Text

    from simulator.report import impact

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
    from simulator.report import impact

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
