"""Perishable lots: FEFO taking, expiry, transfers between positions and unit conservation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.engine.lots import Lots

NAN = math.nan


def by_day(lots: Lots, profile: np.ndarray, now: float) -> dict[int, float]:
    """A profile row as {expiry day: units}, zero columns left out."""
    days = lots.expiry_days(now)
    return {int(days[c]): float(profile[c]) for c in np.flatnonzero(profile)}


def store() -> Lots:
    """Positions 0 and 2 perishable (5 and 2 days), position 1 not."""
    return Lots(np.array([True, False, True]), np.array([5.0, NAN, 2.0]), 3)


def one(pos: int, qty: float) -> tuple[np.ndarray, np.ndarray]:
    return np.array([pos]), np.array([qty])


# ----------------------------------------------------------------------------- basics


def test_expiry_day_of_fresh_units() -> None:
    lots = Lots(np.array([True, True, True]), np.array([3.0, 2.5, 2.3]), 3)
    lots.add_fresh(np.array([0, 1, 2]), np.array([1.0, 2.0, 3.0]), made=0.7)
    # floor(3.7) = 3, floor(3.2) = 3, and 0.7 + 2.3 lands on day 3 despite rounding.
    assert lots.units[0, 3 % lots.horizon] == 1.0
    assert lots.units[1, 3 % lots.horizon] == 2.0
    assert lots.units[2, 3 % lots.horizon] == 3.0
    np.testing.assert_array_equal(lots.on_hand(), [1.0, 2.0, 3.0])


def test_take_is_first_expired_first_out() -> None:
    lots = store()
    for day, qty in enumerate([4.0, 5.0, 6.0]):  # expire on days 5, 6, 7
        lots.add_fresh(*one(0, qty), made=float(day))
        lots.expire(day - 1)
    assert lots.positions.tolist() == [0, 2]
    assert by_day(lots, lots.take(*one(0, 3.0), now=2.0)[0], 2.0) == {5: 3.0}
    assert by_day(lots, lots.take(*one(0, 1.0), now=2.0)[0], 2.0) == {5: 1.0}
    assert by_day(lots, lots.take(*one(0, 7.0), now=2.5)[0], 2.5) == {6: 5.0, 7: 2.0}
    np.testing.assert_array_equal(lots.on_hand(), [4.0, 0.0, 0.0])
    assert by_day(lots, lots.take(*one(0, 4.0), now=3.0)[0], 3.0) == {7: 4.0}
    assert lots.on_hand().sum() == 0.0


def test_expire_removes_lots_unsellable_at_the_next_step() -> None:
    lots = store()
    for made in (0.0, 1.0, 2.0):  # position 2 (2 days): expire on days 2, 3, 4
        lots.add_fresh(*one(2, 10.0 + made), made=made)
    np.testing.assert_array_equal(lots.expire(0), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(lots.expire(1), [0.0, 0.0, 10.0])  # day 2 lot
    assert lots.first_day == 3
    np.testing.assert_array_equal(lots.on_hand(), [0.0, 0.0, 23.0])
    np.testing.assert_array_equal(lots.expire(3), [0.0, 0.0, 23.0])  # days 3 and 4 at once
    np.testing.assert_array_equal(lots.expire(3), [0.0, 0.0, 0.0])
    assert lots.units.sum() == 0.0


def test_take_skips_lots_dead_but_not_yet_expired() -> None:
    lots = store()
    lots.add_fresh(*one(0, 4.0), made=-2.0)  # day 3
    lots.add_fresh(*one(0, 6.0), made=0.0)  # day 5
    assert by_day(lots, lots.take(*one(0, 2.0), now=3.0)[0], 3.0) == {5: 2.0}
    with pytest.raises(ValueError, match="more units"):
        lots.take(*one(0, 4.5), now=3.0)  # 8 on hand, only 4 sellable
    np.testing.assert_array_equal(lots.expire(2), [4.0, 0.0, 0.0])


def test_repeated_positions_take_in_turn() -> None:
    lots = store()
    lots.add_fresh(*one(0, 3.0), made=0.0)  # day 5
    lots.add_fresh(*one(0, 5.0), made=1.0)  # day 6
    lots.add_fresh(*one(2, 4.0), made=1.0)  # day 3
    pos = np.array([0, 1, 2, 0, 0])
    profile = lots.take(pos, np.array([2.0, 9.0, 1.0, 2.0, 3.0]), now=1.0)
    got = [by_day(lots, row, 1.0) for row in profile]
    assert got == [{5: 2.0}, {}, {3: 1.0}, {5: 1.0, 6: 1.0}, {6: 3.0}]
    np.testing.assert_array_equal(lots.on_hand(), [1.0, 0.0, 3.0])


def test_too_large_take_raises_and_changes_nothing() -> None:
    lots = store()
    lots.add_fresh(np.array([0, 2]), np.array([3.0, 2.0]), made=0.0)
    before = lots.units.copy()
    with pytest.raises(ValueError, match="position 0"):
        lots.take(np.array([2, 0, 0]), np.array([1.0, 2.0, 1.5]), now=0.0)
    np.testing.assert_array_equal(lots.units, before)
    lots.take(*one(0, 3.0 + 1e-10), now=0.0)  # within tolerance: takes all
    assert lots.on_hand()[0] == 0.0


def test_non_perishable_positions_are_ignored() -> None:
    lots = store()
    assert lots.add_fresh(*one(1, 5.0), made=0.0).sum() == 0.0
    profile = lots.take(*one(1, 5.0), now=0.0)
    assert profile.shape == (1, lots.horizon)
    assert profile.sum() == 0.0
    assert lots.on_hand().sum() == 0.0


def test_empty_store_is_a_no_op() -> None:
    lots = Lots.empty(4)
    assert lots.positions.size == 0
    assert lots.add_fresh(np.array([0, 3]), np.array([1.0, 2.0]), made=0.0).shape == (4,)
    assert lots.take(np.array([0, 3]), np.array([1.0, 2.0]), now=0.0).sum() == 0.0
    np.testing.assert_array_equal(lots.expire(0), np.zeros(4))
    np.testing.assert_array_equal(lots.on_hand(), np.zeros(4))


def test_remaining_life() -> None:
    lots = store()
    lots.add_fresh(*one(0, 2.0), made=0.0)  # day 5
    lots.add_fresh(*one(0, 3.0), made=1.0)  # day 6
    lots.add_fresh(*one(2, 4.0), made=1.0)  # day 3
    profile = lots.take(np.array([0, 2]), np.array([5.0, 1.0]), now=2.5)
    # 2 x (5 - 2.5) + 3 x (6 - 2.5) and 1 x (3 - 2.5)
    np.testing.assert_allclose(lots.remaining_life(profile, 2.5), [15.5, 0.5], rtol=0, atol=1e-12)


# ----------------------------------------------------------------------------- transfers


def test_transfer_keeps_expiry_days_and_wastes_what_expired_in_transit() -> None:
    src = Lots(np.array([True]), np.array([4.0]), 1)
    dst = Lots(np.array([False, True]), np.array([NAN, 4.0]), 2)
    src.add_fresh(*one(0, 3.0), made=0.0)  # day 4
    src.expire(1)
    src.add_fresh(*one(0, 5.0), made=2.0)  # day 6
    profile = src.take(*one(0, 8.0), now=2.0)
    for day in range(4):
        dst.expire(day)  # the receiver's days pass while the goods travel
    # Received on day 4: the day-4 lot expired on the way (at the end of day 2).
    wasted = dst.add_lots(np.array([1]), profile, taken_at=2.0)
    np.testing.assert_array_equal(wasted, [0.0, 3.0])
    np.testing.assert_array_equal(dst.on_hand(), [0.0, 5.0])
    assert by_day(dst, dst.take(*one(1, 5.0), now=4.0)[0], 4.0) == {6: 5.0}


def test_long_transit_wastes_everything_rather_than_wrapping_around() -> None:
    lots = Lots(np.array([True, True]), np.array([3.0, 3.0]), 2)
    lots.add_fresh(*one(0, 7.0), made=0.0)
    profile = lots.take(*one(0, 7.0), now=0.0)
    for day in range(30):
        lots.expire(day)
    np.testing.assert_array_equal(lots.add_lots(np.array([1]), profile, 0.0), [0.0, 7.0])
    assert lots.units.sum() == 0.0


def test_lot_beyond_the_ring_raises() -> None:
    lots = store()
    with pytest.raises(ValueError, match="does not fit"):
        lots.add_fresh(*one(0, 1.0), made=20.0)  # expire() never ran
    lots.expire(10)
    with pytest.raises(ValueError, match="expired"):
        lots.take(*one(0, 1.0), now=5.0)


# ----------------------------------------------------------------------------- known answer


def test_steady_state_waste_with_daily_overstock() -> None:
    """10 fresh units a day, 3 days of life, 7 sold a day FEFO, expiry every night.

    Lot made on day d expires on day d + 3 (sellable on days d, d + 1, d + 2). Hand-run:
    days 0-5 waste nothing while stock builds up; on day 6 one unit of the day-7 lot is left at
    night; from day 7 on, each day's 7 come from the lot due the next day and its other 3 are
    wasted, leaving 20 units (the two younger lots) every night.
    """
    lots = Lots(np.array([True]), np.array([3.0]), 1)
    waste, life, night = [], [], []
    for day in range(12):
        lots.add_fresh(*one(0, 10.0), made=float(day))
        profile = lots.take(*one(0, 7.0), now=float(day))
        life.append(float(lots.remaining_life(profile, float(day))[0]))
        waste.append(float(lots.expire(day)[0]))
        night.append(float(lots.on_hand()[0]))
    assert waste == [0, 0, 0, 0, 0, 0, 1, 3, 3, 3, 3, 3]
    # Day 0: 7 x 3; day 1: 3 x 2 + 4 x 3; day 2: 6 x 2 + 1 x 3; day 3: 7 x 2;
    # day 4: 2 x 1 + 5 x 2; day 5: 5 x 1 + 2 x 2; then 7 x 1.
    assert life == [21, 18, 15, 14, 12, 9, 7, 7, 7, 7, 7, 7]
    assert night == [3, 6, 9, 12, 15, 18, 20, 20, 20, 20, 20, 20]
    assert sum(waste) + 7 * 12 + night[-1] == 10 * 12


# ----------------------------------------------------------------------------- conservation


class Reference:
    """Lots as plain dicts {expiry day: units}, one per position, for comparison."""

    def __init__(self, n: int) -> None:
        self.lots: list[dict[int, float]] = [{} for _ in range(n)]

    def add(self, pos: int, lots: dict[int, float], first_day: int) -> float:
        wasted = 0.0
        for day, units in lots.items():
            if day < first_day:
                wasted += units
            else:
                self.lots[pos][day] = self.lots[pos].get(day, 0.0) + units
        return wasted

    def sellable(self, pos: int, now: float) -> float:
        return sum(u for d, u in self.lots[pos].items() if d > now)

    def take(self, pos: int, qty: float, now: float) -> dict[int, float]:
        taken = {}
        for day in sorted(d for d in self.lots[pos] if d > now):
            part = min(qty, self.lots[pos][day])
            if part > 0:
                taken[day] = part
                self.lots[pos][day] -= part
                qty -= part
        return taken

    def expire(self, pos: int, day: int) -> float:
        gone = [d for d in self.lots[pos] if d <= day + 1]
        return sum(self.lots[pos].pop(d) for d in gone)


PERISHABLE = np.array([True, True, False, True])

op = st.one_of(
    st.tuples(st.just("fresh"), st.integers(0, 3), st.integers(0, 20), st.floats(0, 0.99)),
    st.tuples(
        st.just("take"),
        st.lists(st.tuples(st.integers(0, 3), st.floats(0, 1)), min_size=1, max_size=4),
        st.floats(0, 0.99),
    ),
    st.tuples(st.just("move"), st.integers(0, 3), st.integers(0, 3), st.integers(0, 6)),
)


@settings(max_examples=60, deadline=None)
@given(
    life=st.lists(st.floats(0.5, 6.0), min_size=4, max_size=4),
    days=st.lists(st.lists(op, max_size=5), min_size=1, max_size=15),
)
def test_units_are_conserved(life: list[float], days: list[list[Any]]) -> None:
    lots = Lots(PERISHABLE, np.array(life), 4)
    ref = Reference(4)
    added = taken = wasted = 0.0
    transit: list[tuple[int, int, np.ndarray, float, dict[int, float]]] = []

    for day, ops in enumerate(days):
        for _, dst, profile, when, expect in [t for t in transit if t[0] == day]:
            lost = lots.add_lots(np.array([dst]), profile[None, :], when)
            assert lost[dst] == pytest.approx(ref.add(dst, expect, lots.first_day), abs=1e-9)
            wasted += float(lost.sum())
        transit = [t for t in transit if t[0] != day]
        for kind, *args in ops:
            if kind == "fresh":
                pos, qty, at = args
                made = day + at
                wasted += float(lots.add_fresh(*one(pos, float(qty)), made=made).sum())
                if PERISHABLE[pos]:
                    added += qty
                    expiry = math.floor(made + life[pos] + 1e-9)
                    ref.add(pos, {expiry: float(qty)}, lots.first_day)
            elif kind == "take":
                requests, at = args
                now = day + at
                want: list[float] = []
                expected: list[dict[int, float]] = []
                for p, share in requests:  # sequential shares of what is left
                    want.append(share * ref.sellable(p, now) if PERISHABLE[p] else share)
                    expected.append(ref.take(p, want[-1], now) if PERISHABLE[p] else {})
                at_pos = np.array([p for p, _ in requests])
                profile = lots.take(at_pos, np.array(want), now)
                for row, exp in zip(profile, expected, strict=True):
                    assert by_day(lots, row, now) == pytest.approx(exp, abs=1e-9)
                taken += float(profile.sum())
            else:  # move everything sellable from one position to another
                src, dst, lead = args
                now = day + 0.5
                if PERISHABLE[src] and PERISHABLE[dst]:
                    everything = ref.sellable(src, now)
                    sent = ref.take(src, everything, now)
                    profile = lots.take(*one(src, everything), now)[0]
                    transit.append((day + lead, dst, profile, now, sent))
        lost = lots.expire(day)
        wasted += float(lost.sum())
        for pos in range(4):
            assert lost[pos] == pytest.approx(ref.expire(pos, day), abs=1e-9)
            assert lots.on_hand()[pos] == pytest.approx(sum(ref.lots[pos].values()), abs=1e-9)
        assert (lots.units >= 0).all()

    # Units still travelling are neither taken nor held.
    moving = sum(float(t[2].sum()) for t in transit)
    assert added == pytest.approx(taken + wasted + lots.on_hand().sum() + moving, abs=1e-6)
