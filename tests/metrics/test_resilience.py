"""Resilience KPIs on hand-built service curves, each value derived by hand in the comments.

Most curves ask for 10 units a day, so a day's fill rate is filled / 10 and a trailing window
of w days asks for 10 w units (fewer in the run's first w - 1 days).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from simulator.metrics.resilience import (
    DEFINITIONS,
    METRICS,
    ResilienceKPIs,
    RunSeries,
    daily_fill_rate,
    resilience_kpis,
    smoothed_fill_rate,
)
from simulator.metrics.resilience_summary import recovery_band, summarize_resilience

INF = math.inf


def run(filled: list[float]) -> RunSeries:
    """A run asking for 10 units every day and filling ``filled`` of them."""
    return RunSeries(asked=np.full(len(filled), 10.0), filled=np.asarray(filled, dtype=float))


# The triangle dip: 16 days, the disruption on days [4, 11). The baseline fills all 10 units
# every day; the disrupted run fills 9, 8, 7, 6 on days 4-7 (down to 0.6 over 4 days) and 7,
# 8, 9, 10 on days 8-11 (back up over 4 days).
#   day:       0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
TRIANGLE = [10, 10, 10, 10, 9, 8, 7, 6, 7, 8, 9, 10, 10, 10, 10, 10]
BASE = run([10.0] * 16)
DIP = run([float(x) for x in TRIANGLE])


def test_daily_fill_rate_counts_a_day_without_demand_as_full_service() -> None:
    assert daily_fill_rate([10, 0, 4], [5, 0, 4]).tolist() == [0.5, 1.0, 1.0]


def test_smoothing_is_a_ratio_of_window_sums_not_a_mean_of_ratios() -> None:
    asked = [10, 30, 0, 0, 20]
    filled = [10, 0, 0, 0, 5]
    # window 2: day 0 has only itself, 10/10; day 1: (10 + 0) / (10 + 30) = 0.25 (the mean of
    # the daily ratios 1 and 0 would be 0.5); day 2: 0/30; day 3: nothing asked, 1; day 4:
    # 5/20.
    assert smoothed_fill_rate(asked, filled, 2).tolist() == [1.0, 0.25, 0.0, 1.0, 0.25]
    # window 1 is the daily fill rate.
    assert smoothed_fill_rate(asked, filled, 1).tolist() == daily_fill_rate(asked, filled).tolist()
    # window 7 longer than the run: cumulative sums, 10/10, 10/40, 10/40, 10/40, 15/60.
    assert smoothed_fill_rate(asked, filled, 7).tolist() == [1.0, 0.25, 0.25, 0.25, 0.25]


def test_triangle_dip_without_smoothing() -> None:
    kpis = resilience_kpis(BASE, DIP, start=4, end=11, target=0.9, tolerance=0.02, window=1)
    # Shortfalls on days 4-10: 0.1 + 0.2 + 0.3 + 0.4 + 0.3 + 0.2 + 0.1 = 1.6 service-days.
    assert kpis.service_loss_area == pytest.approx(1.6)
    # Day 4 is at 0.9, not below the target; day 5 (0.8) is the first below: 5 - 4 = 1.
    assert kpis.time_to_survive == 1
    # Within tolerance means >= 1 - 0.02 = 0.98: days 4-10 are not, day 11 on are; 11 - 4 = 7.
    assert kpis.time_to_recover == 7
    assert (kpis.start, kpis.end, kpis.horizon) == (4, 11, 16)
    assert not kpis.horizon_ends_in_disruption
    assert not kpis.baseline_below_target


def test_triangle_dip_with_a_three_day_window() -> None:
    kpis = resilience_kpis(BASE, DIP, start=4, end=11, target=0.9, tolerance=0.02, window=3)
    # Smoothed over days t-2..t, out of 30 units asked:
    #   day 4: 10+10+9 = 29 (0.967)   day 5: 10+9+8 = 27 (0.9)   day 6: 9+8+7 = 24 (0.8)
    #   day 7: 21   day 8: 20   day 9: 21   day 10: 24   day 11: 27   day 12: 9+10+10 = 29
    #   day 13: 30 (1.0) and on.
    # First below 0.9: day 6 (day 5 is exactly 0.9), 6 - 4 = 2.
    assert kpis.time_to_survive == 2
    # Last day below 0.98: day 12 (0.967), so recovered from day 13: 13 - 4 = 9.
    assert kpis.time_to_recover == 9
    # The area stays daily, whatever the window.
    assert kpis.service_loss_area == pytest.approx(1.6)


def test_smoothing_moves_the_target_crossing() -> None:
    # Daily: 0.9, 0.8, 0.7, 0.6, 0.7 on days 4-8; three-day window: 0.967, 0.9, 0.8, 0.7, 0.667.
    # Target 0.95: daily below on day 4 already (0 days in), smoothed only on day 5 (1 day).
    assert resilience_kpis(BASE, DIP, 4, target=0.95, window=1).time_to_survive == 0
    assert resilience_kpis(BASE, DIP, 4, target=0.95, window=3).time_to_survive == 1
    # Target 0.68: daily below on day 7 (0.6; 3 days in), smoothed on day 8 (0.667; 4 days).
    assert resilience_kpis(BASE, DIP, 4, target=0.68, window=1).time_to_survive == 3
    assert resilience_kpis(BASE, DIP, 4, target=0.68, window=3).time_to_survive == 4


def test_service_that_never_falls_below_target_survives_forever() -> None:
    # A dip to 0.96 on days 4-5 never breaks the 0.95 target, but it is 0.04 below the
    # baseline, outside a 0.02 tolerance: recovered on day 6, 6 - 4 = 2.
    dip = run([10, 10, 10, 10, 9.6, 9.6, 10, 10])
    kpis = resilience_kpis(run([10.0] * 8), dip, 4, 6, target=0.95, tolerance=0.02, window=1)
    assert kpis.time_to_survive == INF
    assert kpis.time_to_recover == 2
    assert kpis.service_loss_area == pytest.approx(0.08)


def test_service_still_down_at_the_horizon_never_recovers() -> None:
    # From day 2 the disrupted run fills half; the last day is still outside the tolerance.
    down = run([10, 10, 5, 5, 5, 5])
    kpis = resilience_kpis(run([10.0] * 6), down, 2, 9, target=0.9, window=1)
    assert kpis.time_to_recover == INF
    assert kpis.time_to_survive == 0  # below on the start day itself
    assert kpis.service_loss_area == pytest.approx(4 * 0.5)
    # The disruption runs to day 9, beyond the 6-day horizon.
    assert kpis.horizon_ends_in_disruption
    assert resilience_kpis(run([10.0] * 6), down, 2, None).horizon_ends_in_disruption
    assert not resilience_kpis(run([10.0] * 6), down, 2, 6).horizon_ends_in_disruption


def test_service_that_stays_within_tolerance_never_left() -> None:
    # 0.99 against a baseline of 1.0 is within a 0.02 tolerance on every day: TTR 0, yet the
    # area counts the 0.01 shortfall on each of the 4 days from the start.
    close = run([10, 9.9, 9.9, 9.9, 9.9])
    kpis = resilience_kpis(run([10.0] * 5), close, 1, 3, target=0.95, tolerance=0.02, window=1)
    assert kpis.time_to_recover == 0
    assert kpis.service_loss_area == pytest.approx(0.04)
    # With no tolerance the last day is still below the baseline: never recovered.
    strict = resilience_kpis(run([10.0] * 5), close, 1, 3, tolerance=0.0, window=1)
    assert strict.time_to_recover == INF


def test_a_late_relapse_resets_the_recovery() -> None:
    # Days 1 and 4 are outside the tolerance, days 2-3 back inside: the stretch that lasts to
    # the end opens on day 5, 5 - 1 = 4 days after the start, not on day 2.
    relapse = run([10, 5, 10, 10, 5, 10, 10])
    kpis = resilience_kpis(run([10.0] * 7), relapse, 1, 2, window=1)
    assert kpis.time_to_recover == 4
    assert kpis.service_loss_area == pytest.approx(1.0)


def test_disruption_on_day_zero_uses_the_short_first_windows() -> None:
    # No days before the start: day 0's window is day 0 alone (5/10), day 1's days 0-1
    # (15/20 = 0.75), day 2's days 0-2 (25/30 = 0.833), day 3's days 1-3 (30/30).
    hit = run([5, 10, 10, 10, 10])
    kpis = resilience_kpis(run([10.0] * 5), hit, 0, 1, target=0.9, tolerance=0.02, window=3)
    assert kpis.time_to_survive == 0
    assert kpis.time_to_recover == 3
    assert kpis.service_loss_area == pytest.approx(0.5)


def test_baseline_below_target_is_flagged_and_recovery_is_relative_to_it() -> None:
    # Both runs fill 8 of 10 every day: below a 0.9 target on the start day, so TTS 0, but the
    # disruption changed nothing: TTR 0 and no area; the flag says why.
    weak = run([8.0] * 6)
    kpis = resilience_kpis(weak, run([8.0] * 6), 2, 4, target=0.9, window=3)
    assert kpis.time_to_survive == 0
    assert kpis.baseline_below_target
    assert kpis.time_to_recover == 0
    assert kpis.service_loss_area == 0
    # A dip to 0.5 on day 2 against that weak baseline: outside 0.8 - 0.02 on day 2 only.
    dipped = run([8, 8, 5, 8, 8, 8])
    relative = resilience_kpis(weak, dipped, 2, 3, target=0.9, tolerance=0.02, window=1)
    assert relative.time_to_recover == 1
    assert relative.service_loss_area == pytest.approx(0.3)


def test_area_counts_only_the_days_the_disrupted_run_is_worse() -> None:
    # The baseline itself dips on day 2 (0.5) while the disrupted run is full: no credit for
    # that day, only day 3's shortfall (1.0 - 0.7) counts.
    base = run([10, 10, 5, 10])
    disrupted = run([10, 10, 10, 7])
    kpis = resilience_kpis(base, disrupted, 1, window=1)
    assert kpis.service_loss_area == pytest.approx(0.3)


def test_backlog_peaks_and_totals_count_from_the_start() -> None:
    # Day 0 (before the start on day 1) has the largest backlog of all, which must not count.
    #   day:                0   1   2   3   4
    #   baseline backlog:   0   6   0   0   0
    #   disrupted backlog: 50   7   9   8   2
    #   difference:        50   1   9   8   2
    # Peak from day 1: 9 (day 2); extra peak: 9 (day 2). On day 1 the difference is only 1.
    base = RunSeries(
        asked=np.full(5, 10.0),
        filled=np.full(5, 10.0),
        backlog=np.array([0, 6, 0, 0, 0], dtype=float),
        lost_sales=3.0,
        cost=1000.0,
    )
    disrupted = RunSeries(
        asked=np.full(5, 10.0),
        filled=np.array([10, 4, 8, 10, 10], dtype=float),
        backlog=np.array([50, 7, 9, 8, 2], dtype=float),
        lost_sales=15.0,
        cost=1250.5,
    )
    kpis = resilience_kpis(base, disrupted, 1, 3, window=1)
    assert kpis.peak_backlog == 9
    assert kpis.extra_peak_backlog == 9
    assert kpis.lost_sales_extra == 12
    assert kpis.extra_cost == pytest.approx(250.5)
    # The extra peak is day 2's 9 - 0, not the difference of the peaks (9 - 6 = 3).
    # Swapped runs: the "disrupted" one always has less backlog from day 1 on, so the extra
    # peak is negative: max(6-7, 0-9, 0-8, 0-2) = -1.
    swapped = resilience_kpis(disrupted, base, 1, window=1)
    assert swapped.peak_backlog == 6
    assert swapped.extra_peak_backlog == -1


def test_untracked_backlog_and_totals_give_nan() -> None:
    kpis = resilience_kpis(BASE, DIP, 4)
    assert math.isnan(kpis.peak_backlog)
    assert math.isnan(kpis.extra_peak_backlog)
    assert math.isnan(kpis.lost_sales_extra)
    assert math.isnan(kpis.extra_cost)


def test_to_dict_holds_every_field() -> None:
    kpis = resilience_kpis(BASE, DIP, 4, 11, target=0.9, window=1)
    row = kpis.to_dict()
    assert set(METRICS) <= set(row)
    assert set(METRICS) == set(DEFINITIONS)
    assert row["time_to_recover"] == 7
    assert row["end"] == 11
    assert row["baseline_below_target"] is False


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": 16}, "start"),
        ({"start": -1}, "start"),
        ({"start": 4, "end": 4}, "end"),
        ({"start": 4, "window": 0}, "window"),
        ({"start": 4, "tolerance": -0.01}, "tolerance"),
        ({"start": 4, "target": math.nan}, "target"),
    ],
)
def test_invalid_arguments_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        resilience_kpis(BASE, DIP, **kwargs)


def test_series_of_different_lengths_are_rejected() -> None:
    with pytest.raises(ValueError, match="same days"):
        resilience_kpis(BASE, run([10.0] * 15), 4)
    with pytest.raises(ValueError, match="same days"):
        RunSeries(asked=np.ones(3), filled=np.ones(2))
    with pytest.raises(ValueError, match="backlog"):
        RunSeries(asked=np.ones(3), filled=np.ones(3), backlog=np.ones(4))
    with pytest.raises(ValueError, match="non-negative"):
        daily_fill_rate([1.0, -1.0], [0.0, 0.0])


def kpis_with(time_to_survive: float, time_to_recover: float, area: float) -> ResilienceKPIs:
    return ResilienceKPIs(
        time_to_survive=time_to_survive,
        time_to_recover=time_to_recover,
        service_loss_area=area,
        peak_backlog=math.nan,
        extra_peak_backlog=math.nan,
        lost_sales_extra=0.0,
        extra_cost=0.0,
        start=0,
        end=1,
        horizon=10,
        horizon_ends_in_disruption=False,
        baseline_below_target=False,
    )


def test_summary_keeps_inf_in_the_median_and_out_of_the_mean() -> None:
    reps = [
        kpis_with(1, 2, 0.5),
        kpis_with(2, INF, 1.0),
        kpis_with(INF, 4, 1.5),
        kpis_with(3, INF, 2.0),
    ]
    table = summarize_resilience(reps, confidence=0.95, band=(0.1, 0.9)).set_index("metric")
    assert list(table.index) == list(METRICS)

    tts = table.loc["time_to_survive"]
    # Sorted 1, 2, 3, inf: the median sits halfway between 2 and 3 (position 1.5), the 10th
    # percentile at position 0.3 (1.3), the 90th at 2.7, between 3 and inf: inf.
    assert (tts["n"], tts["n_finite"], tts["share_inf"]) == (4, 3, 0.25)
    assert tts["median"] == pytest.approx(2.5)
    assert tts["low"] == pytest.approx(1.3)
    assert tts["high"] == INF
    # Mean and interval over the finite 1, 2, 3: mean 2, sd 1, half width t_{2, 0.975} / sqrt 3.
    assert tts["mean"] == pytest.approx(2.0)
    assert tts["sd"] == pytest.approx(1.0)
    half = stats.t.ppf(0.975, 2) / math.sqrt(3)
    assert tts["half_width"] == pytest.approx(half)
    assert (tts["ci_low"], tts["ci_high"]) == pytest.approx((2 - half, 2 + half))

    ttr = table.loc["time_to_recover"]
    # Sorted 2, 4, inf, inf: the median at position 1.5 lies between 4 and inf, so inf; the
    # 10th percentile 2 + 0.3 * 2 = 2.6. Only 2 and 4 are finite: mean 3.
    assert ttr["share_inf"] == 0.5
    assert ttr["median"] == INF
    assert ttr["low"] == pytest.approx(2.6)
    assert ttr["mean"] == pytest.approx(3.0)
    assert ttr["n_finite"] == 2

    area = table.loc["service_loss_area"]
    # 0.5, 1, 1.5, 2: median 1.25, band 0.65 and 1.85, no inf.
    assert (area["median"], area["low"], area["high"]) == pytest.approx((1.25, 0.65, 1.85))
    assert area["share_inf"] == 0

    # Untracked backlogs: no values at all, NaN statistics.
    peak = table.loc["peak_backlog"]
    assert peak["n"] == 0
    assert np.isnan(peak[["median", "low", "high", "mean", "half_width"]].to_numpy(float)).all()


def test_summary_median_on_a_finite_value_stays_finite() -> None:
    # 1, inf, inf: the median is position 1, inf; 5, 7, inf: position 1 is 7 exactly, not NaN.
    assert summarize_resilience([kpis_with(t, 0, 0) for t in (1, INF, INF)]).loc[0, "median"] == INF
    assert summarize_resilience([kpis_with(t, 0, 0) for t in (5, 7, INF)]).loc[0, "median"] == 7
    with pytest.raises(ValueError, match="no replications"):
        summarize_resilience([])


def test_recovery_band_gives_per_day_median_and_band() -> None:
    # Five replications: day 0 all 1.0; day 1 0.5, 0.6, 0.7, 0.8, 0.9 -> median 0.7, 10th
    # percentile at position 0.4: 0.54, 90th at 3.6: 0.86.
    curves = [[1.0, 0.5 + 0.1 * r] for r in range(5)]
    band = recovery_band(curves)
    assert band["day"].tolist() == [0, 1]
    assert band["median"].tolist() == pytest.approx([1.0, 0.7])
    assert band["low"].tolist() == pytest.approx([1.0, 0.54])
    assert band["high"].tolist() == pytest.approx([1.0, 0.86])
    with pytest.raises(ValueError, match="one length"):
        recovery_band([[1.0, 0.5], [1.0]])


day_counts = st.lists(st.integers(0, 20), min_size=1, max_size=30)


@st.composite
def two_runs(draw: st.DrawFn) -> tuple[RunSeries, RunSeries, int, int]:
    asked = draw(day_counts)
    days = len(asked)
    filled_b = [draw(st.integers(0, a)) for a in asked]
    filled_d = [draw(st.integers(0, a)) for a in asked]
    start = draw(st.integers(0, days - 1))
    window = draw(st.integers(1, 10))
    base = RunSeries(asked=np.asarray(asked, float), filled=np.asarray(filled_b, float))
    disrupted = RunSeries(asked=np.asarray(asked, float), filled=np.asarray(filled_d, float))
    return base, disrupted, start, window


@settings(max_examples=200, deadline=None)
@given(two_runs())
def test_area_is_zero_exactly_when_the_disrupted_run_is_never_worse(
    runs: tuple[RunSeries, RunSeries, int, int],
) -> None:
    base, disrupted, start, window = runs
    kpis = resilience_kpis(base, disrupted, start, window=window)
    b = daily_fill_rate(base.asked, base.filled)[start:]
    d = daily_fill_rate(disrupted.asked, disrupted.filled)[start:]
    assert (kpis.service_loss_area == 0) == bool(np.all(d >= b))
    assert kpis.service_loss_area >= 0

    # Brute-force recovery: the smallest k such that every day from start + k on is within
    # tolerance (k = H - start, past the last day, means never).
    sb = smoothed_fill_rate(base.asked, base.filled, window)[start:]
    sd = smoothed_fill_rate(disrupted.asked, disrupted.filled, window)[start:]
    within = sd >= sb - 0.02
    k = next(k for k in range(len(within) + 1) if within[k:].all())
    assert kpis.time_to_recover == (INF if k == len(within) else k)

    # Identical runs: nothing lost, never left the baseline.
    same = resilience_kpis(base, base, start, window=window)
    assert same.service_loss_area == 0
    assert same.time_to_recover == 0
    assert same.time_to_survive == brute_time_to_survive(base, start, window)


def brute_time_to_survive(run_: RunSeries, start: int, window: int) -> float:
    smooth = smoothed_fill_rate(run_.asked, run_.filled, window)[start:]
    below = [k for k, value in enumerate(smooth) if value < 0.95]
    return float(below[0]) if below else INF
