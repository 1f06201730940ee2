"""Variants of a study: the base scenario changed by overrides, an overlay file or a sweep.

A variant is built like a scenario file is loaded: the document is changed, then validated in
full. A problem is reported at the line of the study file that caused it: the override (or
sweep value) that set the offending value, else the variant's entry.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from simulator.scenario.errors import DocPath, Problem, ScenarioError
from simulator.scenario.loader import load_scenario, scenario_from_data
from simulator.scenario.models import Scenario
from simulator.scenario.overlay import EXTENDS_KEY
from simulator.scenario.overrides import WILDCARD, set_override
from simulator.scenario.yamlio import LineIndex, load_yaml

VARIANT_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.,=+\-]*$"
"""Variant names double as folder names in a results folder, hence the narrow alphabet."""

SweepValue = str | int | float | bool


class Variant(BaseModel):
    """One variant of a study: its name and effective, validated scenario.

    Attributes:
        name: Unique within the study.
        scenario: The scenario its replications run.
        overrides: The dotted-path overrides that made it (sweep values included).
        extends: The overlay file it starts from, as the study file names it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=VARIANT_NAME)
    scenario: Scenario
    overrides: dict[str, Any] = Field(default_factory=dict)
    extends: str | None = None


@dataclass
class Recipe:
    """How to build one variant, and where the study file says so.

    Attributes:
        name: The variant's name.
        at: Document path of the entry in the study file (for problems outside overrides).
        name_at: Document path of what gave the name.
        overrides: ``(dotted path, value, document path of the value in the study file)``, in
            the order they apply.
        extends: The overlay file as written, and its path in the study file.
    """

    name: str
    at: DocPath
    name_at: DocPath
    overrides: list[tuple[str, Any, DocPath]] = field(default_factory=list)
    extends: tuple[str, DocPath] | None = None


def sweep_recipes(
    listed: Sequence[Recipe], sweep: Mapping[str, Sequence[SweepValue]]
) -> list[Recipe]:
    """Apply every combination of the sweep values on top of every listed variant.

    Args:
        listed: The variants the study file lists (or one for the base scenario, unnamed).
        sweep: Dotted path -> values, in file order.

    Returns:
        One recipe per listed variant and combination, named ``variant,s=20,S=60`` (or
        ``s=20,S=60`` for the unnamed base); the sweep's overrides follow the variant's own.
    """
    labels = _labels(list(sweep))
    recipes = []
    for recipe in listed:
        for combo in itertools.product(*(enumerate(values) for values in sweep.values())):
            steps = [
                (path, value, ("sweep", path, i))
                for path, (i, value) in zip(sweep, combo, strict=True)
            ]
            tag = ",".join(
                f"{label}={_text(value)}" for label, (_, value) in zip(labels, combo, strict=True)
            )
            name = f"{recipe.name},{tag}" if recipe.name else tag
            overrides = [*recipe.overrides, *steps]
            recipes.append(Recipe(name, recipe.at, ("sweep",), overrides, recipe.extends))
    return recipes


def _labels(paths: list[str]) -> list[str]:
    """The shortest trailing steps that tell the sweep paths apart: ``s`` for ``...policy.s``."""
    names = [[step.split("[")[0] for step in path.split(".") if step != WILDCARD] for path in paths]
    for size in range(1, max(map(len, names), default=0) + 1):
        labels = [".".join(steps[-size:]) for steps in names]
        if len(set(labels)) == len(labels):
            return labels
    return paths  # only paths that differ in a filter; their names then fail validation


def _text(value: SweepValue) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, float) else str(value)


def build_variants(
    recipes: Sequence[Recipe],
    base: Scenario,
    common: Mapping[str, tuple[Any, DocPath]],
    study_file: Path,
    lines: LineIndex,
) -> list[Variant]:
    """Build and validate every variant, reporting all problems at once.

    Args:
        recipes: The variants to build.
        base: The study's base scenario.
        common: Top-level scenario fields set for every variant before its own overrides
            (the study's horizon and warm-up), with their place in the study file.
        study_file: The study file; overlay paths are relative to it.
        lines: Line index of the study file.

    Returns:
        The variants, in recipe order.

    Raises:
        ScenarioError: Listing every problem, at study file lines where they come from it.
    """
    problems: list[Problem] = []
    variants: list[Variant] = []
    seen: set[str] = set()
    for recipe in recipes:
        if not re.fullmatch(VARIANT_NAME, recipe.name) or recipe.name in seen:
            why = "duplicate variant name" if recipe.name in seen else "invalid variant name"
            message = f"{why} {recipe.name!r} (names are also folder names: {VARIANT_NAME})"
            problems.append(problem_at(study_file, lines, recipe.name_at, recipe.name_at, message))
            continue
        seen.add(recipe.name)
        try:
            variants.append(_build(recipe, base, common, study_file, lines))
        except ScenarioError as error:
            problems += [p for p in error.problems if p not in problems]
    if problems:
        raise ScenarioError(problems)
    return variants


def problem_at(
    file: Path, lines: LineIndex, path: DocPath, where: DocPath, message: str
) -> Problem:
    """A problem about ``where`` at the study file line of ``path`` (or its nearest parent).

    Args:
        file: The study file, reported when no line is known.
        lines: Line index of the study file.
        path: What in the study file caused the problem.
        where: The problem's path (in the study file, or in the variant's scenario).
        message: What is wrong.
    """
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return Problem(*lines[path[:end]], where, message)
    return Problem(str(file), None, where, message)


def _build(
    recipe: Recipe,
    base: Scenario,
    common: Mapping[str, tuple[Any, DocPath]],
    study_file: Path,
    lines: LineIndex,
) -> Variant:
    start = base if recipe.extends is None else _overlay(recipe.extends, base, study_file, lines)
    steps = [(key, value, at, True) for key, (value, at) in common.items()]
    steps += [(dotted, value, at, False) for dotted, value, at in recipe.overrides]
    scenario = start
    if steps:
        scenario = _overridden(start, steps, recipe.at, study_file, lines)
    return Variant(
        name=recipe.name,
        scenario=scenario,
        overrides={dotted: value for dotted, value, _ in recipe.overrides},
        extends=recipe.extends[0] if recipe.extends else None,
    )


def _overridden(
    start: Scenario,
    steps: list[tuple[str, Any, DocPath, bool]],
    entry: DocPath,
    study_file: Path,
    lines: LineIndex,
) -> Scenario:
    """``start`` with the overrides applied and validated; problems at their study lines."""
    data = start.to_dict()
    # (document paths an override set, where the study file sets it), in applying order.
    applied: list[tuple[list[DocPath], DocPath]] = []
    problems = []
    for dotted, value, at, create in steps:
        try:
            applied.append((set_override(data, dotted, value, create=create), at))
        except ScenarioError as error:
            problems += [
                problem_at(study_file, lines, at, p.path, p.message) for p in error.problems
            ]
    if problems:
        raise ScenarioError(problems)
    # A problem no override explains (say, a reference the changes broke) is the entry's.
    index: LineIndex = {(): lines[entry]} if entry in lines else {}
    try:
        return scenario_from_data(data, lines=index, file=str(study_file), source=start.source)
    except ScenarioError as error:
        blamed = [_blame(p, applied, study_file, lines) for p in error.problems]
        raise ScenarioError(blamed) from None


def _blame(
    problem: Problem,
    applied: list[tuple[list[DocPath], DocPath]],
    study_file: Path,
    lines: LineIndex,
) -> Problem:
    """Point a validation problem at the last override that set a value at or under it."""
    for paths, at in reversed(applied):
        for path in paths:
            short = min(len(path), len(problem.path))
            if problem.path and path[:short] == problem.path[:short]:
                return problem_at(study_file, lines, at, problem.path, problem.message)
    return problem


def _overlay(
    extends: tuple[str, DocPath], base: Scenario, study_file: Path, lines: LineIndex
) -> Scenario:
    """Load an overlay variant after checking that it extends the study's base scenario."""
    ref, at = extends
    path = study_file.parent / ref
    if not path.is_file():
        raise ScenarioError(
            [problem_at(study_file, lines, at, at, f"overlay file not found: {path}")]
        )
    own, own_lines = load_yaml(path)
    bases = own.get(EXTENDS_KEY) if isinstance(own, dict) else None
    named = [(path.parent / b).resolve() for b in _as_list(bases) if isinstance(b, str)]
    if base.source is not None and base.source.resolve() not in named:
        file, line = own_lines.get((EXTENDS_KEY,), (str(path), None))
        message = f"the overlay must extend the study's scenario ({base.source.name})"
        raise ScenarioError([Problem(file, line, (EXTENDS_KEY,), message)])
    return load_scenario(path)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
