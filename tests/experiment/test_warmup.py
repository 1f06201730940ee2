"""MSER-5 warm-up truncation: the statistic itself, and where it truncates known transients."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from simulator.experiment.warmup import mser5

N = 2000
LEVEL = 10.0
START = 50.0
TAU = 20.0  # e-folding time of the transient, in observations
# The transient: bias(t) = 40 exp(-t / 20), from 50 at t = 0 down to below 0.3 by t = 100.
TIMES = np.arange(N)
BIAS = (START - LEVEL) * np.exp(-TIMES / TAU)
# Before this point the bias still exceeds three noise standard deviations (sd 1): a batch
# there sits so far from the steady mean that keeping it can never lower the MSER statistic.
SURELY_BIASED = TAU * math.log((START - LEVEL) / 3.0)  # about 52
# "Well before the end": within three times the transient's nominal length of ~100 points
# (15 % of the series, far below the 50 % search cap).
WELL_BEFORE_END = 300


def iid_noise(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, 1.0, N)


def ar1_noise(seed: int, phi: float = 0.5) -> np.ndarray:
    """Stationary AR(1) with unit innovations, started from its stationary distribution."""
    shocks = np.random.default_rng(seed).normal(0.0, 1.0, N)
    out = np.empty(N)
    out[0] = shocks[0] / math.sqrt(1.0 - phi * phi)
    for t in range(1, N):
        out[t] = phi * out[t - 1] + shocks[t]
    return out


def mser5_by_definition(series: np.ndarray, max_fraction: float = 0.5) -> int:
    """MSER-5 straight from White (1997): a loop over truncations with two-pass variances."""
    k = len(series) // 5
    z = series[: 5 * k].reshape(k, 5).mean(axis=1)
    best_d, best = 0, math.inf
    for d in range(min(int(max_fraction * k), k - 2) + 1):
        tail = z[d:]
        value = float(np.sum((tail - tail.mean()) ** 2)) / len(tail) ** 2
        if value < best:
            best_d, best = d, value
    return 5 * best_d


@pytest.mark.parametrize("seed", range(5))
def test_matches_the_definition(seed: int) -> None:
    series = LEVEL + BIAS[:503] + iid_noise(seed)[:503]  # 100 batches and a remainder of 3
    assert mser5(series) == mser5_by_definition(series)
    assert mser5(series, max_fraction=0.2) == mser5_by_definition(series, max_fraction=0.2)


@pytest.mark.parametrize("noise", [iid_noise, ar1_noise])
@pytest.mark.parametrize("seed", range(10))
def test_truncates_after_a_known_transient(noise: Callable[[int], np.ndarray], seed: int) -> None:
    series = LEVEL + BIAS + noise(seed)
    d = mser5(series)
    assert d % 5 == 0
    assert SURELY_BIASED <= d <= WELL_BEFORE_END


@pytest.mark.parametrize("noise", [iid_noise, ar1_noise])
def test_truncation_is_small_on_a_stationary_series(noise: Callable[[int], np.ndarray]) -> None:
    cuts = np.array([mser5(LEVEL + noise(seed)) for seed in range(20)])
    # No transient: MSER-5 keeps (nearly) everything. Chance runs of agreeing batches can
    # cut a little; never more than 10 % of the series, and typically nothing.
    assert cuts.max() <= 0.1 * N
    assert np.median(cuts) <= 0.02 * N


def test_two_dimensional_input_uses_the_mean_across_replications() -> None:
    rng = np.random.default_rng(7)
    paths = LEVEL + BIAS + rng.normal(0.0, 3.0, size=(10, N))  # noisy paths; mean has sd 0.95
    assert mser5(paths) == mser5(paths.mean(axis=0))
    assert SURELY_BIASED <= mser5(paths) <= WELL_BEFORE_END


def test_search_is_capped_by_max_fraction() -> None:
    # A series that keeps falling: the statistic decreases all the way to the cap.
    series = np.linspace(100.0, 0.0, 1000) ** 2
    assert mser5(series, max_fraction=0.3) == 5 * int(0.3 * 200)
    assert mser5(series, max_fraction=0.0) == 0


def test_constant_series_is_not_truncated() -> None:
    assert mser5(np.full(100, 3.0)) == 0


@pytest.mark.parametrize(
    ("series", "max_fraction"),
    [
        (np.ones(9), 0.5),
        (np.ones((2, 3, 20)), 0.5),
        (np.r_[np.ones(20), np.nan], 0.5),
        (np.ones(50), 1.0),
        (np.ones(50), -0.1),
    ],
)
def test_invalid_input_raises(series: np.ndarray, max_fraction: float) -> None:
    with pytest.raises(ValueError):
        mser5(series, max_fraction=max_fraction)
