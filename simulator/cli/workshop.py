"""``supplysim workshop``: the workshop web app for a room (needs the ``workshop`` extra)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.app import EXIT_BAD_INPUT, app


@app.command("workshop")
def workshop(
    host: Annotated[
        str,
        typer.Option(
            metavar="HOST",
            help="Address to listen on; 0.0.0.0 lets other machines of the room join.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=1, max=65535, metavar="PORT", help="Port to listen on.")
    ] = 8080,
    state: Annotated[
        Path,
        typer.Option(
            metavar="DIR",
            help="Folder the workshop is saved in after every change; a restart resumes it.",
        ),
    ] = Path("workshop-state"),
) -> None:
    """Serve the workshop: beer games played by the room, predict-then-reveal, demos."""
    if importlib.util.find_spec("nicegui") is None:
        typer.echo(
            "error: the workshop needs its extra: pip install 'supplysim[workshop]'", err=True
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    from simulator.workshop.web import serve

    try:
        serve(state, host=host, port=port)
    except ValueError as error:  # a state file that is not one
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
