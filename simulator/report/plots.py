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
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from simulator.metrics.result import Result
from simulator.network.topology import Tier
from simulator.report.figures import axes_or_new
from simulator.report.fleet_plots import LATENESS_HEIGHT, routes_height
from simulator.report.fleet_plots import plot_lateness as plot_lateness
from simulator.report.fleet_plots import plot_routes as plot_routes
from simulator.report.network_map import plot_network_map as plot_network_map
from simulator.report.series_plots import plot_bullwhip as plot_bullwhip
from simulator.report.series_plots import plot_echelon_bands as plot_echelon_bands
from simulator.report.study_plots import plot_frontier as plot_frontier
from simulator.report.study_plots import plot_intervals as plot_intervals
from simulator.report.study_plots import plot_paired as plot_paired


def _echelon_names(result: Result) -> list[str]:
    topo = result.network.topology
    names = []
    for tier in topo.tiers:
        kinds = sorted({topo.node_kind[n] for n in tier.nodes})
        names.append(f"level {tier.level}: " + ", ".join(kinds))
    return names


Series = tuple[str, Callable[[Tier], np.ndarray]]


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


def plot_inventory(result: Result, ax: Axes | None = None) -> Figure:
    """End-of-day on hand and backlog per echelon (units, summed over nodes and SKUs)."""
    figure, ax = axes_or_new(ax)
    rec = result.records
    stock = rec.stock
    column = {tier.level: k for k, tier in enumerate(result.network.topology.tiers)}
    _echelon_lines(
        ax,
        result,
        ("on hand", lambda tier: stock.echelon_on_hand[:, column[tier.level]]),
        ("backlog", lambda tier: -stock.echelon_backlog[:, column[tier.level]]),
        {"linestyle": ":"},
    )
    if rec.warmup:
        ax.axvspan(0, rec.warmup, color="0.9", label="warm-up (excluded from KPIs)")
    ax.axhline(0, color="0.4", linewidth=0.8)
    ax.set_xlabel(result.scenario.period.name)
    ax.set_ylabel("units (backlog below zero)")
    ax.set_title(f"{result.scenario.name}: inventory by echelon")
    ax.legend(fontsize="small", ncols=2, loc="lower right")  # stock lines sit above it
    return figure


def plot_orders_vs_demand(result: Result, ax: Axes | None = None) -> Figure:
    """Daily demand received and orders placed per echelon: the bullwhip made visible."""
    figure, ax = axes_or_new(ax)
    rec = result.records
    _echelon_lines(
        ax,
        result,
        ("orders", lambda tier: rec.node_orders[:, list(tier.nodes)].sum(axis=1)),
        ("demand", lambda tier: rec.node_demand[:, list(tier.nodes)].sum(axis=1)),
        {"alpha": 0.45},
    )
    after_warmup = slice(int(np.ceil(rec.warmup)), None)
    peak = max(rec.node_orders[after_warmup].max(), rec.node_demand[after_warmup].max(), 1.0)
    ax.set_ylim(0, 1.5 * peak)  # start-up orders would otherwise flatten the steady state
    ax.set_xlabel(result.scenario.period.name)
    ax.set_ylabel(f"units per {result.scenario.period.name}")
    ax.set_title(f"{result.scenario.name}: orders vs demand by echelon")
    ax.legend(fontsize="small", ncols=2)
    return figure


def plot_run(result: Result) -> Figure:
    """The standard views of a run stacked in one figure: stock, and orders against demand, by
    echelon; below them, for a run with fleets, the deliveries' lateness and the routes."""
    fleets = result.network.fleets
    heights = (LATENESS_HEIGHT, routes_height(fleets)) if fleets else ()
    figure = Figure(figsize=(10, 7.5 + sum(heights)), layout="constrained")
    parts: list[Figure | SubFigure] = [figure]
    if fleets:
        parts = list(
            figure.subfigures(2, 1, squeeze=False, height_ratios=(7.5, sum(heights)))[:, 0]
        )
    top, bottom = parts[0].subplots(2, 1, sharex=True)
    plot_inventory(result, top)
    plot_orders_vs_demand(result, bottom)
    if fleets:
        late, routes = parts[1].subplots(2, 1, height_ratios=heights)
        plot_lateness(result, late)
        plot_routes(result, ax=routes)
    return figure
