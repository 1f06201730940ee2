"""Open replenishment order lines, oldest first.

A line is one SKU ordered by one position from its source. Lines stay in placement order, so
granting scarce stock "in book order" is first-come-first-served without sorting by time.
"""

from __future__ import annotations

import math

import numpy as np


class OrderBook:
    """Open order lines as parallel arrays, appended at the end, compacted when lines close."""

    def __init__(self) -> None:
        self.line_id = np.zeros(0, dtype=np.int64)
        self.position = np.zeros(0, dtype=np.int64)
        self.source = np.zeros(0, dtype=np.int64)
        self.lane = np.zeros(0, dtype=np.int64)
        self.quantity = np.zeros(0)
        self.open = np.zeros(0)
        self.placed = np.zeros(0)
        self.ready = np.zeros(0)
        self.last_arrival = np.zeros(0)
        self.undelivered = np.zeros(0)  # shipped onto a fleet's vehicles, not yet delivered
        self._next_id = 0

    def __len__(self) -> int:
        return len(self.line_id)

    def add(
        self,
        positions: np.ndarray,
        quantities: np.ndarray,
        sources: np.ndarray,
        lanes: np.ndarray,
        time: float,
        ready: float | np.ndarray,
    ) -> np.ndarray:
        """Append lines; returns their ids (for processing desks that set ``ready`` later)."""
        n = len(positions)
        ids = np.arange(self._next_id, self._next_id + n, dtype=np.int64)
        self._next_id += n
        self.line_id = np.concatenate([self.line_id, ids])
        self.position = np.concatenate([self.position, positions])
        self.source = np.concatenate([self.source, sources])
        self.lane = np.concatenate([self.lane, lanes])
        self.quantity = np.concatenate([self.quantity, quantities])
        self.open = np.concatenate([self.open, quantities])
        self.placed = np.concatenate([self.placed, np.full(n, time)])
        self.ready = np.concatenate([self.ready, np.full(n, ready)])
        self.last_arrival = np.concatenate([self.last_arrival, np.full(n, -math.inf)])
        self.undelivered = np.concatenate([self.undelivered, np.zeros(n)])
        return ids

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        """Current row of each (still open) line id."""
        return np.searchsorted(self.line_id, ids)

    def pop_closed(self) -> dict[str, np.ndarray]:
        """Remove lines fully shipped and delivered; return their position, quantity, placed,
        last_arrival."""
        closed = (self.open <= 1e-9) & (self.undelivered <= 1e-9)
        names = ("position", "lane", "quantity", "placed", "last_arrival")
        if not closed.any():
            return {name: np.zeros(0) for name in names}
        out = {name: getattr(self, name)[closed] for name in names}
        keep = ~closed
        for name in self._COLUMNS:
            setattr(self, name, getattr(self, name)[keep])
        return out

    _COLUMNS = (
        "line_id",
        "position",
        "source",
        "lane",
        "quantity",
        "open",
        "placed",
        "ready",
        "last_arrival",
        "undelivered",
    )
