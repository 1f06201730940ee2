"""Plots of one run's fleets: how late the deliveries were, and what each vehicle did when.

Both read the run's records (``routes`` and ``deliveries``, see :mod:`simulator.records`) with
the KPIs' rules: a delivery belongs to the KPI window by the day whose work produced it, and
only deliveries with a due time are judged. Each function draws on a given ``Axes`` (or a new
figure) and returns the figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MultipleLocator

from simulator.metrics.result import Result
from simulator.network.fleets import HOURS_PER_DAY, CompiledFleet
from simulator.records import Records
from simulator.report.figures import axes_or_new
from simulator.report.style import styled

ROUTE_DAYS = 3
"""Days the route chart shows by default: the first days of the KPI window."""
LATENESS_HEIGHT = 3.5
"""Inches of the lateness histogram."""

_BIN_HOURS = (0.25, 0.5, 1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 48.0, 168.0)
_MAX_BINS = 60
_ON_TIME, _LATE = "0.6", "tab:red"
_HATCH, _BROKEN = "////", "0.1"


def delivery_lateness(records: Records) -> np.ndarray:
    """Hours late of each delivery in the KPI window that had a due time; early is negative."""
    deliveries = records.deliveries.as_dict()
    keep = records.in_window(deliveries["day"]) & np.isfinite(deliveries["due"])
    return (deliveries["time"][keep] - deliveries["due"][keep]) * HOURS_PER_DAY


def lateness_bins(hours: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Histogram of hours late, with 0 an edge and at least one bin on either side of it.

    The width is a round number of hours giving at most 60 bins. Bins are closed on the right,
    ``(a, b]``, so a delivery exactly at its due time falls left of 0, with the on-time ones.

    Returns:
        The bin edges and the number of deliveries in each bin.
    """
    low, high = float(hours.min()), float(hours.max())
    width = next((w for w in _BIN_HOURS if (high - low) / w <= _MAX_BINS), _BIN_HOURS[-1])
    first = min(math.floor(low / width), -1)
    last = max(math.ceil(high / width), 1)
    edges = np.arange(first, last + 1) * width
    # x in (a, b] exactly when -x in [-b, -a): numpy's bins, mirrored.
    counts = np.histogram(-hours, bins=-edges[::-1])[0][::-1]
    return edges, counts


def route_bars(routes: Mapping[str, np.ndarray], window: tuple[float, float]) -> pd.DataFrame:
    """The routes under way in ``window`` (days): each from its start for its recorded hours.

    Args:
        routes: The run's route columns (``Records.routes.as_dict()``).
        window: First and end day.

    Returns:
        ``fleet, vehicle, vehicle_type, start, end, broken``, times in days, by fleet, vehicle
        and start.
    """
    start = routes["start"]
    end = start + routes["hours"] / HOURS_PER_DAY
    bars = pd.DataFrame(
        {
            "fleet": routes["fleet"],
            "vehicle": routes["vehicle"],
            "vehicle_type": routes["vehicle_type"],
            "start": start,
            "end": end,
            "broken": routes["broken"],
        }
    )
    shown = (start < window[1]) & (end > window[0])
    return bars[shown].sort_values(["fleet", "vehicle", "start"]).reset_index(drop=True)


def vehicle_rows(fleets: Sequence[CompiledFleet]) -> list[tuple[str, str]]:
    """Label and type of every vehicle, fleet by fleet, in the records' numbering."""
    rows = []
    for fleet in fleets:
        depot = f"{fleet.places[0]} " if len(fleets) > 1 else ""
        for type_id, count in zip(fleet.type_ids, fleet.count, strict=True):
            rows += [(f"{depot}{type_id} {k + 1}", type_id) for k in range(count)]
    return rows


def routes_height(fleets: Sequence[CompiledFleet]) -> float:
    """Inches the route chart needs for the vehicles of ``fleets``."""
    return 1.8 + 0.32 * sum(fleet.n_vehicles for fleet in fleets)


@styled
def plot_lateness(result: Result, ax: Axes | None = None) -> Figure:
    """Histogram of the deliveries' hours late against their due time; on time at or below 0."""
    figure, ax = axes_or_new(ax, (10, LATENESS_HEIGHT))
    hours = delivery_lateness(result.records)
    ax.set_title("Deliveries: hours late against the due time (KPI window)")
    if not len(hours):
        ax.text(0.5, 0.5, "no deliveries with a due time", ha="center", transform=ax.transAxes)
        return figure
    edges, counts = lateness_bins(hours)
    zero = int(np.searchsorted(edges, 0.0))
    on_time, late = int(counts[:zero].sum()), int(counts[zero:].sum())
    share = on_time / len(hours)
    ax.stairs(
        counts[:zero],
        edges[: zero + 1],
        fill=True,
        color=_ON_TIME,
        label=f"on time: {on_time:,} ({share:.1%})",
    )
    ax.stairs(counts[zero:], edges[zero:], fill=True, color=_LATE, label=f"late: {late:,}")
    ax.axvline(0, color="0.2", linestyle="--", linewidth=1, label="promise (due time)")
    ax.set_xlabel("hours late (below 0: early)")
    ax.set_ylabel("deliveries")
    ax.legend(fontsize="small")
    return figure


@styled
def plot_routes(
    result: Result, window: tuple[int, int] | None = None, ax: Axes | None = None
) -> Figure:
    """One row per vehicle, a bar per route from leaving the depot to returning, coloured by
    vehicle type; hatched where a breakdown cut the route short.

    Args:
        result: The run.
        window: First and end day shown; default: the first ``ROUTE_DAYS`` days of the KPI
            window.
        ax: Where to draw.
    """
    fleets = result.network.fleets
    figure, ax = axes_or_new(ax, (10, routes_height(fleets)))
    if window is None:
        first = math.ceil(result.records.warmup)
        window = (first, first + ROUTE_DAYS)
    rows = vehicle_rows(fleets)
    types = list(dict.fromkeys(vtype for _, vtype in rows))
    palette = matplotlib.color_sequences["tab10"]
    colour = {vtype: palette[k % len(palette)] for k, vtype in enumerate(types)}
    offset = np.cumsum([0, *(fleet.n_vehicles for fleet in fleets)])
    bars = route_bars(result.records.routes.as_dict(), window)
    row = offset[bars["fleet"]] + bars["vehicle"].to_numpy()
    drawn = ax.barh(
        row,
        bars["end"] - bars["start"],
        left=bars["start"],
        height=0.6,
        color=[colour[rows[r][1]] for r in row],
    )
    for bar, broken in zip(drawn, bars["broken"], strict=True):
        if broken:
            bar.set(hatch=_HATCH, edgecolor=_BROKEN)
    ax.set_yticks(range(len(rows)), [label for label, _ in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)  # first vehicle on top
    ax.set_xlim(*window)
    ax.xaxis.set_major_locator(MultipleLocator(1))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"day {x:g}"))
    ax.xaxis.set_minor_locator(MultipleLocator(6 / HOURS_PER_DAY))
    ax.xaxis.set_minor_formatter(FuncFormatter(_hour_of_day))
    ax.tick_params(axis="x", which="minor", labelsize="x-small", colors="0.4")
    ax.grid(axis="x", which="major", color="0.75")
    ax.grid(axis="x", which="minor", color="0.92")
    ax.set_axisbelow(True)
    handles = [Patch(color=colour[t], label=t) for t in types]
    handles.append(Patch(facecolor="white", edgecolor=_BROKEN, hatch=_HATCH, label="breakdown"))
    ax.legend(handles=handles, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    days = f"days {window[0]} to {window[1] - 1}"
    ax.set_title(f"Routes by vehicle, {days}, from leaving the depot to returning")
    return figure


def _hour_of_day(x: float, _: int) -> str:
    hour = round(x % 1 * HOURS_PER_DAY)
    return "" if hour in (0, 24) else f"{hour:02d}:00"
