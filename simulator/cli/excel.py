"""``supplysim export`` and ``supplysim import``: a scenario as an Excel workbook and back
(the sheet layout is in docs/excel.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.app import EXIT_BAD_INPUT, app, failures_reported, print_json, say
from simulator.cli.options import JsonOpt, OverlayOpt


@app.command("export")
def export_workbook(
    ctx: typer.Context,
    scenario: Annotated[
        Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML file.", show_default=False)
    ],
    xlsx: Annotated[
        Path,
        typer.Option(
            "--xlsx", metavar="FILE", help="The workbook to write (.xlsx).", show_default=False
        ),
    ],
    overlay: OverlayOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a scenario as an Excel workbook: one sheet per section, one row per entity."""
    with failures_reported(ctx, as_json):
        from simulator.scenario.loader import load_scenario
        from simulator.scenario.workbook import write_workbook

        model = load_scenario(scenario, overlay or [])
        write_workbook(model, xlsx)
    if as_json:
        print_json({"ok": True, "xlsx": str(xlsx), "hash": model.content_hash()})
    else:
        say(ctx, f"wrote {xlsx}")


@app.command("import")
def import_workbook(
    ctx: typer.Context,
    xlsx: Annotated[
        Path,
        typer.Argument(metavar="WORKBOOK", help="Workbook (.xlsx) to read.", show_default=False),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--yaml", metavar="FILE", help="The scenario file to write.", show_default=False
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Read a scenario workbook, check it like a scenario file and write it as YAML."""
    if out.suffix.lower() not in (".yaml", ".yml"):
        typer.echo(f"error: --yaml names a .yaml file (got {out})", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    with failures_reported(ctx, as_json):
        import yaml

        from simulator.output import atomic_write_text
        from simulator.scenario.workbook import read_workbook

        # Relative paths in it (demand traces, a road matrix) are read from beside the YAML.
        model = read_workbook(xlsx, source=out.resolve())
        atomic_write_text(out, yaml.safe_dump(model.to_dict(), sort_keys=False, allow_unicode=True))
    if as_json:
        print_json({"ok": True, "yaml": str(out), "hash": model.content_hash()})
    else:
        say(ctx, f"wrote {out}")
