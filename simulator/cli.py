"""The ``supplysim`` command line: run, validate, schema and list.

Results and ``--json`` documents go to stdout; problems go to stderr; a progress spinner goes to
stderr only when it is a terminal and ``--json`` is off, so pipes stay clean. Exit status: 0
success, 1 a run failed, 2 bad input (scenario or arguments).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from policies.registry import REPLENISHMENT, load_entry_points
from simulator import Scenario, ScenarioError, load_scenario
from simulator import run as simulate
from simulator.output import network_kpis, save_result
from simulator.scenario.errors import format_path
from simulator.scenario.reference import render_reference

EXIT_RUN_FAILED = 1
EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="supplysim",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # --debug shows the plain traceback instead
)
list_app = typer.Typer(help="List the building blocks a scenario can use.", no_args_is_help=True)
app.add_typer(list_app, name="list")

_stdout = Console(highlight=False)
_stderr = Console(stderr=True, highlight=False)

ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]

# The run table's KPIs, in order, with label and kind (which sets format and unit). The rest of
# the network KPIs are in --json and kpis.csv.
_HEADLINE: dict[str, tuple[str, str]] = {
    "fill_rate": ("Fill rate", "share"),
    "order_fill_rate": ("Order fill rate", "share"),
    "cycle_service_level": ("Cycle service level", "share"),
    "lost_sales": ("Lost sales", "units"),
    "backorders_mean": ("Backorders, mean", "units"),
    "on_hand_mean": ("On hand, mean", "units"),
    "inventory_turns": ("Inventory turns", "per_year"),
    "holding_cost": ("Holding cost", "money"),
    "ordering_cost": ("Ordering cost", "money"),
    "transport_cost": ("Transport cost", "money"),
    "shortage_cost": ("Shortage cost", "money"),
    "total_cost": ("Total cost", "money"),
    "revenue": ("Revenue", "money"),
    "gross_margin": ("Gross margin", "money"),
}


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback when a command fails.")
    ] = False,
) -> None:
    """Simulate distribution networks: service level and cost of inventory strategies."""
    # --debug is read from the root context when a command fails (see _failures_reported).


@app.command("run")
def run_scenario(
    ctx: typer.Context,
    scenario: ScenarioArg,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Random seed (default: the scenario's).")
    ] = None,
    days: Annotated[
        int | None, typer.Option(min=1, help="Horizon in days (default: the scenario's).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(file_okay=False, help="Directory for the result files.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Simulate one replication and print the network KPIs."""
    with _failures_reported(ctx, as_json):
        model = load_scenario(scenario)
        if days is not None:
            # An override, not a run argument: provenance then names the effective scenario.
            model = model.with_overrides({"horizon": days})
        with _spinner(f"Simulating {model.name}", quiet=as_json):
            result = simulate(model, seed=seed)
            kpis = network_kpis(result)  # the KPI tables are computed here, on first access
            files = save_result(result, out) if out is not None else {}
        provenance = result.provenance()
        if as_json:
            _print_json(
                {
                    "provenance": provenance,
                    "kpis": kpis,
                    "files": {name: str(path) for name, path in files.items()},
                }
            )
            return
        _stdout.print(_kpi_table(kpis, model))
        typer.echo(_run_line(provenance))
        if out is not None:
            typer.echo(f"saved {len(files)} files to {out}")


@app.command("validate")
def validate_scenario(ctx: typer.Context, scenario: ScenarioArg, as_json: JsonOpt = False) -> None:
    """Check a scenario and report every problem with its file and line."""
    with _failures_reported(ctx, as_json):
        model = load_scenario(scenario)
    counts = {
        "nodes": len(model.nodes),
        "lanes": len(model.lanes),
        "skus": len(model.products),
        "demand_zones": len(model.demand),
    }
    if as_json:
        _print_json({"ok": True, "scenario": model.name, **counts})
        return
    words = ("node", "lane", "SKU", "demand zone")
    summary = ", ".join(_plural(n, word) for n, word in zip(counts.values(), words, strict=True))
    typer.echo(f"ok: {summary}")


@app.command("schema")
def print_schema(
    markdown: Annotated[
        bool,
        typer.Option("--markdown", help="The scenario reference (docs/scenario.md) instead."),
    ] = False,
) -> None:
    """Print the JSON Schema of scenario files."""
    if markdown:
        typer.echo(render_reference(), nl=False)
    else:
        _print_json(Scenario.model_json_schema(by_alias=True))


@list_app.command("policies")
def list_policies(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Replenishment policies (the `type` of an inventory policy) and their parameters."""
    with _failures_reported(ctx, as_json):
        load_entry_points()  # third-party policies belong in the list too
    infos = [REPLENISHMENT.describe(name) for name in REPLENISHMENT.names()]
    if as_json:
        _print_json(
            [
                {
                    "name": info.name,
                    "family": info.family,
                    "doc": info.doc,
                    "parameters": [asdict(parameter) for parameter in info.parameters],
                }
                for info in infos
            ]
        )
        return
    table = Table("Policy", "Parameters", "Description", title="Replenishment policies")
    for info in infos:
        parameters = "\n".join(
            f"{p.name}: {p.type}" + (" (required)" if p.required else f" = {p.default!r}")
            for p in info.parameters
        )
        table.add_row(Text(info.name, style="bold"), Text(parameters), Text(info.doc))
    _stdout.print(table)


def main() -> None:
    """Entry point of the ``supplysim`` console script."""
    app(prog_name="supplysim")


@contextmanager
def _failures_reported(ctx: typer.Context, as_json: bool) -> Iterator[None]:
    """Turn failures into the documented exit statuses, with a short message and no traceback.

    A :class:`ScenarioError` is bad input (exit 2): every problem, one per line, on stderr.
    Anything else is a failed run (exit 1), unless ``--debug`` asks for the traceback.
    """
    try:
        yield
    except ScenarioError as error:
        if as_json:
            _print_json({"error": "invalid scenario", "problems": _problems(error)})
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except Exception as error:
        if ctx.find_root().params.get("debug"):
            raise
        message = f"{type(error).__name__}: {error}"
        if as_json:
            _print_json({"error": message})
        typer.echo(f"error: {message}", err=True)
        typer.echo("(run `supplysim --debug ...` to see the traceback)", err=True)
        raise typer.Exit(EXIT_RUN_FAILED) from None


@contextmanager
def _spinner(message: str, quiet: bool) -> Iterator[None]:
    # Only a person watching a terminal benefits; pipes, logs and --json get nothing.
    if quiet or not _stderr.is_terminal:
        yield
        return
    with _stderr.status(message):
        yield


def _problems(error: ScenarioError) -> list[dict[str, Any]]:
    return [
        {"file": p.file, "line": p.line, "path": format_path(p.path), "message": p.message}
        for p in error.problems
    ]


def _print_json(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, default=str))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _kpi_table(kpis: dict[str, float | None], scenario: Scenario) -> Table:
    """The headline network KPIs for people, each with its format and unit."""
    table = Table("KPI", "Value", "Unit", title=Text(f"{scenario.name}: network KPIs"))
    table.columns[1].justify = "right"
    for metric, (label, kind) in _HEADLINE.items():
        if metric in kpis:
            value, unit = _formatted(kpis[metric], kind, scenario.currency)
            table.add_row(Text(label), value, Text(unit))
    return table


def _run_line(provenance: dict[str, Any]) -> str:
    return (
        f"seed {provenance['seed']}, {provenance['horizon_days']} days "
        f"(first {provenance['warmup_days']:g} excluded as warm-up), "
        f"simulated in {provenance['wall_time_s']:.2f} s"
    )


def _formatted(value: float | None, kind: str, currency: str) -> tuple[str, str]:
    """Value text and unit of one KPI; a KPI without a value (e.g. no demand) shows a dash."""
    unit = {"share": "%", "units": "units", "money": currency, "per_year": "per year"}[kind]
    if value is None:
        return "—", unit
    if kind == "share":
        return f"{100 * value:.1f}", unit
    if kind == "units":
        return f"{value:,.1f}", unit
    return f"{value:,.2f}", unit
