"""Append-only log columns: read whole or a block at a time, the same rows in the same order."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.records.buffers import ColumnBuffer


def _log(sizes: list[int]) -> ColumnBuffer:
    """A log of appends of ``sizes`` rows (a few as single rows, more as arrays)."""
    log = ColumnBuffer(day=np.int64, value=np.float64)
    row = 0
    for n in sizes:
        log.append(day=np.arange(row, row + n), value=np.arange(row, row + n) * 0.5)
        row += n
    return log


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 40), max_size=30),
    rows=st.integers(1, 50),
    read_first=st.booleans(),
)
def test_blocks_give_every_row_once_in_order(sizes: list[int], rows: int, read_first: bool) -> None:
    log = _log(sizes)
    if read_first:  # a column read whole first: the log then holds one long chunk
        log.column("day")
    blocks = list(log.blocks("value", "day", rows=rows))
    total = sum(sizes)
    days = np.concatenate([day for _, day in blocks]) if blocks else np.zeros(0)
    values = np.concatenate([value for value, _ in blocks]) if blocks else np.zeros(0)
    np.testing.assert_array_equal(days, np.arange(total))
    np.testing.assert_array_equal(values, np.arange(total) * 0.5)
    assert all(len(value) == len(day) for value, day in blocks)
    assert all(len(day) == rows for _, day in blocks[:-1])  # the last one may be shorter
    np.testing.assert_array_equal(log.column("day"), np.arange(total))


def test_sums_by_blocks_equal_one_bincount_bit_for_bit() -> None:
    rng = np.random.default_rng(3)
    log = ColumnBuffer(key=np.int64, cost=np.float64)
    for _ in range(200):
        n = int(rng.integers(17, 300))
        log.append(key=rng.integers(0, 7, n), cost=rng.random(n) * 1000)
    sums = np.zeros(7)
    for key, cost in log.blocks("key", "cost", rows=1000):
        np.add.at(sums, key, cost)
    whole = np.bincount(log.column("key"), weights=log.column("cost"), minlength=7)
    np.testing.assert_array_equal(sums, whole)


def test_rows_one_by_one_tables_and_columns_keep_their_order_past_the_held_limit() -> None:
    """Rows appended one at a time, as a table or as columns interleave in order, also once
    the rows held as numbers turn into chunks (a long per-order run)."""
    log = ColumnBuffer(day=np.int64, value=np.float64)
    day = 0
    for _block in range(3):
        for _ in range(20_000):  # 40,000 numbers a block: the held limit is passed
            log.append_row(day, day * 0.25)
            day += 1
        table = np.array([(d, d * 0.25) for d in range(day, day + 7)])
        log.append_table(table)
        day += 7
        log.append(day=np.arange(day, day + 100), value=np.arange(day, day + 100) * 0.25)
        day += 100
    assert len(log) == day
    assert len(log._rows) < 1 << 16  # held numbers stay bounded
    assert log.column("day").dtype == np.int64
    np.testing.assert_array_equal(log.column("day"), np.arange(day))
    np.testing.assert_array_equal(log.column("value"), np.arange(day) * 0.25)
