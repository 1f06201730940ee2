"""Append-only typed columns for the event logs of a run (shipments, routes, recalls...)."""

from __future__ import annotations

import numpy as np

_FEW = 16  # arrays of up to this many rows are appended as rows: cheaper than a chunk each


class ColumnBuffer:
    """Append-only typed columns: chunks are kept as appended and joined once, when read.

    Joining once (and dropping the chunks) avoids the repeated copies of a growing array, which
    matters for logs of millions of rows.
    """

    def __init__(self, **dtypes: type | np.dtype) -> None:
        self._dtypes = {name: np.dtype(dt) for name, dt in dtypes.items()}
        self._chunks: dict[str, list[np.ndarray]] = {name: [] for name in dtypes}
        # Rows appended one by one, flattened into one plain list of numbers: cheaper to grow
        # than arrays, and numbers in a list cost the garbage collector nothing.
        self._rows: list[float] = []
        self._size = 0

    def append_row(self, *values: float) -> None:
        """Append one row, values in column order (for per-event logs; numbers only)."""
        self._rows.extend(values)

    def append(self, **columns: np.ndarray | float) -> None:
        """Append equal-length arrays (scalars are broadcast to the arrays' length)."""
        n = max((getattr(v, "size", 1) for v in columns.values()), default=0)
        if n == 0:
            return
        if n <= _FEW:  # a few rows: kept with the rows appended one by one (same values)
            values = [columns[name] for name in self._dtypes]
            lists = [
                v.tolist() if isinstance(v, np.ndarray) and v.ndim else [v] * n for v in values
            ]
            for row in zip(*lists, strict=True):
                self._rows.extend(row)
            return
        self._flush_rows()
        for name, dtype in self._dtypes.items():
            value = np.asarray(columns[name], dtype)
            self._chunks[name].append(value.copy() if value.shape == (n,) else np.full(n, value))
        self._size += n

    def __len__(self) -> int:
        return self._size + len(self._rows) // len(self._dtypes)

    def _flush_rows(self) -> None:
        """Turn the rows appended one by one into one chunk per column, keeping the order."""
        if self._rows:
            rows = np.asarray(self._rows).reshape(-1, len(self._dtypes))
            for k, (col, dtype) in enumerate(self._dtypes.items()):
                self._chunks[col].append(rows[:, k].astype(dtype))
            self._size += len(rows)
            self._rows = []

    def column(self, name: str) -> np.ndarray:
        self._flush_rows()
        chunks = self._chunks[name]
        if len(chunks) != 1:
            joined = np.concatenate(chunks) if chunks else np.empty(0, self._dtypes[name])
            self._chunks[name] = chunks = [joined]
        return chunks[0]

    def as_dict(self) -> dict[str, np.ndarray]:
        return {name: self.column(name) for name in self._dtypes}
