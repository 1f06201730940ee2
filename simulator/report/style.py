"""One figure style for every plot of the library: readable on a projector.

Every function that builds a figure is wrapped in :func:`styled`, which draws it under
:data:`PROJECTOR`: large type, thick lines, a light grid and no top or right frame. Notebooks
apply the same settings to pyplot with ``matplotlib.rcParams.update(PROJECTOR)``. Colours of a
disruption and of the warm-up are shared too, so every figure shades them alike.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import matplotlib

if TYPE_CHECKING:  # not in matplotlib 3.10.0, the lowest supported; only the checker needs it
    from matplotlib.typing import RcKeyType

P = ParamSpec("P")
R = TypeVar("R")

PROJECTOR: dict[RcKeyType, Any] = {
    "font.size": 14,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "xtick.labelsize": 12.5,
    "ytick.labelsize": 12.5,
    "legend.fontsize": 13,
    "figure.titlesize": 17,
    "lines.linewidth": 2.2,
    "lines.markersize": 7,
    "axes.grid": True,
    "grid.alpha": 0.35,
    "grid.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
}
"""Matplotlib settings of every figure: large type and lines, light grid, open frame."""

DISRUPTION: dict[str, Any] = {"color": "tab:red", "alpha": 0.15, "linewidth": 0}
"""How a disruption window is shaded."""
WARMUP: dict[str, Any] = {"color": "0.88", "linewidth": 0}
"""How the warm-up, left out of the KPIs, is shaded."""


def styled(draw: Callable[P, R]) -> Callable[P, R]:
    """``draw`` run under :data:`PROJECTOR`, so the artists it creates take the style."""

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with matplotlib.rc_context(PROJECTOR):
            return draw(*args, **kwargs)

    return wrapper
