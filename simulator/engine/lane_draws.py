"""Lead times of the lanes whose transit time is random, handed out a batch at a time.

A day's shipments on the daily path are arrays, one lane each; drawing their transit times one
by one cost a Python call per shipment. Here each random lane keeps the next values of its own
random stream in a row of one array, and a batch takes them with array operations: the k-th
shipment of a lane gets the k-th value of the lane's stream however the shipments are batched.
A row is refilled (a block of its width in values, 16 to 128: wide rows mean fewer refills,
and the widths keep all rows within about 64 MB) when it runs out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from simulator.scenario.distributions import AnyDistribution, Constant

MAX_VALUES = 2**23  # values held over all rows at most (64 MB), unless rows are at their narrowest


def row_width(n_rows: int) -> int:
    """Values drawn at a time and held per lane: 128, or narrower (down to 16) for many lanes."""
    width = 128
    while width > 16 and width * n_rows > MAX_VALUES:
        width //= 2
    return width


class LaneDraws:
    """Transit times of every lane's shipments, in each lane's stream order."""

    def __init__(
        self,
        dists: Sequence[AnyDistribution],
        names: Sequence[str],
        generators: Callable[[list[str]], list[np.random.Generator]],
    ) -> None:
        """``dists`` and ``names``: per lane, its transit time and random stream's name;
        ``generators``: makes the generators of named streams, together."""
        self.constant = np.asarray([d.value if isinstance(d, Constant) else np.nan for d in dists])
        random = np.flatnonzero(np.isnan(self.constant))
        self.row_of = np.full(len(dists), -1, dtype=np.int64)
        self.row_of[random] = np.arange(len(random))
        self.row_lane = random.tolist()
        self.dists, self.names, self.generators = dists, names, generators
        self.rngs: list[np.random.Generator | None] = [None] * len(random)
        self.width = width = row_width(len(random))
        self.values = np.zeros((len(random), width))
        self.cursor = np.full(len(random), width, dtype=np.int64)  # width: the row is used up

    def take(self, lanes: np.ndarray) -> np.ndarray:
        """The transit time of one shipment on each of ``lanes``, in order (a lane may repeat)."""
        lead = self.constant[lanes]
        drawn = np.flatnonzero(np.isnan(lead))
        if len(drawn) == 0:
            return lead
        rows = self.row_of[lanes[drawn]]
        order = np.argsort(rows, kind="stable")
        sorted_rows = rows[order]
        change = np.ones(len(rows), dtype=bool)
        np.not_equal(sorted_rows[1:], sorted_rows[:-1], out=change[1:])
        first = np.flatnonzero(change)
        counts = np.diff(np.append(first, len(rows)))
        rank = np.arange(len(rows)) - np.repeat(first, counts)  # k-th shipment of its lane
        unique = sorted_rows[first]
        short = unique[self.cursor[unique] + counts > self.width]
        refilled = {}
        if len(short):  # rows that run out: refilled one by one, their values set apart
            self.prepare(short)
            need = dict(zip(unique.tolist(), counts.tolist(), strict=True))
            refilled = {row: self._refill(row, need[row]) for row in short.tolist()}
            held = ~np.isin(sorted_rows, short)
            order, sorted_rows, rank = order[held], sorted_rows[held], rank[held]
            held_unique = ~np.isin(unique, short)
            unique, counts = unique[held_unique], counts[held_unique]
        out = np.empty(len(rows))
        out[order] = self.values[sorted_rows, self.cursor[sorted_rows] + rank]
        self.cursor[unique] += counts
        for row, values in refilled.items():
            out[rows == row] = values  # the lane's shipments in batch order
        lead[drawn] = out
        return lead

    def take_one(self, lane: int) -> float:
        """The transit time of one shipment on ``lane``."""
        row = self.row_of.item(lane)
        if row < 0:
            return float(self.constant.item(lane))
        cursor = self.cursor.item(row)
        if cursor == self.width:
            self.prepare(np.array([row]))
            return float(self._refill(row, 1)[0])
        self.cursor[row] = cursor + 1
        return float(self.values.item(row, cursor))

    def prepare_lanes(self, lanes: Sequence[int]) -> None:
        """Make the generators of ``lanes`` (those with random transit times) now, together:
        cheaper than one at a time when each is first drawn."""
        rows = self.row_of[np.asarray(lanes, dtype=np.int64)]
        self.prepare(rows[rows >= 0])

    def prepare(self, rows: np.ndarray) -> None:
        """Make the generators of ``rows`` that have none yet, together."""
        missing = [row for row in rows.tolist() if self.rngs[row] is None]
        if missing:
            made = self.generators([self.names[self.row_lane[row]] for row in missing])
            for row, rng in zip(missing, made, strict=True):
                self.rngs[row] = rng

    def _refill(self, row: int, n: int) -> np.ndarray:
        """The next ``n`` values of the row's lane, more than the row holds: what it holds,
        then new blocks; what is left of the last block stays at the end of the row, so that
        the cursor points to it."""
        rng = self.rngs[row]
        assert rng is not None
        dist = self.dists[self.row_lane[row]]
        width = self.width
        blocks = [self.values[row, self.cursor.item(row) :]]
        held = len(blocks[0])
        while held < n:
            blocks.append(dist.sample(rng, width))
            held += width
        values = np.concatenate(blocks)
        left = values[n:]
        self.values[row, width - len(left) :] = left
        self.cursor[row] = width - len(left)
        return values[:n]
