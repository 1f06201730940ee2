"""Resilience of a disrupted run against its same-seed undisrupted baseline, from daily series.

Two runs of one scenario with the same seed, one with a disruption and one without, see the same
demand; comparing them day by day isolates what the disruption did. The KPIs say how long the
disrupted run kept its service target (time to survive), how long it took to come back to the
baseline's service and stay there (time to recover), how much service it lost meanwhile (the
area of the resilience triangle), how much backlog piled up and what it cost in lost sales and
money.

Conventions shared by every definition:

- Days are indices into the daily series: day ``t`` is element ``t``, day 0 the first. Both
  runs' series cover the same days; their length is the horizon ``H``, so the last day is
  ``H - 1``.
- The disruption is active on days ``[start, end)``: ``start`` included, ``end`` excluded. The
  KPIs look at days ``start`` to ``H - 1`` inclusive; ``end`` is only reported.
- Service on a day is the unit fill rate: units filled from stock on the day asked for / units
  asked that day, and 1 (full service) on a day nobody asked for anything.
- Smoothed service on day ``t`` is the same ratio over the trailing window of days
  ``max(0, t - window + 1)`` to ``t`` inclusive: units filled over the window / units asked
  over it, so a busy day weighs more than a quiet one. The first ``window - 1`` days of the
  run have a shorter window. Days before ``start`` enter the first windows of the disruption,
  which is what damps a single bad day; the price is a lag of up to ``window - 1`` days in
  both directions.

Everything here is plain numpy on arrays the caller extracts from its runs; nothing reads a
run or touches SimPy.
"""

from __future__ import annotations

import math
import operator
from dataclasses import asdict, dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

METRICS: Final = (
    "time_to_survive",
    "time_to_recover",
    "service_loss_area",
    "peak_backlog",
    "extra_peak_backlog",
    "lost_sales_extra",
    "extra_cost",
)
"""The numeric KPIs of :class:`ResilienceKPIs`, in the order
:func:`~simulator.metrics.resilience_summary.summarize_resilience` uses."""

DEFINITIONS: dict[str, str] = {
    "time_to_survive": "Days from the disruption's start to the first day, start included, on "
    "which the disrupted run's smoothed fill rate is below the target (days; 0 if already "
    "below on the start day, inf if never below by the horizon's end).",
    "time_to_recover": "Days from the disruption's start to the first day of the final stretch, "
    "running to the horizon's last day, on which the disrupted run's smoothed fill rate is at "
    "least the baseline's minus the tolerance (days; 0 if never outside, inf if still outside "
    "on the last day).",
    "service_loss_area": "Sum over the days from the start to the horizon's end of max(0, "
    "baseline fill rate - disrupted fill rate), daily and unsmoothed: the resilience triangle "
    "(service-days).",
    "peak_backlog": "Largest end-of-day backlog of the disrupted run from the start to the "
    "horizon's end (units).",
    "extra_peak_backlog": "Largest end-of-day backlog of the disrupted run minus the baseline's "
    "on the same day, from the start to the horizon's end (units; negative if the disrupted "
    "run always had less).",
    "lost_sales_extra": "Disrupted run's total lost sales - the baseline's (units).",
    "extra_cost": "Disrupted run's total cost - the baseline's (money).",
}
"""KPI name -> one-line definition with its unit."""


def _day_array(values: npt.ArrayLike, name: str) -> np.ndarray:
    """``values`` as a 1-D float64 array of at least one finite, non-negative value."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D daily series, got shape {array.shape}")
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError(f"{name} must be finite and non-negative")
    return array


def _day_arrays(asked: npt.ArrayLike, filled: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    asked_a, filled_a = _day_array(asked, "asked"), _day_array(filled, "filled")
    if asked_a.shape != filled_a.shape:
        raise ValueError(
            f"asked and filled must cover the same days, got {asked_a.size} and {filled_a.size}"
        )
    return asked_a, filled_a


def _service(filled: np.ndarray, asked: np.ndarray) -> np.ndarray:
    # Nothing asked means nobody went without: full service, not a missing value, so the
    # series stays defined on quiet days and a quiet day never counts as a dip.
    return np.divide(filled, asked, out=np.ones_like(asked), where=asked > 0)


def daily_fill_rate(asked: npt.ArrayLike, filled: npt.ArrayLike) -> np.ndarray:
    """Unit fill rate of each day: ``filled / asked``, and 1 on a day with nothing asked.

    Args:
        asked: Units customers asked for on each day (non-negative).
        filled: Units filled from stock on the day asked for, on each day (``0 <= filled <=
            asked``).

    Returns:
        One fill rate per day, float64.

    Raises:
        ValueError: If the series are not 1-D, empty, of different lengths, negative or not
            finite.
    """
    asked_a, filled_a = _day_arrays(asked, filled)
    return _service(filled_a, asked_a)


def smoothed_fill_rate(asked: npt.ArrayLike, filled: npt.ArrayLike, window: int = 7) -> np.ndarray:
    """Trailing moving fill rate of each day: a ratio of sums over the window, not a mean of ratios.

    On day ``t``: units filled / units asked over days ``max(0, t - window + 1)`` to ``t``
    inclusive, and 1 where nothing was asked in the window; each day weighs by its demand.
    With ``window = 1`` it is :func:`daily_fill_rate`.

    Args:
        asked: Units asked on each day.
        filled: Units filled from stock on the day asked for, on each day.
        window: Days in the window, at least 1; the first ``window - 1`` days use the days
            there are.

    Returns:
        One smoothed fill rate per day, float64.

    Raises:
        ValueError: If ``window < 1`` or as for :func:`daily_fill_rate`.
    """
    window = operator.index(window)
    if window < 1:
        raise ValueError(f"window must be at least 1 day, got {window}")
    asked_a, filled_a = _day_arrays(asked, filled)
    n = asked_a.size
    # The first n terms of the full convolution with a box are exactly the trailing sums,
    # short at the start; numpy convolves directly, so integer counts sum exactly.
    box = np.ones(window)
    return _service(np.convolve(filled_a, box)[:n], np.convolve(asked_a, box)[:n])


@dataclass(frozen=True, eq=False)
class RunSeries:
    """What the resilience KPIs need of one run: its daily demand and fills, and totals.

    Attributes:
        asked: Units customers asked for on each day.
        filled: Units filled from stock on the day asked for, on each day.
        backlog: End-of-day backlog on each day (units), or None if not tracked (the backlog
            KPIs are then NaN).
        lost_sales: Total units of demand lost over the run (NaN if not tracked).
        cost: Total cost of the run (NaN if not tracked).

    A caller that only has a daily fill-rate series ``f`` can pass ``asked = 1`` and ``filled
    = f`` on every day; smoothing then averages the daily ratios.
    """

    asked: np.ndarray
    filled: np.ndarray
    backlog: np.ndarray | None = None
    lost_sales: float = math.nan
    cost: float = math.nan

    def __post_init__(self) -> None:
        asked, filled = _day_arrays(self.asked, self.filled)
        object.__setattr__(self, "asked", asked)
        object.__setattr__(self, "filled", filled)
        if self.backlog is not None:
            backlog = _day_array(self.backlog, "backlog")
            if backlog.shape != asked.shape:
                raise ValueError(
                    f"backlog must cover the same {asked.size} days as asked, got {backlog.size}"
                )
            object.__setattr__(self, "backlog", backlog)

    @property
    def days(self) -> int:
        """The horizon: number of days in the series."""
        return int(self.asked.size)


@dataclass(frozen=True, slots=True)
class ResilienceKPIs:
    """Resilience KPIs of one disrupted run against its baseline (see the module's conventions).

    Attributes:
        time_to_survive: ``t - start`` for the first day ``t >= start`` with smoothed disrupted
            service ``< target``; the run kept the target on the ``time_to_survive`` days
            before it. 0 if below on ``start`` itself, ``inf`` if never below up to day
            ``H - 1``. It judges the disrupted run alone: if the baseline is below the target
            too (``baseline_below_target``), the shortfall is not all the disruption's doing.
        time_to_recover: Call a day *within tolerance* if its smoothed disrupted service is
            ``>=`` smoothed baseline service ``- tolerance``. 0 if every day from ``start`` to
            ``H - 1`` is within tolerance; ``inf`` if day ``H - 1`` is not; otherwise ``t + 1 -
            start`` for the last day ``t`` that is not, so day ``start + time_to_recover`` opens
            the stretch within tolerance that lasts to the horizon's end. Relative to the
            baseline, so it is finite even where both runs miss the target.
        service_loss_area: ``sum(max(0, b[t] - d[t]))`` over days ``start`` to ``H - 1``, with
            ``b, d`` the daily (unsmoothed) fill rates of the baseline and the disrupted run
            (service-days: 1 is one day without any service).
        peak_backlog: ``max(backlog_d[t])`` over days ``start`` to ``H - 1`` (units; NaN without
            the disrupted run's backlog).
        extra_peak_backlog: ``max(backlog_d[t] - backlog_b[t])`` over days ``start`` to
            ``H - 1``, not floored at 0 (units; NaN without both backlogs).
        lost_sales_extra: Disrupted total lost sales - baseline's (units).
        extra_cost: Disrupted total cost - baseline's (money).
        start: First day of the disruption.
        end: First day after the disruption (exclusive end), or None if it never ends.
        horizon: ``H``, the days in each series.
        horizon_ends_in_disruption: Whether the series stop before the disruption does
            (``end`` is None or ``end > H``). The area and the peaks are then lower bounds of
            the whole disruption's, and ``time_to_recover`` is typically ``inf``.
        baseline_below_target: Whether the smoothed baseline service is below the target on
            some day from ``start`` to ``H - 1``.
    """

    time_to_survive: float
    time_to_recover: float
    service_loss_area: float
    peak_backlog: float
    extra_peak_backlog: float
    lost_sales_extra: float
    extra_cost: float
    start: int
    end: int | None
    horizon: int
    horizon_ends_in_disruption: bool
    baseline_below_target: bool

    def to_dict(self) -> dict[str, float | int | bool | None]:
        """Every field by name, for a table row or JSON (``inf`` stays a float ``inf``)."""
        return asdict(self)


def resilience_kpis(
    baseline: RunSeries,
    disrupted: RunSeries,
    start: int,
    end: int | None = None,
    *,
    target: float = 0.95,
    tolerance: float = 0.02,
    window: int = 7,
) -> ResilienceKPIs:
    """Resilience KPIs of a disrupted run against its same-seed undisrupted baseline.

    Smoothing (``window``) applies to both runs alike and only to ``time_to_survive``,
    ``time_to_recover`` and ``baseline_below_target``; the area is daily. See
    :class:`ResilienceKPIs` for each definition.

    Args:
        baseline: The undisrupted run.
        disrupted: The disrupted run, over the same days.
        start: First day of the disruption, ``0 <= start < H``.
        end: First day after it (``> start``; may exceed ``H``), or None if it never ends.
        target: Service target for ``time_to_survive``, for example 0.95.
        tolerance: How far below the baseline's service still counts as recovered (``>= 0``).
        window: Trailing smoothing window in days (``>= 1``; 1 means no smoothing).

    Returns:
        The KPIs.

    Raises:
        ValueError: If the runs cover different numbers of days, ``start`` or ``end`` is out
            of range, ``target`` is not finite, ``tolerance`` is negative or not finite, or
            ``window < 1``.
    """
    horizon = baseline.days
    if disrupted.days != horizon:
        raise ValueError(
            f"the runs must cover the same days, got {horizon} (baseline) and "
            f"{disrupted.days} (disrupted)"
        )
    start = operator.index(start)
    if not 0 <= start < horizon:
        raise ValueError(f"start must be a day of the horizon [0, {horizon}), got {start}")
    if end is not None:
        end = operator.index(end)
        if end <= start:
            raise ValueError(f"end must be after start (got start={start}, end={end})")
    if not math.isfinite(target):
        raise ValueError(f"target must be finite, got {target!r}")
    if not (math.isfinite(tolerance) and tolerance >= 0):
        raise ValueError(f"tolerance must be finite and non-negative, got {tolerance!r}")

    smooth_b = smoothed_fill_rate(baseline.asked, baseline.filled, window)[start:]
    smooth_d = smoothed_fill_rate(disrupted.asked, disrupted.filled, window)[start:]
    # Positions in these arrays are days since the start, which is what both times count.
    below = np.flatnonzero(smooth_d < target)
    time_to_survive = float(below[0]) if below.size else math.inf
    outside = np.flatnonzero(smooth_d < smooth_b - tolerance)
    if outside.size == 0:
        time_to_recover = 0.0
    elif outside[-1] == smooth_d.size - 1:
        time_to_recover = math.inf
    else:
        time_to_recover = float(outside[-1] + 1)

    daily_b = _service(baseline.filled, baseline.asked)[start:]
    daily_d = _service(disrupted.filled, disrupted.asked)[start:]
    area = float(np.maximum(daily_b - daily_d, 0.0).sum())

    peak = extra_peak = math.nan
    if disrupted.backlog is not None:
        peak = float(disrupted.backlog[start:].max())
        if baseline.backlog is not None:
            extra_peak = float((disrupted.backlog[start:] - baseline.backlog[start:]).max())

    return ResilienceKPIs(
        time_to_survive=time_to_survive,
        time_to_recover=time_to_recover,
        service_loss_area=area,
        peak_backlog=peak,
        extra_peak_backlog=extra_peak,
        lost_sales_extra=float(disrupted.lost_sales - baseline.lost_sales),
        extra_cost=float(disrupted.cost - baseline.cost),
        start=start,
        end=end,
        horizon=horizon,
        horizon_ends_in_disruption=end is None or end > horizon,
        baseline_below_target=bool(np.any(smooth_b < target)),
    )
