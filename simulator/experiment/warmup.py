"""Warm-up (initial transient) truncation by MSER-5.

MSER, the marginal standard error rule (White 1997; White, Cobb & Spratt 2000), truncates the
first ``d`` observations where the squared standard error of the truncated mean, computed as
if the rest were independent, is smallest: dropping a biased early observation shrinks the
spread more than losing it widens the standard error. MSER-5 applies the rule to batch means
of five observations, which smooths the statistic; Hoad, Robinson & Davies (2010) found it the
most reliable of the automatic warm-up methods they compared.
"""

from __future__ import annotations

import numpy as np

BATCH = 5
"""Observations per batch (the "5" of MSER-5)."""


def mser5(series: np.ndarray, max_fraction: float = 0.5) -> int:
    """Number of initial observations to delete as warm-up, by MSER-5.

    The series is cut into ``k = len // 5`` batches of five consecutive observations (a
    remainder of fewer than five at the end is ignored) with means ``Z_1..Z_k``. For each
    candidate truncation of ``d`` batches, ``MSER(d) = sum_{j>d} (Z_j - mean(Z_{d+1..k}))^2 /
    (k - d)^2``; the smallest ``d`` minimising it over ``0 <= d <= max_fraction * k`` (and
    ``k - d >= 2``) is chosen.

    The cap matters: near the end of a series MSER can be driven small by a few batches that
    happen to agree, so the search is customarily restricted to the first half, and a
    truncation at the cap means the run is probably too short for its transient (Hoad,
    Robinson & Davies 2010); run longer rather than trust it.

    Args:
        series: Daily observations, 1-D (one path) or 2-D ``(replications, days)``; a 2-D
            input is first averaged across replications, which keeps the transient's bias and
            divides the noise by the number of replications.
        max_fraction: Largest share of the batches that may be deleted, in ``[0, 1)``.

    Returns:
        The number of observations to delete, a multiple of five.

    Raises:
        ValueError: On a series of other than one or two dimensions, with non-finite values,
            with fewer than two batches (ten observations), or with ``max_fraction`` outside
            ``[0, 1)``.
    """
    if not 0.0 <= max_fraction < 1.0:
        raise ValueError(f"max_fraction must be in [0, 1), got {max_fraction!r}")
    data = np.asarray(series, dtype=np.float64)
    if data.ndim == 2:
        data = data.mean(axis=0)
    elif data.ndim != 1:
        raise ValueError(f"series must be 1-D or 2-D (replications x days), got {data.ndim}-D")
    if not np.all(np.isfinite(data)):
        raise ValueError("series must be finite (no NaN or infinite values)")
    k = data.size // BATCH
    if k < 2:
        raise ValueError(f"MSER-5 needs at least {2 * BATCH} observations, got {data.size}")
    batches = data[: k * BATCH].reshape(k, BATCH).mean(axis=1)
    # Centring first keeps the one-pass sum of squares below from cancelling catastrophically.
    z = batches - batches.mean()
    d_max = min(int(max_fraction * k), k - 2)
    # Suffix sums over Z_{d+1..k} for every d at once: kept = k - d batches remain.
    tail_sum = np.cumsum(z[::-1])[::-1][: d_max + 1]
    tail_sq = np.cumsum((z * z)[::-1])[::-1][: d_max + 1]
    kept = (k - np.arange(d_max + 1)).astype(np.float64)
    sse = np.maximum(tail_sq - tail_sum * tail_sum / kept, 0.0)
    statistic = sse / (kept * kept)
    # argmin returns the first minimiser: the shortest truncation on ties.
    return int(np.argmin(statistic)) * BATCH
