"""The ``supplysim`` application: commands share these consoles, options and exit rules.

Results and ``--json`` documents go to stdout; problems go to stderr; progress goes to stderr
only when it is a terminal and ``--json`` is off, so pipes stay clean. Exit status: 0 success,
1 a run failed, 2 bad input (scenario, study file or arguments).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from simulator import ScenarioError
from simulator.scenario.errors import format_path

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

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
OverlayOpt = Annotated[
    list[Path] | None,
    typer.Option(help="A file merged over the scenario, e.g. its disruptions; repeatable."),
]


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback when a command fails.")
    ] = False,
) -> None:
    """Simulate distribution networks: service level and cost of inventory strategies."""
    # --debug is read from the root context when a command fails (see _failures_reported).


def main() -> None:
    """Entry point of the ``supplysim`` console script."""
    app(prog_name="supplysim")


def show_progress(as_json: bool) -> bool:
    """Progress bars only for people: on a terminal, without ``--json``."""
    return not as_json and stderr.is_terminal


@contextmanager
def failures_reported(ctx: typer.Context, as_json: bool) -> Iterator[None]:
    """Turn failures into the documented exit statuses, with a short message and no traceback.

    A :class:`ScenarioError` is bad input (exit 2): every problem, one per line, on stderr.
    Anything else is a failed run (exit 1), unless ``--debug`` asks for the traceback.
    """
    try:
        yield
    except ScenarioError as error:
        if as_json:
            print_json({"error": "invalid scenario", "problems": _problems(error)})
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except Exception as error:
        if ctx.find_root().params.get("debug"):
            raise
        message = f"{type(error).__name__}: {error}"
        if as_json:
            print_json({"error": message})
        typer.echo(f"error: {message}", err=True)
        typer.echo("(run `supplysim --debug ...` to see the traceback)", err=True)
        raise typer.Exit(EXIT_RUN_FAILED) from None


@contextmanager
def spinner(message: str, quiet: bool) -> Iterator[None]:
    # Only a person watching a terminal benefits; pipes, logs and --json get nothing.
    if quiet or not stderr.is_terminal:
        yield
        return
    with stderr.status(message):
        yield


def _problems(error: ScenarioError) -> list[dict[str, Any]]:
    return [
        {"file": p.file, "line": p.line, "path": format_path(p.path), "message": p.message}
        for p in error.problems
    ]


def print_json(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, default=str))


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
