"""The ``optimise`` command: search policy parameters, or estimate safety stocks."""

from __future__ import annotations

from dataclasses import asdict, replace
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
from simulator.cli.options import JsonOpt, out_folder_option

if TYPE_CHECKING:
    from simulator.experiment.optimise import SearchResult
    from simulator.experiment.optimise_runs import Confirmed
    from simulator.experiment.optimise_safety import SafetyLevel

PILOT_RUNS = 3
"""Pilot runs that measure daily demand in the safety-stock mode."""


@app.command("optimise")
def optimise_command(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="Optimisation file (search), or a scenario (safety-stock).",
            show_default=False,
        ),
    ],
    mode: Annotated[
        Literal["search", "safety-stock"],
        typer.Option(
            metavar="[search|safety-stock]",
            help="search: Optuna over the file's parameters; safety-stock: estimate.",
        ),
    ] = "search",
    out: Annotated[
        Path | None, out_folder_option("Folder for the chart and tables (default: out/<name>).")
    ] = None,
    trials: Annotated[
        int | None, typer.Option(min=1, metavar="N", help="Override the file's trials.")
    ] = None,
    service_level: Annotated[
        float,
        typer.Option(
            min=0.5, max=0.9999, metavar="SHARE", help="safety-stock: target cycle service level."
        ),
    ] = 0.95,
    replications: Annotated[
        int, typer.Option(min=2, metavar="N", help="safety-stock: runs that check the levels.")
    ] = 10,
    seed: Annotated[int, typer.Option(min=0, metavar="SEED", help="safety-stock: first seed.")] = 0,
    executor: ExecutorOpt = "process",
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    connect_timeout: ConnectTimeoutOpt = 5.0,
    as_json: JsonOpt = False,
) -> None:
    """Find policy parameters that minimise an objective under service constraints."""
    from simulator import load_scenario
    from simulator.experiment.objectives import Objective
    from simulator.experiment.optimise import optimise
    from simulator.experiment.optimise_runs import Confirmed, Outcome, replicate
    from simulator.experiment.optimise_safety import safety_levels, with_levels
    from simulator.experiment.optimise_spec import load_optimisation
    from simulator.experiment.runner import progress_bar

    with (
        failures_reported(ctx, as_json),
        open_executor(executor, workers, scheduler, connect_timeout) as pool,
    ):
        if mode == "safety-stock":
            scenario = load_scenario(file)
            folder = out or Path("out") / f"{scenario.name}-safety-stock"
            seeds = list(range(seed, seed + PILOT_RUNS))
            levels = safety_levels(scenario, service_level, pool, seeds)
            fresh = list(range(seed + PILOT_RUNS, seed + PILOT_RUNS + replications))
            constraint = f"cycle_service_level >= {service_level}"
            objective = Objective(name="cost_per_day", expr="cost_per_day", direction="min")
            values = replicate(pool, with_levels(scenario, levels), fresh)
            checked = Confirmed.of(Outcome.of(values, objective, [constraint]), fresh, 0.95)
        else:
            optimisation = load_optimisation(file)
            if trials is not None:
                optimisation = replace(optimisation, trials=trials)
            folder = out or Path("out") / optimisation.name
            with progress_bar(show_progress(ctx, as_json)) as bar:
                task = bar.add_task("trials", total=optimisation.trials)
                result = optimise(
                    optimisation, pool, lambda done, _: bar.update(task, completed=done)
                )
    folder.mkdir(parents=True, exist_ok=True)
    if mode == "safety-stock":
        _report_levels(levels, checked, folder, as_json)
    else:
        _report_search(result, folder, as_json)


def _confirmed_json(confirmed: Confirmed) -> dict[str, Any]:
    return {
        "objective": asdict(confirmed.objective),
        "constraints": [
            {"constraint": text, **asdict(estimate), "status": status}
            for text, estimate, status in confirmed.constraints
        ],
        "seeds": list(confirmed.seeds),
        "confidence": confirmed.confidence,
        "constraints_hold": confirmed.holds,
    }


def _print_confirmed(confirmed: Confirmed, label: str) -> None:
    n, level = len(confirmed.seeds), f"{confirmed.confidence:.0%}"
    estimate = confirmed.objective
    console().print(
        f"On {n} fresh replications: {label} {estimate.mean:.4g} ± {estimate.half_width:.2g}"
        f" ({level} interval)"
    )
    for text, found, status in confirmed.constraints:
        console().print(
            f"  {text}: {found.mean:.4g} ± {found.half_width:.2g}, {status}", markup=False
        )


def _report_search(result: SearchResult, folder: Path, as_json: bool) -> None:
    import pandas as pd
    from rich.table import Table

    from simulator.experiment.optimise_plot import write_convergence
    from simulator.output import atomic_write_text

    table = result.convergence()
    names = list(result.optimisation.parameters)
    values = pd.DataFrame([t.values for t in result.trials], columns=names)
    table = pd.concat([table, values], axis=1)
    atomic_write_text(folder / "trials.csv", table.to_csv(index=False))
    write_convergence(result, folder / "convergence.png")
    best = result.best
    if as_json:
        print_json(
            {
                "optimise": result.optimisation.name,
                "trials": table.to_dict(orient="records"),
                "best": {
                    "trial": best.number,
                    "values": best.values,
                    "overrides": best.written,
                    "objective": best.objective,
                    "feasible": best.feasible,
                },
                "confirmed": _confirmed_json(result.confirmed),
                "files": [str(folder / "trials.csv"), str(folder / "convergence.png")],
            }
        )
        return
    label = result.optimisation.objective.label
    view = Table(title=f"{result.optimisation.name}: {len(result.trials)} trials")
    for column in ("trial", *names, label, "feasible", "best so far"):
        view.add_column(column, justify="right")
    for record in table.to_dict(orient="records"):
        view.add_row(
            str(record["trial"]),
            *(f"{record[name]:g}" for name in names),
            f"{record['objective']:.4g}",
            "yes" if record["feasible"] else "no",
            f"{record['best_so_far']:.4g}",
        )
    console().print(view)
    verdict = "best" if best.feasible else "no candidate met the constraints; closest"
    chosen = ", ".join(f"{path} = {value:g}" for path, value in best.written.items())
    console().print(
        f"{verdict}: trial {best.number}: {chosen}; {label} {best.objective:.4g}", markup=False
    )
    _print_confirmed(result.confirmed, label)
    console().print(f"Convergence chart and trials: {folder}")


def _report_levels(
    levels: list[SafetyLevel], checked: Confirmed, folder: Path, as_json: bool
) -> None:
    import pandas as pd
    from rich.table import Table

    from simulator.output import atomic_write_text

    table = pd.DataFrame([asdict(level) for level in levels])
    atomic_write_text(folder / "levels.csv", table.to_csv(index=False))
    if as_json:
        print_json(
            {"levels": table.to_dict(orient="records"), "confirmed": _confirmed_json(checked)}
        )
        return
    view = Table(title="Order-up-to levels from lead-time demand")
    headings = ("node", "SKU", "demand/day", "sd", "lead time", "L + R", "safety stock", "S")
    for heading in headings:
        view.add_column(heading, justify="left" if heading in ("node", "SKU") else "right")
    for level in levels:
        view.add_row(
            level.node,
            level.sku,
            f"{level.demand_mean:.3g}",
            f"{level.demand_sd:.3g}",
            f"{level.lead_time:g} ± {level.lead_time_sd:.2g}",
            f"{level.protection:g}",
            f"{level.safety_stock:.3g}",
            str(level.level),
        )
    console().print(view)
    _print_confirmed(checked, "cost per day")
    console().print(f"Levels: {folder / 'levels.csv'}")
