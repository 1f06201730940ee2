"""Customers' backordered units per demand stream, kept by age so patience can run out.

Row ``k`` of :attr:`CustomerBackorders.units` holds units that have waited ``k`` days. The last
row also collects everything older, for streams whose customers wait forever. Serving goes
oldest first, so backorders are filled first come, first served. Ages are kept exactly up to
the longest patience and up to ``track_days`` (a delivery promise to check against).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from simulator.network.demand import own_positions


class CustomerBackorders:
    """Backorders of every demand stream, by age in days."""

    def __init__(
        self,
        stream_pos: np.ndarray,
        patience: np.ndarray,
        n_positions: int,
        track_days: float = 0.0,
    ) -> None:
        finite = patience[np.isfinite(patience)]
        # Enough rows to tell "older than the longest patience" (or than the promise) apart;
        # two if nobody leaves and nothing is promised: served at once, or late.
        longest = max(finite.max() if len(finite) else 0.0, track_days)
        ages = math.ceil(longest) + 2 if longest > 0 else 2
        self.units = np.zeros((ages, len(patience)))
        self._patience = patience
        self._leaves = bool(len(finite))  # some customers stop waiting
        self._stream_pos = stream_pos
        self._own = own_positions(stream_pos)  # a slice where each position has one stream
        self._n_positions = n_positions
        self.at_position = np.zeros(n_positions)  # units waiting per position, kept current
        self._recounted = True  # at_position is the rows' sums, as refresh() makes them
        # Where each position has its stream: the streams that may have units waiting, sorted
        # (every stream with a unit in some row is there); None: not known, found when asked.
        self._streams: np.ndarray | None = np.zeros(0, dtype=np.int64)

    def refresh(self) -> None:
        """Recount :attr:`at_position` after rows were changed in place."""
        self._recounted = True
        if self._own is not None:  # other positions have no stream: they stay at zero
            self.units.sum(axis=0, out=self.at_position[self._own])
            return
        self.at_position[:] = np.bincount(
            self._stream_pos, weights=self.per_stream(), minlength=self._n_positions
        )

    def recount(self, streams: np.ndarray) -> None:
        """:meth:`refresh` where only the rows of ``streams`` changed, each its position's one
        stream: their positions' sums, the same numbers without a pass over every stream."""
        assert self._own is not None
        self.at_position[streams + self._own.start] = self.units[:, streams].sum(axis=0)
        if self._streams is not None:  # those served in full wait no more
            self._streams = self._streams[self.units[:, self._streams].any(axis=0)]

    def waiting_streams(self) -> np.ndarray:
        """The streams that may have units waiting, sorted: every stream with a unit in some
        row, and perhaps a few without."""
        if self._streams is None:
            self._streams = np.flatnonzero(self.units.any(axis=0))
        return self._streams

    def cancel(self, streams: np.ndarray, share: float) -> np.ndarray:
        """Customers of ``streams`` cancel ``share`` of their waiting units; returns them."""
        waiting = self.units[:, streams]
        self.units[:, streams] = waiting * (1.0 - share)
        self.refresh()
        return (waiting * share).sum(axis=0)

    def per_stream(self) -> np.ndarray:
        return self.units.sum(axis=0)

    def waiting(self) -> tuple[np.ndarray, np.ndarray]:
        """The streams with units waiting, and those units (:meth:`per_stream` there)."""
        if self._own is not None and self._recounted:  # the rows' sums, already counted
            streams = self.waiting_streams()
            units = self.at_position[streams + self._own.start]
            waits = units != 0
            return streams[waits], units[waits]
        units = self.per_stream()
        streams = np.flatnonzero(units)
        return streams, units[streams]

    def add(self, units: np.ndarray) -> None:
        """New backorders (age 0)."""
        if self._own is not None and self._recounted:  # few streams wait: only theirs change
            streams = np.flatnonzero(units)
            self.units[0, streams] += units[streams]
            if self._streams is not None:
                self._streams = np.union1d(self._streams, streams)
            self.recount(streams)
            return
        self.units[0] += units
        self._streams = None
        self.refresh()

    def add_one(self, stream: int, units: float) -> None:
        """A new backorder of one stream (age 0)."""
        self.units[0, stream] += units
        self.at_position[self._stream_pos[stream]] += units
        self._recounted = False  # kept current by additions, not recounted from the rows
        self._streams = None

    def oldest_first(self, streams: np.ndarray | None = None) -> Iterator[tuple[int, np.ndarray]]:
        """``(age in days, units)`` of rows with waiting units (of ``streams``, if given: the
        others have none), oldest first; the units are views: subtract what gets served in
        place. The last row's age is a lower bound."""
        for age in range(len(self.units) - 1, -1, -1):
            row = self.units[age]
            if (row if streams is None else row[streams]).any():
                yield age, row

    def age_one_day(self) -> np.ndarray | None:
        """Everyone waits a day longer; returns units whose patience ran out (now lost), or
        None where nobody's patience can run out."""
        units = self.units
        units[-1] += units[-2]  # the last row collects everything older
        units[1:-1] = units[:-2].copy()
        units[0] = 0.0
        if not self._leaves:
            # With two rows the sums are those of the last recount (a + b = b + a).
            if len(units) > 2 or not self._recounted:
                self.refresh()
            return None
        expired = (np.arange(len(units))[:, None] > self._patience[None, :]) * units
        units -= expired
        self.refresh()
        return expired.sum(axis=0)
