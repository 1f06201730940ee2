"""Tests of the vectorised forecasters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policies.forecasting import ExponentialSmoothing, MovingAverage


def _feed(forecaster: MovingAverage | ExponentialSmoothing, rows: np.ndarray) -> np.ndarray:
    """Forecast after each row of demand (periods x series)."""
    out = []
    for row in rows:
        forecaster.update(row)
        out.append(np.array(forecaster.forecast))
    return np.array(out)


def test_moving_average_hand_computed_including_short_history() -> None:
    ma = MovingAverage(3, 2, initial=[7.0, 0.0])
    np.testing.assert_array_equal(ma.forecast, [7.0, 0.0])
    forecasts = _feed(ma, np.array([[3.0, 10.0], [6.0, 20.0], [9.0, 30.0], [12.0, 0.0]]))
    # Averages over the last min(t, 3) observations.
    np.testing.assert_allclose(forecasts, [[3.0, 10.0], [4.5, 15.0], [6.0, 20.0], [9.0, 50 / 3]])


def test_moving_average_matches_pandas_rolling_with_per_series_windows() -> None:
    rng = np.random.default_rng(1)
    windows = np.array([1, 2, 5, 13, 30])
    demand = rng.gamma(2.0, 10.0, size=(400, windows.size))
    forecasts = _feed(MovingAverage(windows, windows.size), demand)
    expected = np.column_stack(
        [
            pd.Series(demand[:, i]).rolling(int(w), min_periods=1).mean().to_numpy()
            for i, w in enumerate(windows)
        ]
    )
    np.testing.assert_allclose(forecasts, expected, rtol=1e-10)


def test_exponential_smoothing_hand_computed_with_and_without_prior() -> None:
    es = ExponentialSmoothing(0.5, 2, initial=[4.0, np.nan])
    np.testing.assert_array_equal(es.forecast, [4.0, 0.0])
    forecasts = _feed(es, np.array([[10.0, 10.0], [20.0, 20.0]]))
    # With a prior it smooths from 4; without one the level starts at the first observation.
    np.testing.assert_allclose(forecasts, [[7.0, 10.0], [13.5, 15.0]])


def test_exponential_smoothing_matches_pandas_ewm() -> None:
    rng = np.random.default_rng(2)
    alphas = np.array([0.05, 0.3, 1.0])
    demand = rng.poisson(20.0, size=(300, alphas.size)).astype(float)
    forecasts = _feed(ExponentialSmoothing(alphas, alphas.size), demand)
    expected = np.column_stack(
        [pd.Series(demand[:, i]).ewm(alpha=a, adjust=False).mean() for i, a in enumerate(alphas)]
    )
    np.testing.assert_allclose(forecasts, expected, rtol=1e-10)


def test_error_sd_hand_computed() -> None:
    naive = MovingAverage(1, 1)
    for demand in (10.0, 20.0):
        np.testing.assert_array_equal(naive.error_sd, [0.0])
        naive.update(np.array([demand]))
    naive.update(np.array([40.0]))
    # Errors 20 - 10 and 40 - 20; with two errors the estimate is their plain mean square.
    np.testing.assert_allclose(naive.error_sd, [np.sqrt((10.0**2 + 20.0**2) / 2)])


@pytest.mark.parametrize("window", [1, 4])
def test_error_sd_estimates_iid_forecast_error(window: int) -> None:
    # For iid demand with sd sigma the p-period moving-average error has variance
    # sigma^2 (1 + 1/p); averaging over many series makes the smoothed estimate sharp.
    rng = np.random.default_rng(3)
    n, sigma = 2000, 5.0
    ma = MovingAverage(window, n)
    for _ in range(150):
        ma.update(rng.normal(100.0, sigma, n))
    mean_square = float(np.mean(ma.error_sd**2))
    assert mean_square == pytest.approx(sigma**2 * (1 + 1 / window), rel=0.05)


def test_forecast_is_read_only() -> None:
    es = ExponentialSmoothing(0.2, 2)
    with pytest.raises(ValueError, match="read-only"):
        es.forecast[0] = 1.0


def test_invalid_forecaster_arguments() -> None:
    with pytest.raises(ValueError, match="window must be >= 1"):
        MovingAverage([2, 0], 2)
    with pytest.raises(TypeError, match="integer"):
        MovingAverage(2.5, 1)
    with pytest.raises(ValueError, match="alpha"):
        ExponentialSmoothing([0.5, 0.0], 2)
    with pytest.raises(ValueError, match="error_smoothing"):
        ExponentialSmoothing(0.5, 1, error_smoothing=1.5)
