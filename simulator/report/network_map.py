"""The network on a map: nodes at their coordinates, lanes as wide as the flow they carried, and
where there is a market, its customer zones and each stocking shop's reach."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from simulator.network.geography import Geography
from simulator.network.market import mean_daily, plan_market
from simulator.report.figures import axes_or_new
from simulator.report.style import styled
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


@styled
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
    figure, ax = axes_or_new(ax, (9.5, 7))
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
    _market(ax, scenario)
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
    # Outside the axes, where it hides no site.
    ax.legend(handles=handles, fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1))
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("x (km)")
    ax.set_ylabel("y (km)")
    ax.set_title(f"{variant}: mean units shipped per lane and replication")
    return figure


def _market(ax: Axes, scenario: Scenario) -> None:
    """Customer zones (sized by demand; crosses: no stocking shop in reach) and the reach of
    every shop the strategy stocks."""
    market = scenario.market
    if market is None:
        return
    geography = Geography(scenario)
    plan = plan_market(scenario, geography)
    assert plan is not None
    nodes = {n.id: n for n in scenario.nodes}
    places = [nodes[o].location for o, skus in plan.carries.items() if skus]
    shops = geography.xy([place for place in places if place is not None])
    for k, (x, y) in enumerate(shops):
        disc = Circle((float(x), float(y)), market.reach, color="#2ca02c", alpha=0.07, lw=0)
        disc.set_label("reach of a stocking shop" if k == 0 else "_")
        ax.add_patch(disc)
    zones = geography.xy([zone.location for zone in market.customers])
    demand = np.array([sum(mean_daily(scenario, zone).values()) for zone in market.customers])
    served = np.array(
        [any(plan.routes.get((z, sku)) for sku in plan.price_factor) for z in range(len(zones))]
    )
    size = 4 + 40 * demand / max(float(demand.max()), 1e-9)
    x, y = zones[served].T
    ax.scatter(x, y, s=size[served], color="0.55", alpha=0.6, lw=0, label="customer zone")
    if not served.all():
        x, y = zones[~served].T
        ax.scatter(x, y, s=18, color="#d62728", marker="x", lw=1, label="zone out of reach")
