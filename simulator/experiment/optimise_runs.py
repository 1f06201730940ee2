"""Replications of one candidate scenario and what a search reads of them: the objective and
the constraints, per replication, and their intervals."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from simulator.engine import Simulation
from simulator.experiment.executors import completed
from simulator.experiment.objectives import Constraint, Objective, parse_constraint
from simulator.metrics.intervals import half_width
from simulator.scenario.models import Scenario

Job = tuple[Scenario, int]
"""One run: a scenario and its seed (picklable, for process pools)."""


def network_kpis(job: Job) -> dict[str, float]:
    """Simulate one run and keep its network KPIs (name -> value)."""
    scenario, seed = job
    kpis = Simulation(scenario, seed=seed).run().kpis
    network = kpis[(kpis["scope"] == "network") & (kpis["id"] == "network")]
    return dict(zip(network["metric"], network["value"].astype(float), strict=True))


def replicate(
    executor: Executor, scenario: Scenario, seeds: Sequence[int]
) -> dict[str, np.ndarray]:
    """Network KPIs of ``scenario`` over ``seeds``: KPI -> values in seed order."""
    jobs = [(scenario, seed) for seed in seeds]
    by_seed = {job[1]: kpis for job, kpis in completed(executor, network_kpis, jobs)}
    rows = [by_seed[seed] for seed in seeds]
    return {name: np.array([row.get(name, np.nan) for row in rows]) for name in rows[0]}


@dataclass(frozen=True)
class Outcome:
    """The objective and the constraints' left-hand sides of one candidate, per replication.

    Attributes:
        objective: The objective's value in each replication.
        constraints: Each constraint with its left-hand side in each replication.
    """

    objective: np.ndarray
    constraints: tuple[tuple[Constraint, np.ndarray], ...]

    @classmethod
    def of(
        cls, values: dict[str, np.ndarray], objective: Objective, constraints: Sequence[str]
    ) -> Outcome:
        """Evaluate the objective and the constraints on replications' KPIs."""
        parsed = [parse_constraint(text) for text in constraints]
        return cls(
            objective.formula.evaluate(values),
            tuple((c, c.formula.evaluate(values)) for c in parsed),
        )

    @property
    def mean(self) -> float:
        return float(np.mean(self.objective))

    def violations(self) -> list[float]:
        """How far each constraint's mean is on the wrong side of its bound (<= 0: it holds).

        This is the form Optuna's ``constraints_func`` takes.
        """
        found = []
        for constraint, values in self.constraints:
            gap = float(np.mean(values)) - constraint.bound
            found.append(-gap if constraint.wants_high else gap)
        return found

    @property
    def feasible(self) -> bool:
        return all(v <= 0 for v in self.violations())


@dataclass(frozen=True)
class Estimate:
    """A mean with the half-width of its t confidence interval."""

    mean: float
    half_width: float

    @classmethod
    def of(cls, values: np.ndarray, confidence: float) -> Estimate:
        return cls(float(np.mean(values)), half_width(values, confidence))


@dataclass(frozen=True)
class Confirmed:
    """A candidate rerun on fresh seeds: its objective and constraints with intervals.

    Attributes:
        objective: The objective's mean and half-width.
        constraints: Each constraint's text, its left-hand side's estimate and its status on
            the interval: ``holds``, ``fails`` or ``unclear``.
        seeds: The seeds used.
        confidence: Confidence of the intervals.
    """

    objective: Estimate
    constraints: tuple[tuple[str, Estimate, str], ...]
    seeds: tuple[int, ...]
    confidence: float

    @classmethod
    def of(cls, outcome: Outcome, seeds: Sequence[int], confidence: float) -> Confirmed:
        judged = []
        for constraint, values in outcome.constraints:
            estimate = Estimate.of(values, confidence)
            low, high = estimate.mean - estimate.half_width, estimate.mean + estimate.half_width
            judged.append((constraint.text, estimate, constraint.status(low, high)))
        return cls(
            Estimate.of(outcome.objective, confidence), tuple(judged), tuple(seeds), confidence
        )

    @property
    def holds(self) -> bool:
        """Whether every constraint holds on its whole interval."""
        return all(status == "holds" for _, _, status in self.constraints)
