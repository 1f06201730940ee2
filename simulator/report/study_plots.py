"""Plots of a study: several variants of a scenario, each run over many replications.

The functions read plain tables (the study's data contract), not experiment classes:

- ``summary``: variant, scope, id, metric, n, mean, sd, half_width, ci_low, ci_high;
- ``paired``: variant, scope, id, metric, n, mean_diff, sd_diff, half_width, ci_low, ci_high,
  relative_diff (variant - baseline, paired by replication);
- ``series``: variant, replication, scope, id (``level-0``, ...), metric, day, value;
- ``flows``: variant, replication, lane, units.

Each function returns a :class:`~matplotlib.figure.Figure` built without pyplot's global state.
Pass the same ``colors`` (see :func:`variant_colors`) to every plot so that a variant keeps its
colour throughout a report; by default colours follow the order of first appearance.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, StrMethodFormatter
from matplotlib.typing import ColorType

from simulator.network.topology import compile_topology
from simulator.report.figures import axes_or_new
from simulator.report.labels import difference_label, is_money, metric_label, metric_scale
from simulator.scenario.models import Scenario

Colors = Mapping[str, ColorType]


def variant_colors(variants: Iterable[str]) -> dict[str, ColorType]:
    """A distinct colour per variant, in the given order (tab10, then tab20 beyond ten)."""
    names = list(dict.fromkeys(variants))
    palette = matplotlib.color_sequences["tab10" if len(names) <= 10 else "tab20"]
    return {name: palette[k % len(palette)] for k, name in enumerate(names)}


def efficient_variants(
    summary: pd.DataFrame, service: str = "fill_rate", cost: str = "total_cost"
) -> list[str]:
    """Variants no other variant beats on both mean service (higher) and mean cost (lower).

    Returns:
        The non-dominated variants, cheapest first; variants with a missing mean are left out.
    """
    points = _points(summary, service, cost)
    efficient = [
        v
        for v, (c, s) in points.items()
        if not any(c2 <= c and s2 >= s and (c2, s2) != (c, s) for c2, s2 in points.values())
    ]
    return sorted(efficient, key=lambda v: points[v])


def network_stats(table: pd.DataFrame, metric: str) -> dict[str, dict[str, float]]:
    """Network-scope rows of one metric in ``summary`` or ``paired`` as plain numbers.

    Returns:
        Variant -> numeric column (``mean``, ``half_width``, ...) -> value.
    """
    rows = table[(table["scope"] == "network") & (table["metric"] == metric)]
    numbers = rows.select_dtypes("number").astype(float).to_dict("records")
    return {
        str(v): {str(k): float(x) for k, x in r.items()}
        for v, r in zip(rows["variant"], numbers, strict=True)
    }


def echelon_labels(scenario: Scenario) -> dict[str, str]:
    """Echelon id (``level-0``, ...) -> label naming its node kinds, e.g. ``level 0: retailer``."""
    topo = compile_topology(scenario)
    return {
        f"level-{tier.level}": f"level {tier.level}: "
        + ", ".join(sorted({topo.node_kind[n] for n in tier.nodes}))
        for tier in topo.tiers
    }


def bullwhip_ratios(series: pd.DataFrame, warmup: float | None = None) -> pd.DataFrame:
    """Variance of daily orders / variance of daily demand per echelon, after the warm-up.

    The ratio is computed per replication and averaged over replications.

    Returns:
        One row per variant, one column per echelon id; NaN where demand is constant.
    """
    rows = series[series["metric"].isin(["orders", "demand"])]
    if warmup:
        rows = rows[rows["day"] >= math.ceil(warmup)]
    var = rows.groupby(["variant", "id", "replication", "metric"], sort=False)["value"].var()
    wide = var.unstack("metric")
    if not {"orders", "demand"} <= set(wide.columns):
        return pd.DataFrame()
    ratio = (wide["orders"] / wide["demand"]).replace([np.inf, -np.inf], np.nan)
    return ratio.groupby(level=["variant", "id"], sort=False).mean().unstack("id")


def plot_frontier(
    summary: pd.DataFrame,
    service: str = "fill_rate",
    cost: str = "total_cost",
    ax: Axes | None = None,
    *,
    colors: Colors | None = None,
    currency: str | None = None,
) -> Figure:
    """Mean cost against mean service per variant, with both intervals; efficient set joined.

    ``cost`` is a network KPI where lower is better, ``service`` one where higher is better.
    """
    figure, ax = axes_or_new(ax, (7.5, 5))
    colors = colors or variant_colors(summary["variant"])
    s, c = network_stats(summary, service), network_stats(summary, cost)
    kx, k = metric_scale(cost), metric_scale(service)
    handles: list[Any] = []
    for variant in [v for v in colors if v in s and v in c]:
        x, y = c[variant]["mean"] * kx, s[variant]["mean"] * k
        bars = ax.errorbar(
            x,
            y,
            xerr=c[variant]["half_width"] * kx,
            yerr=s[variant]["half_width"] * k,
            fmt="o",
            color=colors[variant],
            capsize=4,
            label=variant,
        )
        handles.append(bars)
        ax.annotate(variant, (x, y), xytext=(7, 7), textcoords="offset points")
    best = efficient_variants(summary, service, cost)
    if best:
        xs = [c[v]["mean"] * kx for v in best]
        ys = [s[v]["mean"] * k for v in best]
        ax.plot(xs, ys, color="0.3", linestyle="--", linewidth=1, zorder=1)
        ring = ax.scatter(xs, ys, s=220, facecolors="none", edgecolors="0.2", label="efficient")
        handles.append(ring)
    _money_axis(ax, cost)
    ax.set_xlabel(f"{metric_label(cost, currency)}, lower is better")
    ax.set_ylabel(f"{metric_label(service, currency)}, higher is better")
    title = f"{service} against {cost} (mean and confidence interval per variant)"
    ax.set_title(title.replace("_", " "))
    ax.legend(handles=handles, fontsize="small")
    return figure


def plot_intervals(
    summary: pd.DataFrame,
    metrics: Sequence[str],
    baseline: str | None = None,
    *,
    colors: Colors | None = None,
    currency: str | None = None,
) -> Figure:
    """One panel per KPI: mean and confidence interval of every variant, baseline shaded."""
    colors = colors or variant_colors(summary["variant"])
    variants = list(colors)
    figure, axes = _panels(len(metrics), 0.45 * len(variants) + 1.3)
    for ax, metric in zip(axes, metrics, strict=True):
        stats = network_stats(summary, metric)
        k = metric_scale(metric)
        for y, variant in enumerate(variants):
            if variant in stats:
                row = stats[variant]
                xerr = row["half_width"] * k
                ax.errorbar(
                    row["mean"] * k, y, xerr=xerr, fmt="o", color=colors[variant], capsize=4
                )
        if baseline is not None and baseline in stats:
            row = stats[baseline]
            ax.axvspan(row["ci_low"] * k, row["ci_high"] * k, color="0.88", zorder=0)
            ax.axvline(row["mean"] * k, color="0.5", linestyle="--", linewidth=1)
        ax.grid(axis="x", color="0.92")
        _money_axis(ax, metric)
        ax.set_title(metric.replace("_", " "))
        ax.set_xlabel(metric_label(metric, currency))
    _variant_ticks(axes, variants, baseline)
    figure.suptitle("Mean and confidence interval per variant (grey band: baseline interval)")
    return figure


def plot_paired(
    paired: pd.DataFrame,
    metrics: Sequence[str],
    baseline: str | None = None,
    *,
    colors: Colors | None = None,
    currency: str | None = None,
) -> Figure:
    """One panel per KPI: each variant's paired difference from the baseline, with its interval.

    Filled markers are differences whose interval excludes zero; the relative difference is
    written to the right of each panel.
    """
    colors = colors or variant_colors(paired["variant"])
    variants = [v for v in colors if v != baseline and v in set(paired["variant"])]
    figure, axes = _panels(len(metrics), 0.45 * len(variants) + 1.3)
    for ax, metric in zip(axes, metrics, strict=True):
        stats = network_stats(paired, metric)
        k = metric_scale(metric)
        for y, variant in enumerate(variants):
            if variant not in stats:
                continue
            row = stats[variant]
            excludes = row["ci_low"] > 0 or row["ci_high"] < 0
            ax.errorbar(
                row["mean_diff"] * k,
                y,
                xerr=row["half_width"] * k,
                fmt="o",
                color=colors[variant],
                markerfacecolor=colors[variant] if excludes else "white",
                capsize=4,
            )
            if math.isfinite(row["relative_diff"]):
                ax.text(
                    1.02,
                    y,
                    f"{row['relative_diff']:+.1%}",
                    transform=ax.get_yaxis_transform(),
                    va="center",
                    fontsize="small",
                )
        ax.axvline(0, color="0.3", linewidth=1)
        ax.grid(axis="x", color="0.92")
        _money_axis(ax, metric)
        ax.set_title(metric.replace("_", " "))
        ax.set_xlabel(f"difference, {difference_label(metric, currency)}")
    _variant_ticks(axes, variants, None)
    against = f"baseline {baseline}" if baseline else "the baseline"
    figure.suptitle(
        f"Paired difference from {against} (filled: interval excludes zero; right: relative)"
    )
    return figure


def plot_echelon_bands(
    series: pd.DataFrame,
    metric: str = "on_hand",
    *,
    colors: Colors | None = None,
    labels: Mapping[str, str] | None = None,
    warmup: float | None = None,
) -> Figure:
    """Per echelon, the median over replications and its 10-90% band, day by day, per variant.

    Args:
        series: Daily echelon series (see the module docstring).
        metric: ``on_hand``, ``backlog``, ``pipeline``, ``demand`` or ``orders``.
        colors: Variant colours.
        labels: Echelon id -> subplot title (see :func:`echelon_labels`).
        warmup: Days to shade as warm-up.
    """
    rows = series[series["metric"] == metric]
    if rows.empty:
        raise ValueError(f"the series has no rows for metric {metric!r}")
    colors = colors or variant_colors(series["variant"])
    daily = _daily(rows)
    echelons = _echelons(rows)
    figure, axes = _stack(len(echelons))
    for ax, echelon in zip(axes, echelons, strict=True):
        for variant in [v for v in colors if (echelon, v) in daily]:
            days, values = daily[(echelon, variant)]
            low, mid, high = np.nanquantile(values, [0.1, 0.5, 0.9], axis=0)
            ax.fill_between(days, low, high, color=colors[variant], alpha=0.18)
            ax.plot(days, mid, color=colors[variant], linewidth=1.3, label=variant)
        _warmup(ax, warmup)
        ax.set_title((labels or {}).get(echelon, echelon), loc="left", fontsize="medium")
        ax.set_ylabel("units")
    axes[-1].set_xlabel("day")
    band = Patch(color="0.5", alpha=0.25, label="10-90% of replications")
    _legend(figure, colors, [band], warmup)
    name = metric.replace("_", " ")
    figure.suptitle(f"End-of-day {name} by echelon: median over replications, 10-90% band")
    return figure


def plot_bullwhip(
    series: pd.DataFrame,
    *,
    colors: Colors | None = None,
    labels: Mapping[str, str] | None = None,
    warmup: float | None = None,
) -> Figure:
    """Per echelon, median daily orders (solid) and demand (dashed) per variant, with bullwhip."""
    rows = series[series["metric"].isin(["orders", "demand"])]
    if rows.empty:
        raise ValueError("the series has no orders or demand rows")
    colors = colors or variant_colors(series["variant"])
    daily = {m: _daily(rows[rows["metric"] == m]) for m in ("orders", "demand")}
    ratios = bullwhip_ratios(rows, warmup).to_dict("index")
    echelons = _echelons(rows)
    figure, axes = _stack(len(echelons))
    for ax, echelon in zip(axes, echelons, strict=True):
        notes, top = [], 0.0
        for variant in colors:
            for what, style in (("orders", "-"), ("demand", "--")):
                if (echelon, variant) in daily[what]:
                    days, values = daily[what][(echelon, variant)]
                    median = np.nanmedian(values, axis=0)
                    ax.plot(days, median, style, color=colors[variant], linewidth=1.1)
                    steady = median[days >= math.ceil(warmup or 0)]
                    top = max(top, float(np.nanmax(steady, initial=0.0)))
            ratio = ratios.get(variant, {}).get(echelon)
            if ratio is not None:
                notes.append(f"{variant}: {ratio:.2f}" if math.isfinite(ratio) else f"{variant}: -")
        if top > 0:
            ax.set_ylim(0, 1.3 * top)  # start-up orders would otherwise flatten the rest
        ax.text(
            0.995,
            0.96,
            "bullwhip (var orders / var demand)\n" + "\n".join(notes),
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize="small",
            bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85, "edgecolor": "0.7"},
        )
        _warmup(ax, warmup)
        ax.set_title((labels or {}).get(echelon, echelon), loc="left", fontsize="medium")
        ax.set_ylabel("units per day")
    axes[-1].set_xlabel("day")
    styles = [
        Line2D([], [], color="0.3", linestyle="-", label="orders placed"),
        Line2D([], [], color="0.3", linestyle="--", label="demand received"),
    ]
    _legend(figure, colors, styles, warmup)
    figure.suptitle("Orders against demand by echelon (median over replications)")
    return figure


def _points(summary: pd.DataFrame, service: str, cost: str) -> dict[str, tuple[float, float]]:
    s, c = network_stats(summary, service), network_stats(summary, cost)
    points = {v: (c[v]["mean"], s[v]["mean"]) for v in s if v in c}
    return {v: p for v, p in points.items() if math.isfinite(p[0]) and math.isfinite(p[1])}


def _daily(rows: pd.DataFrame) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    """(echelon, variant) -> (days, replications x days values) of one metric's rows."""
    out = {}
    for (echelon, variant), group in rows.groupby(["id", "variant"], sort=False):
        wide = group.pivot(index="day", columns="replication", values="value").sort_index()
        out[(str(echelon), str(variant))] = (wide.index.to_numpy(), wide.to_numpy(float).T)
    return out


def _echelons(rows: pd.DataFrame) -> list[str]:
    def level(echelon: str) -> tuple[float, str]:
        suffix = echelon.rsplit("-", 1)[-1]
        return (int(suffix) if suffix.isdigit() else math.inf, echelon)

    return sorted({str(e) for e in rows["id"]}, key=level)


def _panels(n: int, height: float, ncols: int = 3) -> tuple[Figure, list[Axes]]:
    """A grid of ``n`` panels sharing the variant axis; unused cells removed."""
    if n == 0:
        raise ValueError("no metrics to plot")
    ncols = max(1, min(2 if n == 4 else ncols, n))
    nrows = max(1, math.ceil(n / ncols))
    figure = Figure(figsize=(3.7 * ncols + 1.3, height * nrows + 0.6), layout="constrained")
    grid = figure.subplots(nrows, ncols, sharey=True, squeeze=False)
    axes: list[Axes] = list(grid.flat)
    for extra in axes[n:]:
        extra.remove()
    return figure, axes[:n]


def _stack(n: int) -> tuple[Figure, list[Axes]]:
    figure = Figure(figsize=(10, 2.4 * n + 1.2), layout="constrained")
    grid = figure.subplots(n, 1, sharex=True, squeeze=False)
    return figure, list(grid.flat)


def _variant_ticks(axes: Sequence[Axes], variants: Sequence[str], baseline: str | None) -> None:
    axes[0].set_yticks(range(len(variants)), variants)  # the panels share their y axis
    axes[0].set_ylim(len(variants) - 0.5, -0.5)  # first variant on top
    for ax in axes:  # only the first column shows its labels
        for tick in ax.get_yticklabels():
            if tick.get_text() == baseline:
                tick.set_fontweight("bold")


def _money_axis(ax: Axes, metric: str) -> None:
    if is_money(metric):
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        # Wide amounts with thousands separators: few enough ticks that labels never touch.
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))


def _warmup(ax: Axes, warmup: float | None) -> None:
    if warmup:
        ax.axvspan(0, warmup, color="0.93", zorder=0)


def _legend(figure: Figure, colors: Colors, extra: Sequence[Artist], warmup: float | None) -> None:
    """One legend under the stacked panels: variants, then what the line styles mean."""
    handles: list[Artist] = [Line2D([], [], color=c, label=v) for v, c in colors.items()]
    handles += list(extra)
    if warmup:
        handles.append(Patch(color="0.93", label="warm-up"))
    figure.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 6))
