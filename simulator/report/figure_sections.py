"""The figure sections of a study report: frontier, intervals, daily bands, orders, maps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from simulator.experiment.selection import Verdict
from simulator.report.network_map import plot_network_map
from simulator.report.report_tables import Context
from simulator.report.sections import HOWTO, Part, Section
from simulator.report.series_plots import echelon_labels, plot_bullwhip, plot_echelon_bands
from simulator.report.study_plots import efficient_variants, plot_frontier, plot_intervals
from simulator.scenario.models import Scenario

DEFAULT_FRONTIER = {"cost": "total_cost", "service": "fill_rate"}
"""The frontier's KPIs when ``meta`` names none."""


def figure_sections(
    summary: pd.DataFrame,
    series: pd.DataFrame,
    flows: pd.DataFrame,
    scenario: Scenario,
    scenarios: Mapping[str, Scenario],
    meta: Mapping[str, Any],
    verdict: Verdict | None,
    ctx: Context,
) -> list[Section]:
    """Frontier, intervals, stock bands, orders against demand and one map per variant."""
    network = summary[summary["scope"] == "network"]
    frontier = {**DEFAULT_FRONTIER, **(meta.get("frontier") or {})}
    return [
        _frontier(network, frontier["cost"], frontier["service"], verdict, ctx),
        _intervals(summary, ctx),
        _bands(series, scenario, ctx),
        _orders(series, scenario, ctx),
        _maps(scenario, scenarios, flows, ctx),
    ]


def _frontier(
    network: pd.DataFrame, cost: str, service: str, verdict: Verdict | None, ctx: Context
) -> Section:
    title = "Service against cost"
    if not {service, cost} <= set(network["metric"]):
        return Section(
            "frontier",
            title,
            HOWTO["frontier"],
            parts=[Part.missing(f"network {service} and {cost}")],
        )
    best = verdict.best if verdict is not None else None
    figure = plot_frontier(
        network, service, cost, colors=ctx.colors, currency=ctx.currency, best=best
    )
    names = ", ".join(efficient_variants(network, service, cost))
    text = [f"Efficient variants, cheapest first: {names}."]
    return Section("frontier", title, HOWTO["frontier"], text, [Part.figure(figure)])


def _intervals(summary: pd.DataFrame, ctx: Context) -> Section:
    title = "Intervals per KPI"
    if not ctx.kpis:
        return Section(
            "intervals", title, HOWTO["intervals"], parts=[Part.missing("network KPIs of interest")]
        )
    figure = plot_intervals(
        summary, ctx.kpis, ctx.baseline, colors=ctx.colors, currency=ctx.currency
    )
    return Section("intervals", title, HOWTO["intervals"], parts=[Part.figure(figure)])


def _bands(series: pd.DataFrame, scenario: Scenario, ctx: Context) -> Section:
    labels = echelon_labels(scenario)
    parts = []
    for metric in ("on_hand", "backlog"):
        if (series["metric"] == metric).any():
            figure = plot_echelon_bands(
                series,
                metric,
                colors=ctx.colors,
                labels=labels,
                warmup=ctx.warmup,
                period=scenario.period.name,
            )
            parts.append(Part.figure(figure))
        else:
            parts.append(Part.missing(f"daily {metric} series"))
    return Section("bands", "Inventory and backlog by echelon", HOWTO["bands"], parts=parts)


def _orders(series: pd.DataFrame, scenario: Scenario, ctx: Context) -> Section:
    title = "Orders against demand"
    if not series["metric"].isin(["orders", "demand"]).any():
        return Section(
            "orders", title, HOWTO["orders"], parts=[Part.missing("daily orders and demand series")]
        )
    figure = plot_bullwhip(
        series,
        colors=ctx.colors,
        labels=echelon_labels(scenario),
        warmup=ctx.warmup,
        period=scenario.period.name,
    )
    return Section("orders", title, HOWTO["orders"], parts=[Part.figure(figure)])


def _maps(
    scenario: Scenario, scenarios: Mapping[str, Scenario], flows: pd.DataFrame, ctx: Context
) -> Section:
    ran = set(flows["variant"])
    parts = [
        Part.figure(plot_network_map(scenarios.get(v, scenario), flows, v), heading=v)
        for v in ctx.colors
        if v in ran
    ]
    return Section(
        "maps", "Network maps", HOWTO["map"], parts=parts or [Part.missing("lane flows")]
    )
