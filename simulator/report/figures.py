"""Figure plumbing shared by every plot: draw on a given Axes, or on a new figure."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure


def axes_or_new(ax: Axes | None, size: tuple[float, float] = (9, 4)) -> tuple[Figure, Axes]:
    """The figure of ``ax`` (the whole figure, when ``ax`` is in a subfigure), or a new figure
    of ``size`` inches with one Axes."""
    if ax is not None:
        figure = ax.get_figure(root=True)
        assert isinstance(figure, Figure)
        return figure, ax
    figure = Figure(figsize=size, layout="constrained")
    return figure, figure.add_subplot()
