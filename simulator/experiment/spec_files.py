"""What study and optimisation files share: a validated top-level model and the base scenario
the file names, each problem reported at its file and line."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from simulator.experiment.variants import problem_at
from simulator.scenario.errors import (
    DocPath,
    LineIndex,
    ScenarioError,
    problems_from_validation_error,
)
from simulator.scenario.loader import load_scenario
from simulator.scenario.models import Scenario
from simulator.scenario.yamlio import load_yaml

Spec = TypeVar("Spec", bound=BaseModel)


def read_spec_file(
    path: str | Path, model: type[Spec]
) -> tuple[Spec, LineIndex, str, Path, Scenario]:
    """The validated file (its model has a ``scenario`` path, relative to the file), its line
    index, its name, the base scenario's path and the base scenario itself.

    Raises:
        ScenarioError: The file's problems, or the base scenario's.
    """
    file = str(path)
    data, lines = load_yaml(path)
    if not isinstance(data, dict):
        raise ScenarioError.single("the top level must be a mapping", file=file, line=1)
    try:
        spec = model.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation_error(exc, lines, file, data)) from None
    base_path = Path(path).parent / str(data["scenario"])  # validated: a string
    if not base_path.is_file():
        raise problem(file, lines, ("scenario",), f"scenario file not found: {base_path}")
    return spec, lines, file, base_path, load_scenario(base_path)


def problem(file: str, lines: LineIndex, path: DocPath, message: str) -> ScenarioError:
    """One problem at ``path`` of the file, at its line."""
    return ScenarioError([problem_at(Path(file), lines, path, path, message)])
