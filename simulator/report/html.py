"""A study report as one self-contained HTML file, rendered from the ``study.html.j2`` template.

The page opens with the verdict, then tables (each with a CSV download, all of them in one
Excel workbook) and figures as inline PNG. It loads nothing from elsewhere and runs no script,
so it can be mailed or archived as is, and it is byte-for-byte reproducible: the same tables
give the same file. Every piece of text from the study is escaped by the template engine.

``meta`` keys read (all optional): ``name``, ``description``, ``baseline``, ``replications``,
``seeds``, ``warmup``, ``horizon``, ``wall_time`` (seconds), ``versions``, ``kpis`` (the KPIs of
interest, network scope), ``frontier`` (``{"cost": ..., "service": ...}``, the frontier's KPIs),
``currency`` (the scenario's by default), ``confidence`` and ``ranking_metric`` (the KPI of
``ranking`` when it has no ``metric`` column).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from simulator.experiment.selection import Verdict
from simulator.metrics import KPI_DEFINITIONS
from simulator.report.figure_sections import figure_sections
from simulator.report.report_tables import (
    Context,
    channel_table,
    comparison_tables,
    difference_table,
    partner_table,
    ranking_table,
)
from simulator.report.sections import HOWTO, Part, Section
from simulator.report.study_plots import plot_paired, variant_colors
from simulator.report.tables import Table, workbook_link
from simulator.report.templating import render
from simulator.report.verdict import verdict_phrases
from simulator.scenario.models import Scenario

DEFAULT_KPIS = ("fill_rate", "cycle_service_level", "backorders_mean", "total_cost")
"""KPIs shown when ``meta`` names none (those present in the summary)."""


def build_report(
    summary: pd.DataFrame,
    paired: pd.DataFrame,
    series: pd.DataFrame,
    flows: pd.DataFrame,
    scenario: Scenario,
    meta: Mapping[str, Any],
    ranking: pd.DataFrame | None = None,
    scorecard: pd.DataFrame | None = None,
    channels: pd.DataFrame | None = None,
    *,
    verdict: Verdict | None = None,
    scenarios: Mapping[str, Scenario] | None = None,
) -> str:
    """The HTML report of a study.

    Args:
        summary: Per-variant statistics (see :mod:`simulator.report.study_plots`).
        paired: Paired differences from the baseline.
        series: Daily echelon series per variant and replication.
        flows: Units per variant, replication and lane.
        scenario: The base scenario (echelon names, and the map of variants without one).
        meta: Study description; keys listed in the module docstring.
        ranking: Optional ``variant, mean, prob_best, rank`` on the ranking metric.
        scorecard: Optional partner scorecard of the baseline, averaged over replications:
            ``node`` and the scorecard columns (``simulator.metrics.scorecard``).
        channels: Optional per-variant statistics at channel scope (as ``summary``) of the
            metrics in ``CHANNEL_COLUMNS``.
        verdict: The study's verdict on its objective, shown first.
        scenarios: Each variant's scenario, for one map per variant.

    Returns:
        The complete page, deterministic for equal inputs.
    """
    colors = variant_colors(summary["variant"])
    network = summary[summary["scope"] == "network"]
    ctx = Context(
        colors=colors,
        baseline=str(meta.get("baseline") or next(iter(colors), "")),
        currency=str(meta.get("currency") or scenario.currency),
        kpis=[k for k in meta.get("kpis") or DEFAULT_KPIS if k in set(network["metric"])],
        warmup=float(meta["warmup"]) if meta.get("warmup") is not None else scenario.warmup,
    )
    sections = [
        _ranking(ranking, meta, verdict, ctx) if ranking is not None else None,
        Section(
            "comparison",
            "Comparison of variants",
            HOWTO["compare"],
            parts=_comparison(network, ctx),
        ),
        _differences(paired, ctx),
        *figure_sections(summary, series, flows, scenario, scenarios or {}, meta, verdict, ctx),
        _channels(channels, ctx),
        _partners(scorecard, ctx),
    ]
    shown = [s for s in sections if s is not None]
    tables = [part.table for s in shown for part in s.parts if part.table is not None]
    name = str(meta.get("name") or scenario.name)
    return render(
        "study.html.j2",
        title=name,
        description=str(meta.get("description") or scenario.description),
        verdict=verdict_phrases(verdict, ctx.currency) if verdict is not None else [],
        sections=shown,
        facts=_facts(meta, scenario, ctx),
        workbook=workbook_link(tables),
        workbook_name=_file_name(name),
        glossary=[(k, KPI_DEFINITIONS[k]) for k in ctx.kpis if k in KPI_DEFINITIONS],
    )


def _ranking(
    ranking: pd.DataFrame, meta: Mapping[str, Any], verdict: Verdict | None, ctx: Context
) -> Section:
    metric = str(ranking["metric"].iloc[0]) if "metric" in ranking and len(ranking) else ""
    metric = metric or str(meta.get("ranking_metric") or "")
    table = ranking_table(ranking, metric, verdict, ctx)
    return Section("ranking", "Ranking", HOWTO["ranking"], parts=[Part(table=table)])


def _comparison(network: pd.DataFrame, ctx: Context) -> list[Part]:
    tables = comparison_tables(network, ctx)
    parts = [Part(table=t, heading=t.title if len(tables) > 1 else "") for t in tables]
    legend = "↑ higher is better, ↓ lower is better; shaded: best mean."
    return [*parts, Part(note=legend)]


def _differences(paired: pd.DataFrame, ctx: Context) -> Section:
    intro = f"Each variant minus the baseline, {ctx.baseline}."
    parts: list[Part] = []
    table = difference_table(paired, ctx)
    if table.rows:
        parts.append(Part(table=table))
    metrics = [k for k in ctx.kpis if k in set(paired["metric"])]
    if metrics:
        figure = plot_paired(
            paired, metrics, ctx.baseline, colors=ctx.colors, currency=ctx.currency
        )
        parts.append(Part.figure(figure))
    return Section("differences", "Differences from the baseline", HOWTO["paired"], [intro], parts)


def _channels(channels: pd.DataFrame | None, ctx: Context) -> Section | None:
    if channels is None or not len(channels):
        return None
    return Section(
        "channels", "Channels", HOWTO["channels"], parts=[Part(table=channel_table(channels, ctx))]
    )


def _partners(scorecard: pd.DataFrame | None, ctx: Context) -> Section | None:
    if scorecard is None or not len(scorecard):
        return None
    title = f"Partner scorecard ({ctx.baseline})"
    return Section(
        "partners", title, HOWTO["partners"], parts=[Part(table=partner_table(scorecard))]
    )


def _random_numbers(meta: Mapping[str, Any]) -> str:
    if meta.get("common_random_numbers", True):
        return "common: replication k uses the same random streams in every variant"
    return "independent: each variant and replication has its own seed"


def _facts(meta: Mapping[str, Any], scenario: Scenario, ctx: Context) -> list[tuple[str, str]]:
    rows = [
        ("Scenario", scenario.name),
        ("Baseline", ctx.baseline),
        ("Variants", ", ".join(ctx.colors)),
        ("Replications", meta.get("replications")),
        ("Seeds", _short(meta.get("seeds"))),
        ("Random numbers", _random_numbers(meta)),
        ("Warm-up", f"{scenario.period.count(ctx.warmup)} (excluded from every KPI)"),
        ("Horizon", scenario.period.count(float(meta.get("horizon") or scenario.horizon))),
        ("Confidence", None if meta.get("confidence") is None else f"{meta['confidence']:.0%}"),
        ("Run time", None if meta.get("wall_time") is None else f"{meta['wall_time']:,.1f} s"),
        ("Versions", _short(meta.get("versions"))),
        ("Currency", ctx.currency),
    ]
    return [(k, str(v)) for k, v in rows if v not in (None, "")]


def _short(value: Any) -> str | None:
    """Seeds and versions as one line, long lists abbreviated."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, list | tuple):
        head = ", ".join(str(v) for v in value[:10])
        return f"{head}, ... ({len(value)} in all)" if len(value) > 10 else head
    return str(value)


def _file_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-") or "study"


__all__ = ["DEFAULT_KPIS", "Table", "build_report"]
