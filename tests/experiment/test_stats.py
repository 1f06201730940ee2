"""Replication summaries, paired comparisons and the paired-bootstrap probability of being best.

Intervals are checked against scipy exactly; statistical properties (coverage, bootstrap
probabilities) with tolerances from the binomial error of the number of trials.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulator.experiment.stats import (
    HIGHER_IS_BETTER,
    NEUTRAL_METRICS,
    paired_differences,
    probability_best,
    summarize,
)
from simulator.metrics import KPI_DEFINITIONS

VARIANTS = ["s-S", "base", "(R,Q)"]  # deliberately not in sorted order
KPIS = [
    ("network", "network", "fill_rate"),
    ("network", "network", "total_cost"),
    ("node", "dc", "on_hand_mean"),
    ("node", "store", "on_hand_mean"),
]


def random_runs(n_reps: int = 8, seed: int = 1) -> pd.DataFrame:
    """Long runs table with a shared per-replication effect (as common random numbers give)."""
    rng = np.random.default_rng(seed)
    rows = []
    for k, (scope, id_, metric) in enumerate(KPIS):
        shared = rng.normal(0.0, 5.0, n_reps)
        for v, variant in enumerate(VARIANTS):
            values = 50.0 * (k + 1) + 3.0 * v + shared + rng.normal(0.0, 1.0, n_reps)
            for r in range(n_reps):
                rows.append((variant, r, scope, id_, metric, values[r], f"run-{v}-{r}"))
    columns = ["variant", "replication", "scope", "id", "metric", "value", "run_dir"]
    runs = pd.DataFrame(rows, columns=columns)
    # Shuffled rows: results must not depend on the input's row order (except first-seen).
    return runs.sample(frac=1.0, random_state=3).reset_index(drop=True)


def values_of(runs: pd.DataFrame, variant: str, kpi: tuple[str, str, str]) -> pd.Series:
    scope, id_, metric = kpi
    mask = (
        (runs["variant"] == variant)
        & (runs["scope"] == scope)
        & (runs["id"] == id_)
        & (runs["metric"] == metric)
    )
    return runs.loc[mask].set_index("replication")["value"].sort_index()


def row_of(table: pd.DataFrame, variant: str, kpi: tuple[str, str, str]) -> pd.Series:
    scope, id_, metric = kpi
    mask = (
        (table["variant"] == variant)
        & (table["scope"] == scope)
        & (table["id"] == id_)
        & (table["metric"] == metric)
    )
    assert mask.sum() == 1
    return table.loc[mask].iloc[0]


def assert_close(actual: object, expected: object) -> None:
    """Equal to within 1e-12, relative or absolute: scipy and pandas agree to rounding."""
    np.testing.assert_allclose(
        np.asarray(actual, dtype=np.float64),
        np.asarray(expected, dtype=np.float64),
        rtol=1e-12,
        atol=1e-12,
    )


def first_seen(values: pd.Series) -> list[str]:
    return list(dict.fromkeys(values))


# --- HIGHER_IS_BETTER ---------------------------------------------------------------------


def test_every_kpi_has_a_direction_or_is_neutral() -> None:
    assert set(HIGHER_IS_BETTER).isdisjoint(NEUTRAL_METRICS)
    assert set(HIGHER_IS_BETTER) | NEUTRAL_METRICS == set(KPI_DEFINITIONS)
    assert HIGHER_IS_BETTER["fill_rate"] and not HIGHER_IS_BETTER["total_cost"]
    with pytest.raises(KeyError):
        HIGHER_IS_BETTER["demand"]


# --- summarize ------------------------------------------------------------------------------


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_summarize_matches_scipy(confidence: float) -> None:
    runs = random_runs()
    table = summarize(runs, confidence)
    assert list(table.columns) == [
        "variant", "scope", "id", "metric", "n", "mean", "sd", "half_width", "ci_low", "ci_high"
    ]  # fmt: skip
    assert len(table) == len(VARIANTS) * len(KPIS)
    for variant in VARIANTS:
        for kpi in KPIS:
            x = values_of(runs, variant, kpi).to_numpy()
            row = row_of(table, variant, kpi)
            low, high = stats.t.interval(confidence, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
            assert row["n"] == len(x)
            got = row[["mean", "sd", "ci_low", "ci_high", "half_width"]].to_numpy(float)
            expected = [x.mean(), x.std(ddof=1), low, high, (high - low) / 2]
            assert_close(got, expected)


def test_summarize_keeps_variants_in_first_seen_order() -> None:
    runs = random_runs()
    table = summarize(runs)
    assert first_seen(table["variant"]) == first_seen(runs["variant"])
    # Each variant's rows are contiguous.
    assert table["variant"].ne(table["variant"].shift()).sum() == len(VARIANTS)


def test_summarize_drops_nan_values_per_group() -> None:
    runs = random_runs()
    kpi = KPIS[0]
    metric = kpi[2]
    mask = (runs["variant"] == "base") & (runs["metric"] == metric)
    runs.loc[mask & runs["replication"].isin([2, 5]), "value"] = np.nan
    runs.loc[(runs["variant"] == "(R,Q)") & (runs["metric"] == metric), "value"] = np.nan
    table = summarize(runs)
    x = values_of(runs, "base", kpi).dropna().to_numpy()
    row = row_of(table, "base", kpi)
    assert row["n"] == len(x) == 6
    assert_close([row["mean"], row["sd"]], [x.mean(), x.std(ddof=1)])
    empty = row_of(table, "(R,Q)", kpi)  # all NaN: the row stays, with n = 0
    assert empty["n"] == 0
    assert empty[["mean", "sd", "half_width", "ci_low", "ci_high"]].isna().all()


def test_summarize_single_replication_and_constant_values() -> None:
    runs = pd.DataFrame(
        {
            "variant": ["a", "b", "b", "b"],
            "replication": [0, 0, 1, 2],
            "scope": "network",
            "id": "network",
            "metric": "demand",
            "value": [4.0, 7.0, 7.0, 7.0],
        }
    )
    table = summarize(runs).set_index("variant")
    assert table.loc["a", "n"] == 1 and table.loc["a", "mean"] == 4.0
    assert table.loc[["a"], ["sd", "half_width", "ci_low", "ci_high"]].isna().all().all()
    assert table.loc["b", "half_width"] == 0.0
    assert list(table.loc["b", ["ci_low", "ci_high"]].to_numpy(float)) == [7.0, 7.0]


def test_summarize_validates_its_input() -> None:
    runs = random_runs()
    with pytest.raises(ValueError, match="missing"):
        summarize(runs.drop(columns="replication"))
    with pytest.raises(ValueError, match="more than one value"):
        summarize(pd.concat([runs, runs.iloc[:1]]))
    with pytest.raises(ValueError, match="confidence"):
        summarize(runs, confidence=1.5)


def test_t_interval_coverage() -> None:
    """2,000 normal samples of 10: the 95 % interval covers the mean within a 99.9 % band."""
    n_samples, n, mu, sigma = 2000, 10, 5.0, 2.0
    draws = np.random.default_rng(12345).normal(mu, sigma, size=(n_samples, n))
    runs = pd.DataFrame(
        {
            "variant": "v",
            "replication": np.tile(np.arange(n), n_samples),
            "scope": "sku",
            "id": np.repeat([f"s{i}" for i in range(n_samples)], n),
            "metric": "fill_rate",
            "value": draws.ravel(),
        }
    )
    table = summarize(runs, confidence=0.95)
    assert len(table) == n_samples
    covered = int(((table["ci_low"] <= mu) & (mu <= table["ci_high"])).sum())
    low, high = stats.binom.interval(0.999, n_samples, 0.95)
    assert low <= covered <= high


# --- paired_differences -----------------------------------------------------------------------


@pytest.mark.parametrize("confidence", [0.9, 0.95])
def test_paired_differences_match_scipy_ttest_rel(confidence: float) -> None:
    runs = random_runs()
    table = paired_differences(runs, baseline="base", confidence=confidence)
    assert list(table.columns) == [
        "variant", "scope", "id", "metric", "n", "mean_diff", "sd_diff", "half_width",
        "ci_low", "ci_high", "relative_diff",
    ]  # fmt: skip
    assert first_seen(table["variant"]) == [v for v in first_seen(runs["variant"]) if v != "base"]
    assert len(table) == 2 * len(KPIS)
    for variant in ("s-S", "(R,Q)"):
        for kpi in KPIS:
            a = values_of(runs, variant, kpi).to_numpy()
            b = values_of(runs, "base", kpi).to_numpy()
            ci = stats.ttest_rel(a, b).confidence_interval(confidence)
            d = a - b
            row = row_of(table, variant, kpi)
            assert row["n"] == len(d)
            got = row[["mean_diff", "sd_diff", "ci_low", "ci_high", "relative_diff"]]
            expected = [d.mean(), d.std(ddof=1), ci.low, ci.high, d.mean() / abs(b.mean())]
            assert_close(got.to_numpy(float), expected)


def test_paired_equals_a_one_sample_interval_on_the_differences() -> None:
    runs = random_runs()
    table = paired_differences(runs, baseline="base")
    keys = ["replication", "scope", "id", "metric"]
    base = runs.loc[runs["variant"] == "base", [*keys, "value"]]
    other = runs.loc[runs["variant"] == "s-S", ["variant", *keys, "value"]]
    diffs = other.merge(base, on=keys, suffixes=("", "_b"))
    diffs["value"] = diffs["value"] - diffs["value_b"]
    one_sample = summarize(diffs).set_index(["scope", "id", "metric"])
    paired = table.loc[table["variant"] == "s-S"].set_index(["scope", "id", "metric"])
    one_sample = one_sample.loc[paired.index]
    assert_close(
        paired[["mean_diff", "sd_diff", "half_width", "ci_low", "ci_high"]].to_numpy(float),
        one_sample[["mean", "sd", "half_width", "ci_low", "ci_high"]].to_numpy(float),
    )


def test_pairing_ignores_unmatched_replications() -> None:
    runs = random_runs()
    kpi = KPIS[1]
    metric = kpi[2]
    is_metric = runs["metric"] == metric
    drop = (runs["variant"] == "base") & is_metric & (runs["replication"] == 3)
    drop |= (runs["variant"] == "s-S") & is_metric & (runs["replication"] == 6)
    extra = runs.loc[(runs["variant"] == "s-S") & is_metric].iloc[:1].assign(replication=99)
    runs = pd.concat([runs.loc[~drop], extra], ignore_index=True)
    is_metric = runs["metric"] == metric
    runs.loc[(runs["variant"] == "s-S") & is_metric & (runs["replication"] == 0), "value"] = np.nan
    a = values_of(runs, "s-S", kpi)
    b = values_of(runs, "base", kpi)
    common = a.index.intersection(b.index)
    x, y = a.loc[common].to_numpy(), b.loc[common].to_numpy()
    both = ~np.isnan(x) & ~np.isnan(y)
    x, y = x[both], y[both]
    assert len(x) == 8 - 3  # replications 3 and 6 unmatched, 0 NaN, 99 unmatched
    row = row_of(paired_differences(runs, baseline="base"), "s-S", kpi)
    ci = stats.ttest_rel(x, y).confidence_interval(0.95)
    assert row["n"] == len(x)
    assert_close(
        row[["mean_diff", "ci_low", "ci_high", "relative_diff"]].to_numpy(float),
        [np.mean(x - y), ci.low, ci.high, np.mean(x - y) / abs(y.mean())],
    )


def test_relative_diff_is_nan_for_a_zero_baseline_mean() -> None:
    runs = pd.DataFrame(
        {
            "variant": ["base", "base", "x", "x"],
            "replication": [0, 1, 0, 1],
            "scope": "network",
            "id": "network",
            "metric": "lost_sales",
            "value": [1.0, -1.0, 2.0, 3.0],
        }
    )
    row = paired_differences(runs, baseline="base").iloc[0]
    assert row["mean_diff"] == 2.5
    assert math.isnan(row["relative_diff"])


def test_paired_differences_needs_a_known_baseline() -> None:
    with pytest.raises(ValueError, match="baseline"):
        paired_differences(random_runs(), baseline="nope")


# --- probability_best ---------------------------------------------------------------------------


def long_table(values: np.ndarray, names: list[str], metric: str = "total_cost") -> pd.DataFrame:
    """Network-scope runs table from a replications x variants array."""
    n_reps, n_variants = values.shape
    return pd.DataFrame(
        {
            "variant": np.tile(names, n_reps),
            "replication": np.repeat(np.arange(n_reps), n_variants),
            "scope": "network",
            "id": "network",
            "metric": metric,
            "value": values.ravel(),
        }
    )


def bootstrap_tolerance(n_boot: int, p: float = 0.5) -> float:
    """Four binomial standard errors of a bootstrap proportion (false alarm < 1e-4)."""
    return 4.0 * math.sqrt(p * (1.0 - p) / n_boot)


def test_a_dominant_variant_is_almost_surely_best() -> None:
    rng = np.random.default_rng(0)
    values = np.column_stack([rng.normal(100, 5, 20), rng.normal(60, 5, 20), rng.normal(99, 5, 20)])
    out = probability_best(long_table(values, ["a", "b", "c"]), "total_cost", False)
    assert list(out.columns) == ["variant", "mean", "prob_best", "rank"]
    assert list(out["variant"]) == ["a", "b", "c"]
    prob = out.set_index("variant")["prob_best"]
    assert prob["b"] >= 0.999
    assert prob.sum() == pytest.approx(1.0, abs=1e-12)
    assert list(out["rank"]) == list(stats.rankdata(values.mean(axis=0), method="min"))
    assert_close(out["mean"], values.mean(axis=0))
    # The same data read as "higher is better" makes b the worst.
    flipped = probability_best(long_table(values, ["a", "b", "c"]), "total_cost", True)
    assert flipped["prob_best"].iloc[1] <= 0.001
    assert flipped["rank"].iloc[1] == 3


def test_identical_variants_split_evenly() -> None:
    x = np.random.default_rng(1).normal(10, 3, 15)
    out = probability_best(long_table(np.column_stack([x, x]), ["a", "b"]), "total_cost", False)
    # Every resample is a tie, credited half to each.
    assert list(out["prob_best"]) == [0.5, 0.5]
    assert list(out["rank"]) == [1, 1]


def test_exchangeable_variants_are_each_best_half_the_time() -> None:
    # Replications in mirrored pairs (u, v) and (v, u): the bootstrap difference of means is
    # symmetric about 0, so each variant is best with probability exactly 1/2 (ties split).
    u, v = np.random.default_rng(2).normal(0, 1, size=(2, 20))
    values = np.vstack([np.column_stack([u, v]), np.column_stack([v, u])])
    n_boot = 10_000
    out = probability_best(long_table(values, ["a", "b"]), "total_cost", True, n_boot=n_boot)
    assert out["prob_best"].to_numpy() == pytest.approx(0.5, abs=bootstrap_tolerance(n_boot))


def test_common_random_numbers_are_respected() -> None:
    # Replications vary a lot (sd 50) but "good" is lower by exactly 1 in every replication.
    shared = np.random.default_rng(3).normal(1000, 50, 20)
    values = np.column_stack([shared + 1.0, shared])
    out = probability_best(long_table(values, ["bad", "good"]), "total_cost", False)
    assert out.set_index("variant").loc["good", "prob_best"] == 1.0
    # Resampling the variants independently loses the pairing: the shared variation swamps
    # the difference of 1 and "good" is best only about half the time.
    rng = np.random.default_rng(0)
    picks = rng.integers(0, 20, size=(2, 10_000, 20))
    unpaired = (values[picks[1], 1].mean(axis=1) < values[picks[0], 0].mean(axis=1)).mean()
    assert unpaired < 0.7


def test_probability_best_uses_complete_replications_only() -> None:
    rng = np.random.default_rng(4)
    values = rng.normal(0, 1, size=(12, 3))
    runs = long_table(values, ["a", "b", "c"])
    holed = runs.copy()
    holed.loc[(holed["variant"] == "b") & (holed["replication"] == 4), "value"] = np.nan
    holed = holed.loc[~((holed["variant"] == "c") & (holed["replication"] == 7))]
    keep = np.setdiff1d(np.arange(12), [4, 7])
    expected = probability_best(long_table(values[keep], ["a", "b", "c"]), "total_cost", True)
    pd.testing.assert_frame_equal(probability_best(holed, "total_cost", True), expected)


def test_probability_best_is_deterministic_for_a_seed() -> None:
    values = np.random.default_rng(5).normal(0, 1, size=(10, 4))
    runs = long_table(values, ["a", "b", "c", "d"])
    first = probability_best(runs, "total_cost", True, n_boot=2000, seed=7)
    again = probability_best(runs, "total_cost", True, n_boot=2000, seed=7)
    other = probability_best(runs, "total_cost", True, n_boot=2000, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert not np.array_equal(first["prob_best"], other["prob_best"])


def test_probability_best_selects_the_kpi_and_validates() -> None:
    runs = random_runs()
    out = probability_best(runs, "on_hand_mean", False, scope="node", id="dc", n_boot=500)
    assert list(out["variant"]) == first_seen(runs["variant"])
    expected = [values_of(runs, v, ("node", "dc", "on_hand_mean")).mean() for v in out["variant"]]
    assert_close(out["mean"], expected)
    with pytest.raises(ValueError, match="no rows"):
        probability_best(runs, "fill_rate", True, scope="node", id="dc")
    with pytest.raises(ValueError, match="n_boot"):
        probability_best(runs, "fill_rate", True, n_boot=0)
