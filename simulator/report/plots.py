"""Every plot, for notebooks: one run's plots are defined here, a study's are re-exported.

Each function draws on a given matplotlib ``Axes`` (or a new figure) and returns the figure, so
notebooks can compose them and scripts can save them. One run: :func:`plot_inventory`,
:func:`plot_orders_vs_demand`, :func:`plot_run`, and with fleets :func:`plot_lateness` and
:func:`plot_routes` (from :mod:`simulator.report.fleet_plots`). A study (from its result tables, see
:mod:`simulator.report.study_plots`): :func:`plot_frontier`, :func:`plot_intervals`,
:func:`plot_paired`, :func:`plot_echelon_bands`, :func:`plot_bullwhip`,
:func:`plot_network_map`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from simulator.metrics.result import Result
from simulator.network.topology import Tier
from simulator.report.figures import axes_or_new, compact_axis
from simulator.report.fleet_plots import LATENESS_HEIGHT, routes_height
from simulator.report.fleet_plots import plot_lateness as plot_lateness
from simulator.report.fleet_plots import plot_routes as plot_routes
from simulator.report.network_map import plot_network_map as plot_network_map
from simulator.report.series_plots import plot_bullwhip as plot_bullwhip
from simulator.report.series_plots import plot_echelon_bands as plot_echelon_bands
from simulator.report.study_plots import plot_frontier as plot_frontier
from simulator.report.study_plots import plot_intervals as plot_intervals
from simulator.report.study_plots import plot_paired as plot_paired
from simulator.report.style import DISRUPTION, WARMUP, styled


def _echelon_names(result: Result) -> list[str]:
    topo = result.network.topology
    names = []
    for tier in topo.tiers:
        kinds = sorted({topo.node_kind[n] for n in tier.nodes})
        names.append(f"level {tier.level}: " + ", ".join(kinds))
    return names


Series = tuple[str, Callable[[Tier], np.ndarray]]
_STOCK = "tab:blue"
_BACKLOG = "tab:red"
_ORDERS = "tab:purple"
_DEMAND: dict[str, Any] = {"color": "0.35", "linestyle": "--", "linewidth": 1.6}


def _column(result: Result, tier: Tier) -> int:
    """The echelon's column in the records' per-echelon daily series."""
    return result.network.topology.tiers.index(tier)


def _on_hand(result: Result, tier: Tier) -> np.ndarray:
    return result.records.stock.echelon_on_hand[:, _column(result, tier)]


def _backlog(result: Result, tier: Tier) -> np.ndarray:
    return result.records.stock.echelon_backlog[:, _column(result, tier)]


def _orders(result: Result, tier: Tier) -> np.ndarray:
    return result.records.node_orders[:, list(tier.nodes)].sum(axis=1)


def _demand(result: Result, tier: Tier) -> np.ndarray:
    return result.records.node_demand[:, list(tier.nodes)].sum(axis=1)


def _echelon_lines(
    ax: Axes, result: Result, main: Series, companion: Series, style: dict[str, Any]
) -> None:
    """Per echelon, a main daily line and, in the same colour, a companion (if not all zero)."""
    days = np.arange(result.records.n_days)
    for name, tier in zip(_echelon_names(result), result.network.topology.tiers, strict=True):
        line = ax.plot(days, main[1](tier), label=f"{name} {main[0]}")[0]
        values = companion[1](tier)
        if values.any():
            ax.plot(days, values, color=line.get_color(), label=f"{name} {companion[0]}", **style)


def _shade(ax: Axes, result: Result) -> None:
    """The warm-up and every disruption window, behind the lines."""
    if result.records.warmup:
        ax.axvspan(0, result.records.warmup, zorder=0, **WARMUP)
    for start, end in result.disruption_windows:
        ax.axvspan(start, min(end, result.records.n_days), zorder=0, **DISRUPTION)


def _shading_handles(result: Result) -> list[Artist]:
    handles: list[Artist] = []
    if result.records.warmup:
        handles.append(Patch(label="warm-up (excluded from KPIs)", **WARMUP))
    if result.disruption_windows:
        handles.append(Patch(label="disruption", **DISRUPTION))
    return handles


@styled
def plot_inventory(result: Result, ax: Axes | None = None) -> Figure:
    """End-of-day on hand and backlog per echelon (units, summed over nodes and SKUs), on one
    Axes, legend to its right; :func:`plot_run` gives each echelon its own panel."""
    figure, ax = axes_or_new(ax, (12, 5))
    _echelon_lines(
        ax,
        result,
        ("on hand", lambda tier: _on_hand(result, tier)),
        ("backlog", lambda tier: -_backlog(result, tier)),
        {"linestyle": ":"},
    )
    _shade(ax, result)
    ax.axhline(0, color="0.4", linewidth=0.8)
    period = result.scenario.period.name
    ax.set_xlabel(f"{period}s")
    ax.set_ylabel("units (backlog below zero)")
    ax.set_title(f"{result.scenario.name}: inventory by echelon")
    handles = ax.get_legend_handles_labels()[0] + _shading_handles(result)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return figure


@styled
def plot_orders_vs_demand(result: Result, ax: Axes | None = None) -> Figure:
    """Daily demand received and orders placed per echelon on one Axes, legend to its right:
    the bullwhip made visible; :func:`plot_run` gives each echelon its own panel."""
    figure, ax = axes_or_new(ax, (12, 5))
    _echelon_lines(
        ax,
        result,
        ("orders", lambda tier: _orders(result, tier)),
        ("demand", lambda tier: _demand(result, tier)),
        {"linestyle": "--", "linewidth": 1.4},
    )
    _shade(ax, result)
    ax.set_ylim(0, _order_top(result))
    period = result.scenario.period.name
    ax.set_xlabel(f"{period}s")
    ax.set_ylabel(f"units per {period}")
    ax.set_title(f"{result.scenario.name}: orders vs demand by echelon")
    handles = ax.get_legend_handles_labels()[0] + _shading_handles(result)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return figure


def _order_top(result: Result) -> float:
    """Top of an orders axis: start-up orders would otherwise flatten the steady state."""
    rec = result.records
    after_warmup = slice(int(np.ceil(rec.warmup)), None)
    peak = max(rec.node_orders[after_warmup].max(), rec.node_demand[after_warmup].max(), 1.0)
    return 1.3 * peak


_LONG = 120
"""Days beyond which a run's orders are drawn as weekly means."""


def _means(days: np.ndarray, values: np.ndarray, block: int) -> tuple[np.ndarray, np.ndarray]:
    """Means over consecutive blocks of ``block`` days, placed at each block's middle."""
    n = len(days) // block * block
    if block == 1 or n == 0:
        return days, values
    return days[:n].reshape(-1, block).mean(axis=1), values[:n].reshape(-1, block).mean(axis=1)


def _echelon_panels(result: Result, part: Figure | SubFigure) -> None:
    """One row per echelon: stock and backlog on the left, orders and demand on the right,
    every panel with its own scale, so that no echelon's lines hide another's."""
    tiers = result.network.topology.tiers
    grid = part.subplots(len(tiers), 2, sharex=True, squeeze=False)
    period = result.scenario.period.name
    days = np.arange(result.records.n_days)
    # Over long runs, daily orders are spikes that hide the demand: show weekly means.
    block = 7 if period == "day" and len(days) > _LONG else 1
    flows = [
        (_means(days, _demand(result, tier), block), _means(days, _orders(result, tier), block))
        for tier in tiers
    ]
    steady = [v[t >= result.records.warmup] for pair in flows for t, v in pair]
    top = 1.3 * max(max((float(v.max()) for v in steady if len(v)), default=1.0), 1.0)
    what = "orders, weekly means" if block > 1 else "orders"
    for (stock_ax, order_ax), name, tier, (demand, orders) in zip(
        grid, _echelon_names(result), tiers, flows, strict=True
    ):
        stock_ax.plot(days, _on_hand(result, tier), color=_STOCK)
        backlog = _backlog(result, tier)
        stock_ax.fill_between(days, -backlog, 0, color=_BACKLOG, alpha=0.45, linewidth=0)
        stock_ax.axhline(0, color="0.4", linewidth=0.8)
        order_ax.plot(*demand, **_DEMAND)
        order_ax.plot(*orders, color=_ORDERS)
        order_ax.set_ylim(0, top)  # start-up orders would otherwise flatten the steady state
        stock_ax.set_title(f"{name}: stock", loc="left")
        order_ax.set_title(f"{name}: {what}", loc="left")
        stock_ax.set_ylabel("units")
        order_ax.set_ylabel(f"units per {period}")
        for ax in (stock_ax, order_ax):
            _shade(ax, result)
            compact_axis(ax.yaxis, bins=4)
    for ax in grid[-1]:
        ax.set_xlabel(f"{period}s")
    handles = [
        Line2D([], [], color=_STOCK, label="on hand"),
        Patch(color=_BACKLOG, alpha=0.45, label="backlog (below zero)"),
        Line2D([], [], color=_ORDERS, label="orders placed"),
        Line2D([], [], label="demand received", **_DEMAND),
        *_shading_handles(result),
    ]
    part.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 3))
    part.suptitle(f"{result.scenario.name}: stock and orders by echelon")


@styled
def plot_run(result: Result) -> Figure:
    """The standard views of a run in one figure: per echelon, a row with its stock and its
    orders against the demand it received; below them, for a run with fleets, the deliveries'
    lateness and the routes."""
    fleets = result.network.fleets
    rows = len(result.network.topology.tiers)
    top_height = 2.6 * rows + 1.8
    heights = (LATENESS_HEIGHT, routes_height(fleets)) if fleets else ()
    figure = Figure(figsize=(14, top_height + sum(heights)), layout="constrained")
    parts: list[Figure | SubFigure] = [figure]
    if fleets:
        parts = list(
            figure.subfigures(2, 1, squeeze=False, height_ratios=(top_height, sum(heights)))[:, 0]
        )
    _echelon_panels(result, parts[0])
    if fleets:
        late, routes = parts[1].subplots(2, 1, height_ratios=heights)
        plot_lateness(result, late)
        plot_routes(result, ax=routes)
    return figure
