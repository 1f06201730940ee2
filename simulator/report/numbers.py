"""Numbers as people read them: thousands separators, sensible decimals, compact axis ticks."""

from __future__ import annotations

import math


def decimals(half_width: float | None) -> int:
    """Decimals that give a half-width two significant digits: finer would be noise."""
    if half_width is None or not math.isfinite(half_width) or half_width <= 0:
        return 2
    return min(max(0, 1 - math.floor(math.log10(half_width))), 6)


def number(value: float, half_width: float | None = None) -> str:
    """``12,345`` or ``0.0123``: as precise as the interval allows, or by size without one."""
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if half_width is not None and math.isfinite(half_width) and half_width > 0:
        return f"{value:,.{decimals(half_width)}f}"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:,.1f}"
    return f"{value:.3g}" if size < 1 else f"{value:.2f}"


def plus_minus(mean: float, half_width: float, unit: str = "") -> str:
    """``12,345 ± 678 EUR``; the mean alone when the half-width is unknown."""
    suffix = f" {unit}" if unit else ""
    if not math.isfinite(half_width):
        return number(mean) + suffix
    return f"{number(mean, half_width)} ± {number(half_width, half_width)}{suffix}"


def compact(value: float) -> str:
    """An axis tick: ``-25k``, ``1.2M``, ``950``, ``0.5``."""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:,.3g}M"
    if size >= 1e4:
        return f"{value / 1e3:,.3g}k"
    if size >= 100 or value == round(value):
        return f"{value:,.0f}"
    return f"{value:.3g}"
