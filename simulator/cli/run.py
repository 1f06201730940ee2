"""Commands on one scenario: run and validate."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from simulator.cli.app import (
    app,
    console,
    failures_reported,
    plural,
    print_json,
    say,
    spinner,
    verbosity,
)
from simulator.cli.options import (
    JsonOpt,
    OverlayOpt,
    SetOpt,
    check_days,
    out_folder_option,
    with_assignments,
)

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

    from simulator import Scenario
    from simulator.scenario.models import Period

ScenarioArg = Annotated[
    Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML file.", show_default=False)
]

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
    overlay: OverlayOpt = None,
    assignments: SetOpt = None,
    seed: Annotated[
        int | None,
        typer.Option(min=0, metavar="SEED", help="Random seed (default: the scenario's)."),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(min=1, metavar="DAYS", help="Horizon in days (default: the scenario's)."),
    ] = None,
    out: Annotated[Path | None, out_folder_option("Folder for the result files.")] = None,
    with_scorecard: Annotated[
        bool,
        typer.Option("--scorecard", help="Also rank the partner nodes (see docs/kpis.md)."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Simulate one replication and print the network KPIs (and the partner scorecard)."""
    from simulator import load_scenario, with_overrides
    from simulator import run as simulate
    from simulator.report.run_files import network_kpis, save_result

    with failures_reported(ctx, as_json):
        model = with_assignments(load_scenario(scenario, overlay or []), assignments)
        if days is not None:
            check_days(days, model)
            # An override, not a run argument: provenance then names the effective scenario.
            model = with_overrides(model, {"horizon": days})
        _check_budget(model)
        with spinner(ctx, f"Simulating {model.name}", as_json):
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
        console().print(_kpi_table(kpis, model, every=verbosity(ctx) > 0))
        if card is not None:
            console().print(_scorecard_table(card, model))
        say(ctx, _run_line(provenance, model.period))
        if verbosity(ctx) > 0:
            typer.echo(_versions_line(provenance))
        if out is not None:
            say(ctx, f"saved {len(files)} files to {out}")


@app.command("validate")
def validate_scenario(
    ctx: typer.Context,
    scenario: ScenarioArg,
    overlay: OverlayOpt = None,
    assignments: SetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a scenario and report every problem with its file and line.

    Warnings (a valid scenario that probably does not say what was meant, such as a disruption
    after the horizon) go to stderr and do not change the exit status."""
    import warnings

    from simulator import load_scenario
    from simulator.network import compile_network
    from simulator.scenario.errors import ScenarioWarning

    with failures_reported(ctx, as_json), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        model = with_assignments(load_scenario(scenario, overlay or []), assignments)
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
    from simulator.network import check_budget

    for warning in check_budget(model):
        typer.echo(f"warning: {warning}", err=True)


def _kpi_table(kpis: dict[str, float | None], scenario: Scenario, every: bool) -> Table:
    """The headline network KPIs for people, each with its format and unit; ``every`` adds
    the other network KPIs, labelled as the reports label them."""
    from rich.table import Table
    from rich.text import Text

    from simulator.report.labels import metric_label, metric_scale

    table = Table("KPI", "Value", "Unit", title=Text(f"{scenario.name}: network KPIs"))
    table.columns[1].justify = "right"
    for metric, (label, kind) in _HEADLINE.items():
        if metric in kpis:
            value, unit = _formatted(kpis[metric], kind, scenario.currency)
            table.add_row(Text(label), value, Text(unit))
    for metric, number in kpis.items() if every else ():
        if metric not in _HEADLINE:
            shown = "—" if number is None else f"{number * metric_scale(metric):,.4g}"
            table.add_row(Text(metric_label(metric, scenario.currency)), shown, "")
    return table


def _scorecard_table(card: pd.DataFrame, scenario: Scenario) -> Table:
    """The partner scorecard, best first, each figure with its format."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

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


def _versions_line(provenance: dict[str, Any]) -> str:
    versions = ", ".join(f"{name} {v}" for name, v in provenance["versions"].items())
    return f"scenario hash {provenance['scenario_hash'][:12]}; {versions}"


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
