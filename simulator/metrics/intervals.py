"""Precision of a mean over independent replications, and how many replications a target needs.

Every interval here is the Student t interval over replications (Law, *Simulation Modeling and
Analysis*, 5th ed., section 4.5): replications of a terminating run are i.i.d., and their
means are close to normal by the central limit theorem even when the daily path is not.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def check_confidence(confidence: float) -> None:
    """Reject a confidence level outside the open interval (0, 1).

    Args:
        confidence: Two-sided confidence level, for example 0.95.

    Raises:
        ValueError: If ``confidence`` is not strictly between 0 and 1.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")


def t_half_widths(n: np.ndarray, sd: np.ndarray, confidence: float) -> np.ndarray:
    """Half widths ``t_{n-1, (1+c)/2} * sd / sqrt(n)`` of t intervals, elementwise.

    Args:
        n: Sample sizes.
        sd: Sample standard deviations (``ddof=1``).
        confidence: Two-sided confidence level.

    Returns:
        The half widths as float64; NaN where ``n < 2`` (no variance estimate).
    """
    check_confidence(confidence)
    n_f = np.asarray(n, dtype=np.float64)
    sd_f = np.asarray(sd, dtype=np.float64)
    enough = n_f >= 2
    df = np.where(enough, n_f - 1.0, np.nan)
    # t.ppf(q, df) is the same quantile scipy.stats.t.interval uses for its upper bound.
    quantile = stats.t.ppf((1.0 + confidence) / 2.0, df)
    root_n = np.sqrt(np.where(enough, n_f, np.nan))
    return np.asarray(quantile * sd_f / root_n, dtype=np.float64)


def _finite_sample(values: np.ndarray) -> np.ndarray:
    """The values as a flat float64 array with NaN (missing replications) dropped."""
    sample = np.asarray(values, dtype=np.float64).ravel()
    return sample[~np.isnan(sample)]


def half_width(values: np.ndarray, confidence: float = 0.95) -> float:
    """Half width of the t confidence interval for the mean of i.i.d. replications.

    Args:
        values: One value per replication (any shape, flattened); NaN entries are dropped,
            as in :func:`simulator.experiment.stats.summarize`.
        confidence: Two-sided confidence level.

    Returns:
        ``t_{n-1, (1+c)/2} * s / sqrt(n)``, or NaN with fewer than two values.

    Raises:
        ValueError: If ``confidence`` is not strictly between 0 and 1.
    """
    sample = _finite_sample(values)
    n = sample.size
    sd = float(np.std(sample, ddof=1)) if n >= 2 else math.nan
    return float(t_half_widths(np.asarray([n]), np.asarray([sd]), confidence)[0])


def replications_needed(values: np.ndarray, target: float, confidence: float = 0.95) -> int:
    """Replications for a t interval with half width at most ``target``, from a pilot.

    The classic two-stage estimate (Law, *Simulation Modeling and Analysis*, ch. 9, obtaining
    a specified precision): treat the pilot's sample standard deviation ``s`` as known and
    return the smallest ``n >= len(pilot)`` with ``t_{n-1, (1+c)/2} * s / sqrt(n) <=
    target``. It is an estimate: the second stage's own ``s`` will differ, so check the final
    interval (or continue sequentially).

    Args:
        values: The pilot replications (NaN entries are dropped); at least two.
        target: The wanted absolute half width, in the metric's unit; positive.
        confidence: Two-sided confidence level.

    Returns:
        The total number of replications (pilot included), at least the pilot's size.

    Raises:
        ValueError: With fewer than two pilot values, a non-positive or non-finite target, a
            non-finite pilot standard deviation, or an invalid confidence.
    """
    check_confidence(confidence)
    if not (math.isfinite(target) and target > 0):
        raise ValueError(f"target half width must be positive and finite, got {target!r}")
    sample = _finite_sample(values)
    n0 = sample.size
    if n0 < 2:
        raise ValueError(f"a pilot of at least two replications is needed, got {n0}")
    sd = float(np.std(sample, ddof=1))
    if not math.isfinite(sd):
        raise ValueError("the pilot's standard deviation is not finite")
    q = (1.0 + confidence) / 2.0

    def precise_enough(n: int) -> bool:
        return float(stats.t.ppf(q, n - 1)) * sd / math.sqrt(n) <= target

    # t_{n-1} > z for every n, so the normal-theory size ceil((z s / target)^2) never
    # overshoots the answer; from there t_{n-1} / sqrt(n) decreases strictly, and the t
    # answer exceeds the normal one by only about (1 + z^2) / 2 replications, so the walk is
    # a few steps (Cornish-Fisher expansion of the t quantile).
    z = float(stats.norm.ppf(q))
    n = max(n0, math.ceil((z * sd / target) ** 2))
    while not precise_enough(n):
        n += 1
    return n
