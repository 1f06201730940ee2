"""What the teaching notebooks share: a figure style readable on a projector, per-echelon
panels, shaded disruption windows, intervals over replications, and shorter studies.

Every notebook starts with ``from projector import ...`` and ``use_projector_style()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from scipy import stats

from simulator import Result, Study, with_overrides
from simulator.report.style import DISRUPTION, PROJECTOR

# The notebooks run from notebooks/ (Jupyter, nbmake) or from the repository root.
ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "scenarios").is_dir())
SCENARIOS = ROOT / "scenarios"

LINE_STYLES: list[dict[str, object]] = [
    {"linewidth": 5, "alpha": 0.45},
    {"linestyle": "--"},
    {"linestyle": ":"},
]


def use_projector_style() -> None:
    """The library's projector style (large type, thick lines, a light grid) for pyplot too:
    legible from the back of a room."""
    plt.rcParams.update(
        PROJECTOR
        | {
            "figure.figsize": (11, 5),
            "figure.dpi": 80,
            "figure.constrained_layout.use": True,
            "font.size": 15,
            "axes.titlesize": 17,
            "axes.labelsize": 15,
            "legend.fontsize": 13,
            "lines.linewidth": 2.4,
        }
    )


def echelon_series(result: Result) -> pd.DataFrame:
    """Per period and echelon (retailers first): demand received, orders placed, end-of-period
    stock on hand and backlog, in units summed over the echelon's nodes and SKUs."""
    rec, topo = result.records, result.network.topology
    frames = []
    for tier in topo.tiers:
        nodes = list(tier.nodes)
        names = [topo.node_ids[n] for n in nodes]
        name = (
            ", ".join(names) if len(names) <= 2 else f"{topo.node_kind[nodes[0]]}s ({len(names)})"
        )
        frames.append(
            pd.DataFrame(
                {
                    "day": np.arange(rec.n_days),
                    "echelon": name,
                    "demand": rec.node_demand[:, nodes].sum(axis=1),
                    "orders": rec.node_orders[:, nodes].sum(axis=1),
                    "on_hand": rec.series_on_hand[:, tier.positions].sum(axis=1),
                    "backlog": rec.series_backlog[:, tier.positions].sum(axis=1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def per_echelon(
    series: pd.DataFrame,
    lines: Mapping[str, str],
    *,
    ylabel: str,
    xlabel: str,
    title: str,
    windows: Iterable[tuple[float, float]] = (),
) -> Figure:
    """One small panel per echelon, so that no line hides another; the legend outside, right.

    Args:
        series: Rows of :func:`echelon_series` (or any frame with ``day`` and ``echelon``).
        lines: Column -> legend label, drawn in every panel in the same colours.
        ylabel: The y axis with its unit, e.g. ``"cases per week"``.
        xlabel: The time axis with its unit.
        title: Above all panels.
        windows: ``(start, end)`` periods to shade as disruptions.
    """
    names = list(dict.fromkeys(series["echelon"]))
    figure, axes = plt.subplots(
        len(names), 1, sharex=True, squeeze=False, figsize=(12, 1.9 * len(names) + 1.2)
    )
    for ax, name in zip(axes[:, 0], names, strict=True):
        rows = series[series["echelon"] == name]
        # A wide pale band under a dashed line: equal series stay visible, one on the other.
        for (column, label), style in zip(lines.items(), LINE_STYLES, strict=False):
            ax.plot(rows["day"], rows[column], label=label, drawstyle="steps-post", **style)
        ax.set_title(name, loc="left", fontsize="medium")
        ax.set_ylabel(ylabel, fontsize="small")
        shade(ax, windows)
    axes[-1, 0].set_xlabel(xlabel)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(handles))
    figure.suptitle(title)
    return figure


def shade(ax: Axes, windows: Iterable[tuple[float, float]], label: str = "disruption") -> None:
    """Shade each ``(start, end)`` window; only the first carries a legend label."""
    for i, (start, end) in enumerate(windows):
        ax.axvspan(start, end, label=label if i == 0 else None, **DISRUPTION)


def interval(samples: Sequence[float] | np.ndarray, confidence: float = 0.95) -> pd.Series:
    """Mean and Student-t confidence interval of independent replications' values."""
    values = np.asarray(samples, dtype=float)
    half = stats.t.ppf(0.5 + confidence / 2, len(values) - 1) * stats.sem(values)
    mean = float(values.mean())
    return pd.Series({"mean": mean, "low": mean - half, "high": mean + half, "n": len(values)})


def interval_chart(
    table: pd.DataFrame, *, xlabel: str, title: str, reference: float | None = None
) -> Figure:
    """Each row of ``table`` (index: label; columns ``mean, low, high``) as a point with its
    interval, one line each; ``reference`` (e.g. a theoretical value) as a dashed line."""
    figure, ax = plt.subplots(figsize=(11, 0.7 * len(table) + 1.8))
    y = np.arange(len(table))
    ax.errorbar(
        table["mean"],
        y,
        xerr=[table["mean"] - table["low"], table["high"] - table["mean"]],
        fmt="o",
        capsize=6,
        label="simulated mean, 95% interval",
    )
    if reference is not None:
        ax.axvline(reference, color="0.3", linestyle="--", label="reference")
    ax.set_yticks(y, [str(i) for i in table.index])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    figure.legend(loc="outside lower center", ncols=2)
    return figure


def shortened(
    study: Study,
    *,
    replications: int | None = None,
    horizon: float | None = None,
    warmup: float | None = None,
) -> Study:
    """The same study with fewer replications and a shorter run, so a notebook stays quick.

    The variants keep their overrides; only the horizon and warm-up of every variant's
    scenario change.
    """
    changes = {k: v for k, v in (("horizon", horizon), ("warmup", warmup)) if v is not None}
    variants = tuple(
        v.model_copy(update={"scenario": with_overrides(v.scenario, changes)})
        for v in study.variants()
    )
    update: dict[str, object] = {"variant_list": variants}
    if replications is not None:
        update["replications"] = replications
    if horizon is not None:
        update["horizon"] = horizon
    if warmup is not None:
        update["warmup"] = warmup
    return study.model_copy(update=update)
