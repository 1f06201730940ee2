"""Ctrl-C during a study: say what is saved and the exact command that resumes it.

The results folder already resumes (see ``simulator.experiment.store``); what a person needs
after Ctrl-C is the command that points at it with the same options, since the options that
change the runs (``-n``, ``--days``, ``--set``) must match for the folder to be accepted.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from simulator.cli.app import EXIT_INTERRUPTED, plural


@contextmanager
def resumable(ctx: typer.Context, folder: Path) -> Iterator[None]:
    """On Ctrl-C, say what is saved and the command that resumes, then exit 130."""
    try:
        yield
    except KeyboardInterrupt:
        from simulator.experiment.store import read_manifest
        from simulator.scenario.errors import ScenarioError

        try:
            done = plural(len(read_manifest(folder).get("runs", [])), "run")
        except ScenarioError:  # stopped before the folder was set up
            done = "no runs"
        typer.echo(
            f"\ninterrupted: {done} saved in {folder}; to resume, run\n"
            f"  {command_line(ctx, out=folder)}",
            err=True,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None


def command_line(ctx: typer.Context, **fixed: Any) -> str:
    """The command as typed (the options given, with ``fixed`` values), quoted for a shell."""
    words: list[str] = []
    for context in (ctx.find_root(), ctx):
        words += (context.info_name or "").split()  # the root may be "python -m simulator"
        options = [p for p in context.command.params if p.name and p.opts[0].startswith("-")]
        for param in [p for p in context.command.params if p not in options] + options:
            name = param.name or ""
            value = fixed.get(name, context.params.get(name))
            given = context.get_parameter_source(name)
            if name not in fixed and (given is None or given.name == "DEFAULT"):
                continue
            flag = param.opts[0]
            if param not in options:
                words.append(str(value))
            elif isinstance(value, bool):
                words += [flag] if value else []
            else:
                for item in value if isinstance(value, list | tuple) else [value]:
                    words += [flag, str(item)]
    return shlex.join(words)
