"""Study plots built from synthetic tables that follow the study data contract."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

from simulator import Scenario, load_scenario
from simulator.report.labels import metric_direction, metric_label
from simulator.report.network_map import plot_network_map
from simulator.report.series_plots import (
    bullwhip_ratios,
    echelon_labels,
    plot_bullwhip,
    plot_echelon_bands,
)
from simulator.report.study_plots import (
    efficient_variants,
    plot_frontier,
    plot_intervals,
    plot_paired,
    variant_colors,
)
from simulator.scenario.loader import scenario_from_data

QUICKSTART = Path(__file__).parents[2] / "scenarios" / "quickstart.yaml"
VARIANTS = ("base", "lean", "fast")
KPIS = ["fill_rate", "cycle_service_level", "backorders_mean", "total_cost"]
DAYS = 40
# Per variant: (fill rate, total cost) means; all three are efficient.
LEVELS = {"base": (0.95, 10_000.0), "lean": (0.90, 8_000.0), "fast": (0.98, 12_500.0)}


@dataclass
class Study:
    """The tables a study hands to the report."""

    summary: pd.DataFrame
    paired: pd.DataFrame
    series: pd.DataFrame
    flows: pd.DataFrame
    ranking: pd.DataFrame
    scenario: Scenario
    meta: dict[str, Any]


def _per_replication(variants: tuple[str, ...], n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Network KPIs per variant and replication; a shared draw per replication mimics CRN."""
    common = rng.normal(size=(n, len(KPIS)))
    rows = []
    for k, variant in enumerate(variants):
        fill, cost = LEVELS.get(variant, (0.93 - 0.01 * k, 9_000.0 + 500 * k))
        centre = [fill, fill - 0.03, 40 * (1 - fill), cost]
        spread = [0.01, 0.01, 0.4, 300.0]
        own = rng.normal(scale=0.3, size=(n, len(KPIS)))
        values = np.asarray(centre) + (common + own) * np.asarray(spread)
        for r in range(n):
            for j, metric in enumerate(KPIS):
                rows.append((variant, r, metric, values[r, j]))
    return pd.DataFrame(rows, columns=["variant", "replication", "metric", "value"])


def _intervals(groups: Any, column: str) -> pd.DataFrame:
    stats = groups[column].agg(["count", "mean", "std"]).reset_index()
    half = 2.365 * stats["std"] / np.sqrt(stats["count"])  # t quantile, 7 degrees of freedom
    return stats.assign(half_width=half, ci_low=stats["mean"] - half, ci_high=stats["mean"] + half)


def _summary_and_paired(per_rep: pd.DataFrame, baseline: str) -> tuple[pd.DataFrame, ...]:
    summary = _intervals(per_rep.groupby(["variant", "metric"], sort=False), "value")
    summary = summary.rename(columns={"count": "n", "std": "sd"})
    base = per_rep[per_rep["variant"] == baseline][["replication", "metric", "value"]]
    joined = per_rep.merge(base, on=["replication", "metric"], suffixes=("", "_base"))
    joined = joined[joined["variant"] != baseline].assign(diff=lambda t: t.value - t.value_base)
    paired = _intervals(joined.groupby(["variant", "metric"], sort=False), "diff")
    paired = paired.rename(columns={"count": "n", "mean": "mean_diff", "std": "sd_diff"})
    base_mean = summary[summary["variant"] == baseline].set_index("metric")["mean"]
    paired["relative_diff"] = paired["mean_diff"] / paired["metric"].map(base_mean)
    scope = {"scope": "network", "id": "network"}
    return summary.assign(**scope), paired.assign(**scope)


def _series(variants: tuple[str, ...], n: int, rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    for k, variant in enumerate(variants):
        for r in range(n):
            demand = rng.poisson(100, DAYS).astype(float)
            orders0 = np.maximum(0, demand + (1 + k) * rng.normal(0, 15, DAYS))
            orders1 = np.maximum(0, orders0 + rng.normal(0, 30, DAYS))
            stock = 300 + np.cumsum(rng.normal(0, 20, DAYS))
            values = {
                "level-0": {"demand": demand, "orders": orders0},
                "level-1": {"demand": orders0, "orders": orders1},
            }
            for level, by_metric in values.items():
                by_metric["on_hand"] = np.maximum(stock, 0) * (2 if level == "level-1" else 1)
                by_metric["backlog"] = np.maximum(-stock + 250, 0)
                by_metric["pipeline"] = np.full(DAYS, 200.0)
                for metric, value in by_metric.items():
                    frames.append(
                        pd.DataFrame(
                            {
                                "variant": variant,
                                "replication": r,
                                "scope": "echelon",
                                "id": level,
                                "metric": metric,
                                "day": np.arange(DAYS),
                                "value": value,
                            }
                        )
                    )
    return pd.concat(frames, ignore_index=True)


def _flows(scenario: Scenario, variants: tuple[str, ...], n: int) -> pd.DataFrame:
    rows = [
        (variant, r, lane.id, 0.0 if lane.id == "dc-store-5" else 100.0 * (j + 1) + 10 * k)
        for k, variant in enumerate(variants)
        for r in range(n)
        for j, lane in enumerate(scenario.lanes)
    ]
    return pd.DataFrame(rows, columns=["variant", "replication", "lane", "units"])


def make_study(variants: tuple[str, ...] = VARIANTS, replications: int = 8) -> Study:
    """Synthetic study tables for ``variants`` x ``replications``; the first is the baseline."""
    rng = np.random.default_rng(7)
    scenario = load_scenario(QUICKSTART)
    per_rep = _per_replication(variants, replications, rng)
    summary, paired = _summary_and_paired(per_rep, variants[0])
    fill = summary[summary["metric"] == "fill_rate"].reset_index(drop=True)
    ranking = pd.DataFrame(
        {
            "variant": fill["variant"],
            "metric": "fill_rate",
            "mean": fill["mean"],
            "prob_best": np.linspace(0.1, 0.6, len(fill)),
            "rank": fill["mean"].rank(ascending=False).astype(int),
        }
    )
    meta = {
        "name": "Store policy study",
        "description": "Three (s, S) settings at the stores.",
        "baseline": variants[0],
        "replications": replications,
        "seeds": list(range(1, replications + 1)),
        "warmup": 5.0,
        "horizon": float(DAYS),
        "versions": {"supplysim": "0.1.0", "numpy": np.__version__},
        "wall_time": 12.5,
        "kpis": KPIS,
        "currency": "EUR",
    }
    return Study(
        summary=summary,
        paired=paired,
        series=_series(variants, replications, rng),
        flows=_flows(scenario, variants, replications),
        ranking=ranking,
        scenario=scenario,
        meta=meta,
    )


@pytest.fixture(scope="module")
def study() -> Study:
    return make_study()


def _errorbars(figure: Figure) -> list[list[ErrorbarContainer]]:
    return [[c for c in ax.containers if isinstance(c, ErrorbarContainer)] for ax in figure.axes]


def test_metric_helpers() -> None:
    assert metric_label("fill_rate") == "fill rate (share, %)"
    assert metric_label("total_cost", "EUR") == "total cost (EUR)"
    assert metric_label("cost_per_day", "USD") == "cost per day (USD/day)"
    assert metric_label("days_of_supply") == "days of supply (days)"
    directions = [metric_direction(m) for m in ("fill_rate", "holding_cost", "demand")]
    assert directions == [1, -1, 0]
    assert metric_direction("gross_margin") == 1 and metric_direction("lost_sales_rate") == -1


def test_variant_colors_are_distinct_and_stable() -> None:
    colors = variant_colors(["b", "a", "b", "c"])
    assert list(colors) == ["b", "a", "c"]
    assert len(set(colors.values())) == 3
    assert variant_colors(["b", "a", "c"]) == colors


def test_efficient_variants_drop_dominated_ones(study: Study) -> None:
    assert efficient_variants(study.summary) == ["lean", "base", "fast"]
    worse = study.summary[study.summary["variant"] == "base"].assign(variant="worse")
    worse["mean"] = np.where(worse["metric"] == "total_cost", 11_000.0, 0.94)
    assert "worse" not in efficient_variants(pd.concat([study.summary, worse]))


def test_frontier_has_one_point_per_variant(study: Study) -> None:
    figure = plot_frontier(study.summary, currency="EUR")
    (ax,) = figure.axes
    (bars,) = _errorbars(figure)
    assert len(bars) == len(VARIANTS)
    assert all(np.size(bar.lines[0].get_xdata()) == 1 for bar in bars)
    (legend,) = figure.legends  # below the axes: names next to points would overlap
    assert [t.get_text() for t in legend.get_texts()] == [*VARIANTS, "efficient"]
    assert "EUR" in ax.get_xlabel() and "%" in ax.get_ylabel()
    assert not ax.texts
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert all(len(t) <= 6 for t in ticks), ticks  # 10k, 12.5k: never 10000 12500


def test_frontier_draws_on_a_given_axes(study: Study) -> None:
    figure = Figure()
    ax = figure.add_subplot()
    assert plot_frontier(study.summary, ax=ax) is figure


def test_intervals_one_panel_per_kpi_with_baseline(study: Study) -> None:
    figure = plot_intervals(study.summary, KPIS, baseline="base", currency="EUR")
    assert len(figure.axes) == len(KPIS)
    assert all(len(bars) == len(VARIANTS) for bars in _errorbars(figure))
    first = figure.axes[0]
    ticks = first.get_yticklabels()
    assert [t.get_text() for t in ticks] == list(VARIANTS)
    assert ticks[0].get_fontweight() == "bold"
    assert [ax.get_title() for ax in figure.axes] == [k.replace("_", " ") for k in KPIS]
    assert figure.axes[-1].get_xlabel() == "total cost (EUR)"


def test_paired_excludes_baseline_and_marks_zero(study: Study) -> None:
    figure = plot_paired(study.paired, KPIS, baseline="base")
    assert len(figure.axes) == len(KPIS)
    for ax, bars in zip(figure.axes, _errorbars(figure), strict=True):
        assert len(bars) == len(VARIANTS) - 1
        assert any(np.array_equal(line.get_xdata(), [0, 0]) for line in ax.lines)
        assert all(t.get_text().endswith("%") for t in ax.texts)
    assert "base" in figure.get_suptitle()


@pytest.mark.parametrize("metric", ["on_hand", "backlog"])
def test_echelon_bands(study: Study, metric: str) -> None:
    labels = echelon_labels(study.scenario)
    assert labels == {"level-0": "level 0: retailer", "level-1": "level 1: warehouse"}
    figure = plot_echelon_bands(study.series, metric, labels=labels, warmup=5)
    assert len(figure.axes) == 2
    for ax in figure.axes:
        assert len(ax.lines) == len(VARIANTS)
        bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
        assert len(bands) == len(VARIANTS)
    assert figure.axes[0].get_title(loc="left") == "level 0: retailer"
    (legend,) = figure.legends
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts == [*VARIANTS, "10-90% of replications", "warm-up"]
    assert figure.axes[-1].get_xlabel() == "days"


def test_echelon_bands_rejects_unknown_metric(study: Study) -> None:
    with pytest.raises(ValueError, match="no rows"):
        plot_echelon_bands(study.series, "nothing")


def test_orders_vs_demand_annotates_bullwhip(study: Study) -> None:
    figure = plot_bullwhip(study.series, warmup=5)
    assert len(figure.axes) == 2
    for ax in figure.axes:
        assert len(ax.lines) == 2 * len(VARIANTS)
        assert not ax.texts  # the ratios are in the title, where they hide no curve
        assert "bullwhip" in ax.get_title(loc="left")
        assert all(f"{v} " in ax.get_title(loc="left") for v in VARIANTS)
        # Weekly means after the warm-up: one point per whole week.
        assert all(len(line.get_xdata()) == (DAYS - 5) // 7 for line in ax.lines)
    (legend,) = figure.legends
    assert len(legend.get_texts()) == len(VARIANTS) + 2  # orders, demand


def test_bullwhip_ratio_is_variance_ratio() -> None:
    days = np.arange(30)
    demand = np.sin(days) + 5
    rows = [
        pd.DataFrame(
            {"variant": "v", "replication": r, "id": "level-0", "metric": m, "day": days}
        ).assign(value=v)
        for r in range(3)
        for m, v in (("demand", demand), ("orders", 3 * demand + 1))
    ]
    ratios = bullwhip_ratios(pd.concat(rows, ignore_index=True), warmup=2)
    assert ratios.loc["v", "level-0"] == pytest.approx(9.0)


def test_network_map_widths_follow_flows(study: Study) -> None:
    figure = plot_network_map(study.scenario, study.flows, "lean")
    (ax,) = figure.axes
    lanes = {lane.id: line for lane, line in zip(study.scenario.lanes, ax.lines, strict=False)}
    assert len(ax.lines) == len(study.scenario.lanes)
    assert lanes["dc-store-5"].get_linestyle() == ":"  # no flow
    assert lanes["dc-store-4"].get_linewidth() > lanes["dc-store-1"].get_linewidth()
    legend = ax.get_legend()
    assert legend is not None
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels[:3] == ["supplier", "warehouse", "retailer"]
    assert labels[3].endswith(" units")
    assert "lean" in ax.get_title() and ax.get_xlabel() == "x (km)"


def test_network_map_skips_nodes_without_coordinates(study: Study) -> None:
    data = study.scenario.to_dict()
    for node in data["nodes"]:
        if node["id"] in {"supplier", "store-2"}:
            del node["location"]
    scenario = scenario_from_data(data, source=QUICKSTART)
    figure = plot_network_map(scenario, study.flows)
    (ax,) = figure.axes
    assert len(ax.lines) == len(scenario.lanes) - 2
    notes = [t.get_text() for t in ax.texts if "without coordinates" in t.get_text()]
    assert notes == ["2 node(s) without coordinates not shown: supplier, store-2"]
