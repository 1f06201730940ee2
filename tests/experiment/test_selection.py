"""Selecting the best under common random numbers, checked against theory on synthetic normal
data with known means: tolerances are three binomial standard errors of the simulated rates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from simulator.experiment import stats
from simulator.experiment.objectives import Objective
from simulator.experiment.selection import (
    decide,
    equicoordinate_t,
    replications_needed,
    subset,
)

ALPHA = 0.05
MACRO = 400  # independent repetitions of each procedure
TOLERANCE = 3 * math.sqrt(ALPHA * (1 - ALPHA) / MACRO)


def crn_normal(rng: np.random.Generator, means: np.ndarray, n: int, rho: float = 0.7):
    """``n`` replications of len(means) systems, unit variance, correlation ``rho`` between
    systems within a replication (what common random numbers induce)."""
    shared = rng.standard_normal((n, 1))
    own = rng.standard_normal((n, len(means)))
    return means + math.sqrt(rho) * shared + math.sqrt(1 - rho) * own


def test_the_equicoordinate_point_solves_its_equation() -> None:
    assert equicoordinate_t(1, 12, 0.95) == pytest.approx(scipy_stats.t.ppf(0.95, 12))
    # P(max T_i <= g) by simulation of the equicorrelated (rho = 1/2) multivariate t.
    rng = np.random.default_rng(1)
    m, df, draws = 4, 20, 200_000
    g = equicoordinate_t(m, df, 0.95)
    u = rng.standard_normal((draws, m + 1))
    z = (u[:, 1:] - u[:, :1]) / math.sqrt(2)
    t = z / np.sqrt(rng.chisquare(df, (draws, 1)) / df)
    coverage = float((t.max(axis=1) <= g).mean())
    assert coverage == pytest.approx(0.95, abs=4 * math.sqrt(0.05 * 0.95 / draws))
    # Between the marginal and the Bonferroni quantiles, as it must be.
    assert scipy_stats.t.ppf(0.95, df) < g < scipy_stats.t.ppf(1 - 0.05 / m, df)


def test_the_subset_holds_the_best_at_least_as_often_as_promised() -> None:
    rng = np.random.default_rng(2)
    means = np.array([0.0, 0.1, 0.2, 0.3])  # close: the hardest case for keeping the best
    kept = [3 in subset(crn_normal(rng, means, 10), True, 1 - ALPHA) for _ in range(MACRO)]
    assert np.mean(kept) >= 1 - ALPHA - TOLERANCE


def test_a_clearly_worse_variant_is_screened_out() -> None:
    rng = np.random.default_rng(3)
    values = crn_normal(rng, np.array([0.0, 5.0, 5.1]), 20)
    assert subset(values, True, 0.95) == [1, 2]
    assert subset(-values, False, 0.95) == [1, 2]  # the same when lower is better


def test_nelson_matejcik_selects_the_best_within_the_indifference_zone() -> None:
    rng = np.random.default_rng(4)
    delta, n0 = 0.5, 10
    means = np.array([0.0, 0.0, 0.0, delta])  # slippage: the least favourable configuration
    correct = []
    for _ in range(MACRO):
        first = crn_normal(rng, means, n0)
        n = replications_needed(first, delta, 1 - ALPHA)
        values = np.vstack([first, crn_normal(rng, means, n - n0)])
        correct.append(int(values.mean(axis=0).argmax()) == 3)
    assert np.mean(correct) >= 1 - ALPHA - TOLERANCE


def test_the_paired_interval_covers_the_true_difference() -> None:
    # MACRO independent studies at once, one per KPI id: each gets its own paired interval.
    rng = np.random.default_rng(5)
    n = 8
    rows = []
    for k in range(MACRO):
        values = crn_normal(rng, np.array([1.0, 1.3]), n)
        rows += [
            {"variant": v, "replication": r, "scope": "network", "id": f"study-{k}"}
            | {"metric": "revenue", "value": values[r, j]}
            for r in range(n)
            for j, v in enumerate(["a", "b"])
        ]
    table = stats.paired_differences(pd.DataFrame(rows), "a", 1 - ALPHA)
    covered = (table["ci_low"] <= 0.3) & (table["ci_high"] >= 0.3)
    assert covered.mean() == pytest.approx(1 - ALPHA, abs=TOLERANCE)


def test_the_verdict_reports_the_paired_difference_from_the_runner_up() -> None:
    rng = np.random.default_rng(6)
    values = crn_normal(rng, np.array([1.0, 3.0, 2.0]), 10)
    runs = pd.DataFrame(
        [
            {"variant": v, "replication": r, "scope": "network", "id": "network"}
            | {"metric": "revenue", "value": values[r, j]}
            for r in range(10)
            for j, v in enumerate(["a", "b", "c"])
        ]
    )
    verdict = decide(runs, Objective(name="revenue", expr="revenue", direction="max"))
    pair = stats.paired_differences(runs[runs["variant"].isin(["b", "c"])], "c").iloc[0]
    assert (verdict.best, verdict.runner_up) == ("b", "c")
    assert verdict.difference == pytest.approx(pair["mean_diff"])
    assert verdict.difference_half_width == pytest.approx(pair["half_width"])
    assert verdict.selection.subset == ("b",)
    assert verdict.prob_best["b"] > 0.99
