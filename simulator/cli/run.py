"""Commands on one scenario: run, validate, list policies."""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, replace
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich import box
from rich.table import Table
from rich.text import Text

from policies.registry import (
    ALLOCATION,
    DISTRIBUTION,
    REPLENISHMENT,
    ROUTING,
    PolicyInfo,
    load_entry_points,
)
from simulator import Scenario, load_scenario
from simulator import run as simulate
from simulator.cli.app import (
    JsonOpt,
    OverlayOpt,
    app,
    failures_reported,
    list_app,
    plural,
    print_json,
    spinner,
    stdout,
)
from simulator.disruptions import DISRUPTIONS
from simulator.network import check_budget, compile_network
from simulator.report.run_files import network_kpis, save_result
from simulator.scenario import with_overrides
from simulator.scenario.errors import ScenarioWarning
from simulator.scenario.models import Period

ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]

# The run table's KPIs, in order, with label and kind (which sets format and unit). The rest of
# the network KPIs are in --json and kpis.csv.
_HEADLINE: dict[str, tuple[str, str]] = {
    "fill_rate": ("Fill rate", "share"),
    "order_fill_rate": ("Order fill rate", "share"),
    "otif": ("On time in full", "share"),
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
    # Fleets only (absent from the KPIs of a scenario without one).
    "on_time_delivery_rate": ("On-time deliveries", "share"),
    "km_driven": ("km driven", "km"),
    "load_factor": ("Load factor", "share"),
    "fleet_cost": ("Fleet cost", "money"),
    "co2_kg": ("CO2", "kg"),
}

# The --scorecard table's columns after rank, partner and kind: header ({currency} is filled in)
# and whether the value is a share (in %, one decimal) or a count or sum (whole numbers). Short
# header lines and whole numbers keep the table within 80 columns. Ranking keys come first.
_SCORECARD: dict[str, tuple[str, bool]] = {
    "fill_rate_given": ("Fill\ngiven\n%", True),
    "gross_margin": ("Gross\nmargin\n{currency}", False),
    "fill_rate_received": ("Fill\nrecv.\n%", True),
    "on_time_delivery": ("On\ntime\n%", True),
    "stockout_days": ("Stock-\nout\ndays", False),
    "sales_units": ("Sales\nunits", False),
    "revenue": ("Revenue\n{currency}", False),
    "inventory_turns": ("Turns\nper\nyear", False),
}


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
    with_scorecard: Annotated[
        bool,
        typer.Option("--scorecard", help="Also rank the partner nodes (see docs/kpis.md)."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Simulate one replication and print the network KPIs (and the partner scorecard)."""
    with failures_reported(ctx, as_json):
        model = load_scenario(scenario)
        if days is not None:
            # An override, not a run argument: provenance then names the effective scenario.
            model = with_overrides(model, {"horizon": days})
        _check_budget(model)
        with spinner(f"Simulating {model.name}", quiet=as_json):
            result = simulate(model, seed=seed)
            kpis = network_kpis(result)  # the KPI tables are computed here, on first access
            card = result.scorecard() if with_scorecard else None
            files = save_result(result, out) if out is not None else {}
        provenance = result.provenance()
        if as_json:
            document: dict[str, Any] = {"provenance": provenance, "kpis": kpis}
            if card is not None:
                # NaN (a figure undefined for the partner) becomes null: valid JSON.
                document["scorecard"] = (
                    card.astype(object).where(card.notna(), None).to_dict(orient="records")
                )
            document["files"] = {name: str(path) for name, path in files.items()}
            print_json(document)
            return
        stdout.print(_kpi_table(kpis, model))
        if card is not None:
            stdout.print(_scorecard_table(card, model))
        typer.echo(_run_line(provenance, model.period))
        if out is not None:
            typer.echo(f"saved {len(files)} files to {out}")


@app.command("validate")
def validate_scenario(
    ctx: typer.Context, scenario: ScenarioArg, overlay: OverlayOpt = None, as_json: JsonOpt = False
) -> None:
    """Check a scenario and report every problem with its file and line.

    Warnings (a valid scenario that probably does not say what was meant, such as a disruption
    after the horizon) go to stderr and do not change the exit status."""
    with failures_reported(ctx, as_json), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        model = load_scenario(scenario, overlay or [])
        _check_budget(model)
        compile_network(model)  # what only the compiled network shows (fleet reach, traces)
    advice = [str(w.message) for w in caught if issubclass(w.category, ScenarioWarning)]
    for line in advice:
        typer.echo(f"warning: {line}", err=True)
    counts = {
        ("nodes", "node"): len(model.nodes),
        ("lanes", "lane"): len(model.lanes),
        ("skus", "SKU"): len(model.products),
        ("demand_zones", "demand zone"): len(model.demand),
    }
    if model.market is not None:
        counts["market_zones", "market zone"] = len(model.market.customers)
    if model.disruptions:
        counts["disruptions", "disruption"] = len(model.disruptions)
    if as_json:
        document: dict[str, Any] = {"ok": True, "scenario": model.name}
        document |= {k: n for (k, _), n in counts.items()}
        print_json(document | ({"warnings": advice} if advice else {}))
        return
    summary = ", ".join(plural(n, word) for (_, word), n in counts.items())
    typer.echo(f"ok: {summary}")


def _check_budget(model: Scenario) -> None:
    """Refuse a scenario too big to run (bad input); warn about one close to the limits."""
    for warning in check_budget(model):
        typer.echo(f"warning: {warning}", err=True)


@list_app.command("policies")
def list_policies(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Replenishment policies, allocation rules and distribution strategies (each `type`)."""
    with failures_reported(ctx, as_json):
        load_entry_points()  # third-party policies belong in the list too
    families = (REPLENISHMENT, ALLOCATION, DISTRIBUTION, ROUTING)
    infos = [family.describe(name) for family in families for name in family.names()]
    if as_json:
        print_json(
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
    for family in families:
        mine = [i for i in infos if i.family == family.family]
        stdout.print(_registry_table(f"{family.family.capitalize()} policies", "Policy", mine))


@list_app.command("disruptions")
def list_disruptions(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Disruption kinds (each `type`) with their parameters; every kind also takes `id`,
    `when` (scheduled, random or triggered) and `description`."""
    infos = [DISRUPTIONS.describe(name) for name in DISRUPTIONS.names()]
    common = {"id", "when", "description"}
    if as_json:
        print_json(
            [
                {
                    "name": info.name,
                    "doc": info.doc,
                    "parameters": [asdict(p) for p in info.parameters if p.name not in common],
                }
                for info in infos
            ]
        )
        return
    own = [
        replace(i, parameters=tuple(p for p in i.parameters if p.name not in common)) for i in infos
    ]
    stdout.print(_registry_table("Disruption kinds", "Kind", own))


def _registry_table(title: str, noun: str, infos: list[PolicyInfo]) -> Table:
    table = Table(noun, "Parameters", "Description", title=title)
    for info in infos:
        parameters = "\n".join(
            f"{p.name}: {p.type}" + (" (required)" if p.required else f" = {p.default!r}")
            for p in info.parameters
        )
        table.add_row(Text(info.name, style="bold"), Text(parameters), Text(info.doc))
    return table


def _kpi_table(kpis: dict[str, float | None], scenario: Scenario) -> Table:
    """The headline network KPIs for people, each with its format and unit."""
    table = Table("KPI", "Value", "Unit", title=Text(f"{scenario.name}: network KPIs"))
    table.columns[1].justify = "right"
    for metric, (label, kind) in _HEADLINE.items():
        if metric in kpis:
            value, unit = _formatted(kpis[metric], kind, scenario.currency)
            table.add_row(Text(label), value, Text(unit))
    return table


def _scorecard_table(card: pd.DataFrame, scenario: Scenario) -> Table:
    """The partner scorecard, best first, each figure with its format."""
    title = Text(f"{scenario.name}: partners, best first")
    table = Table("#", "Partner", "Kind", title=title, box=box.SIMPLE_HEAD, padding=0)
    for label, _ in _SCORECARD.values():
        table.add_column(label.format(currency=scenario.currency), justify="right")
    for row in card.to_dict(orient="records"):
        cells = [_cell(row[metric], share) for metric, (_, share) in _SCORECARD.items()]
        table.add_row(str(row["rank"]), Text(str(row["node"])), row["kind"], *cells)
    return table


def _cell(value: float, share: bool) -> str:
    if math.isnan(value):
        return "—"  # undefined for this partner, e.g. stockout days without customers
    return f"{100 * value:.1f}" if share else f"{value:,.0f}"


def _run_line(provenance: dict[str, Any], period: Period) -> str:
    return (
        f"seed {provenance['seed']}, {period.count(provenance['horizon_days'])} "
        f"(first {provenance['warmup_days']:g} excluded as warm-up), "
        f"simulated in {provenance['wall_time_s']:.2f} s"
        + (
            f", {provenance['solver_time_s']:.2f} s of it routing"
            if provenance["solver_time_s"]
            else ""
        )
    )


def _formatted(value: float | None, kind: str, currency: str) -> tuple[str, str]:
    """Value text and unit of one KPI; a KPI without a value (e.g. no demand) shows a dash."""
    units = {"share": "%", "units": "units", "money": currency, "per_year": "per year"}
    unit = units.get(kind, kind)
    if value is None:
        return "—", unit
    if kind == "share":
        return f"{100 * value:.1f}", unit
    if kind in ("units", "km", "kg"):
        return f"{value:,.1f}", unit
    return f"{value:,.2f}", unit
