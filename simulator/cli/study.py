"""Commands on many runs: study, compare, report."""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from simulator.cli.app import (
    app,
    console,
    failures_reported,
    print_json,
    say,
    show_progress,
    verbosity,
)
from simulator.cli.executors import (
    ConnectTimeoutOpt,
    ExecutorOpt,
    SchedulerOpt,
    WorkersOpt,
    open_executor,
)
from simulator.cli.options import (
    JsonOpt,
    SetOpt,
    check_days,
    out_file_option,
    out_folder_option,
    unwritable,
    with_assignments,
)
from simulator.cli.resume import resumable

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

    from simulator.experiment import Study, StudyResult, Variant
    from simulator.experiment.selection import Verdict

ResultsArg = Annotated[
    Path,
    typer.Argument(
        file_okay=False, metavar="FOLDER", help="Results folder of a study.", show_default=False
    ),
]


@app.command("study")
def run_study(
    ctx: typer.Context,
    study_file: Annotated[
        Path, typer.Argument(metavar="STUDY", help="Study YAML file.", show_default=False)
    ],
    replications: Annotated[
        int | None,
        typer.Option(
            "--replications",
            "-n",
            min=2,
            metavar="N",
            help="Replications per variant (default: the study file's).",
        ),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(min=1, metavar="DAYS", help="Horizon in days (default: the study's)."),
    ] = None,
    assignments: SetOpt = None,
    executor: ExecutorOpt = "process",
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    connect_timeout: ConnectTimeoutOpt = 5.0,
    out: Annotated[
        Path | None, out_folder_option("Results folder (default: out/<study name>).")
    ] = None,
    precision: Annotated[
        float | None,
        typer.Option(
            metavar="HALF-WIDTH",
            help="Add replications until the CI half-width of --metric is this small.",
        ),
    ] = None,
    metric: Annotated[
        str, typer.Option(metavar="KPI", help="Network KPI for --precision (supplysim list kpis).")
    ] = "fill_rate",
    max_replications: Annotated[
        int,
        typer.Option(min=2, metavar="N", help="Cap on replications per variant with --precision."),
    ] = 200,
    as_json: JsonOpt = False,
) -> None:
    """Run every variant of a study over its replications; resumes an interrupted folder.

    With -n and --days a study runs quickly in class; --set changes every variant.
    """
    from simulator.experiment import load_study
    from simulator.experiment.design import Precision

    _check_precision(precision, metric)
    # The executor first: an unreachable scheduler fails before the study is even read.
    with (
        failures_reported(ctx, as_json),
        open_executor(executor, workers, scheduler, connect_timeout) as pool,
    ):
        study = _adjusted(load_study(study_file), replications, days, assignments)
        if precision is not None:
            if max_replications < study.replications:
                raise typer.BadParameter(
                    f"{max_replications} is fewer than the {study.replications} replications "
                    "the study starts with; give at least that many",
                    param_hint="'--max-replications'",
                )
            target = Precision(
                metric=metric, half_width=precision, max_replications=max_replications
            )
            study = study.model_copy(update={"precision": target})
        folder = out or Path("out") / _folder_name(study.name)
        if out is None and (problem := unwritable(folder, folder=True)):
            raise typer.BadParameter(f"{problem}; give --out", param_hint="'--out'")
        if verbosity(ctx) > 0:
            typer.echo(_plan(study, folder), err=True)
        with resumable(ctx, folder):
            result = study.run(executor=pool, out=folder, progress=show_progress(ctx, as_json))
    _report_study(ctx, result, folder, as_json)


@app.command("compare")
def compare(
    ctx: typer.Context,
    first: Annotated[
        Path, typer.Argument(metavar="BASELINE", help="Baseline scenario.", show_default=False)
    ],
    second: Annotated[
        Path, typer.Argument(metavar="OTHER", help="Scenario to compare.", show_default=False)
    ],
    replications: Annotated[
        int,
        typer.Option("--replications", "-n", min=2, metavar="N", help="Replications of each."),
    ] = 30,
    seed: Annotated[
        int, typer.Option(min=0, metavar="SEED", help="Seed of the first replication.")
    ] = 0,
    executor: ExecutorOpt = "process",
    workers: WorkersOpt = None,
    out: Annotated[Path | None, out_folder_option("Results folder.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """A quick paired comparison of two scenarios under common random numbers."""
    from simulator.experiment import Study

    with failures_reported(ctx, as_json):
        variants = _two_variants(first, second)
        study = Study(
            name=f"{variants[0].name}-vs-{variants[1].name}",
            replications=replications,
            seed=seed,
            baseline=variants[0].name,
            variant_list=variants,
        )
        with open_executor(executor, workers, None, 0) as pool:
            result = study.run(executor=pool, out=out, progress=show_progress(ctx, as_json))
    _report_study(ctx, result, out, as_json)


@app.command("report")
def report(
    ctx: typer.Context,
    results: ResultsArg,
    html: Annotated[
        Path | None,
        out_file_option("--html", "Where to write the page (default: report.html in it)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the self-contained HTML report of a study's results folder."""
    from simulator.experiment import StudyResult
    from simulator.experiment.store import read_manifest
    from simulator.report.page import write_report
    from simulator.report.study_report import render_study_report

    with failures_reported(ctx, as_json):
        result = StudyResult.load(results)
        runs = read_manifest(results).get("runs", [])
        compute = sum(float(run.get("wall_time", 0.0)) for run in runs)
        target = html or results / "report.html"
        write_report(target, render_study_report(result, wall_time=compute))
    if as_json:
        print_json({"report": str(target), "runs": len(runs)})
    else:
        typer.echo(f"wrote {target} ({len(runs)} runs)")


def _check_precision(precision: float | None, metric: str) -> None:
    """A precision target needs a positive half-width of a KPI runs report."""
    from simulator.metrics import KPI_DEFINITIONS

    if precision is not None and not precision > 0:
        raise typer.BadParameter(
            f"{precision:g} is not a half-width; give a number above 0, e.g. 0.005",
            param_hint="'--precision'",
        )
    if metric not in KPI_DEFINITIONS:
        close = difflib.get_close_matches(metric, KPI_DEFINITIONS, n=3)
        guess = f"did you mean {' or '.join(close)}? " if close else ""
        raise typer.BadParameter(
            f"{metric!r} is not a KPI; {guess}`supplysim list kpis` lists them",
            param_hint="'--metric'",
        )


def _adjusted(
    study: Study, replications: int | None, days: int | None, assignments: list[str] | None
) -> Study:
    """The study with the command line's replications, horizon and ``--set`` overrides."""
    from simulator.scenario import with_overrides

    if replications is None and days is None and not assignments:
        return study
    cap = study.precision.max_replications if study.precision else None
    if replications is not None and cap is not None and replications > cap:
        raise typer.BadParameter(
            f"{replications} is more than the study's precision.max_replications ({cap})",
            param_hint="'-n' / '--replications'",
        )
    variants = []
    for variant in study.variant_list:
        scenario = with_assignments(variant.scenario, assignments)
        check_days(days, scenario)
        if days is not None:
            scenario = with_overrides(scenario, {"horizon": days})
        variants.append(variant.model_copy(update={"scenario": scenario}))
    update: dict[str, Any] = {"variant_list": tuple(variants)}
    if days is not None:
        update["horizon"] = float(days)
    if replications is not None:
        update["replications"] = replications
    return study.model_copy(update=update)


def _plan(study: Study, folder: Path) -> str:
    """What ``--verbose`` says before a study starts."""
    variants = ", ".join(v.name for v in study.variant_list)
    horizon = study.variant_list[0].scenario.horizon
    return (
        f"{study.name}: {len(study.variant_list)} variants ({variants}), "
        f"{study.replications} replications from seed {study.seed}, {horizon:g} days; "
        f"results in {folder}"
    )


def _two_variants(first: Path, second: Path) -> tuple[Variant, Variant]:
    from simulator import load_scenario
    from simulator.experiment import Variant

    names = [_folder_name(first.stem), _folder_name(second.stem)]
    if names[0] == names[1]:
        names = [f"a-{names[0]}", f"b-{names[1]}"]
    return (
        Variant(name=names[0], scenario=load_scenario(first)),
        Variant(name=names[1], scenario=load_scenario(second)),
    )


def _folder_name(name: str) -> str:
    """A name usable as a variant or folder name: letters, digits and ``_.,=+-`` only."""
    cleaned = re.sub(r"[^A-Za-z0-9_.,=+\-]+", "-", name).strip("-.")
    return cleaned or "study"


def _report_study(
    ctx: typer.Context, result: StudyResult, folder: Path | None, as_json: bool
) -> None:
    from rich.text import Text

    from simulator.report.verdict import verdict_phrases

    summary, paired = result.summary(), result.paired()
    verdict = result.verdict() if len(result.runs) else None
    if as_json:
        print_json(
            {
                "study": result.study.name,
                "folder": str(folder) if folder else None,
                "warmup": result.warmup,
                "notes": result.notes,
                "verdict": _verdict_record(verdict),
                "summary": _records(summary),
                "paired": _records(paired),
            }
        )
        return
    if verdict is not None:
        currency = result.study.variant(result.study.baseline).scenario.currency
        for phrase in verdict_phrases(verdict, currency):
            console().print(Text(phrase.lead, style="bold") + Text(phrase.text))
        console().print()
    console().print(_comparison_table(result, summary, paired))
    for note in result.notes:
        say(ctx, note)
    if folder is not None:
        say(ctx, f"results in {folder}; `supplysim report {folder}` writes the HTML report")


def _verdict_record(verdict: Verdict | None) -> dict[str, Any] | None:
    import pandas as pd

    if verdict is None:
        return None
    record = {f.name: getattr(verdict, f.name) for f in fields(verdict)}
    record["objective"] = verdict.objective.model_dump()
    record["selection"] = asdict(verdict.selection)
    record["checks"] = [asdict(check) for check in verdict.checks]
    return _records(pd.DataFrame([record]))[0]


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
        for row in table.to_dict(orient="records")
    ]


def _interval(mean: float, half: float, metric: str) -> str:
    from simulator.report.labels import metric_scale
    from simulator.report.numbers import plus_minus

    scale = metric_scale(metric)
    return plus_minus(mean * scale, half * scale)


def _comparison_table(result: StudyResult, summary: pd.DataFrame, paired: pd.DataFrame) -> Table:
    """One row per KPI and variant: mean ± CI half-width, and the paired difference from the
    baseline (``*`` when its interval excludes 0). Long rather than wide, to fit any terminal."""
    from rich.table import Table
    from rich.text import Text

    from simulator.report.labels import metric_label

    study = result.study
    currency = study.variant(study.baseline).scenario.currency
    n = int(summary["n"].max()) if len(summary) else 0
    title = f"{study.name}: mean ± 95% CI over {n} replications, common random numbers"
    table = Table("KPI", "Variant", "Mean", f"Difference from {study.baseline}", title=Text(title))
    table.columns[2].justify = table.columns[3].justify = "right"
    differences = {
        (str(row["variant"]), str(row["metric"])): row for row in paired.to_dict(orient="records")
    }
    listed = {metric: k for k, metric in enumerate(study.kpis)}  # the study file's order
    groups = sorted(summary.groupby("metric", sort=False), key=lambda g: listed.get(str(g[0]), 0))
    for metric, rows in groups:
        for k, row in enumerate(rows.to_dict(orient="records")):
            variant = str(row["variant"])
            mean = _interval(float(row["mean"]), float(row["half_width"]), str(metric))
            diff = differences.get((variant, str(metric)))
            change = "baseline" if diff is None else _difference(diff)
            label = metric_label(str(metric), currency) if k == 0 else ""
            table.add_row(label, variant, mean, change, end_section=k == len(rows) - 1)
    return table


def _difference(row: dict[Any, Any]) -> str:
    text = _interval(float(row["mean_diff"]), float(row["half_width"]), str(row["metric"]))
    return text + (" *" if row["ci_low"] > 0 or row["ci_high"] < 0 else "")
