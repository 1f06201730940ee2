"""Open replenishment order lines, oldest first.

A line is one SKU ordered by one position from its source. Lines stay in placement order, so
granting scarce stock "in book order" is first-come-first-served without sorting by time.
The columns live in arrays with spare room at the end (doubled when full), so adding a line
does not copy the book; closed lines are compacted away in one pass at the end of each day.
A line shipped in full the moment it is placed (the per-order path's usual case) never opens:
it is kept as a plain row with the closed lines, and leaves with them, in line order.
"""

from __future__ import annotations

import math

import numpy as np

_COLUMNS: dict[str, type] = {
    "line_id": np.int64,
    "position": np.int64,
    "source": np.int64,
    "lane": np.int64,
    "quantity": np.float64,
    "open": np.float64,
    "placed": np.float64,  # when the line left the reviewer (its departure at a close)
    "day": np.int64,  # the day whose review placed it
    "ready": np.float64,
    "last_arrival": np.float64,
    "undelivered": np.float64,  # shipped onto a fleet's vehicles, not yet delivered
}
_CLOSED = ("position", "lane", "quantity", "placed", "day", "last_arrival")
_SHIPPED = ("line_id", *_CLOSED)


class OrderBook:
    """Open order lines as parallel columns; each attribute is a view of the live lines."""

    line_id: np.ndarray
    position: np.ndarray
    source: np.ndarray
    lane: np.ndarray
    quantity: np.ndarray
    open: np.ndarray
    placed: np.ndarray
    day: np.ndarray
    ready: np.ndarray
    last_arrival: np.ndarray
    undelivered: np.ndarray

    def __init__(self, capacity: int = 64) -> None:
        self._store: dict[str, np.ndarray] = {
            name: np.zeros(capacity, dtype) for name, dtype in _COLUMNS.items()
        }
        self._n = 0
        self._next_id = 0
        # Lines shipped in full when placed: flat rows of _SHIPPED, never in the columns.
        self._shipped: list[float] = []
        self._expose()

    def _expose(self) -> None:
        for name, column in self._store.items():
            setattr(self, name, column[: self._n])

    def __len__(self) -> int:
        return self._n

    def add(
        self,
        positions: np.ndarray,
        quantities: np.ndarray,
        sources: np.ndarray,
        lanes: np.ndarray,
        time: float,
        day: int,
        ready: float | np.ndarray,
    ) -> np.ndarray:
        """Append lines; returns their ids (for processing desks that set ``ready`` later)."""
        k = len(positions)
        start, end = self._n, self._n + k
        capacity = len(self._store["line_id"])
        if end > capacity:
            size = max(end, 2 * capacity)
            for name, column in self._store.items():
                grown = np.zeros(size, column.dtype)
                grown[:start] = column[:start]
                self._store[name] = grown
        ids = np.arange(self._next_id, self._next_id + k, dtype=np.int64)
        self._next_id += k
        values = {
            "line_id": ids,
            "position": positions,
            "source": sources,
            "lane": lanes,
            "quantity": quantities,
            "open": quantities,
            "placed": time,
            "day": day,
            "ready": ready,
            "last_arrival": -math.inf,
            "undelivered": 0.0,
        }
        for name, value in values.items():
            self._store[name][start:end] = value
        self._n = end
        self._expose()
        return ids

    def add_one(
        self, position: int, quantity: float, source: int, lane: int, time: float, day: int
    ) -> int:
        """Append one line, ready now; returns its row."""
        row = self._n
        if row == len(self._store["line_id"]):
            for name, column in self._store.items():
                grown = np.zeros(2 * row, column.dtype)
                grown[:row] = column
                self._store[name] = grown
        values = (self._next_id, position, source, lane, quantity, quantity, time, day, time)
        for column, value in zip(self._store.values(), values, strict=False):
            column[row] = value
        self._store["last_arrival"][row] = -math.inf
        self._store["undelivered"][row] = 0.0
        self._next_id += 1
        self._n = row + 1
        self._expose()
        return row

    def shipped_at_once(
        self, position: int, quantity: float, lane: int, time: float, day: int, arrival: float
    ) -> None:
        """A line placed and shipped in full at once (ready, no desk): closed already."""
        self._shipped += (self._next_id, position, lane, quantity, time, day, arrival)
        self._next_id += 1

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        """Current row of each (still open) line id."""
        return np.searchsorted(self.line_id, ids)

    def pop_closed(self) -> dict[str, np.ndarray] | None:
        """Remove lines fully shipped and delivered; return their position, lane, quantity,
        placed, day and last_arrival (None: no line closed)."""
        parts = []
        closed = (self.open <= 1e-9) & (self.undelivered <= 1e-9) if self._n else None
        if closed is not None and closed.any():
            parts.append({name: getattr(self, name)[closed] for name in _SHIPPED})
            keep = np.flatnonzero(~closed)
            for column in self._store.values():
                column[: len(keep)] = column[keep]
            self._n = len(keep)
            self._expose()
        if not (parts or self._shipped):
            return None
        if self._shipped:
            rows = np.asarray(self._shipped).reshape(-1, len(_SHIPPED))
            self._shipped = []
            parts.append(
                {name: rows[:, k].astype(_COLUMNS[name]) for k, name in enumerate(_SHIPPED)}
            )
        out = parts[0]
        if len(parts) == 2:  # both kinds: back in line order (each part is in order already)
            order = np.argsort(np.concatenate([p["line_id"] for p in parts]), kind="stable")
            out = {name: np.concatenate([p[name] for p in parts])[order] for name in _SHIPPED}
        del out["line_id"]
        return out
