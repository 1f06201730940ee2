"""A study report as one self-contained HTML file: tables, figures as inline PNG, inline CSS.

The page loads nothing from elsewhere and runs no script, so it can be mailed or archived as is.
It is byte-for-byte reproducible: the same tables give the same file. Every piece of text from
the study (names, descriptions, variant ids) is escaped.

``meta`` keys read (all optional): ``name``, ``description``, ``baseline``, ``replications``,
``seeds``, ``warmup``, ``horizon``, ``wall_time`` (seconds), ``versions``, ``kpis`` (the KPIs of
interest, network scope), ``frontier`` (``{"cost": ..., "service": ...}``, the frontier's KPIs),
``currency`` (the scenario's by default), ``confidence`` and ``ranking_metric`` (the KPI of
``ranking`` when it has no ``metric`` column).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import pandas as pd
from matplotlib.colors import to_hex

from simulator.metrics import KPI_DEFINITIONS
from simulator.report.labels import difference_label, metric_direction, metric_label, metric_scale
from simulator.report.network_map import plot_network_map
from simulator.report.page import html_page, img
from simulator.report.study_plots import (
    Colors,
    echelon_labels,
    efficient_variants,
    network_stats,
    plot_bullwhip,
    plot_echelon_bands,
    plot_frontier,
    plot_intervals,
    plot_paired,
    variant_colors,
)
from simulator.scenario.models import Scenario

DEFAULT_KPIS = ("fill_rate", "cycle_service_level", "backorders_mean", "total_cost")
"""KPIs shown when ``meta`` names none (those present in the summary)."""

DEFAULT_FRONTIER = {"cost": "total_cost", "service": "fill_rate"}
"""The frontier's KPIs when ``meta`` names none."""


_HOWTO = {
    "compare": "Each cell is the mean over all replications, plus or minus the half-width of "
    "its confidence interval: the true mean very probably lies in that range. Arrows say "
    "which direction is better; the best mean of each column is shaded. Two variants whose "
    "ranges overlap may not really differ: the next section tests that directly.",
    "paired": "Each variant is compared with the baseline replication by replication (the "
    "same random demand and delays in both), which removes most of the noise. If the interval "
    "of the difference excludes zero, the difference is very unlikely to be luck; 'better' or "
    "'worse' then follows the KPI's direction. Differences of shares are in percentage points.",
    "ranking": "The probability of being best is how often the variant came first when the "
    "replications are resampled at random. A variant near 100% is a safe choice; several variants "
    "with similar shares are practically tied.",
    "frontier": "Each point is a variant: further left is cheaper, higher serves customers "
    "better. The crosses show the uncertainty in both directions. Circled variants, joined "
    "by the dashed line, are efficient: no other variant is both cheaper and better. Choosing "
    "among them is a trade-off between cost and service.",
    "intervals": "One panel per KPI. A dot is a variant's mean, the bar its confidence "
    "interval. The grey band is the baseline's interval: a bar far from it signals a change.",
    "bands": "For each echelon (level 0 sells to customers, higher levels supply lower ones), "
    "the line is the typical day across replications (median) and the shaded band holds 80% "
    "of them (10th to 90th percentile). Wide bands mean unpredictable stock. Backlog is what "
    "is owed and not yet delivered; ideally it stays near zero.",
    "orders": "Solid lines are the orders an echelon places upstream, dashed lines the demand "
    "it receives. When orders swing more than demand (bullwhip ratio above 1) the variability "
    "grows on its way up the chain and upstream sites need more stock or capacity.",
    "partners": "One row per distributor, wholesaler, retailer or e-commerce centre in the "
    "baseline, averaged over replications and sorted by average rank (1 = best). 'Fill given' "
    "is how well the partner served its own customers; 'received' and 'on time' how well its "
    "supplier served it; stockout days count days with backorders or lost sales. Definitions: "
    "docs/kpis.md, Partner scorecard.",
    "channels": "Each channel's customers, per variant: what share of their demand was filled "
    "from stock, what they bought, and who keeps the money: the manufacturer (its trade price "
    "less unit cost) and the resellers between it and the consumer (consumer price less the "
    "manufacturer's price). Means over replications, plus or minus the confidence half-width.",
    "map": "Sites are drawn at their coordinates; line width is proportional to the mean "
    "number of units shipped on the lane per replication. Dotted lanes carried nothing.",
}


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
) -> str:
    """The HTML report of a study.

    Args:
        summary: Per-variant statistics (see :mod:`simulator.report.study_plots`).
        paired: Paired differences from the baseline.
        series: Daily echelon series per variant and replication.
        flows: Units per variant, replication and lane.
        scenario: The base scenario (network map and echelon names).
        meta: Study description; keys listed in the module docstring.
        ranking: Optional ``variant, mean, prob_best, rank`` for one metric.
        scorecard: Optional partner scorecard of the baseline, averaged over replications:
            ``node`` and the scorecard columns (``simulator.metrics.scorecard``).
        channels: Optional per-variant statistics at channel scope (as ``summary``) of the
            metrics in ``CHANNEL_COLUMNS``.

    Returns:
        The complete page, deterministic for equal inputs.
    """
    colors = variant_colors(summary["variant"])
    baseline = str(meta.get("baseline") or next(iter(colors), ""))
    currency = str(meta.get("currency") or scenario.currency)
    network = summary[summary["scope"] == "network"]
    kpis = [k for k in meta.get("kpis") or DEFAULT_KPIS if k in set(network["metric"])]
    warmup = float(meta["warmup"]) if meta.get("warmup") is not None else scenario.warmup
    ctx = _Context(colors, baseline, currency, kpis, warmup)
    frontier = {**DEFAULT_FRONTIER, **(meta.get("frontier") or {})}
    parts = [
        _header(meta, scenario, ctx),
        _comparison(network, ctx),
        _differences(paired, ctx),
        _ranking(ranking, meta, ctx) if ranking is not None else "",
        _frontier(network, frontier["cost"], frontier["service"], ctx),
        _intervals(summary, ctx),
        _bands(series, scenario, ctx),
        _orders(series, scenario, ctx),
        _map(scenario, flows, ctx),
        _channels(channels, ctx) if channels is not None and len(channels) else "",
        _partners(scorecard, ctx) if scorecard is not None and len(scorecard) else "",
        _glossary(kpis),
    ]
    title = str(meta.get("name") or scenario.name)
    body = "\n".join(p for p in parts if p)
    return html_page(title, body)


class _Context:
    """What every section needs: colours, baseline, currency, KPIs of interest, warm-up."""

    def __init__(
        self, colors: Colors, baseline: str, currency: str, kpis: list[str], warmup: float
    ) -> None:
        self.colors, self.baseline, self.currency = colors, baseline, currency
        self.kpis, self.warmup = kpis, warmup

    def variant(self, name: str) -> str:
        """A variant name with its colour swatch, as in the figures."""
        colour = to_hex(self.colors[name]) if name in self.colors else "#999999"
        swatch = f'<span class="swatch" style="background:{colour}"></span>'
        tag = " (baseline)" if name == self.baseline else ""
        return f"{swatch}{escape(name)}{tag}"


def _random_numbers(meta: Mapping[str, Any]) -> str:
    if meta.get("common_random_numbers", True):
        return "common: replication k uses the same random streams in every variant"
    return "independent: each variant and replication has its own seed"


def _header(meta: Mapping[str, Any], scenario: Scenario, ctx: _Context) -> str:
    rows = [
        ("Scenario", scenario.name),
        ("Baseline", ctx.baseline),
        ("Variants", ", ".join(ctx.colors)),
        ("Replications", meta.get("replications")),
        ("Seeds", _short(meta.get("seeds"))),
        ("Random numbers", _random_numbers(meta)),
        ("Warm-up", f"{scenario.period.count(ctx.warmup)} (excluded from every KPI)"),
        ("Horizon", scenario.period.count(float(meta.get("horizon") or scenario.horizon))),
        ("Confidence", _percent(meta.get("confidence"))),
        ("Run time", _seconds(meta.get("wall_time"))),
        ("Versions", _short(meta.get("versions"))),
        ("Currency", ctx.currency),
    ]
    cells = "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>\n"
        for k, v in rows
        if v not in (None, "")
    )
    description = escape(str(meta.get("description") or scenario.description))
    name = escape(str(meta.get("name") or scenario.name))
    return (
        f"<header>\n<h1>{name}</h1>\n<p>{description}</p>\n<h2>Study</h2>\n"
        f'<table class="meta">\n{cells}</table>\n</header>'
    )


def _comparison(network: pd.DataFrame, ctx: _Context) -> str:
    arrows = {1: " ↑", -1: " ↓", 0: ""}
    head = "".join(
        f"<th>{escape(metric_label(k, ctx.currency))}{arrows[metric_direction(k)]}</th>"
        for k in ctx.kpis
    )
    stats = {k: network_stats(network, k) for k in ctx.kpis}
    best = {k: _best(stats[k], metric_direction(k)) for k in ctx.kpis}
    rows = []
    for variant in ctx.colors:
        cells = []
        for k in ctx.kpis:
            if variant not in stats[k]:
                cells.append("<td>n/a</td>")
                continue
            row, scale = stats[k][variant], metric_scale(k)
            css = ' class="best"' if variant in best[k] else ""
            cells.append(f"<td{css}>{_pm(row['mean'] * scale, row['half_width'] * scale)}</td>")
        rows.append(f'<tr><td class="name">{ctx.variant(variant)}</td>{"".join(cells)}</tr>')
    table = f'<table>\n<tr><th class="name">variant</th>{head}</tr>\n' + "\n".join(rows)
    legend = '<p class="note">↑ higher is better, ↓ lower is better; shaded: best mean.</p>'
    return _section("Comparison of variants", "compare", f"{table}\n</table>\n{legend}")


def _differences(paired: pd.DataFrame, ctx: _Context) -> str:
    rows = []
    stats = {k: network_stats(paired, k) for k in ctx.kpis}
    for variant in [v for v in ctx.colors if v != ctx.baseline]:
        for k in ctx.kpis:
            if variant not in stats[k]:
                continue
            row, scale = stats[k][variant], metric_scale(k)
            verdict, css = _verdict(row["ci_low"], row["ci_high"], metric_direction(k))
            rows.append(
                f'<tr><td class="name">{ctx.variant(variant)}</td>'
                f'<td class="name">{escape(difference_label(k, ctx.currency))}</td>'
                f"<td>{_pm(row['mean_diff'] * scale, row['half_width'] * scale)}</td>"
                f"<td>[{_num(row['ci_low'] * scale, row['half_width'] * scale)}, "
                f"{_num(row['ci_high'] * scale, row['half_width'] * scale)}]</td>"
                f"<td>{_relative(row['relative_diff'])}</td>"
                f'<td class="name {css}">{verdict}</td></tr>'
            )
    head = (
        '<tr><th class="name">variant</th><th class="name">KPI</th><th>difference</th>'
        '<th>interval</th><th>relative</th><th class="name">excludes 0?</th></tr>'
    )
    body = f"<table>\n{head}\n" + "\n".join(rows) + "\n</table>" if rows else ""
    metrics = [k for k in ctx.kpis if k in set(paired["metric"])]
    if metrics:
        figure = plot_paired(
            paired, metrics, ctx.baseline, colors=ctx.colors, currency=ctx.currency
        )
        body += "\n" + img(figure)
    intro = f"<p>Each variant minus the baseline, <b>{escape(ctx.baseline)}</b>.</p>\n"
    return _section("Differences from the baseline", "paired", intro + body)


def _ranking(ranking: pd.DataFrame, meta: Mapping[str, Any], ctx: _Context) -> str:
    metric = str(ranking["metric"].iloc[0]) if "metric" in ranking and len(ranking) else ""
    metric = metric or str(meta.get("ranking_metric") or "")
    scale = metric_scale(metric) if metric else 1.0
    rows = [
        f'<tr><td>{int(r["rank"])}</td><td class="name">{ctx.variant(str(r["variant"]))}</td>'
        f"<td>{_num(r['mean'] * scale)}</td><td>{float(r['prob_best']):.1%}</td></tr>"
        for _, r in ranking.sort_values(["rank", "variant"]).iterrows()
    ]
    what = escape(metric_label(metric, ctx.currency)) if metric else "mean"
    head = (
        f'<tr><th>rank</th><th class="name">variant</th><th>{what}</th>'
        "<th>probability of best</th></tr>"
    )
    return _section("Ranking", "ranking", f"<table>\n{head}\n" + "\n".join(rows) + "\n</table>")


def _frontier(network: pd.DataFrame, cost: str, service: str, ctx: _Context) -> str:
    if not {service, cost} <= set(network["metric"]):
        return _section("Service against cost", "frontier", _note(f"network {service} and {cost}"))
    figure = plot_frontier(network, service, cost, colors=ctx.colors, currency=ctx.currency)
    names = ", ".join(escape(v) for v in efficient_variants(network, service, cost))
    text = f"<p>Efficient variants, cheapest first: <b>{names}</b>.</p>"
    return _section("Service against cost", "frontier", text + img(figure))


def _intervals(summary: pd.DataFrame, ctx: _Context) -> str:
    if not ctx.kpis:
        return _section("Intervals per KPI", "intervals", _note("network KPIs of interest"))
    figure = plot_intervals(
        summary, ctx.kpis, ctx.baseline, colors=ctx.colors, currency=ctx.currency
    )
    return _section("Intervals per KPI", "intervals", img(figure))


def _bands(series: pd.DataFrame, scenario: Scenario, ctx: _Context) -> str:
    labels = echelon_labels(scenario)
    parts = []
    for metric in ("on_hand", "backlog"):
        if (series["metric"] == metric).any():
            figure = plot_echelon_bands(
                series, metric, colors=ctx.colors, labels=labels, warmup=ctx.warmup
            )
            parts.append(img(figure))
        else:
            parts.append(_note(f"daily {metric} series"))
    return _section("Inventory and backlog by echelon", "bands", "\n".join(parts))


def _orders(series: pd.DataFrame, scenario: Scenario, ctx: _Context) -> str:
    if not series["metric"].isin(["orders", "demand"]).any():
        return _section("Orders against demand", "orders", _note("daily orders and demand series"))
    figure = plot_bullwhip(
        series, colors=ctx.colors, labels=echelon_labels(scenario), warmup=ctx.warmup
    )
    return _section("Orders against demand", "orders", img(figure))


def _map(scenario: Scenario, flows: pd.DataFrame, ctx: _Context) -> str:
    shown = ctx.baseline if ctx.baseline in set(flows["variant"]) else None
    return _section("Network map", "map", img(plot_network_map(scenario, flows, shown)))


def _glossary(kpis: Sequence[str]) -> str:
    items = "".join(
        f"<dt>{escape(k)}</dt><dd>{escape(KPI_DEFINITIONS[k])}</dd>\n"
        for k in kpis
        if k in KPI_DEFINITIONS
    )
    return f"<section>\n<h2>KPI definitions</h2>\n<dl>\n{items}</dl>\n</section>"


_PARTNER_COLUMNS = {  # scorecard column -> (heading, is a share)
    "sales_units": ("sales (units)", False),
    "gross_margin": ("gross margin", False),
    "fill_rate_given": ("fill given", True),
    "fill_rate_received": ("fill received", True),
    "on_time_delivery": ("on time", True),
    "stockout_days": ("stockout days", False),
    "inventory_turns": ("turns / year", False),
    "rank": ("mean rank", False),
}


CHANNEL_COLUMNS = (
    "fill_rate",
    "units_sold",
    "revenue",
    "manufacturer_margin",
    "partner_margin",
)
"""Channel-scope KPIs of the channel section, in column order."""


def _channels(channels: pd.DataFrame, ctx: _Context) -> str:
    heads = "".join(f"<th>{escape(metric_label(k, ctx.currency))}</th>" for k in CHANNEL_COLUMNS)
    rows = []
    for channel in sorted(set(channels["id"])):
        for variant in ctx.colors:
            mine = channels[(channels["id"] == channel) & (channels["variant"] == variant)]
            stats = mine.set_index("metric")
            cells = "".join(
                f"<td>{_pm(*(stats.at[k, c] * metric_scale(k) for c in ('mean', 'half_width')))}"
                "</td>"
                if k in stats.index
                else "<td>n/a</td>"
                for k in CHANNEL_COLUMNS
            )
            name = f'<td class="name">{escape(channel)}</td><td>{ctx.variant(variant)}</td>'
            rows.append(f"<tr>{name}{cells}</tr>")
    head = f'<tr><th class="name">channel</th><th>variant</th>{heads}</tr>'
    table = f"<table>\n{head}\n" + "\n".join(rows)
    return _section("Channels", "channels", table + "\n</table>")


def _partners(scorecard: pd.DataFrame, ctx: _Context) -> str:
    heads = "".join(f"<th>{escape(h)}</th>" for h, _ in _PARTNER_COLUMNS.values())
    rows = []
    for _, row in scorecard.sort_values(["rank", "node"]).iterrows():
        cells = "".join(
            f"<td>{'—' if pd.isna(row[c]) else (f'{row[c]:.1%}' if share else _num(row[c]))}</td>"
            for c, (_, share) in _PARTNER_COLUMNS.items()
        )
        rows.append(f'<tr><td class="name">{escape(str(row["node"]))}</td>{cells}</tr>')
    title = f"Partner scorecard ({ctx.baseline})"
    table = f'<table>\n<tr><th class="name">partner</th>{heads}</tr>\n' + "\n".join(rows)
    return _section(title, "partners", table + "\n</table>")


def _section(title: str, howto: str, body: str) -> str:
    return (
        f"<section>\n<h2>{escape(title)}</h2>\n"
        f'<p class="howto"><b>How to read this.</b> {escape(_HOWTO[howto])}</p>\n'
        f"{body}\n</section>"
    )


def _note(what: str) -> str:
    return f'<p class="note">Not shown: the study has no {escape(what)}.</p>'


def _best(stats: Mapping[str, Mapping[str, float]], direction: int) -> set[str]:
    """Variants with the best finite mean (ties included); none when no direction is better."""
    means = {v: row["mean"] * direction for v, row in stats.items() if math.isfinite(row["mean"])}
    if direction == 0 or not means:
        return set()
    top = max(means.values())
    return {v for v, m in means.items() if m == top}


def _verdict(low: float, high: float, direction: int) -> tuple[str, str]:
    if not (low > 0 or high < 0):
        return "no", ""
    if direction == 0:
        return "yes", ""
    better = (low > 0) == (direction > 0)
    return ("yes, better", "better") if better else ("yes, worse", "worse")


def _decimals(half_width: float | None) -> int:
    """Decimals that give the half-width two significant digits: finer would be noise."""
    if half_width is None or not math.isfinite(half_width) or half_width <= 0:
        return 2
    return min(max(0, 1 - math.floor(math.log10(half_width))), 6)


def _num(value: float, half_width: float | None = None) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value:,.{_decimals(half_width)}f}"


def _pm(mean: float, half_width: float) -> str:
    if not math.isfinite(half_width):
        return _num(mean)
    return f"{_num(mean, half_width)} ± {_num(half_width, half_width)}"


def _relative(value: float) -> str:
    return f"{value:+.1%}" if math.isfinite(value) else "n/a"


def _percent(value: Any) -> str | None:
    return None if value is None else f"{float(value):.0%}"


def _seconds(value: Any) -> str | None:
    return None if value is None else f"{float(value):,.1f} s"


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
