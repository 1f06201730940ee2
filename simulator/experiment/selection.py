"""Selecting the best variant under common random numbers: which ones cannot be told apart, and
how many replications would tell them apart.

Two published procedures, both for replications paired across variants by their seed:

- **Subset selection** (the screening step of Nelson, Swann, Goldsman & Song 2001, "Simple
  procedures for selecting the best simulated system when the number of alternatives is
  large", *Operations Research* 49(6), with the Bonferroni t quantile they give for common
  random numbers). Variant ``i`` stays if, against every other variant ``l``,
  ``mean_i >= mean_l - t * S_il / sqrt(n)`` (for a maximum), where ``S_il`` is the standard
  deviation of the paired differences and ``t = t_{1 - alpha/(k-1), n-1}``. The subset
  contains the truly best variant with probability at least ``1 - alpha``, whatever the means.
- **Nelson and Matejcik's procedure NM** (Nelson & Matejcik 1995, "Using common random numbers
  for indifference-zone selection and multiple comparisons in simulation", *Management
  Science* 41(12); as stated by Kim & Nelson 2006, *Handbooks in OR & MS* 13, ch. 17). With
  ``n0`` replications of ``k`` variants, the pooled variance of the differences
  ``S^2 = 2 sum_ij (X_ij - X_i. - X_.j + X_..)^2 / ((k-1)(n0-1))`` and ``g`` the one-sided
  ``1 - alpha`` equicoordinate point of a ``(k-1)``-variate t with ``(k-1)(n0-1)`` degrees of
  freedom and common correlation 1/2, ``N = max(n0, ceil((g S / delta)^2))`` replications of
  every variant select the best with probability at least ``1 - alpha`` whenever it is at
  least ``delta`` better than the others (under the sphericity NM assumes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from scipy import optimize
from scipy import stats as scipy_stats

from simulator.experiment import stats
from simulator.experiment.objectives import (
    OBJECTIVE_SCOPE,
    Objective,
    formula_rows,
    parse_constraint,
)


def subset(values: np.ndarray, higher_is_better: bool, confidence: float = 0.95) -> list[int]:
    """Columns that cannot be told apart from the best (screening with common random numbers).

    Args:
        values: Replications x variants, row ``r`` of every column from the same seed.
        higher_is_better: Whether a larger mean is better.
        confidence: Probability that the subset holds the truly best column.

    Returns:
        Column indices of the subset, in column order; never empty.
    """
    n, k = values.shape
    if k == 1:
        return [0]
    if n < 2:
        raise ValueError("subset selection needs at least 2 replications")
    scores = values if higher_is_better else -values
    means = scores.mean(axis=0)
    t = scipy_stats.t.ppf(1 - (1 - confidence) / (k - 1), n - 1)
    # sd of the paired differences of every pair of columns
    diffs = scores[:, :, None] - scores[:, None, :]
    margin = t * diffs.std(axis=0, ddof=1) / math.sqrt(n)
    beaten = means[:, None] < means[None, :] - margin
    return [i for i in range(k) if not beaten[i].any()]


@cache  # a constant of (k, n0, confidence): computed once per study
def equicoordinate_t(dimensions: int, df: float, confidence: float) -> float:
    """The ``g`` with ``P(T_1 <= g, ..., T_m <= g) = confidence`` for an ``m``-variate t with
    ``df`` degrees of freedom and common correlation 1/2 (the constant of procedure NM).

    With correlation 1/2, ``T_i = (U_i - U_0) / sqrt(2 V / df)`` for independent standard
    normals ``U`` and a chi-square ``V``, so the probability is the double integral
    ``E_V E_U0 [Phi(sqrt(2) g sqrt(V/df) + U_0)^m]``, computed here by Gaussian quadrature.
    """
    if dimensions == 1:
        return float(scipy_stats.t.ppf(confidence, df))

    # Gauss-Hermite nodes for U_0 and Gauss-Legendre nodes over V's quantiles (p in (0, 1)).
    u, u_weights = np.polynomial.hermite_e.hermegauss(96)
    u_weights = u_weights / math.sqrt(2 * math.pi)
    p, p_weights = np.polynomial.legendre.leggauss(256)
    scale = np.sqrt(2 * scipy_stats.chi2.ppf((p + 1) / 2, df) / df)[:, None]

    def below(g: float) -> float:
        inner = scipy_stats.norm.cdf(scale * g + u[None, :]) ** dimensions @ u_weights
        return float(inner @ p_weights / 2)

    # The marginal t quantile and the Bonferroni one bracket the answer.
    low = scipy_stats.t.ppf(confidence, df)
    high = scipy_stats.t.ppf(1 - (1 - confidence) / dimensions, df)
    return float(optimize.brentq(lambda g: below(g) - confidence, low, high + 1e-9, xtol=1e-6))


def replications_needed(values: np.ndarray, delta: float, confidence: float = 0.95) -> int:
    """Procedure NM's replications per variant to select the best within ``delta``.

    Args:
        values: First-stage replications x variants, paired by row.
        delta: Indifference zone: the smallest difference worth detecting (> 0).
        confidence: Probability of a correct selection.
    """
    n, k = values.shape
    if k == 1:
        return n
    df = (k - 1) * (n - 1)
    residuals = values - values.mean(axis=0) - values.mean(axis=1, keepdims=True) + values.mean()
    s = math.sqrt(2 * float((residuals**2).sum()) / df)
    g = equicoordinate_t(k - 1, df, confidence)
    return max(n, math.ceil((g * s / delta) ** 2))


@dataclass(frozen=True)
class Selection:
    """Which variants are still in contention for best, and what would separate them.

    Attributes:
        subset: Variants that cannot be told apart from the best (the best among them).
        replications: Replications per variant the decision is based on.
        needed: Replications per variant procedure NM asks for, with :attr:`delta` (None
            without one: identical means cannot be separated).
        delta: The indifference zone used: the objective's, or else the observed gap between
            the two best means of the subset (None when the subset is one variant).
        confidence: Of the subset and of NM.
    """

    subset: tuple[str, ...]
    replications: int
    needed: int | None
    delta: float | None
    confidence: float


def select(
    values: np.ndarray,
    names: list[str],
    higher_is_better: bool,
    confidence: float = 0.95,
    delta: float | None = None,
) -> Selection:
    """The subset in contention and NM's replications to separate it (see the module text).

    NM is applied to the subset alone: the variants screened out are already told apart.
    """
    n = values.shape[0]
    kept = subset(values, higher_is_better, confidence)
    contenders = values[:, kept]
    if len(kept) == 1:
        return Selection((names[kept[0]],), n, n, delta, confidence)
    if delta is None:
        scores = contenders if higher_is_better else -contenders
        means = np.sort(scores.mean(axis=0))
        delta = float(means[-1] - means[-2]) if means[-1] > means[-2] else None
    needed = replications_needed(contenders, delta, confidence) if delta else None
    return Selection(tuple(names[i] for i in kept), n, needed, delta, confidence)


@dataclass(frozen=True)
class ConstraintCheck:
    """One constraint judged for one variant on the confidence interval of its mean.

    Attributes:
        constraint: The constraint as written.
        variant: The variant.
        mean: Mean of the constraint's left-hand side over the replications.
        half_width: Half-width of its confidence interval.
        status: ``holds`` (the whole interval meets it), ``fails`` (none of it does) or
            ``unclear``.
    """

    constraint: str
    variant: str
    mean: float
    half_width: float
    status: str


@dataclass(frozen=True)
class Verdict:
    """The study's answer on its objective.

    Attributes:
        objective: The decisive objective.
        best: The candidate with the best mean.
        mean: Its mean; ``half_width`` the half-width of its interval.
        runner_up: The next best candidate, if any.
        difference: Paired mean of ``best - runner_up`` (replications paired by seed), and
            ``difference_half_width`` its t interval's half-width.
        prob_best: Paired-bootstrap probability that each candidate is best.
        selection: The variants in contention and the replications that would separate them.
        checks: Every constraint for every variant.
        candidates: Variants that fail no constraint (every variant, if all fail one).
        confidence: Of every interval and of the selection.
    """

    objective: Objective
    best: str
    mean: float
    half_width: float
    runner_up: str | None
    difference: float
    difference_half_width: float
    prob_best: dict[str, float]
    selection: Selection
    checks: tuple[ConstraintCheck, ...]
    candidates: tuple[str, ...]
    confidence: float


def decide(
    runs: pd.DataFrame,
    objective: Objective,
    constraints: Sequence[str] = (),
    confidence: float = 0.95,
    seed: int = 0,
) -> Verdict:
    """The best variant on ``objective`` among those that meet the constraints, by how much,
    how surely, and which variants cannot be told apart from it.

    Args:
        runs: Whole-run KPI rows of every variant (``stats.COLUMNS``), paired by replication.
        objective: What to optimise.
        constraints: Conditions such as ``fill_rate >= 0.95``.
        confidence: Level of the intervals and of the selection.
        seed: Seed of the bootstrap of ``prob_best``.
    """
    rows = formula_rows(runs, {objective.name: objective.formula})
    checks = _checks(runs, constraints, confidence)
    variants = [str(v) for v in pd.unique(rows["variant"])]
    failing = {c.variant for c in checks if c.status == "fails"}
    candidates = [v for v in variants if v not in failing] or variants
    mine = rows[rows["variant"].isin(candidates)]
    wide = mine.pivot(index="replication", columns="variant", values="value")
    values = wide.reindex(columns=candidates).dropna().to_numpy(dtype=np.float64)
    scores = values.mean(axis=0) * (1 if objective.higher_is_better else -1)
    order = [candidates[i] for i in np.argsort(-scores, kind="stable")]
    best, runner_up = order[0], (order[1] if len(order) > 1 else None)
    own = stats.summarize(mine[mine["variant"] == best], confidence).iloc[0]
    difference, half = math.nan, math.nan
    if runner_up is not None:
        pair = mine[mine["variant"].isin([best, runner_up])]
        paired = stats.paired_differences(pair, runner_up, confidence).iloc[0]
        difference, half = float(paired["mean_diff"]), float(paired["half_width"])
    ranking = stats.probability_best(
        mine, objective.name, objective.higher_is_better, scope=OBJECTIVE_SCOPE, seed=seed
    )
    return Verdict(
        objective=objective,
        best=best,
        mean=float(own["mean"]),
        half_width=float(own["half_width"]),
        runner_up=runner_up,
        difference=difference,
        difference_half_width=half,
        prob_best=dict(zip(ranking["variant"].astype(str), ranking["prob_best"], strict=True)),
        selection=select(
            values, candidates, objective.higher_is_better, confidence, objective.indifference
        ),
        checks=checks,
        candidates=tuple(candidates),
        confidence=confidence,
    )


def _checks(
    runs: pd.DataFrame, constraints: Sequence[str], confidence: float
) -> tuple[ConstraintCheck, ...]:
    parsed = [parse_constraint(text) for text in constraints]
    if not parsed:
        return ()
    rows = formula_rows(runs, {c.text: c.formula for c in parsed})
    table = stats.summarize(rows, confidence)
    by_text = {c.text: c for c in parsed}
    return tuple(
        ConstraintCheck(
            constraint=str(r["metric"]),
            variant=str(r["variant"]),
            mean=float(r["mean"]),
            half_width=float(r["half_width"]),
            status=by_text[str(r["metric"])].status(float(r["ci_low"]), float(r["ci_high"])),
        )
        for r in table.to_dict(orient="records")
    )
