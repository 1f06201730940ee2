"""t half widths and the two-stage estimate of the replications a target precision needs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from simulator.metrics.intervals import half_width, replications_needed


def t_half_width(n: int, sd: float, confidence: float) -> float:
    return float(stats.t.ppf((1 + confidence) / 2, n - 1)) * sd / math.sqrt(n)


def pilot_with_sd(n: int, sd: float, seed: int = 0) -> np.ndarray:
    """A pilot sample whose sample standard deviation is exactly ``sd`` (up to rounding)."""
    x = np.random.default_rng(seed).normal(size=n)
    return 100.0 + sd * (x - x.mean()) / x.std(ddof=1)


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
@pytest.mark.parametrize("n", [2, 3, 10, 57])
def test_half_width_matches_scipy_t_interval(n: int, confidence: float) -> None:
    values = np.random.default_rng(n).gamma(2.0, 3.0, size=n)
    low, high = stats.t.interval(confidence, n - 1, loc=values.mean(), scale=stats.sem(values))
    assert half_width(values, confidence) == pytest.approx((high - low) / 2, rel=1e-12)


def test_half_width_drops_nan_and_needs_two_values() -> None:
    values = np.array([1.0, np.nan, 2.0, 4.0])
    assert half_width(values) == half_width(np.array([1.0, 2.0, 4.0]))
    assert math.isnan(half_width(np.array([3.0])))
    assert math.isnan(half_width(np.array([3.0, np.nan])))
    assert half_width(np.full(5, 2.5)) == 0.0
    with pytest.raises(ValueError):
        half_width(np.ones(3), confidence=1.0)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
@pytest.mark.parametrize(("n0", "sd", "target"), [(2, 1.0, 0.9), (5, 3.0, 0.5), (10, 2.0, 0.05)])
def test_replications_needed_is_the_smallest_sufficient_n(
    n0: int, sd: float, target: float, confidence: float
) -> None:
    pilot = pilot_with_sd(n0, sd)
    s = float(np.std(pilot, ddof=1))
    n = replications_needed(pilot, target, confidence)
    assert n > n0  # every case here needs more than the pilot
    assert t_half_width(n, s, confidence) <= target
    assert t_half_width(n - 1, s, confidence) > target


def test_replications_needed_matches_the_normal_approximation_for_large_n() -> None:
    # For large n, t -> z: n ~ (z s / target)^2, plus about (1 + z^2) / 2 for the t quantile.
    pilot = pilot_with_sd(20, 10.0)
    n = replications_needed(pilot, 0.1)
    z = stats.norm.ppf(0.975)
    assert (z * 10.0 / 0.1) ** 2 < n <= (z * 10.0 / 0.1) ** 2 + (1 + z**2) / 2 + 1


def test_a_precise_enough_pilot_needs_no_more() -> None:
    pilot = pilot_with_sd(30, 1.0)
    assert replications_needed(pilot, target=10.0) == 30
    assert replications_needed(np.full(4, 7.0), target=1e-9) == 4  # sd 0


def test_replications_needed_ignores_nan_and_validates() -> None:
    pilot = pilot_with_sd(6, 2.0)
    assert replications_needed(np.r_[pilot, np.nan], 0.3) == replications_needed(pilot, 0.3)
    for bad_target in (0.0, -1.0, math.inf, math.nan):
        with pytest.raises(ValueError):
            replications_needed(pilot, bad_target)
    with pytest.raises(ValueError):
        replications_needed(np.array([1.0, np.nan]), 0.1)
    with pytest.raises(ValueError):
        replications_needed(pilot, 0.1, confidence=0.0)
