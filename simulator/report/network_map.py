"""The network on a map: nodes at their coordinates, lanes as wide as the flow they carried."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from simulator.network.geography import Geography
from simulator.report.figures import axes_or_new
from simulator.scenario.models import Scenario

_KINDS: dict[str, tuple[str, str]] = {  # node kind -> (marker, colour)
    "supplier": ("s", "0.35"),
    "plant": ("s", "#8c564b"),
    "warehouse": ("D", "#1f77b4"),
    "wholesaler": ("D", "#9467bd"),
    "distributor": ("^", "#17becf"),
    "retailer": ("o", "#2ca02c"),
    "ecommerce": ("*", "#ff7f0e"),
}


def plot_network_map(
    scenario: Scenario,
    flows: pd.DataFrame,
    variant: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Nodes at their coordinates, lanes as lines as wide as their mean flow per replication.

    Args:
        scenario: The network to draw (node locations and kinds, lane endpoints).
        flows: Units shipped per variant, replication and lane id (``origin->destination``
            for a lane without an id).
        variant: Whose flows to draw; by default the first variant in ``flows``.
        ax: Axes to draw on; a new figure by default.
    """
    figure, ax = axes_or_new(ax, (8, 7))
    variant = variant or (str(flows["variant"].iloc[0]) if len(flows) else "")
    colour = "#3b4d66"  # neutral: the node kinds own the colours here
    chosen = flows[flows["variant"] == variant]
    n_reps = max(chosen["replication"].nunique(), 1)
    # A lane missing from a replication shipped nothing in it, hence sum / replications.
    mean_flow = chosen.groupby("lane")["units"].sum() / n_reps
    located = [n for n in scenario.nodes if n.location is not None]
    planar = Geography(scenario).xy([n.location for n in located if n.location is not None])
    xy = {n.id: (float(x), float(y)) for n, (x, y) in zip(located, planar, strict=True)}
    peak = float(mean_flow.max()) if len(mean_flow) and mean_flow.max() > 0 else 1.0
    for lane in scenario.lanes:
        if lane.origin not in xy or lane.destination not in xy:
            continue
        flow = float(mean_flow.get(lane.id or f"{lane.origin}->{lane.destination}", 0.0))
        (x0, y0), (x1, y1) = xy[lane.origin], xy[lane.destination]
        if flow > 0:
            ax.plot([x0, x1], [y0, y1], color=colour, linewidth=0.5 + 7 * flow / peak, alpha=0.6)
        else:
            ax.plot([x0, x1], [y0, y1], color="0.6", linewidth=0.6, linestyle=":")
    for kind, (marker, kind_colour) in _KINDS.items():
        nodes = [n for n in scenario.nodes if n.kind == kind and n.id in xy]
        if not nodes:
            continue
        points = np.array([xy[n.id] for n in nodes])
        size = 90 if len(nodes) <= 20 else 30
        x, y = points[:, 0], points[:, 1]
        ax.scatter(x, y, s=size, color=kind_colour, marker=marker, label=kind, zorder=3)
        if len(xy) <= 20 or len(nodes) <= 10:  # naming 60 stores would hide the map
            for node in nodes:
                ax.annotate(node.id, xy[node.id], xytext=(5, 5), textcoords="offset points")
    missing = [n.id for n in scenario.nodes if n.id not in xy]
    if missing:
        shown = ", ".join(missing[:8]) + (", ..." if len(missing) > 8 else "")
        note = f"{len(missing)} node(s) without coordinates not shown: {shown}"
        ax.text(0.01, 0.01, note, transform=ax.transAxes, fontsize="small", color="0.3")
    handles, _ = ax.get_legend_handles_labels()
    handles += [
        Line2D(
            [],
            [],
            color=colour,
            alpha=0.6,
            linewidth=0.5 + 7 * share,
            label=f"{peak * share:,.0f} units",
        )
        for share in (1.0, 0.5)
    ]
    ax.legend(handles=handles, fontsize="small", loc="best")
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("x (km)")
    ax.set_ylabel("y (km)")
    ax.set_title(f"{scenario.name}: mean units shipped per lane and replication, {variant}")
    return figure
