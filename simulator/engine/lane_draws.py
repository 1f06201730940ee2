"""Lead times of the lanes whose transit time is random, handed out a batch at a time.

A day's shipments on the daily path are arrays, one lane each; drawing their transit times one
by one cost a Python call per shipment. Here each random lane keeps the next values of its own
random stream in a row of one array, and a batch takes them with array operations: the k-th
shipment of a lane gets the k-th value of the lane's stream however the shipments are batched.
A row is refilled (a block of ``WIDTH`` values) when it runs out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from simulator.scenario.distributions import AnyDistribution, Constant

WIDTH = 32  # values drawn at a time per lane (and kept per lane: 256 bytes)


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
        self.values = np.zeros((len(random), WIDTH))
        self.cursor = np.full(len(random), WIDTH, dtype=np.int64)  # WIDTH: the row is used up

    def take(self, lanes: np.ndarray) -> np.ndarray:
        """The transit time of one shipment on each of ``lanes``, in order (a lane may repeat)."""
        lead = self.constant[lanes]
        drawn = np.flatnonzero(np.isnan(lead))
        if len(drawn) == 0:
            return lead
        rows = self.row_of[lanes[drawn]]
        order = np.argsort(rows, kind="stable")
        sorted_rows = rows[order]
        first = np.flatnonzero(np.r_[True, sorted_rows[1:] != sorted_rows[:-1]])
        counts = np.diff(np.r_[first, len(rows)])
        rank = np.arange(len(rows)) - np.repeat(first, counts)  # k-th shipment of its lane
        unique = sorted_rows[first]
        short = unique[self.cursor[unique] + counts > WIDTH]
        extra: dict[int, np.ndarray] = {}
        if len(short):
            self.prepare(short)
            need = dict(zip(unique.tolist(), counts.tolist(), strict=True))
            extra = {row: self._refill(row, need[row]) for row in short.tolist()}
        out = np.empty(len(rows))
        plain = ~np.isin(sorted_rows, short)
        position = self.cursor[sorted_rows[plain]] + rank[plain]
        out[order[plain]] = self.values[sorted_rows[plain], position]
        kept = ~np.isin(unique, short)
        self.cursor[unique[kept]] += counts[kept]
        for row, values in extra.items():
            at = sorted_rows == row
            out[order[at]] = values
        lead[drawn] = out
        return lead

    def take_one(self, lane: int) -> float:
        """The transit time of one shipment on ``lane``."""
        row = self.row_of.item(lane)
        if row < 0:
            return float(self.constant.item(lane))
        cursor = self.cursor.item(row)
        if cursor == WIDTH:
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
        held = self.values[row, self.cursor.item(row) :]
        blocks = [held]
        while sum(len(b) for b in blocks) < n:
            blocks.append(dist.sample(rng, WIDTH))
        values = np.concatenate(blocks)
        left = values[n:]
        self.values[row, WIDTH - len(left) :] = left
        self.cursor[row] = WIDTH - len(left)
        return values[:n]
