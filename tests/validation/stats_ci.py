"""Confidence intervals for comparing simulated KPIs with their theoretical values.

Two cases occur in the validation tests:

* independent replications, one KPI value each: ``mean_ci`` (Student t interval);
* one long run whose per-period values are autocorrelated: ``batch_means_ci``, which
  averages contiguous batches long enough to be nearly independent and normal and
  then applies the t interval to the batch means (Law, *Simulation Modeling and
  Analysis*, ch. 9, method of batch means; the usual choice is 10 to 30 batches).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import t as student_t

__all__ = ["batch_means_ci", "mean_ci"]


def _check_confidence(confidence: float) -> float:
    """Return ``confidence`` as a float after checking ``0 < confidence < 1``."""
    level = float(confidence)
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    return level


def mean_ci(samples: ArrayLike, confidence: float = 0.95) -> tuple[float, float]:
    """Student t confidence interval for the mean of i.i.d. samples.

    ``mean +- t_{(1 + confidence)/2, n-1} * s / sqrt(n)`` with ``s`` the sample
    standard deviation (divisor ``n - 1``).

    Args:
        samples: One-dimensional sequence of at least two finite values.
        confidence: Two-sided coverage probability in ``(0, 1)``.

    Returns:
        ``(mean, half_width)``.

    Raises:
        ValueError: If fewer than two samples, a non-finite sample, or an invalid
            confidence level is given.
    """
    level = _check_confidence(confidence)
    values = np.asarray(samples, dtype=np.float64)
    if values.ndim != 1 or values.size < 2:
        raise ValueError(f"need a 1-D sequence of at least 2 samples, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("samples must be finite")
    n = values.size
    mean = float(values.mean())
    std_error = float(values.std(ddof=1)) / math.sqrt(n)
    quantile = float(student_t.ppf(0.5 * (1.0 + level), n - 1))
    return mean, quantile * std_error


def batch_means_ci(
    series: ArrayLike, n_batches: int = 20, confidence: float = 0.95
) -> tuple[float, float]:
    """Batch-means confidence interval for the steady-state mean of one run.

    The series is cut into ``n_batches`` contiguous batches of equal length
    ``len(series) // n_batches``. The leftover ``len(series) % n_batches``
    observations are dropped from the *start* of the series, the end least
    representative of steady state. ``mean_ci`` is then applied to the batch means
    (Law, *Simulation Modeling and Analysis*, ch. 9). Warm-up deletion is the
    caller's job.

    Args:
        series: One-dimensional within-run series, e.g. daily costs.
        n_batches: Number of batches, ``>= 2``.
        confidence: Two-sided coverage probability in ``(0, 1)``.

    Returns:
        ``(mean, half_width)``; ``mean`` is the mean of the observations kept.

    Raises:
        ValueError: If ``n_batches < 2`` or the series has fewer than ``n_batches``
            observations.
    """
    values = np.asarray(series, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"series must be 1-D, got shape {values.shape}")
    if n_batches < 2:
        raise ValueError(f"n_batches must be >= 2, got {n_batches}")
    batch_size = values.size // n_batches
    if batch_size < 1:
        raise ValueError(f"series of length {values.size} is shorter than {n_batches} batches")
    kept = values[values.size - batch_size * n_batches :]
    batch_means = kept.reshape(n_batches, batch_size).mean(axis=1)
    return mean_ci(batch_means, confidence)
