"""Vectorised one-period-ahead demand forecasters over n independent series.

Each forecaster keeps per-series state in numpy arrays, so one instance serves every position
of a policy; ``update`` is called once per period with the demand of all n series.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike


class Forecaster(Protocol):
    """One-period-ahead forecaster over n series."""

    def update(self, demand: np.ndarray) -> None:
        """Record the demand of the period just ended (float64, length n)."""
        ...

    @property
    def forecast(self) -> np.ndarray:
        """Forecast of next period's demand per series (read-only)."""
        ...

    @property
    def error_sd(self) -> np.ndarray:
        """Estimated standard deviation of one-period forecast errors per series (read-only)."""
        ...


def _readonly(values: np.ndarray) -> np.ndarray:
    view = values.view()
    view.flags.writeable = False
    return view


def _per_series(values: ArrayLike, n: int, dtype: type) -> np.ndarray:
    return np.array(np.broadcast_to(np.asarray(values, dtype=dtype), (n,)))


class _ErrorTracker:
    """Online root mean squared one-period forecast error.

    The squared errors are averaged plainly until 1/smoothing of them have been seen and
    exponentially smoothed afterwards: the plain mean avoids the downward bias of starting a
    smoothed estimate at zero, the smoothing lets the estimate follow a changing demand process.
    """

    def __init__(self, n: int, smoothing: float) -> None:
        if not 0.0 < smoothing <= 1.0:
            raise ValueError(f"error_smoothing must be in (0, 1] (got {smoothing})")
        self._mse = np.zeros(n)
        self._count = 0
        self._smoothing = smoothing

    def record(self, error: np.ndarray) -> None:
        self._count += 1
        weight = max(1.0 / self._count, self._smoothing)
        self._mse += weight * (error * error - self._mse)

    @property
    def sd(self) -> np.ndarray:
        return np.sqrt(self._mse)


class MovingAverage:
    """Mean of the last ``window`` observations of each series.

    Before a series has ``window`` observations its forecast is the mean of all t observations
    seen so far, i.e. the average runs over the last min(t, window) observations; before any
    observation the forecast is ``initial``. Forecast errors are tracked from the second
    observation on, once the forecast rests on data.

    Args:
        window: Window length per series (integer >= 1, scalar or length n).
        n: Number of series.
        initial: Forecast before any observation (scalar or length n).
        error_smoothing: Smoothing constant of the squared-error estimate, in (0, 1].
    """

    def __init__(
        self, window: ArrayLike, n: int, initial: ArrayLike = 0.0, error_smoothing: float = 0.1
    ) -> None:
        if not np.issubdtype(np.asarray(window).dtype, np.integer):
            raise TypeError("moving average window must be an integer")
        self._window = _per_series(window, n, np.int64)
        if n and self._window.min() < 1:
            raise ValueError("moving average window must be >= 1")
        self._initial = _per_series(initial, n, np.float64)
        # Ring buffer deep enough for the longest window; row t % depth holds period t.
        self._buffer = np.zeros((int(self._window.max(initial=1)), n))
        self._sum = np.zeros(n)
        self._cols = np.arange(n)
        self._t = 0
        self._errors = _ErrorTracker(n, error_smoothing)

    def update(self, demand: np.ndarray) -> None:
        """Record the demand of the period just ended (float64, length n)."""
        if self._t:
            self._errors.record(demand - self.forecast)
        depth = self._buffer.shape[0]
        # Drop the observation leaving each window. While t < window that slot lies in
        # [t, depth) and has never been written, so it still holds zero and nothing is dropped.
        self._sum -= self._buffer[(self._t - self._window) % depth, self._cols]
        self._buffer[self._t % depth] = demand
        self._sum += demand
        self._t += 1

    @property
    def forecast(self) -> np.ndarray:
        """Mean of the last min(t, window) observations; ``initial`` before any."""
        if not self._t:
            return _readonly(self._initial)
        return self._sum / np.minimum(self._t, self._window)

    @property
    def error_sd(self) -> np.ndarray:
        """Root mean squared one-period forecast error (0 until two observations)."""
        return self._errors.sd


class ExponentialSmoothing:
    """Simple exponential smoothing: level += alpha * (demand - level).

    A series with a prior level smooths from it; a series without one (``initial`` None or
    NaN) forecasts 0 until its first observation and then starts its level there, the usual
    initialisation that avoids a long bias towards zero. Forecast errors are tracked from the
    second observation on.

    Args:
        alpha: Smoothing constant per series, in (0, 1] (scalar or length n).
        n: Number of series.
        initial: Prior level per series (scalar or length n); None or NaN means no prior.
        error_smoothing: Smoothing constant of the squared-error estimate, in (0, 1].
    """

    def __init__(
        self,
        alpha: ArrayLike,
        n: int,
        initial: ArrayLike | None = None,
        error_smoothing: float = 0.1,
    ) -> None:
        self._alpha = _per_series(alpha, n, np.float64)
        if np.any((self._alpha <= 0.0) | (self._alpha > 1.0)):
            raise ValueError("exponential smoothing alpha must be in (0, 1]")
        prior = _per_series(np.nan if initial is None else initial, n, np.float64)
        self._has_prior = ~np.isnan(prior)
        self._level = np.where(self._has_prior, prior, 0.0)
        self._t = 0
        self._errors = _ErrorTracker(n, error_smoothing)

    def update(self, demand: np.ndarray) -> None:
        """Record the demand of the period just ended (float64, length n)."""
        if self._t:
            self._errors.record(demand - self._level)
        else:
            np.copyto(self._level, demand, where=~self._has_prior)
        self._level += self._alpha * (demand - self._level)
        self._t += 1

    @property
    def forecast(self) -> np.ndarray:
        """Current smoothed level."""
        return _readonly(self._level)

    @property
    def error_sd(self) -> np.ndarray:
        """Root mean squared one-period forecast error (0 until two observations)."""
        return self._errors.sd
