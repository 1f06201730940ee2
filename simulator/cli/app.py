"""The ``supplysim`` application: commands share these consoles, options and exit rules.

Results and ``--json`` documents go to stdout; problems go to stderr; progress goes to stderr
only when it is a terminal and neither ``--json`` nor ``--quiet`` is given, so pipes stay
clean. Exit status: 0 success, 1 a run failed, 2 bad input (scenario, study file or
arguments), 130 interrupted (Ctrl-C).

``supplysim --help`` must answer at once, so this module and the command modules import only
typer and the standard library at the top; the simulator, numpy, pandas and rich are imported
inside the commands that use them.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from simulator.scenario.errors import ScenarioError

EXIT_RUN_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C

COMMAND_MODULES = ("run", "lists", "schema", "study", "stress", "optimise", "excel", "workshop")
"""Modules of ``simulator.cli`` whose commands make up ``supplysim``; each registers its own on
:data:`app` when imported. A new command module is one more name here."""

app = typer.Typer(
    name="supplysim",
    no_args_is_help=True,
    # Plain help: it shows each option's metavar and starts without importing rich.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,  # --debug shows the plain traceback instead
    context_settings={"help_option_names": ["-h", "--help"]},
)
list_app = typer.Typer(help="List the building blocks a scenario can use.", no_args_is_help=True)
app.add_typer(list_app, name="list")


def register_commands() -> None:
    """Import every command module, which registers its commands on :data:`app`."""
    for name in COMMAND_MODULES:
        importlib.import_module(f"simulator.cli.{name}")


def _show_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import version

        typer.echo(f"supplysim {version('supplysim')}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Results only: no progress, notes or hints.")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Also say what is run and show every network KPI."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback when a command fails.")
    ] = False,
    _version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            expose_value=False,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Simulate distribution networks: service level and cost of inventory strategies."""
    # The options are read from the root context by the commands (see verbosity) and when a
    # command fails (see failures_reported).
    if quiet and verbose:
        raise typer.BadParameter("give one of them, not both", param_hint="'--quiet' / '--verbose'")


def main() -> None:
    """Entry point of the ``supplysim`` console script."""
    app(prog_name="supplysim")


def verbosity(ctx: typer.Context) -> int:
    """-1 with ``--quiet``, 1 with ``--verbose``, 0 otherwise."""
    root = ctx.find_root().params
    return int(bool(root.get("verbose"))) - int(bool(root.get("quiet")))


@cache
def console(err: bool = False) -> Console:
    """The shared rich console on stdout (or stderr), created on first use."""
    from rich.console import Console

    return Console(stderr=err, highlight=False)


def show_progress(ctx: typer.Context, as_json: bool) -> bool:
    """Progress bars only for people: on a terminal, without ``--json`` or ``--quiet``."""
    return not as_json and verbosity(ctx) >= 0 and console(err=True).is_terminal


def say(ctx: typer.Context, message: str) -> None:
    """An informational line (a note, a hint, where files went) that ``--quiet`` drops."""
    if verbosity(ctx) >= 0:
        typer.echo(message)


@contextmanager
def failures_reported(ctx: typer.Context, as_json: bool) -> Iterator[None]:
    """Turn failures into the documented exit statuses, with a short message and no traceback.

    A :class:`ScenarioError` is bad input (exit 2): every problem, one per line, on stderr.
    Usage errors keep their own exit status. Ctrl-C exits 130. Anything else is a failed run
    (exit 1), unless ``--debug`` asks for the traceback.
    """
    from simulator.scenario.errors import ScenarioError

    try:
        yield
    except (typer.TyperException, typer.Exit, typer.Abort):
        raise
    except ScenarioError as error:
        if as_json:
            print_json({"error": "invalid scenario", "problems": _problems(error)})
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
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
def spinner(ctx: typer.Context, message: str, as_json: bool) -> Iterator[None]:
    # Only a person watching a terminal benefits; pipes, logs and --json get nothing.
    if not show_progress(ctx, as_json):
        yield
        return
    with console(err=True).status(message):
        yield


def _problems(error: ScenarioError) -> list[dict[str, Any]]:
    from simulator.scenario.errors import format_path

    return [
        {"file": p.file, "line": p.line, "path": format_path(p.path), "message": p.message}
        for p in error.problems
    ]


def print_json(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, default=str))


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
