"""Commands on many runs: study, compare, report."""

from __future__ import annotations

import re
from dataclasses import asdict, fields
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

from simulator import load_scenario
from simulator.cli.app import (
    JsonOpt,
    app,
    failures_reported,
    print_json,
    show_progress,
    stdout,
)
from simulator.experiment import Study, StudyResult, Variant, load_study, make_executor
from simulator.experiment.design import Precision
from simulator.experiment.selection import Verdict
from simulator.experiment.store import read_manifest
from simulator.report.labels import metric_label, metric_scale
from simulator.report.numbers import plus_minus
from simulator.report.page import write_report
from simulator.report.study_report import render_study_report
from simulator.report.verdict import verdict_phrases

ExecutorKind = Literal["serial", "process", "dask"]
ExecutorOpt = Annotated[
    ExecutorKind,
    typer.Option(help="Where runs execute: serial, local processes, or a Dask cluster."),
]
WorkersOpt = Annotated[
    int | None, typer.Option(min=1, help="Worker processes (default: one per core).")
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(help="Dask scheduler address, e.g. tcp://host:8786 (implies --executor dask)."),
]


@app.command("study")
def run_study(
    ctx: typer.Context,
    study_file: Annotated[Path, typer.Argument(help="Study YAML file.", show_default=False)],
    executor: ExecutorOpt = "process",
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(file_okay=False, help="Results folder (default: out/<study name>)."),
    ] = None,
    precision: Annotated[
        float | None,
        typer.Option(help="Add replications until this CI half-width is reached (--metric)."),
    ] = None,
    metric: Annotated[str, typer.Option(help="Network KPI for --precision.")] = "fill_rate",
    max_replications: Annotated[
        int, typer.Option(min=2, help="Cap on replications per variant with --precision.")
    ] = 200,
    as_json: JsonOpt = False,
) -> None:
    """Run every variant of a study over its replications; resumes an interrupted folder."""
    with failures_reported(ctx, as_json):
        study = load_study(study_file)
        if precision is not None:
            target = Precision(
                metric=metric, half_width=precision, max_replications=max_replications
            )
            study = study.model_copy(update={"precision": target})
        folder = out or Path("out") / _folder_name(study.name)
        kind = "dask" if scheduler else executor
        with make_executor(kind, workers=workers, scheduler=scheduler) as pool:
            result = study.run(executor=pool, out=folder, progress=show_progress(as_json))
    _report_study(result, folder, as_json)


@app.command("compare")
def compare(
    ctx: typer.Context,
    first: Annotated[Path, typer.Argument(help="Baseline scenario.", show_default=False)],
    second: Annotated[Path, typer.Argument(help="Scenario to compare.", show_default=False)],
    replications: Annotated[int, typer.Option("-n", min=2, help="Replications of each.")] = 30,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the first replication.")] = 0,
    executor: ExecutorOpt = "process",
    workers: WorkersOpt = None,
    out: Annotated[Path | None, typer.Option(file_okay=False, help="Results folder.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """A quick paired comparison of two scenarios under common random numbers."""
    with failures_reported(ctx, as_json):
        variants = _two_variants(first, second)
        study = Study(
            name=f"{variants[0].name}-vs-{variants[1].name}",
            replications=replications,
            seed=seed,
            baseline=variants[0].name,
            variant_list=variants,
        )
        with make_executor(executor, workers=workers) as pool:
            result = study.run(executor=pool, out=out, progress=show_progress(as_json))
    _report_study(result, out, as_json)


@app.command("report")
def report(
    ctx: typer.Context,
    results: Annotated[
        Path, typer.Argument(file_okay=False, help="Results folder of a study.", show_default=False)
    ],
    html: Annotated[
        Path | None,
        typer.Option(dir_okay=False, help="Where to write the page (default: report.html in it)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the self-contained HTML report of a study's results folder."""
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


def _two_variants(first: Path, second: Path) -> tuple[Variant, Variant]:
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


def _report_study(result: StudyResult, folder: Path | None, as_json: bool) -> None:
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
            stdout.print(Text(phrase.lead, style="bold") + Text(phrase.text))
        stdout.print()
    stdout.print(_comparison_table(result, summary, paired))
    for note in result.notes:
        typer.echo(note)
    if folder is not None:
        typer.echo(f"results in {folder}; `supplysim report {folder}` writes the HTML report")


def _verdict_record(verdict: Verdict | None) -> dict[str, Any] | None:
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
    scale = metric_scale(metric)
    return plus_minus(mean * scale, half * scale)


def _comparison_table(result: StudyResult, summary: pd.DataFrame, paired: pd.DataFrame) -> Table:
    """One row per KPI and variant: mean ± CI half-width, and the paired difference from the
    baseline (``*`` when its interval excludes 0). Long rather than wide, to fit any terminal."""
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
