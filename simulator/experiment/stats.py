"""Summaries and comparisons of KPIs over independent replications of several variants.

Input is the long table an experiment collects: one row per ``variant, replication, scope,
id, metric`` with a float ``value`` (extra columns are ignored). Replication ``r`` of every
variant is assumed to share its random number streams (common random numbers), so variants
are compared replication by replication: paired t intervals (Law, *Simulation Modeling and
Analysis*, section 10.2; Banks et al., *Discrete-Event System Simulation*, ch. 12) and a
paired bootstrap for the probability that each variant is best.

Missing values: a NaN ``value`` (a ratio with a zero denominator, for example a fill rate
without demand) is dropped, so ``n`` counts the replications with a value. A group whose
values are all NaN keeps its row, with ``n = 0`` and NaN statistics, so the table stays
complete.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
from scipy import stats

from simulator.metrics.catalogue import CATALOGUE
from simulator.metrics.intervals import check_confidence, t_half_widths

KEYS: Final = ("scope", "id", "metric")
"""Columns that identify one KPI."""
COLUMNS: Final = ("variant", "replication", *KEYS, "value")
"""Columns every input table must have."""

HIGHER_IS_BETTER: dict[str, bool] = {
    name: kpi.direction == "higher" for name, kpi in CATALOGUE.items() if kpi.direction != "neutral"
}
"""KPI name -> whether a larger value is better, for every directional KPI (from the catalogue,
:mod:`simulator.metrics.catalogue`).

Neutral KPIs (:data:`NEUTRAL_METRICS`) are deliberately absent, so ``HIGHER_IS_BETTER[name]``
raises ``KeyError`` for them: customer demand is an input the policy does not choose, and
ranking variants by it would be meaningless; more substitution means both more stockouts and
fewer customers lost to them. Call :func:`probability_best` with an explicit
direction if one really is wanted.
"""

NEUTRAL_METRICS: frozenset[str] = frozenset(
    name for name, kpi in CATALOGUE.items() if kpi.direction == "neutral"
)
"""KPIs with no better direction; together with ``HIGHER_IS_BETTER`` they cover every KPI."""


def _validated(runs: pd.DataFrame) -> pd.DataFrame:
    """The input's required columns, ``value`` as float64, one row per replication and KPI."""
    missing = [column for column in COLUMNS if column not in runs.columns]
    if missing:
        raise ValueError(f"runs is missing column(s) {missing}; it needs {list(COLUMNS)}")
    frame = runs.loc[:, list(COLUMNS)].copy()
    frame["value"] = pd.to_numeric(frame["value"]).astype(np.float64)
    duplicated = frame.duplicated(subset=["variant", "replication", *KEYS])
    if duplicated.any():
        first = frame.loc[duplicated].iloc[0]
        raise ValueError(
            "runs has more than one value for a variant, replication and KPI, for example "
            f"{first['variant']!r}, replication {first['replication']!r}, "
            f"{first['scope']}/{first['id']}/{first['metric']}"
        )
    return frame


def _in_variant_order(table: pd.DataFrame, variants: list[object]) -> pd.DataFrame:
    """Rows stably sorted by the variants' first-seen order, index reset."""
    rank = {variant: position for position, variant in enumerate(variants)}
    order = np.argsort(table["variant"].map(rank).to_numpy(dtype=np.int64), kind="stable")
    return table.iloc[order].reset_index(drop=True)


def _with_interval(table: pd.DataFrame, mean: str, sd: str, confidence: float) -> pd.DataFrame:
    """Add ``half_width, ci_low, ci_high`` (t interval over ``n`` replications) to ``table``."""
    half = t_half_widths(table["n"].to_numpy(), table[sd].to_numpy(), confidence)
    centre = table[mean].to_numpy(dtype=np.float64)
    return table.assign(half_width=half, ci_low=centre - half, ci_high=centre + half)


def summarize(runs: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Mean and t confidence interval of every KPI of every variant over its replications.

    Replications are independent, so the interval is ``mean +- t_{n-1, (1+c)/2} * sd /
    sqrt(n)`` (Law, *Simulation Modeling and Analysis*, section 4.5), the one
    ``scipy.stats.t.interval`` gives. With ``n = 1`` the half width and bounds are NaN; with
    ``sd = 0`` (a deterministic KPI) the half width is 0.

    Args:
        runs: Long table with columns ``variant, replication, scope, id, metric, value``;
            extra columns are ignored, NaN values dropped.
        confidence: Two-sided confidence level.

    Returns:
        Columns ``variant, scope, id, metric, n, mean, sd, half_width, ci_low, ci_high``, one
        row per variant and KPI; variants in the order first seen, KPIs within a variant too.

    Raises:
        ValueError: On missing columns, duplicate ``variant, replication, scope, id, metric``
            rows or an invalid confidence.
    """
    check_confidence(confidence)
    frame = _validated(runs)
    groups = frame.groupby(["variant", *KEYS], sort=False, dropna=False)["value"]
    table = groups.agg(n="count", mean="mean", sd="std").reset_index()
    table["n"] = table["n"].astype(np.int64)
    table = _with_interval(table, "mean", "sd", confidence)
    return _in_variant_order(table, list(pd.unique(frame["variant"])))


def paired_differences(runs: pd.DataFrame, baseline: str, confidence: float = 0.95) -> pd.DataFrame:
    """Paired-t intervals for ``variant - baseline`` of every KPI, for every other variant.

    With common random numbers replication ``r`` of two variants sees the same demand, so the
    differences ``D_r = X_r - B_r`` are i.i.d. with a variance that the positive correlation
    has reduced; the paired-t interval on them is valid whatever the correlation (Law,
    section 10.2.1; Nelson & Matejcik 1995; Banks et al., ch. 12). Only replications where
    both have a value are paired; the rest are ignored.

    Args:
        runs: Long table as for :func:`summarize`.
        baseline: The variant every other variant is compared with.
        confidence: Two-sided confidence level.

    Returns:
        Columns ``variant, scope, id, metric, n, mean_diff, sd_diff, half_width, ci_low,
        ci_high, relative_diff``: one row per non-baseline variant and KPI that both it and
        the baseline report in a common replication; ``n`` counts the pairs with both values.
        ``relative_diff = mean_diff / |baseline mean over the same pairs|``, NaN when that
        mean is 0. Variants (and KPIs within one) in the order first seen.

    Raises:
        ValueError: If ``baseline`` is not a variant of ``runs``, or as for :func:`summarize`.
    """
    check_confidence(confidence)
    frame = _validated(runs)
    variants = list(pd.unique(frame["variant"]))
    if baseline not in variants:
        raise ValueError(f"baseline {baseline!r} is not a variant; variants are {variants}")
    pair_keys = ["replication", *KEYS]
    base = frame.loc[frame["variant"] == baseline, [*pair_keys, "value"]]
    others = frame.loc[frame["variant"] != baseline]
    # An inner merge keeps exactly the replications both variants ran (left order preserved).
    paired = others.merge(base, on=pair_keys, how="inner", suffixes=("", "_baseline"))
    paired["difference"] = paired["value"] - paired["value_baseline"]
    paired["baseline_paired"] = paired["value_baseline"].where(paired["difference"].notna())
    groups = paired.groupby(["variant", *KEYS], sort=False, dropna=False)
    table = groups.agg(
        n=("difference", "count"),
        mean_diff=("difference", "mean"),
        sd_diff=("difference", "std"),
        baseline_mean=("baseline_paired", "mean"),
    ).reset_index()
    table["n"] = table["n"].astype(np.int64)
    table = _with_interval(table, "mean_diff", "sd_diff", confidence)
    scale = table["baseline_mean"].abs().to_numpy(dtype=np.float64)
    table["relative_diff"] = np.divide(
        table["mean_diff"].to_numpy(dtype=np.float64),
        scale,
        out=np.full(len(table), np.nan),
        where=scale != 0,
    )
    table = table.drop(columns="baseline_mean")
    return _in_variant_order(table, [variant for variant in variants if variant != baseline])


def probability_best(
    runs: pd.DataFrame,
    metric: str,
    higher_is_better: bool,
    scope: str = "network",
    id: str = "network",
    n_boot: int = 10_000,
    seed: int = 0,
) -> pd.DataFrame:
    """Bootstrap probability that each variant has the best mean of one KPI.

    Each bootstrap resample draws replication indices with replacement once and applies them
    to every variant, so a replication's values stay together and the common random numbers'
    correlation is kept (resampling whole cases: the paired bootstrap of Efron & Tibshirani,
    *An Introduction to the Bootstrap*, 1993). Resampling variants independently would treat
    the shared replication-to-replication variation as noise and understate a consistent difference.
    Only replications where every variant has a value are used. A resample in which several
    variants tie for the best mean credits each of them equally.

    Args:
        runs: Long table as for :func:`summarize`.
        metric: The KPI to rank by.
        higher_is_better: Whether a larger mean is better; for a directional KPI use
            ``HIGHER_IS_BETTER[metric]``.
        scope: The KPI's scope.
        id: The KPI's id within the scope.
        n_boot: Number of bootstrap resamples; the Monte Carlo standard error of each
            probability is at most ``0.5 / sqrt(n_boot)``.
        seed: Seed of the resampling generator; the same seed gives the same result.

    Returns:
        Columns ``variant, mean, prob_best, rank``: the mean over the replications used, the
        bootstrap probability of being best (summing to 1) and the rank of the mean (1 = best,
        ties share the better rank); variants in the order first seen.

    Raises:
        ValueError: If ``n_boot < 1``, no row matches the KPI, or no replication has a value
            for every variant; or as for :func:`summarize`.
    """
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot}")
    frame = _validated(runs)
    selected = frame.loc[
        (frame["scope"] == scope) & (frame["id"] == id) & (frame["metric"] == metric)
    ]
    if selected.empty:
        raise ValueError(f"no rows for scope {scope!r}, id {id!r}, metric {metric!r}")
    variants = list(pd.unique(selected["variant"]))
    wide = selected.pivot(index="replication", columns="variant", values="value")
    complete = wide.reindex(columns=variants).dropna()
    if complete.empty:
        raise ValueError(f"no replication has a value of {metric!r} for every variant")
    values = complete.to_numpy(dtype=np.float64)  # replications x variants
    # Negating turns "lower is better" into "higher is better" exactly (IEEE sums are
    # symmetric), so ties stay ties.
    scores = values if higher_is_better else -values
    n_reps, n_variants = scores.shape
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n_reps, size=(n_boot, n_reps))
    wins = np.zeros(n_variants)
    # Chunks only bound memory (chunk x replications x variants floats); the draws above are
    # fixed, so the result does not depend on the chunk size.
    chunk = max(1, 4_000_000 // (n_reps * n_variants))
    for start in range(0, n_boot, chunk):
        # Reducing over the replication axis adds each variant's column in the same order,
        # so identical variants get bitwise identical resampled means and tie exactly.
        means = scores[picks[start : start + chunk]].mean(axis=1)  # resamples x variants
        best = means == means.max(axis=1, keepdims=True)
        wins += (best / best.sum(axis=1, keepdims=True)).sum(axis=0)
    mean_score = scores.mean(axis=0)
    return pd.DataFrame(
        {
            "variant": variants,
            "mean": values.mean(axis=0),
            "prob_best": wins / n_boot,
            "rank": stats.rankdata(-mean_score, method="min").astype(np.int64),
        }
    )
