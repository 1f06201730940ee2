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
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.typing import ColorType

from simulator.report.figures import axes_or_new, compact_axis
from simulator.report.labels import difference_label, metric_label, metric_scale
from simulator.report.style import styled

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


@styled
def plot_frontier(
    summary: pd.DataFrame,
    service: str = "fill_rate",
    cost: str = "total_cost",
    ax: Axes | None = None,
    *,
    colors: Colors | None = None,
    currency: str | None = None,
    best: str | None = None,
) -> Figure:
    """Mean cost against mean service per variant, with both intervals; efficient set joined.

    ``cost`` is a network KPI where lower is better, ``service`` one where higher is better.
    Variants are named in a legend below the axes, not next to their points, where names of
    close variants would overlap; ``best`` (the best variant on the objective) gets a star.
    """
    figure, ax = axes_or_new(ax, (8, 5.5))
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
        if variant == best:
            star = ax.scatter(
                [x], [y], s=320, marker="*", color=colors[variant], edgecolors="0.1", zorder=4
            )
            star.set_label(f"best on the objective ({variant})")
            handles.append(star)
    efficient = efficient_variants(summary, service, cost)
    if efficient:
        xs = [c[v]["mean"] * kx for v in efficient]
        ys = [s[v]["mean"] * k for v in efficient]
        ax.plot(xs, ys, color="0.3", linestyle="--", linewidth=1, zorder=1)
        ring = ax.scatter(xs, ys, s=220, facecolors="none", edgecolors="0.2", label="efficient")
        handles.append(ring)
    compact_axis(ax.xaxis)
    compact_axis(ax.yaxis)
    ax.set_xlabel(f"{metric_label(cost, currency)}, lower is better")
    ax.set_ylabel(f"{metric_label(service, currency)}, higher is better")
    title = f"{service} against {cost} (mean and confidence interval per variant)"
    ax.set_title(title.replace("_", " "))
    ncols = min(len(handles), 4)
    figure.legend(handles=handles, loc="outside lower center", ncols=ncols, fontsize="small")
    return figure


@styled
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
        compact_axis(ax.xaxis, bins=4)
        ax.set_title(metric.replace("_", " "))
        ax.set_xlabel(metric_label(metric, currency))
    _variant_ticks(axes, variants, baseline)
    figure.suptitle("Mean and confidence interval per variant (grey: the baseline's)")
    return figure


@styled
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
        compact_axis(ax.xaxis, bins=4)
        ax.set_title(metric.replace("_", " "))
        ax.set_xlabel(f"difference, {difference_label(metric, currency)}")
    _variant_ticks(axes, variants, None)
    against = f"baseline {baseline}" if baseline else "the baseline"
    figure.suptitle(
        f"Paired difference from {against}\n(filled: the interval excludes zero; right: relative)"
    )
    return figure


def _points(summary: pd.DataFrame, service: str, cost: str) -> dict[str, tuple[float, float]]:
    s, c = network_stats(summary, service), network_stats(summary, cost)
    points = {v: (c[v]["mean"], s[v]["mean"]) for v in s if v in c}
    return {v: p for v, p in points.items() if math.isfinite(p[0]) and math.isfinite(p[1])}


def _panels(n: int, height: float, ncols: int = 3) -> tuple[Figure, list[Axes]]:
    """A grid of ``n`` panels sharing the variant axis; unused cells removed."""
    if n == 0:
        raise ValueError("no metrics to plot")
    ncols = max(1, min(2 if n == 4 else ncols, n))
    nrows = max(1, math.ceil(n / ncols))
    figure = Figure(figsize=(4.8 * ncols + 1.8, height * nrows + 0.9), layout="constrained")
    grid = figure.subplots(nrows, ncols, sharey=True, squeeze=False)
    axes: list[Axes] = list(grid.flat)
    for extra in axes[n:]:
        extra.remove()
    return figure, axes[:n]


def _variant_ticks(axes: Sequence[Axes], variants: Sequence[str], baseline: str | None) -> None:
    axes[0].set_yticks(range(len(variants)), variants)  # the panels share their y axis
    axes[0].set_ylim(len(variants) - 0.5, -0.5)  # first variant on top
    for ax in axes:  # only the first column shows its labels
        for tick in ax.get_yticklabels():
            if tick.get_text() == baseline:
                tick.set_fontweight("bold")
