"""The run figure: one row per echelon, the legend outside the data, disruptions shaded, in
the projector style."""

from __future__ import annotations

from matplotlib.patches import Rectangle

from simulator import run
from simulator.report.plots import plot_run
from simulator.report.style import PROJECTOR
from tests.engine.scenarios import chain


def test_run_figure_shades_each_disruption_in_every_panel() -> None:
    closed = {
        "id": "closed",
        "type": "facility_outage",
        "nodes": ["s0"],
        "when": {"start": 3, "duration": 2},
    }
    dc = {"inventory": {"policy": {"type": "base_stock", "S": 40}}}
    result = run(chain(dc=dc, disruptions=[closed], horizon=12))
    assert result.disruption_windows == ((3.0, 5.0),)
    figure = plot_run(result)
    assert len(figure.axes) == 2 * len(result.network.topology.tiers)  # stock, orders
    for ax in figure.axes:
        spans = [(p.get_x(), p.get_width()) for p in ax.patches if isinstance(p, Rectangle)]
        assert (3.0, 2.0) in spans
        assert ax.get_legend() is None  # one legend for all, outside every panel
        assert ax.get_ylabel().startswith("units")
        ticks = ax.yaxis.get_ticklabels()
        assert ticks[0].get_fontsize() == PROJECTOR["ytick.labelsize"]
    (legend,) = figure.legends
    assert "disruption" in [t.get_text() for t in legend.get_texts()]
