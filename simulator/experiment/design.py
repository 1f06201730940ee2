"""A study's design: the study file's schema, and the validated study (settings and the
effective scenario of every variant) that runs, stores and results read. Reading a study file
and running a study are in :mod:`simulator.experiment.study`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from simulator.experiment.objectives import Objective, constraint_text, formula_text
from simulator.experiment.stats import HIGHER_IS_BETTER
from simulator.experiment.variants import (
    VARIANT_NAME,
    SweepValue,
    Variant,
)
from simulator.metrics import KPI_DEFINITIONS

DEFAULT_KPIS = ("fill_rate", "total_cost", "lost_sales", "on_hand_mean")
BASE_VARIANT = "base"
"""Name of the only variant of a study that lists no variants and no sweep."""


def _known_kpi(name: str) -> str:
    if name not in KPI_DEFINITIONS:
        raise ValueError(f"unknown KPI {name!r} (expected one of {sorted(KPI_DEFINITIONS)})")
    return name


KpiName = Annotated[str, AfterValidator(_known_kpi)]


_JUDGED = {
    True: "is better when higher",
    False: "is better when lower",
    None: "has no better direction",
}


def _better_when(higher: bool) -> Callable[[str], str]:
    """A check that a KPI is better when higher (or lower), as a frontier axis needs."""

    def check(name: str) -> str:
        found = HIGHER_IS_BETTER.get(name)
        if found is not higher:
            raise ValueError(
                f"{name!r} {_JUDGED[found]}; this axis needs a KPI that {_JUDGED[higher]}"
            )
        return name

    return check


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class MserWarmup(_Section):
    """Warm-up found by MSER-5 on pilot runs of every variant (see ``warmup.mser5``).

    Attributes:
        method: Only ``mser5``.
        series: The daily echelon series the rule reads.
        echelon: The echelon level (0: the nodes that serve customers).
        pilot_replications: Pilot runs per variant, without warm-up; their series are averaged.
    """

    method: Literal["mser5"]
    series: Literal["on_hand", "backlog"] = "on_hand"
    echelon: int = Field(0, ge=0)
    pilot_replications: int = Field(5, ge=1)


class Precision(_Section):
    """Add replications until the network KPI ``metric`` is this precise in every variant."""

    metric: KpiName
    half_width: float = Field(gt=0, description="Target half-width of the confidence interval.")
    max_replications: int = Field(ge=2)
    confidence: float = Field(0.95, gt=0, lt=1)


class Frontier(_Section):
    """The axes of the report's frontier chart: a cost against a service, network KPIs.

    Attributes:
        cost: The horizontal axis, a KPI where lower is better.
        service: The vertical axis, a KPI where higher is better.
    """

    cost: Annotated[KpiName, AfterValidator(_better_when(higher=False))] = "total_cost"
    service: Annotated[KpiName, AfterValidator(_better_when(higher=True))] = "fill_rate"


class ObjectiveEntry(_Section):
    """An objective as a study file writes it: ``name: {expr, direction, unit, indifference}``."""

    expr: Annotated[str, AfterValidator(formula_text)]
    direction: Literal["max", "min"]
    unit: str | None = None
    indifference: float | None = Field(None, gt=0)


def _objective_name(name: str) -> str:
    if name in KPI_DEFINITIONS:
        raise ValueError(f"{name!r} is a KPI; give the objective another name")
    return name


ObjectiveName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$"), AfterValidator(_objective_name)]


class ReportSettings(_Section):
    """How the report presents the results; no run depends on it."""

    frontier: Frontier = Field(default_factory=Frontier)


class VariantEntry(_Section):
    """A listed variant: the base scenario with overrides, or an overlay file (and overrides)."""

    name: str = Field(pattern=VARIANT_NAME)
    overrides: dict[str, Any] = Field(default_factory=dict)
    extends: str | None = Field(None, description="Overlay file, relative to the study file.")


class StudyFile(_Section):
    """The schema of a study file."""

    study: str = Field(min_length=1, description="The study's name.")
    description: str = ""
    scenario: str = Field(description="Base scenario file, relative to the study file.")
    replications: int = Field(ge=2, description="Replications per variant.")
    seed: int | None = Field(None, ge=0, description="First seed; default: the scenario's.")
    common_random_numbers: bool = True
    horizon: float | None = Field(None, gt=0)
    warmup: Annotated[float, Field(ge=0)] | MserWarmup | None = Field(
        None, description="Days, or MSER-5 settings."
    )
    kpis: list[KpiName] = Field(default_factory=lambda: list(DEFAULT_KPIS), min_length=1)
    baseline: str | None = None
    variants: list[VariantEntry] = Field(default_factory=list)
    sweep: dict[str, Annotated[list[SweepValue], Field(min_length=1)]] = Field(
        default_factory=dict, description="Dotted path -> values; every combination is a variant."
    )
    precision: Precision | None = None
    objectives: dict[ObjectiveName, ObjectiveEntry] = Field(
        default_factory=dict, description="Name -> expression over KPIs; the first decides."
    )
    constraints: list[Annotated[str, AfterValidator(constraint_text)]] = Field(
        default_factory=list, description="Conditions such as 'fill_rate >= 0.95'."
    )
    report: ReportSettings = Field(default_factory=ReportSettings)


class StudyDesign(BaseModel):
    """A validated study: settings and the effective scenario of every variant.

    Attributes:
        name: The study's name.
        description: Free text.
        source: The study file as it was named, if any.
        scenario_path: The base scenario file, resolved.
        replications: Replications per variant (the first batch, with a precision target).
        seed: Replication ``i`` of every variant uses seed ``seed + i`` under common random
            numbers; otherwise each variant and replication gets its own (:meth:`seed_of`).
        common_random_numbers: Whether variants share seeds.
        horizon: The study's horizon override, if any (already in the variants' scenarios).
        warmup: Days (already in the variants' scenarios), or MSER-5 settings (found at run
            time), or None for the scenarios' own.
        kpis: Network KPIs of interest.
        frontier: The KPIs of the report's frontier chart.
        baseline: The variant paired differences are taken against.
        precision: The precision target, if any.
        objectives: What the study optimises, the first one decisive (see :attr:`objective`).
        constraints: Conditions an acceptable variant meets, e.g. ``fill_rate >= 0.95``.
        variant_list: The variants, in study order (see :meth:`variants`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str = ""
    source: str | None = None
    scenario_path: Path | None = None
    replications: int = Field(ge=2)
    seed: int = Field(ge=0)
    common_random_numbers: bool = True
    horizon: float | None = None
    warmup: float | MserWarmup | None = None
    kpis: tuple[str, ...] = DEFAULT_KPIS
    frontier: Frontier = Field(default_factory=Frontier)
    baseline: str
    precision: Precision | None = None
    objectives: tuple[Objective, ...] = ()
    constraints: tuple[str, ...] = ()
    variant_list: tuple[Variant, ...] = Field(min_length=1)

    @property
    def objective(self) -> Objective | None:
        """The decisive objective: the first declared, or else the first KPI of interest that
        has a better direction (None if no KPI has one)."""
        if self.objectives:
            return self.objectives[0]
        kpi = next((k for k in self.kpis if k in HIGHER_IS_BETTER), None)
        if kpi is None:
            return None
        return Objective(name=kpi, expr=kpi, direction="max" if HIGHER_IS_BETTER[kpi] else "min")

    def variants(self) -> list[Variant]:
        """The variants, in study order."""
        return list(self.variant_list)

    def variant(self, name: str) -> Variant:
        """The variant called ``name`` (KeyError if there is none)."""
        for variant in self.variant_list:
            if variant.name == name:
                return variant
        raise KeyError(name)

    def seed_of(self, variant: str, replication: int) -> int:
        """The seed of one run.

        Under common random numbers replication ``i`` of every variant uses ``seed + i``, so
        variants face the same demand and lead times. Otherwise the seed is a hash of the
        study seed, the variant's name and the replication: independent streams that do not
        depend on the variants' order.
        """
        if self.common_random_numbers:
            return self.seed + replication
        key = f"{self.seed}/{variant}/{replication}".encode()
        return int.from_bytes(hashlib.blake2b(key, digest_size=4).digest(), "little")

    def content_hash(self) -> str:
        """SHA-256 of what decides the runs: variants' scenarios, seeds, replications, targets.

        Names, descriptions, KPIs of interest, objectives, constraints, report settings and the
        baseline are left out: changing them does not change any run, so a results folder
        stays valid.
        """
        payload = {
            "variants": [[v.name, v.scenario.content_hash()] for v in self.variant_list],
            "seed": self.seed,
            "common_random_numbers": self.common_random_numbers,
            "replications": self.replications,
            "warmup": _plain(self.warmup),
            "precision": _plain(self.precision),
        }
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def _plain(model: BaseModel | float | None) -> Any:
    return model.model_dump(mode="json") if isinstance(model, BaseModel) else model
