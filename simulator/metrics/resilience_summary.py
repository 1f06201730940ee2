"""Resilience KPIs summarised over replications: median, quantile band and t interval of
each KPI, and the band of the service curves that the recovery plot draws.

A replication that never fell below the target or never recovered has an infinite time; the
quantiles keep it (and may be ``inf``), the mean and its interval leave it out and say how many
finite values they rest on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from simulator.metrics.intervals import check_confidence, half_width
from simulator.metrics.resilience import METRICS, ResilienceKPIs


def _check_band(band: tuple[float, float]) -> None:
    low, high = band
    if not 0.0 <= low <= high <= 1.0:
        raise ValueError(f"band must be quantiles 0 <= low <= high <= 1, got {band!r}")


def _quantile(ordered: np.ndarray, q: float) -> float:
    """Linear-interpolation quantile (numpy's default) of sorted values that may hold ``inf``.

    numpy turns ``inf`` neighbours into NaN (``inf - inf``, ``0 * inf``); here a quantile that
    falls exactly on a finite value is that value, and one that interpolates towards ``inf`` is
    ``inf``: more than that share of the replications never got there.
    """
    position = (ordered.size - 1) * q
    lower = math.floor(position)
    upper = min(lower + 1, ordered.size - 1)
    fraction = position - lower
    a, b = float(ordered[lower]), float(ordered[upper])
    if fraction == 0.0 or a == b:
        return a
    if math.isinf(a):
        return a
    if math.isinf(b):
        return b
    return a + fraction * (b - a)


def summarize_resilience(
    kpis: Sequence[ResilienceKPIs],
    confidence: float = 0.95,
    band: tuple[float, float] = (0.1, 0.9),
) -> pd.DataFrame:
    """Median, quantile band and mean with a t interval of each KPI over replications.

    Times are ``inf`` in replications that never fell below the target (``time_to_survive``)
    or never recovered (``time_to_recover``). Such a replication counts in the median and the
    band, which may then be ``inf``, and in ``share_inf``; the mean, standard deviation and t
    interval are over the replications with a finite value only, so they describe the ones that
    did fall or recover and ``n_finite`` says how many those are. NaN values (a KPI the runs
    did not track) are dropped, as in the study summaries.

    Args:
        kpis: One :class:`ResilienceKPIs` per replication (at least one).
        confidence: Two-sided confidence level of the t interval.
        band: Lower and upper quantiles of the band, for example ``(0.1, 0.9)``.

    Returns:
        One row per KPI of :data:`METRICS`, in that order, with columns ``metric, n, median,
        low, high, share_inf, n_finite, mean, sd, half_width, ci_low, ci_high``: ``n`` values
        that are not NaN, of which ``share_inf`` are ``inf``; ``low, high`` the band's
        quantiles (linear interpolation, numpy's default); the interval ``mean +- t_{m-1,
        (1+c)/2} * sd / sqrt(m)`` over the ``m = n_finite`` finite values (NaN half width if
        ``m < 2``). All statistics are NaN where ``n = 0``.

    Raises:
        ValueError: If ``kpis`` is empty, or ``confidence`` or ``band`` is invalid.
    """
    check_confidence(confidence)
    _check_band(band)
    if not kpis:
        raise ValueError("no replications to summarise")
    rows = []
    for metric in METRICS:
        values = np.asarray([getattr(k, metric) for k in kpis], dtype=np.float64)
        values = np.sort(values[~np.isnan(values)])
        finite = values[np.isfinite(values)]
        n, n_finite = values.size, finite.size
        median, low, high = (_quantile(values, q) if n else math.nan for q in (0.5, *band))
        mean = float(finite.mean()) if n_finite else math.nan
        half = half_width(finite, confidence)
        rows.append(
            {
                "metric": metric,
                "n": n,
                "median": median,
                "low": low,
                "high": high,
                "share_inf": (n - n_finite) / n if n else math.nan,
                "n_finite": n_finite,
                "mean": mean,
                "sd": float(np.std(finite, ddof=1)) if n_finite >= 2 else math.nan,
                "half_width": half,
                "ci_low": mean - half,
                "ci_high": mean + half,
            }
        )
    return pd.DataFrame(rows)


def recovery_band(
    curves: Sequence[npt.ArrayLike] | np.ndarray, band: tuple[float, float] = (0.1, 0.9)
) -> pd.DataFrame:
    """Per-day median and quantile band of a service curve across replications, for plots.

    Args:
        curves: One service series per replication (for example each disrupted run's
            :func:`smoothed_fill_rate`), all over the same days: a replications x days array
            or a sequence of equal-length 1-D series, finite.
        band: Lower and upper quantiles, for example ``(0.1, 0.9)``.

    Returns:
        Columns ``day, median, low, high``, one row per day: the quantiles over replications
        of that day's service (linear interpolation, numpy's default).

    Raises:
        ValueError: If there is no curve, the curves differ in length or are not finite, or
            ``band`` is invalid.
    """
    _check_band(band)
    if len(curves) == 0:
        raise ValueError("no curves")
    lengths = {np.shape(curve) for curve in curves}
    if len(lengths) != 1 or len(next(iter(lengths))) != 1:
        raise ValueError(f"curves must be 1-D series of one length, got shapes {sorted(lengths)}")
    stacked = np.asarray(curves, dtype=np.float64)
    if not np.all(np.isfinite(stacked)):
        raise ValueError("curves must be finite")
    median, low, high = np.quantile(stacked, [0.5, *band], axis=0)
    return pd.DataFrame(
        {"day": np.arange(stacked.shape[1]), "median": median, "low": low, "high": high}
    )
