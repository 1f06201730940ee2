"""Daily series of a study by echelon: stock bands and orders against demand, per variant.

The functions read the ``series`` table of a study (``variant, replication, scope, id
(level-0, ...), metric, day, value``) and return a :class:`~matplotlib.figure.Figure` built
without pyplot's global state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from simulator.network.topology import compile_topology
from simulator.report.figures import compact_axis
from simulator.report.study_plots import Colors, variant_colors
from simulator.report.style import styled
from simulator.scenario.models import Scenario


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


@styled
def plot_echelon_bands(
    series: pd.DataFrame,
    metric: str = "on_hand",
    *,
    colors: Colors | None = None,
    labels: Mapping[str, str] | None = None,
    warmup: float | None = None,
    period: str = "day",
) -> Figure:
    """Per echelon, the median over replications and its 10-90% band, day by day, per variant.

    Args:
        series: Daily echelon series (see the module docstring).
        metric: ``on_hand``, ``backlog``, ``pipeline``, ``demand`` or ``orders``.
        colors: Variant colours.
        labels: Echelon id -> subplot title (see :func:`echelon_labels`).
        warmup: Periods to shade as warm-up.
        period: The scenario's time unit, for the axis.
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
        compact_axis(ax.yaxis, bins=4)
        ax.set_ylabel("units")
    axes[-1].set_xlabel(f"{period}s")
    band = Patch(color="0.5", alpha=0.25, label="10-90% of replications")
    _legend(figure, colors, [band], warmup)
    name = metric.replace("_", " ")
    figure.suptitle(f"End-of-{period} {name} by echelon: median and 10-90% of replications")
    return figure


@styled
def plot_bullwhip(
    series: pd.DataFrame,
    *,
    colors: Colors | None = None,
    labels: Mapping[str, str] | None = None,
    warmup: float | None = None,
    period: str = "day",
) -> Figure:
    """Per echelon, means over replications of orders (solid) and demand (dashed) per variant,
    after the warm-up, with each variant's bullwhip ratio under the panel's title.

    Daily orders of a periodic review are spikes (an order every few days): where the period is
    a day, weekly means show the level and the swings a planner compares with demand.
    """
    rows = series[series["metric"].isin(["orders", "demand"])]
    if rows.empty:
        raise ValueError("the series has no orders or demand rows")
    colors = colors or variant_colors(series["variant"])
    daily = {m: _daily(rows[rows["metric"] == m]) for m in ("orders", "demand")}
    ratios = bullwhip_ratios(rows, warmup).to_dict("index")
    echelons = _echelons(rows)
    figure, axes = _stack(len(echelons))
    start = math.ceil(warmup or 0)
    for ax, echelon in zip(axes, echelons, strict=True):
        notes = []
        for variant in colors:
            for what, style in (("orders", "-"), ("demand", "--")):
                if (echelon, variant) in daily[what]:
                    days, values = daily[what][(echelon, variant)]
                    block = 7 if period == "day" else 1
                    x, means = _blocks(days, np.nanmean(values, axis=0), start, block)
                    ax.plot(x, means, style, color=colors[variant], linewidth=1.8)
            ratio = ratios.get(variant, {}).get(echelon)
            if ratio is not None:
                notes.append(f"{variant} {ratio:.2f}" if math.isfinite(ratio) else f"{variant} -")
        title = (labels or {}).get(echelon, echelon)
        ax.set_title(
            f"{title}\nbullwhip (variance of orders / of demand): " + ", ".join(notes),
            loc="left",
            fontsize="medium",
        )
        ax.set_ylim(bottom=0)
        compact_axis(ax.yaxis, bins=4)
        ax.set_ylabel(f"units per {period}")
    axes[-1].set_xlabel(f"{period}s")
    styles = [
        Line2D([], [], color="0.3", linestyle="-", label="orders placed"),
        Line2D([], [], color="0.3", linestyle="--", label="demand received"),
    ]
    _legend(figure, colors, styles, None)
    kind = "weekly means" if period == "day" else "means"
    figure.suptitle(f"Orders against demand by echelon: {kind} over replications")
    return figure


def _blocks(
    days: np.ndarray, values: np.ndarray, start: int, block: int
) -> tuple[np.ndarray, np.ndarray]:
    """Means of whole blocks of ``block`` periods from ``start``, placed at each block's middle."""
    keep = days >= start
    days, values = days[keep], values[keep]
    n = len(days) // block * block
    if n == 0:
        return days, values
    return days[:n].reshape(-1, block).mean(axis=1), values[:n].reshape(-1, block).mean(axis=1)


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


def _stack(n: int) -> tuple[Figure, list[Axes]]:
    figure = Figure(figsize=(13, 2.8 * n + 1.6), layout="constrained")
    grid = figure.subplots(n, 1, sharex=True, squeeze=False)
    return figure, list(grid.flat)


def _warmup(ax: Axes, warmup: float | None) -> None:
    if warmup:
        ax.axvspan(0, warmup, color="0.93", zorder=0)


def _legend(figure: Figure, colors: Colors, extra: Sequence[Artist], warmup: float | None) -> None:
    """One legend under the stacked panels: variants, then what the line styles mean."""
    handles: list[Artist] = [Line2D([], [], color=c, label=v) for v, c in colors.items()]
    handles += list(extra)
    if warmup:
        handles.append(Patch(color="0.93", label="warm-up"))
    figure.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4))
