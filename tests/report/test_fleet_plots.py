"""A run's fleet figures: lateness of deliveries and routes by vehicle, from the run records."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from simulator import load_scenario, run, with_overrides
from simulator.metrics.result import Result
from simulator.records import Records
from simulator.report.fleet_plots import (
    delivery_lateness,
    lateness_bins,
    route_bars,
    vehicle_rows,
)
from simulator.report.plots import plot_lateness, plot_routes, plot_run

SCENARIOS = Path(__file__).parents[2] / "scenarios"
LATENESS_TITLE = "Deliveries: hours late against the due time (KPI window)"
VANS = ["van 1", "van 2", "chilled-van 1", "chilled-van 2"]


@pytest.fixture(scope="module")
def fleet_run() -> Result:
    return run(load_scenario(SCENARIOS / "fleet" / "last_mile.yaml"))


def _titles(figure: Figure) -> list[str]:
    return [ax.get_title() or ax.get_title(loc="left") for ax in figure.axes]


def _bars(ax: Axes) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_lateness_counts_deliveries_with_a_due_time_in_the_kpi_window() -> None:
    records = Records(n_days=10, warmup=2, n_positions=1, n_streams=1, n_nodes=1)
    records.deliveries.append(
        fleet=0,
        day=np.array([1, 2, 3, 4]),  # the first is warm-up work
        node=-1,
        time=np.array([1.5, 2.25, 3.75, 4.5]),
        due=np.array([2.0, 2.5, 3.5, np.inf]),  # the last had no promise
        units=1.0,
    )
    assert delivery_lateness(records) == pytest.approx([-6.0, 6.0])


def test_lateness_bins_split_at_the_due_time_with_it_on_time() -> None:
    hours = np.array([-3.2, -0.5, 0.0, 0.0, 0.1, 4.0, 9.9])
    edges, counts = lateness_bins(hours)
    zero = int(np.flatnonzero(edges == 0.0)[0])
    assert np.allclose(np.diff(edges), 0.25)  # the roundest width giving at most 60 bins
    assert counts.sum() == len(hours)
    assert counts[:zero].sum() == 4  # exactly at the due time counts as on time
    assert counts[zero:].sum() == 3
    assert edges[0] <= hours.min() and edges[-1] >= hours.max()


def test_lateness_bins_keep_a_bin_on_each_side_of_the_due_time() -> None:
    edges, counts = lateness_bins(np.array([1.0, 2.0]))  # all late
    assert edges[0] < 0 and counts[edges[1:] <= 0].sum() == 0
    edges, counts = lateness_bins(np.array([-2.0, -1.0]))  # all on time
    assert edges[-1] > 0 and counts[edges[:-1] >= 0].sum() == 0


def test_route_bars_are_the_routes_under_way_in_the_window() -> None:
    routes = {
        "fleet": np.array([0, 0, 0, 1, 0]),
        "vehicle": np.array([1, 0, 0, 0, 1]),
        "vehicle_type": np.array([0, 0, 0, 1, 0]),
        "start": np.array([1.25, 2.8, 3.3, 2.5, 5.0]),
        "hours": np.array([6.0, 12.0, 2.4, 14.0, 1.0]),
        "broken": np.array([False, False, True, False, False]),
    }
    bars = route_bars(routes, (3.0, 5.0))
    # The first ends before the window, the last starts at its end; two straddle its start.
    assert bars[["fleet", "vehicle", "vehicle_type", "broken"]].values.tolist() == [
        [0, 0, 0, False],
        [0, 0, 0, True],
        [1, 0, 1, False],
    ]
    assert bars["start"].tolist() == pytest.approx([2.8, 3.3, 2.5])
    assert bars["end"].tolist() == pytest.approx([3.3, 3.4, 2.5 + 14 / 24])


def test_vehicle_rows_number_vehicles_within_their_type(fleet_run: Result) -> None:
    fleets = fleet_run.network.fleets
    assert vehicle_rows(fleets) == [(v, v.rsplit(" ", 1)[0]) for v in VANS]
    # With several depots, each row names its depot.
    assert [label for label, _ in vehicle_rows([*fleets, *fleets])] == 2 * [f"fc {v}" for v in VANS]


def test_a_fleet_run_figure_ends_with_lateness_and_routes(fleet_run: Result) -> None:
    titles = _titles(plot_run(fleet_run))
    echelons = 2 * len(fleet_run.network.topology.tiers)  # stock and orders of each
    assert len(titles) == echelons + 2
    assert titles[echelons] == LATENESS_TITLE
    assert titles[echelons + 1].startswith("Routes by vehicle, days 14 to 16")


def test_a_run_without_fleets_has_no_fleet_figures() -> None:
    result = run(with_overrides(load_scenario(SCENARIOS / "quickstart.yaml"), {"horizon": 40}))
    titles = _titles(plot_run(result))
    # One row per echelon: its stock, and its orders against its demand.
    names = [f"level {tier.level}" for tier in result.network.topology.tiers]
    assert [t.split(":")[0] for t in titles] == [name for name in names for _ in range(2)]
    assert all(t.endswith((": stock", ": orders")) for t in titles)


def test_lateness_histogram_agrees_with_the_on_time_kpi(fleet_run: Result) -> None:
    (ax,) = plot_lateness(fleet_run).axes
    legend = ax.get_legend()
    assert legend is not None
    texts = [t.get_text() for t in legend.get_texts()]
    share = fleet_run.kpi("on_time_delivery_rate")
    assert texts[0].endswith(f"({share:.1%})")
    assert texts[2] == "promise (due time)"
    assert [line.get_xdata()[0] for line in ax.lines] == [0]  # the promise line


def test_route_chart_has_a_row_per_vehicle_and_hatches_breakdowns(fleet_run: Result) -> None:
    routes = fleet_run.records.routes.as_dict()
    day = int(routes["day"][routes["broken"]][0])  # the first breakdown of the run
    window = (day - 1, day + 1)
    (ax, *_) = plot_routes(fleet_run, window).axes
    assert [t.get_text() for t in ax.get_yticklabels()] == VANS
    assert ax.get_xlim() == window
    bars = _bars(ax)
    expected = route_bars(routes, window)
    assert len(bars) == len(expected)
    assert [bar.get_x() for bar in bars] == pytest.approx(expected["start"].tolist())
    hatched = [bool(bar.get_hatch()) for bar in bars]
    assert hatched == expected["broken"].tolist() and any(hatched)
    # One colour per vehicle type.
    colours = {(bar.get_y(), bar.get_facecolor()) for bar in bars}
    assert len({c for _, c in colours}) == 2
