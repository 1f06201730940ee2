"""Simulation optimisation of policy parameters with Optuna, under common random numbers.

Every candidate is simulated on the same seeds (``seed .. seed + replications - 1``), so two
candidates differ by their parameters and not by their luck, and the search compares them on
paired samples. Optuna's TPE sampler, seeded, proposes the candidates: the same file and seed
give the same search. Constraints go to the sampler as Optuna constraints (``Trial.set_constraint``:
a candidate whose replication means break a constraint is infeasible, and TPE learns to avoid
the region) rather than as a penalty, so the objective keeps its unit and meaning. The winner
is the best feasible candidate; it is then rerun on fresh seeds, never used in the search, to
give an unbiased estimate with its confidence interval (the search's own estimate of the best
of many candidates is optimistic).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import optuna
import pandas as pd

from simulator.experiment.optimise_runs import Confirmed, Outcome, replicate
from simulator.experiment.optimise_spec import Optimisation, Parameter


@dataclass(frozen=True)
class Trial:
    """One evaluated candidate.

    Attributes:
        number: Its place in the search, from 0.
        values: The searched values (``above`` parameters as the gap over their anchor).
        written: Override path -> value written into the scenario.
        objective: Mean objective over the search's replications.
        violations: Per constraint, how far its mean misses the bound (<= 0: it holds).
    """

    number: int
    values: dict[str, float]
    written: dict[str, float]
    objective: float
    violations: tuple[float, ...]

    @property
    def feasible(self) -> bool:
        return all(v <= 0 for v in self.violations)


@dataclass(frozen=True)
class SearchResult:
    """A finished search.

    Attributes:
        optimisation: What was searched.
        trials: Every candidate, in the order proposed.
        best: The best feasible candidate, else the one closest to feasible.
        confirmed: The best candidate rerun on fresh seeds.
    """

    optimisation: Optimisation
    trials: tuple[Trial, ...]
    best: Trial
    confirmed: Confirmed

    def convergence(self) -> pd.DataFrame:
        """Per trial: its objective, whether it is feasible, and the best feasible so far."""
        sign = 1.0 if self.optimisation.objective.higher_is_better else -1.0
        best, rows = -math.inf, []
        for trial in self.trials:
            if trial.feasible:
                best = max(best, sign * trial.objective)
            rows.append((trial.number, trial.objective, trial.feasible, sign * best))
        columns = ["trial", "objective", "feasible", "best_so_far"]
        table = pd.DataFrame(rows, columns=columns)
        table["best_so_far"] = table["best_so_far"].replace([math.inf, -math.inf], np.nan)
        return table


Progress = Callable[[int, int], None]
"""Called with (trials done, trials in all) after each trial."""


def optimise(
    optimisation: Optimisation, executor: Executor, progress: Progress | None = None
) -> SearchResult:
    """Search the parameters, then confirm the winner on fresh seeds.

    Args:
        optimisation: What to search, on which scenario, with which settings.
        executor: Where each candidate's replications run.
        progress: Told after each trial, if given.

    Returns:
        Every trial, the winner and its confirmation.
    """
    seeds = [optimisation.seed + r for r in range(optimisation.replications)]
    evaluated: dict[tuple[float, ...], Trial] = {}
    trials: list[Trial] = []

    def evaluate(trial: optuna.Trial) -> float:
        values = {name: _suggest(trial, name, p) for name, p in optimisation.parameters.items()}
        key = tuple(values.values())
        if key not in evaluated:  # TPE may propose a point again; under CRN it scores the same
            evaluated[key] = _evaluate(optimisation, executor, values, seeds, trial.number)
        found = evaluated[key]
        trials.append(Trial(trial.number, values, found.written, found.objective, found.violations))
        for text, violation in zip(optimisation.constraints, found.violations, strict=True):
            trial.set_constraint(text, violation)
        if progress is not None:
            progress(len(trials), optimisation.trials)
        return found.objective

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=optimisation.sampler_seed)
    study = optuna.create_study(
        direction="maximize" if optimisation.objective.higher_is_better else "minimize",
        sampler=sampler,
    )
    study.optimize(evaluate, n_trials=optimisation.trials)
    best = _best(trials, optimisation.objective.higher_is_better)
    first = optimisation.seed + optimisation.replications  # after every seed the search used
    fresh = [first + r for r in range(optimisation.confirm.replications)]
    values = replicate(executor, optimisation.candidate(best.values), fresh)
    outcome = Outcome.of(values, optimisation.objective, optimisation.constraints)
    confirmed = Confirmed.of(outcome, fresh, optimisation.confirm.confidence)
    return SearchResult(optimisation, tuple(trials), best, confirmed)


def _suggest(trial: optuna.Trial, name: str, parameter: Parameter) -> float:
    if parameter.type == "int":
        step = int(parameter.step or 1)
        return float(trial.suggest_int(name, int(parameter.low), int(parameter.high), step=step))
    return trial.suggest_float(name, parameter.low, parameter.high, step=parameter.step)


def _evaluate(
    optimisation: Optimisation,
    executor: Executor,
    values: dict[str, float],
    seeds: list[int],
    number: int,
) -> Trial:
    scenario = optimisation.candidate(values)
    outcome = Outcome.of(
        replicate(executor, scenario, seeds), optimisation.objective, optimisation.constraints
    )
    written = optimisation.overrides(values)
    return Trial(number, values, written, outcome.mean, tuple(outcome.violations()))


def _best(trials: list[Trial], higher_is_better: bool) -> Trial:
    """The best feasible trial (the earliest of ties); without one, the least infeasible."""
    feasible = [t for t in trials if t.feasible and not math.isnan(t.objective)]
    if not feasible:
        return min(trials, key=lambda t: sum(max(v, 0.0) for v in t.violations))
    sign = -1.0 if higher_is_better else 1.0
    return min(feasible, key=lambda t: sign * t.objective)
