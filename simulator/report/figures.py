"""Figure plumbing shared by every plot: draw on a given Axes or a new figure; compact ticks."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from simulator.report.numbers import compact


def axes_or_new(ax: Axes | None, size: tuple[float, float] = (9, 4)) -> tuple[Figure, Axes]:
    """The figure of ``ax`` (the whole figure, when ``ax`` is in a subfigure), or a new figure
    of ``size`` inches with one Axes."""
    if ax is not None:
        figure = ax.get_figure(root=True)
        assert isinstance(figure, Figure)
        return figure, ax
    figure = Figure(figsize=size, layout="constrained")
    return figure, figure.add_subplot()


def compact_axis(axis: Axis, bins: int = 5) -> None:
    """Few, compact ticks (``-25k``, ``1.2M``) on an axis, so labels never run together."""
    axis.set_major_formatter(FuncFormatter(lambda value, _: compact(value)))
    axis.set_major_locator(MaxNLocator(nbins=bins))
