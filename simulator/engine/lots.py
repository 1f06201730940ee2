"""Stock of perishable positions, held as lots by expiry day.

A unit with expiry day ``E`` (an integer) can be sold at any time ``t < E``; once the day comes
it is waste, removed by :meth:`Lots.expire`. Each perishable position keeps its lots in a ring of
``H`` columns: column ``E % H`` holds the units expiring on day ``E``. Every day that can still
hold stock lies in ``[first_day, first_day + H)``, so reading the ring from the column of the
earliest day onwards visits the lots first expired, first out (FEFO).

A *profile* is a row in the same layout: the units one request took, by expiry day. It carries no
date itself and is read relative to the time ``t`` it was taken: column ``c`` then holds the day
``E ≡ c (mod H)`` with ``floor(t) < E <= floor(t) + H`` (:meth:`Lots.expiry_days`).
"""

from __future__ import annotations

import math

import numpy as np

_EPS = 1e-9


class Lots:
    """Lots of every perishable position; other positions are ignored by every method.

    Args:
        perishable: Boolean mask over the ``n_positions`` inventory positions.
        shelf_life: Days from making to expiry per position; only read where perishable.
        n_positions: Number of inventory positions in the engine's numbering.
    """

    def __init__(self, perishable: np.ndarray, shelf_life: np.ndarray, n_positions: int) -> None:
        perishable = np.asarray(perishable, dtype=bool)
        if perishable.shape != (n_positions,):
            raise ValueError(f"perishable must have shape ({n_positions},)")
        self._positions = np.flatnonzero(perishable)
        life = np.asarray(shelf_life, dtype=float)[self._positions]
        if not (np.isfinite(life) & (life > 0)).all():
            raise ValueError("shelf life must be positive and finite for perishable positions")
        self._shelf_life = np.zeros(n_positions)
        self._shelf_life[self._positions] = life
        self._row = np.full(n_positions, -1, dtype=np.int64)
        self._row[self._positions] = np.arange(len(self._positions))
        # A lot made at t expires by floor(t) + ceil(life); two more columns leave room for a
        # lot made up to a day before expire() has caught up with the clock.
        self.horizon = math.ceil(life.max()) + 2 if len(life) else 1
        self.units = np.zeros((len(self._positions), self.horizon))
        self._first_day = 0
        self._n_positions = n_positions

    @classmethod
    def empty(cls, n_positions: int) -> Lots:
        """A store with no perishable position: every method is a cheap no-op."""
        return cls(np.zeros(n_positions, dtype=bool), np.zeros(n_positions), n_positions)

    @property
    def positions(self) -> np.ndarray:
        """Indices of the perishable positions, in row order of :attr:`units`."""
        return self._positions

    @property
    def first_day(self) -> int:
        """Earliest expiry day that can still hold stock (all earlier days have expired)."""
        return self._first_day

    def on_hand(self) -> np.ndarray:
        """Units held in lots per position, ``(n_positions,)``; 0 where not perishable."""
        held = np.zeros(self._n_positions)
        held[self._positions] = self.units.sum(axis=1)
        return held

    def expiry_days(self, now: float) -> np.ndarray:
        """Expiry day of each profile column, for a profile taken at time ``now``."""
        start = math.floor(now) + 1
        return start + (np.arange(self.horizon) - start) % self.horizon

    def add_fresh(self, pos: np.ndarray, qty: np.ndarray, made: float) -> np.ndarray:
        """Add units made (or bought outside) at time ``made``; ``pos`` may repeat.

        They expire on day ``floor(made + shelf_life + 1e-9)``. Returns units wasted at once per
        position, ``(n_positions,)``: those whose expiry day has already been expired.
        """
        wasted = np.zeros(self._n_positions)
        if not len(self.units):
            return wasted
        pos, qty = np.asarray(pos, dtype=np.int64), np.asarray(qty, dtype=float)
        keep = (self._row[pos] >= 0) & (qty > 0)
        pos, qty = pos[keep], qty[keep]
        if not len(pos):
            return wasted
        day = np.floor(made + self._shelf_life[pos] + _EPS).astype(np.int64)
        self._check_fits(int(day.max()))
        dead = day < self._first_day
        live = ~dead
        np.add.at(self.units, (self._row[pos[live]], day[live] % self.horizon), qty[live])
        if dead.any():
            wasted += np.bincount(pos[dead], weights=qty[dead], minlength=self._n_positions)
        return wasted

    def add_lots(self, pos: np.ndarray, profile: np.ndarray, taken_at: float) -> np.ndarray:
        """Receive units with known expiry days; ``pos`` may repeat.

        Args:
            pos: Receiving position per row of ``profile``.
            profile: ``(len(pos), H)`` units by expiry, as :meth:`take` returned them.
            taken_at: The time they were taken, which dates the profile's columns.

        Returns:
            Units wasted at once per position, ``(n_positions,)``: lots that expired in transit.
        """
        wasted = np.zeros(self._n_positions)
        if not len(self.units):
            return wasted
        pos = np.asarray(pos, dtype=np.int64)
        keep = self._row[pos] >= 0
        pos, profile = pos[keep], np.asarray(profile, dtype=float)[keep]
        if not len(pos):
            return wasted
        days = self.expiry_days(taken_at)
        used = profile.any(axis=0)
        if used.any():
            self._check_fits(int(days[used].max()))
        # Columns keep their meaning (E % H): only the lots already expired need sorting out.
        dead = days < self._first_day
        np.add.at(self.units, self._row[pos], np.where(dead, 0.0, profile))
        if dead.any():
            lost = profile[:, dead].sum(axis=1)
            wasted += np.bincount(pos, weights=lost, minlength=self._n_positions)
        return wasted

    def take(self, pos: np.ndarray, qty: np.ndarray, now: float) -> np.ndarray:
        """Remove ``qty`` from each position FEFO, among lots still sellable at ``now``.

        Lots expiring on or before ``now`` are never handed out, even if not yet expired.
        A position listed several times gives its requests in order: each takes the oldest units
        the ones before it left.

        Args:
            pos: Position per request; non-perishable entries get zero rows.
            qty: Units per request.
            now: The time of taking; must be at least ``first_day - 1``.

        Returns:
            ``(len(pos), H)`` profile of the units taken (see :meth:`expiry_days`).

        Raises:
            ValueError: If requests ask more than a position holds (beyond 1e-9), or ``now``
                lies before days already expired.
        """
        pos, qty = np.asarray(pos, dtype=np.int64), np.asarray(qty, dtype=float)
        out = np.zeros((len(pos), self.horizon))
        if not len(self.units):
            return out
        which = np.flatnonzero(self._row[pos] >= 0)
        if not len(which):
            return out
        if now < self._first_day - 1:
            raise ValueError(f"cannot take at {now}: days up to {self._first_day - 1} expired")
        start = math.floor(now) + 1
        # Days before `start` still in the ring are dead; they sit at the end of the FEFO order.
        live = min(self.horizon, self._first_day + self.horizon - start)
        cols = (start + np.arange(max(live, 0))) % self.horizon
        rows, want = self._row[pos[which]], qty[which]
        uniq, group = np.unique(rows, return_inverse=True)
        asked = np.bincount(group, weights=want, minlength=len(uniq))
        held = self.units[uniq[:, None], cols].sum(axis=1)
        if (asked > held + _EPS).any():
            short = self._positions[uniq[np.argmax(asked - held)]]
            raise ValueError(f"position {short} asked for more units than it holds")
        out[which[:, None], cols] = take_oldest(self.units, rows, want, cols)
        return out

    def remove_ranked(self, pos: np.ndarray, start: np.ndarray, size: np.ndarray) -> None:
        """Remove units singled out by their rank in FEFO order, every lot included.

        A lot tracer that orders each position's units oldest first, as FEFO does when a SKU has
        one shelf life, names units by rank: those after the first ``start`` units, ``size`` of
        them. Expiry columns hit only in part give up the share the stretches cover.

        Args:
            pos: Distinct positions; non-perishable ones are ignored.
            start: ``(len(pos), m)`` units ahead of each stretch, in FEFO order.
            size: ``(len(pos), m)`` units in each stretch; the stretches do not overlap.
        """
        pos = np.asarray(pos, dtype=np.int64)
        keep = self._row[pos] >= 0
        if not keep.any():
            return
        rows, start, size = self._row[pos[keep]], start[keep], size[keep]
        cols = (self._first_day + np.arange(self.horizon)) % self.horizon
        held = self.units[rows[:, None], cols]
        edge = np.zeros((len(rows), self.horizon + 1))
        np.cumsum(held, axis=1, out=edge[:, 1:])
        # Units singled out among the first `edge` units, at every column edge.
        marked = np.clip(edge[:, :, None] - start[:, None, :], 0.0, size[:, None, :]).sum(axis=2)
        self.units[rows[:, None], cols] = np.maximum(held - np.diff(marked, axis=1), 0.0)

    def scale(self, pos: np.ndarray, keep: float) -> None:
        """Keep the share ``keep`` of every lot of ``pos`` (the rest destroyed, evenly)."""
        rows = self._row[np.asarray(pos, dtype=np.int64)]
        self.units[rows[rows >= 0]] *= keep

    def expire(self, day: int) -> np.ndarray:
        """Remove every lot expiring on or before ``day + 1``: none can sell at the next step.

        Returns:
            Units wasted per position, ``(n_positions,)``.
        """
        wasted = np.zeros(self._n_positions)
        gone = min(day + 2 - self._first_day, self.horizon)
        if gone > 0 and len(self.units):
            cols = (self._first_day + np.arange(gone)) % self.horizon
            wasted[self._positions] = self.units[:, cols].sum(axis=1)
            self.units[:, cols] = 0.0
        self._first_day = max(self._first_day, day + 2)
        return wasted

    def remaining_life(self, profile: np.ndarray, now: float) -> np.ndarray:
        """Unit-days of shelf life left per profile row: sum of units times ``(E - now)``.

        ``now`` is the time the profile was taken, which also dates its columns.
        """
        return np.asarray(profile, dtype=float) @ (self.expiry_days(now) - now)

    def _check_fits(self, last_day: int) -> None:
        if last_day >= self._first_day + self.horizon:
            raise ValueError(
                f"a lot expiring on day {last_day} does not fit: expire() is behind "
                f"(first day {self._first_day}, horizon {self.horizon})"
            )


def take_oldest(
    units: np.ndarray, rows: np.ndarray, want: np.ndarray, cols: np.ndarray | slice
) -> np.ndarray:
    """Remove ``want[i]`` units from row ``rows[i]`` of ``units``, reading ``cols`` (indices,
    or a slice of the columns as they are ordered) in order.

    A row listed several times serves its requests in turn: each takes from what the ones before
    it left. Returns ``(len(rows), columns)``: the units each request took, by column.
    """
    rank = _rank_within(rows)
    if not rank.any():
        return _take_unique(units, rows, want, cols)
    out = np.empty((len(rows), units[:1, cols].shape[1]))  # as many columns as ``cols`` reads
    for r in range(int(rank.max()) + 1):
        # Each pass has every row at most once, so it vectorises exactly.
        batch = rank == r
        out[batch] = _take_unique(units, rows[batch], want[batch], cols)
    return out


def _take_unique(
    units: np.ndarray, rows: np.ndarray, want: np.ndarray, cols: np.ndarray | slice
) -> np.ndarray:
    index = (rows, cols) if isinstance(cols, slice) else (rows[:, None], cols)
    held = units[index]
    ahead = np.zeros_like(held)  # units of the columns before, which go first
    np.cumsum(held[:, :-1], axis=1, out=ahead[:, 1:])
    taken = np.minimum(np.maximum(want[:, None] - ahead, 0.0), held)
    units[index] = held - taken
    return taken


def _rank_within(rows: np.ndarray) -> np.ndarray:
    """How many earlier entries share each entry's value (0 for the first of each)."""
    if (rows[1:] > rows[:-1]).all():  # increasing, as positions listed once usually are
        return np.zeros(len(rows), dtype=np.int64)
    order = np.argsort(rows, kind="stable")
    ordered = rows[order]
    index = np.arange(len(rows))
    first = np.ones(len(rows), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    rank = np.empty(len(rows), dtype=np.int64)
    rank[order] = index - np.maximum.accumulate(np.where(first, index, 0))
    return rank
