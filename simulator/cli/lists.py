"""The ``list`` commands: the building blocks a scenario can use, and the KPIs runs report."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import TYPE_CHECKING

import typer

from simulator.cli.app import console, failures_reported, list_app, print_json
from simulator.cli.options import JsonOpt

if TYPE_CHECKING:
    from rich.table import Table

    from policies.registry import PolicyInfo


@list_app.command("policies")
def list_policies(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Replenishment policies, allocation rules and distribution strategies (each `type`)."""
    from policies.registry import (
        ALLOCATION,
        DISTRIBUTION,
        REPLENISHMENT,
        ROUTING,
        load_entry_points,
    )

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
        console().print(_registry_table(f"{family.family.capitalize()} policies", "Policy", mine))


@list_app.command("disruptions")
def list_disruptions(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Disruption kinds (each `type`) with their parameters; every kind also takes `id`,
    `when` (scheduled, random or triggered) and `description`."""
    from simulator.disruptions import DISRUPTIONS

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
    console().print(_registry_table("Disruption kinds", "Kind", own))


def _registry_table(title: str, noun: str, infos: list[PolicyInfo]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(noun, "Parameters", "Description", title=title)
    for info in infos:
        parameters = "\n".join(
            f"{p.name}: {p.type}" + (" (required)" if p.required else f" = {p.default!r}")
            for p in info.parameters
        )
        table.add_row(Text(info.name, style="bold"), Text(parameters), Text(info.doc))
    return table


@list_app.command("kpis")
def list_kpis(as_json: JsonOpt = False) -> None:
    """The KPIs a run reports: name, which way is better, and definition with its unit."""
    from rich.table import Table
    from rich.text import Text

    entries = _kpi_entries()
    if as_json:
        print_json(entries)
        return
    table = Table("KPI", "Better", "Definition", title="KPIs (docs/kpis.md)")
    for entry in entries:
        table.add_row(Text(entry["name"], style="bold"), entry["better"], Text(entry["definition"]))
    console().print(table)


def _kpi_entries() -> list[dict[str, str]]:
    """Each KPI as the metrics package defines it, with the direction studies rank it by."""
    from simulator.metrics import KPI_DEFINITIONS
    from simulator.report.labels import metric_direction

    better = {1: "higher", -1: "lower", 0: "neither"}
    return [
        {"name": name, "better": better[metric_direction(name)], "definition": definition}
        for name, definition in KPI_DEFINITIONS.items()
    ]
