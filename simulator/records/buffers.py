"""Append-only typed columns for the event logs of a run (shipments, routes, recalls...)."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator

import numpy as np

_FEW = 16  # arrays of up to this many rows are appended as rows: cheaper than a chunk each
_ROWS_HELD = 1 << 16  # numbers held in the row list before they become chunks
_BLOCK_ROWS = 1 << 20  # rows of a block read at a time: 8 MB a column of 8-byte values


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
        rows = self._rows
        rows.extend(values)
        if len(rows) >= _ROWS_HELD:  # else a long run would hold millions of number objects
            self._flush_rows()

    def append_table(self, table: np.ndarray) -> None:
        """Append the rows of a 2-D array whose columns are this log's, in order."""
        self._flush_rows()
        self._add_table(table)

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
            self._rows = []
            self._add_table(rows)

    def _add_table(self, table: np.ndarray) -> None:
        """One chunk per column (a compact copy) of a 2-D array of this log's columns."""
        for k, (name, dtype) in enumerate(self._dtypes.items()):
            self._chunks[name].append(table[:, k].astype(dtype))
        self._size += len(table)

    def column(self, name: str) -> np.ndarray:
        self._flush_rows()
        chunks = self._chunks[name]
        if len(chunks) != 1:
            joined = np.concatenate(chunks) if chunks else np.empty(0, self._dtypes[name])
            self._chunks[name] = chunks = [joined]
        return chunks[0]

    def blocks(self, *names: str, rows: int = _BLOCK_ROWS) -> Iterator[tuple[np.ndarray, ...]]:
        """The columns ``names``, in order, ``rows`` rows at a time (the last block fewer).

        For sums over a long log: a block's temporaries are reused from the heap, where
        whole-column temporaries (hundreds of MB at a million streams) would each be mapped
        and faulted in anew.
        """
        self._flush_rows()
        columns = [_Chunked(self._chunks[name]) for name in names]
        for first in range(0, self._size, rows):
            yield tuple(column.rows(first, first + rows) for column in columns)

    def as_dict(self) -> dict[str, np.ndarray]:
        return {name: self.column(name) for name in self._dtypes}


class _Chunked:
    """A column held in chunks, read by row ranges."""

    def __init__(self, chunks: list[np.ndarray]) -> None:
        self.chunks = chunks
        self.starts = list(itertools.accumulate((len(c) for c in chunks[:-1]), initial=0))

    def rows(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start`` to ``stop`` (a view where they lie in one chunk)."""
        first = bisect.bisect_right(self.starts, start) - 1
        last = bisect.bisect_left(self.starts, stop) - 1
        pieces = [
            self.chunks[k][max(start - self.starts[k], 0) : stop - self.starts[k]]
            for k in range(first, last + 1)
        ]
        return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
