"""Optimisation files: what to search (policy parameters by override path), what to minimise or
maximise, under which constraints, and how many trials and replications.

An optimisation file is read like a study file: every problem is reported at once as
``file:LINE: path: message`` in one :class:`~simulator.scenario.errors.ScenarioError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from simulator.experiment.objectives import Objective, constraint_text, formula_text
from simulator.experiment.spec_files import problem, read_spec_file
from simulator.scenario.errors import DocPath, ScenarioError
from simulator.scenario.loader import with_overrides
from simulator.scenario.models import Scenario
from simulator.scenario.yamlio import LineIndex


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Parameter(_Section):
    """One searched value, written into the scenario at an override path.

    Attributes:
        path: Where the value goes, in override syntax, e.g.
            ``nodes[kind=retailer].inventory.policy.S`` (see docs/studies.md).
        low: Smallest value tried.
        high: Largest value tried.
        type: ``int`` (levels in units, review periods in days) or ``float`` (factors).
        step: Spacing of the values tried; none for a continuous float.
        above: Another parameter's name: the value written is that parameter's value plus
            this one, so ``S`` searched ``above: s`` always exceeds ``s``.
    """

    path: str = Field(min_length=1)
    low: float
    high: float
    type: Literal["int", "float"] = "int"
    step: float | None = Field(None, gt=0)
    above: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Parameter:
        if self.high < self.low:
            raise ValueError(f"high ({self.high:g}) is below low ({self.low:g})")
        if self.type == "int" and not (self.low.is_integer() and self.high.is_integer()):
            raise ValueError("an int parameter needs whole low and high")
        return self


class Confirmation(_Section):
    """The winner's check on fresh seeds: replications and confidence of the intervals."""

    replications: int = Field(20, ge=2)
    confidence: float = Field(0.95, gt=0, lt=1)


class ObjectiveEntry(_Section):
    """The objective as a file writes it (see :class:`.objectives.Objective`)."""

    name: str = Field("objective", pattern=r"^[a-z][a-z0-9_]*$")
    expr: Annotated[str, AfterValidator(formula_text)]
    direction: Literal["max", "min"] = "min"
    unit: str | None = None


class OptimiseFile(_Section):
    """The schema of an optimisation file."""

    optimise: str = Field(min_length=1, description="The search's name.")
    description: str = ""
    scenario: str = Field(description="Base scenario file, relative to this file.")
    parameters: dict[str, Parameter] = Field(min_length=1)
    objective: ObjectiveEntry
    constraints: list[Annotated[str, AfterValidator(constraint_text)]] = Field(
        default_factory=list, description="Conditions such as 'fill_rate >= 0.95'."
    )
    trials: int = Field(40, ge=1, description="Candidates the sampler proposes.")
    replications: int = Field(5, ge=2, description="Runs per candidate, the same seeds for all.")
    seed: int | None = Field(None, ge=0, description="First seed; default: the scenario's.")
    sampler_seed: int = Field(0, ge=0, description="Seed of the sampler: same seed, same search.")
    horizon: float | None = Field(None, gt=0)
    warmup: float | None = Field(None, ge=0)
    confirm: Confirmation = Field(default_factory=Confirmation)

    @model_validator(mode="after")
    def _known_anchors(self) -> OptimiseFile:
        names = list(self.parameters)
        for name, parameter in self.parameters.items():
            if parameter.above is not None and parameter.above not in names[: names.index(name)]:
                raise ValueError(f"{name}.above: {parameter.above!r} is not a parameter before it")
        return self


@dataclass(frozen=True)
class Optimisation:
    """A validated search: the base scenario (horizon and warm-up applied) and its settings.

    Attributes:
        name: The search's name.
        base: The scenario candidates are made from.
        parameters: Name -> what is searched, in file order.
        objective: What is minimised or maximised (means over replications).
        constraints: Conditions on replication means, e.g. ``fill_rate >= 0.95``.
        trials: Candidates proposed.
        replications: Runs per candidate; replication ``i`` uses seed ``seed + i`` for all.
        seed: The first seed; confirmation runs use seeds after the search's.
        sampler_seed: Seed of Optuna's sampler.
        confirm: The winner's confirmation settings.
    """

    name: str
    base: Scenario
    parameters: dict[str, Parameter]
    objective: Objective
    constraints: tuple[str, ...]
    trials: int
    replications: int
    seed: int
    sampler_seed: int
    confirm: Confirmation

    def candidate(self, values: dict[str, float]) -> Scenario:
        """The base scenario with the parameters set (``above`` ones added to their anchor)."""
        return with_overrides(self.base, self.overrides(values))

    def overrides(self, values: dict[str, float]) -> dict[str, float]:
        """Override path -> value written, for the searched ``values``."""
        written: dict[str, float] = {}
        for name, parameter in self.parameters.items():
            value = values[name]
            if parameter.above is not None:
                value += written[self.parameters[parameter.above].path]
            written[parameter.path] = value
        return written


def load_optimisation(path: str | Path) -> Optimisation:
    """Read and validate an optimisation file.

    Raises:
        ScenarioError: Every problem with the file and its base scenario; a parameter path that
            does not apply to the scenario is reported at the parameter's line.
    """
    spec, lines, file, _, base = read_spec_file(path, OptimiseFile)
    common: dict[str, Any] = {"horizon": spec.horizon, "warmup": spec.warmup}
    base = with_overrides(base, {k: v for k, v in common.items() if v is not None})
    optimisation = Optimisation(
        name=spec.optimise,
        base=base,
        parameters=dict(spec.parameters),
        objective=Objective(**spec.objective.model_dump()),
        constraints=tuple(spec.constraints),
        trials=spec.trials,
        replications=spec.replications,
        seed=base.seed if spec.seed is None else spec.seed,
        sampler_seed=spec.sampler_seed,
        confirm=spec.confirm,
    )
    _check_paths(optimisation, file, lines)
    return optimisation


def _check_paths(optimisation: Optimisation, file: str, lines: LineIndex) -> None:
    """Every parameter path must reach the scenario, and its lowest values must build."""
    low = {name: p.low for name, p in optimisation.parameters.items()}
    try:
        optimisation.candidate(low)
    except ScenarioError as error:
        at: DocPath = ("parameters",)
        for name, parameter in optimisation.parameters.items():
            if any(parameter.path in problem.message for problem in error.problems):
                at = ("parameters", name, "path")
        message = "; ".join(problem.message for problem in error.problems)
        raise problem(file, lines, at, f"at the lowest values: {message}") from None
