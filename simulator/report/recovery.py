"""Recovery curves: daily service of each stress case against the baseline, across replications."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from simulator.metrics.resilience_summary import recovery_band
from simulator.report.style import DISRUPTION, styled

Windows = Sequence[Sequence[tuple[float, float]]]
"""Per replication, the (start, end) days of a case's disruptions."""


@styled
def plot_recovery(
    curves: Mapping[str, np.ndarray],
    windows: Mapping[str, Windows],
    baseline: str,
    target: float,
    warmup: float = 0.0,
) -> Figure:
    """One panel per case: median smoothed service and its 10-90% band over replications, the
    baseline's median dashed, the target dotted, and the disruption windows shaded (darker where
    more replications were disrupted).

    Args:
        curves: Per case, smoothed daily service, shape ``(replications, days)``.
        windows: Per case, the disruption windows of each replication.
        baseline: The key of the undisrupted curves.
        target: The service target.
        warmup: Days before it are not drawn.
    """
    cases = [c for c in curves if c != baseline]
    figure = Figure(figsize=(12, 2.6 * max(len(cases), 1) + 1.4), layout="constrained")
    axes = figure.subplots(max(len(cases), 1), 1, sharex=True, squeeze=False)[:, 0]
    base = recovery_band(curves[baseline])
    first = int(np.ceil(warmup))
    for ax, case in zip(axes, cases, strict=False):
        band = recovery_band(curves[case])
        days = band["day"].to_numpy()[first:]
        replications = max(len(windows.get(case, [])), 1)
        for occurrences in windows.get(case, []):
            for start, end in occurrences:
                shade = DISRUPTION | {"alpha": 0.3 / replications}
                ax.axvspan(start, max(end, start + 0.5), **shade)
        ax.fill_between(
            days,
            band["low"].to_numpy()[first:],
            band["high"].to_numpy()[first:],
            color="tab:blue",
            alpha=0.25,
            lw=0,
            label="10-90% of replications",
        )
        ax.plot(
            days,
            band["median"].to_numpy()[first:],
            color="tab:blue",
            lw=1.5,
            label="median over replications",
        )
        ax.plot(
            days,
            base["median"].to_numpy()[first:],
            color="0.3",
            lw=1,
            ls="--",
            label="baseline, no disruption (median)",
        )
        ax.axhline(target, color="tab:red", lw=0.8, ls=":", label=f"target {target:.0%}")
        ax.set_title(case, loc="left")
        ax.set_ylabel("unit fill rate")
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylim(top=1.01)
    handles, _ = axes[0].get_legend_handles_labels()
    handles.append(Patch(label="disruption active", **DISRUPTION | {"alpha": 0.3}))
    # Below the panels, where it hides no curve.
    figure.legend(handles=handles, loc="outside lower center", ncols=3)
    axes[-1].set_xlabel("days")
    figure.suptitle("Service through the disruptions (moving window)")
    return figure
