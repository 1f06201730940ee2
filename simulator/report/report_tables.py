"""The tables of a study report: formatted cells for the page, plain numbers for the downloads."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from matplotlib.colors import to_hex

from simulator.experiment.selection import Verdict
from simulator.metrics.catalogue import SCORECARD
from simulator.report.labels import difference_label, metric_direction, metric_label, metric_scale
from simulator.report.numbers import number, plus_minus
from simulator.report.study_plots import Colors, network_stats
from simulator.report.tables import Cell, Table
from simulator.report.verdict import Measure

COLUMNS_PER_TABLE = 4
"""KPI columns per comparison table: more would not fit a 1024-pixel screen."""

CHANNEL_COLUMNS = (
    "fill_rate",
    "units_sold",
    "revenue",
    "manufacturer_margin",
    "partner_margin",
)
"""Channel-scope KPIs of the channel section, in column order."""

_STATS = ["n", "mean", "half_width", "ci_low", "ci_high"]


@dataclass(frozen=True)
class Context:
    """What every section needs: colours, baseline, currency, KPIs of interest, warm-up."""

    colors: Colors
    baseline: str
    currency: str
    kpis: list[str]
    warmup: float

    def variant(self, name: str, css: str = "") -> Cell:
        """A variant's name with its colour swatch, as in the figures."""
        colour = to_hex(self.colors[name]) if name in self.colors else "#999999"
        tag = " (baseline)" if name == self.baseline else ""
        return Cell(f"{name}{tag}", css, swatch=colour)


def comparison_tables(network: pd.DataFrame, ctx: Context) -> list[Table]:
    """Mean ± half-width of every KPI of interest per variant, a few KPIs per table."""
    arrows = {1: " ↑", -1: " ↓", 0: ""}
    chunks = [
        ctx.kpis[k : k + COLUMNS_PER_TABLE] for k in range(0, len(ctx.kpis), COLUMNS_PER_TABLE)
    ]
    tables = []
    for k, kpis in enumerate(chunks, start=1):
        stats = {m: network_stats(network, m) for m in kpis}
        rows = []
        for variant in ctx.colors:
            cells = [ctx.variant(variant)]
            for m in kpis:
                if variant not in stats[m]:
                    cells.append(Cell("n/a"))
                    continue
                row, scale = stats[m][variant], metric_scale(m)
                css = "best" if variant in _best(stats[m], metric_direction(m)) else ""
                cells.append(Cell(plus_minus(row["mean"] * scale, row["half_width"] * scale), css))
            rows.append(cells)
        head = ["variant"] + [
            metric_label(m, ctx.currency) + arrows[metric_direction(m)] for m in kpis
        ]
        data = network[network["metric"].isin(kpis)][["variant", "metric", *_STATS]]
        key = "comparison" if len(chunks) == 1 else f"comparison-{k}"
        title = "Comparison" if len(chunks) == 1 else f"Comparison ({k} of {len(chunks)})"
        tables.append(Table(key, title, head, rows, data.reset_index(drop=True)))
    return tables


def difference_table(paired: pd.DataFrame, ctx: Context) -> Table:
    """Each variant minus the baseline, KPI by KPI, with the interval and its reading."""
    rows = []
    stats = {k: network_stats(paired, k) for k in ctx.kpis}
    for variant in [v for v in ctx.colors if v != ctx.baseline]:
        for k in ctx.kpis:
            if variant not in stats[k]:
                continue
            row, scale = stats[k][variant], metric_scale(k)
            half = row["half_width"] * scale
            low, high = number(row["ci_low"] * scale, half), number(row["ci_high"] * scale, half)
            reading, css = _reading(row["ci_low"], row["ci_high"], metric_direction(k))
            rows.append(
                [
                    ctx.variant(variant),
                    Cell(difference_label(k, ctx.currency)),
                    Cell(plus_minus(row["mean_diff"] * scale, half)),
                    Cell(f"[{low}, {high}]"),
                    Cell(
                        f"{row['relative_diff']:+.1%}"
                        if math.isfinite(row["relative_diff"])
                        else "n/a"
                    ),
                    Cell(reading, css),
                ]
            )
    head = ["variant", "KPI", "difference", "interval", "relative", "excludes 0?"]
    keep = paired["metric"].isin(ctx.kpis) & (paired["scope"] == "network")
    columns = [
        "variant",
        "metric",
        "n",
        "mean_diff",
        "half_width",
        "ci_low",
        "ci_high",
        "relative_diff",
    ]
    data = paired[keep][columns].reset_index(drop=True)
    return Table("differences", "Differences", head, rows, data, left=2)


def ranking_table(
    ranking: pd.DataFrame, metric: str, verdict: Verdict | None, ctx: Context
) -> Table:
    """Rank, mean and probability of being best; with a verdict, contention and constraints."""
    if verdict is not None:
        measure = Measure.of(verdict.objective, ctx.currency)
    else:
        measure = Measure.of_kpi(metric, ctx.currency) if metric else Measure("mean", 1, "", "")
    contention = set(verdict.selection.subset) if verdict else set()
    failing = (
        {c.variant: c.status for c in verdict.checks if c.status != "holds"} if verdict else {}
    )
    rows = []
    data = ranking.sort_values(["rank", "variant"]).reset_index(drop=True)
    for r in data.to_dict(orient="records"):
        variant = str(r["variant"])
        cells = [
            ctx.variant(variant),
            Cell(str(int(r["rank"]))),
            Cell(number(r["mean"] * measure.scale)),
            Cell(f"{float(r['prob_best']):.1%}"),
        ]
        if verdict is not None:
            cells.append(
                Cell(
                    "yes" if variant in contention else "no",
                    "tie" if variant in contention and len(contention) > 1 else "",
                )
            )
            status = failing.get(variant, "all hold" if verdict.checks else "none")
            cells.append(Cell(status, "worse" if status == "fails" else ""))
        rows.append(cells)
    head = ["variant", "rank", measure.label, "probability of best"]
    if verdict is not None:
        head += ["in contention", "constraints"]
    return Table("ranking", "Ranking", head, rows, data)


def channel_table(channels: pd.DataFrame, ctx: Context) -> Table:
    """Each channel's service and money per variant."""
    rows = []
    for channel in sorted(set(channels["id"])):
        for variant in ctx.colors:
            mine = channels[(channels["id"] == channel) & (channels["variant"] == variant)]
            stats = mine.set_index("metric")
            cells = [Cell(str(channel)), ctx.variant(variant)]
            for k in CHANNEL_COLUMNS:
                if k in stats.index:
                    scale = metric_scale(k)
                    mean, half = stats.at[k, "mean"] * scale, stats.at[k, "half_width"] * scale
                    cells.append(Cell(plus_minus(mean, half)))
                else:
                    cells.append(Cell("n/a"))
            rows.append(cells)
    head = ["channel", "variant"] + [metric_label(k, ctx.currency) for k in CHANNEL_COLUMNS]
    shown = [c for c in ["id", "variant", "metric", *_STATS] if c in channels.columns]
    data = channels[shown].rename(columns={"id": "channel"})
    return Table("channels", "Channels", head, rows, data.reset_index(drop=True), left=2)


_PARTNER_COLUMNS = (  # scorecard columns shown, headed by their catalogue labels
    "sales_units",
    "gross_margin",
    "fill_rate_given",
    "fill_rate_received",
    "on_time_delivery",
    "stockout_days",
    "inventory_turns",
    "rank",
)


def partner_table(scorecard: pd.DataFrame) -> Table:
    """The baseline's partner scorecard, best mean rank first."""
    data = scorecard.sort_values(["rank", "node"]).reset_index(drop=True)
    rows = []
    for _, row in data.iterrows():
        cells = [Cell(str(row["node"]))]
        for c in _PARTNER_COLUMNS:
            share = SCORECARD[c].unit == "share"
            value = row.get(c, math.nan)
            text = "—" if pd.isna(value) else (f"{value:.1%}" if share else number(value))
            cells.append(Cell(text))
        rows.append(cells)
    head = ["partner"] + [SCORECARD[c].label for c in _PARTNER_COLUMNS]
    return Table("partners", "Partner scorecard", head, rows, data)


def _best(stats: Mapping[str, Mapping[str, float]], direction: int) -> set[str]:
    """Variants with the best finite mean (ties included); none when no direction is better."""
    means = {v: row["mean"] * direction for v, row in stats.items() if math.isfinite(row["mean"])}
    if direction == 0 or not means:
        return set()
    top = max(means.values())
    return {v for v, m in means.items() if m == top}


def _reading(low: float, high: float, direction: int) -> tuple[str, str]:
    if not (low > 0 or high < 0):
        return "no", ""
    if direction == 0:
        return "yes", ""
    better = (low > 0) == (direction > 0)
    return ("yes, better", "better") if better else ("yes, worse", "worse")
