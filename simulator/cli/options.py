"""Options several commands share, and the checks that make a bad one exit 2 naming it.

Every option has a metavar that says what to type (``FILE``, ``PATH=VALUE``), so the help shows
no Python types. Paths the command will write to are checked when the command line is parsed,
before any work is done.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from simulator.scenario.models import Scenario

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
OverlayOpt = Annotated[
    list[Path] | None,
    typer.Option(
        metavar="FILE",
        help="A file merged over the scenario, e.g. its disruptions; repeatable.",
    ),
]


def _check_assignments(values: list[str] | None) -> list[str] | None:
    for text in values or []:
        split_assignment(text)
    return values


SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        callback=_check_assignments,
        help="Override one scenario value, e.g. horizon=90 or "
        "nodes[kind=retailer].inventory.policy.s=40 (docs/scenario.md); repeatable.",
    ),
]


def split_assignment(text: str) -> tuple[str, Any]:
    """``path=value`` as the path and the value read as YAML (``40``, ``true``, ``[a, b]``).

    The path ends at the first ``=`` outside brackets, so filters such as ``[kind=retailer]``
    stay in it.
    """
    import yaml

    depth = 0
    for i, char in enumerate(text):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "=" and depth == 0 and i > 0:
            try:
                return text[:i], yaml.safe_load(text[i + 1 :])
            except yaml.YAMLError as error:
                problem = getattr(error, "problem", None) or "not a YAML value"
                raise typer.BadParameter(f"{text!r}: the value is {problem}") from None
    raise typer.BadParameter(f"{text!r} is not PATH=VALUE, e.g. horizon=90")


def with_assignments(scenario: Scenario, assignments: list[str] | None) -> Scenario:
    """The scenario with every ``--set``; a path that reaches nothing or a value the schema
    rejects exits 2 naming ``--set`` and the path."""
    from simulator.scenario import with_overrides
    from simulator.scenario.errors import ScenarioError

    if not assignments:
        return scenario
    try:
        return with_overrides(scenario, dict(map(split_assignment, assignments)))
    except ScenarioError as error:
        problems = "\n".join(str(problem) for problem in error.problems)
        raise typer.BadParameter(problems, param_hint="'--set'") from None


def check_days(days: int | None, scenario: Scenario) -> None:
    """A horizon must outlast the warm-up, or no day is left to measure."""
    if days is not None and days <= scenario.warmup:
        raise typer.BadParameter(
            f"{days} days end within the warm-up of {scenario.name} "
            f"({scenario.warmup:g} days); give more than {scenario.warmup:g}",
            param_hint="'--days'",
        )


def unwritable(path: Path, folder: bool) -> str | None:
    """Why nothing can be written at ``path`` (a folder or a file), or None if it can."""
    try:
        if path.exists():
            if folder != path.is_dir():
                return f"{path} is a {'file' if folder else 'folder'}"
            place = path if folder else path.parent
        else:
            place = path.parent
            while not place.exists():  # the folders that will be made
                place = place.parent
            if not place.is_dir():
                return f"{place} is a file, so nothing can be made under it"
    except OSError as error:  # a folder on the way that may not be looked into
        return f"{path} cannot be reached ({error.strerror})"
    if not os.access(place, os.W_OK | os.X_OK):
        return f"{place} is not writable"
    return None


def _writable_folder(value: Path | None) -> Path | None:
    if value is not None and (problem := unwritable(value, folder=True)):
        raise typer.BadParameter(f"{problem}; give a folder you can write to")
    return value


def _writable_file(value: Path | None) -> Path | None:
    if value is not None and (problem := unwritable(value, folder=False)):
        raise typer.BadParameter(f"{problem}; give a file in a folder you can write to")
    return value


def out_folder_option(help: str) -> Any:
    """An option naming a folder the command writes to, checked before any work."""
    return typer.Option("--out", metavar="FOLDER", callback=_writable_folder, help=help)


def out_file_option(name: str, help: str) -> Any:
    """An option naming a file the command writes, checked before any work."""
    return typer.Option(name, metavar="FILE", callback=_writable_file, help=help)
