"""The daily path's demand, drawn for the whole horizon before the run.

Each daily stream draws its horizon in one vectorised call from its own named random stream,
so the day's service only reads a row. The mean on day ``t`` is the base mean times the zone's
multiplier ``m(t)`` (:func:`~simulator.network.demand.multipliers`). Poisson and
negative-binomial draws scale the mean (keeping integer units); other laws scale the variable.
The draws are stored in the narrowest type that holds them.
"""

from __future__ import annotations

import mmap
from typing import Any

import numpy as np

from simulator.network.demand import DemandStreams, multipliers
from simulator.network.streams import RandomStreams
from simulator.network.topology import Topology
from simulator.scenario.collection import paused_collection
from simulator.scenario.customers import Trace
from simulator.scenario.distributions import AnyDistribution, NegBinomial, Poisson
from simulator.scenario.models import Scenario
from simulator.scenario.traces import read_trace


def scaled_draws(
    dist: AnyDistribution,
    rng: np.random.Generator,
    profile: np.ndarray,
    weight: float = 1.0,
    constant: bool = False,
) -> np.ndarray:
    """One draw per entry of ``profile``, with the mean multiplied by it and by ``weight``.
    ``constant``: every entry of ``profile`` is the same (the draws are the same; one mean is
    quicker to draw). Poisson draws come as integers."""
    if isinstance(dist, Poisson):
        if constant and len(profile):
            return rng.poisson(dist.mu * (float(profile[0]) * weight), len(profile))
        return rng.poisson(dist.mu * (profile * weight))
    scale = profile * weight
    if isinstance(dist, NegBinomial):
        p = dist.mu / dist.sd**2
        n = dist.mu * p / (1 - p)
        # Scaling n keeps p: mean and variance both scale with the multiplier.
        return rng.negative_binomial(np.maximum(n * scale, 1e-12), p).astype(np.float64)
    return dist.sample(rng, len(scale)) * scale


def draw_daily_demand(
    scenario: Scenario,
    topology: Topology,
    demand: DemandStreams,
    streams: RandomStreams,
    n_days: int,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Customer demand per (day, daily stream): shape ``(n_days, len(demand.daily))``.

    Each stream draws its whole horizon from its own generator, so its numbers do not depend
    on any other stream. The arrays take the narrowest type that holds every value exactly
    (see :class:`CompactColumns`): a million Poisson streams of a year take 365 MB as uint8.

    Returns:
        Units, and the number of customer orders behind them where some zone has an order
        size (the daily law then counts orders); ``None`` when every zone's law counts units.
    """
    days = np.arange(n_days, dtype=float)
    n_daily = len(demand.daily)
    out = CompactColumns(n_days, n_daily)
    compound = any(demand.zone_order_size[z] is not None for z in demand.stream_zone[demand.daily])
    orders = CompactColumns(n_days, n_daily) if compound else None
    base = scenario.source.parent if scenario.source else None
    traces: dict[int, dict[str, np.ndarray]] = {}
    profiles: dict[tuple[int, str | None], tuple[np.ndarray, bool]] = {}
    # The multiplier depends on the SKU only through SKU-specific promotions.
    by_sku = [any(p.skus for p in zone.promotions) for zone in demand.zones]
    models = [getattr(zone, "daily", None) for zone in demand.zones]
    sizes = demand.zone_order_size
    names = _StreamNames(demand, topology)
    traced = names.traced
    zone_of, sku_of = demand.stream_zone.tolist(), demand.stream_sku.tolist()
    weight_of = demand.stream_weight.tolist()
    sku_ids = topology.sku_ids
    with paused_collection():  # a pass over every object made so far, a few times a batch
        for first in range(0, n_daily, _RNG_BATCH):
            batch = demand.daily[first : first + _RNG_BATCH].tolist()
            rngs = names.generators(streams, batch)
            drawn = zip(batch, rngs["demand"], rngs["order-size"], strict=True)
            for s, demand_rng, size_rng in drawn:
                z = zone_of[s]
                sku = sku_ids[sku_of[s]]
                key = (z, sku if by_sku[z] else None)
                known = profiles.get(key)
                if known is None:
                    profile = multipliers(demand.zones[z], sku, days)
                    known = profiles[key] = (
                        profile,
                        bool(len(profile) and (profile == profile[0]).all()),
                    )
                profile, constant = known
                model = models[z]
                if traced[z]:
                    if z not in traces:
                        skus = [sku_ids[k] for k in demand.stream_sku[demand.stream_zone == z]]
                        traces[z] = read_trace(model, base, skus)
                    values = np.resize(traces[z][sku], n_days) * (profile * weight_of[s])
                else:
                    values = scaled_draws(model, demand_rng, profile, weight_of[s], constant)
                size = sizes[z]
                if orders is not None:
                    orders.put(values)
                if size is not None:
                    values = order_units(np.rint(values).astype(np.int64), size, size_rng)
                out.put(values)
    return out.array(), None if orders is None else orders.array()


_RNG_BATCH = 4096
"""Daily streams whose generators are made together (a generator holds about 1 kB)."""


_KINDS = ("demand", "order-size")


class _StreamNames:
    """Names of the random streams daily demand streams draw from: ``demand/<zone>/<sku>``
    unless a trace gives the zone's demand, and ``order-size/<zone>/<sku>`` where the zone has
    an order size."""

    def __init__(self, demand: DemandStreams, topology: Topology) -> None:
        self.traced = [isinstance(getattr(z, "daily", None), Trace) for z in demand.zones]
        sized = [size is not None for size in demand.zone_order_size]
        # Per zone, the kinds it draws with their names' common start.
        self._kinds = [
            [
                (kind, f"{kind}/{zone.id}/")
                for kind, wanted in zip(_KINDS, (not t, o), strict=True)
                if wanted
            ]
            for zone, t, o in zip(demand.zones, self.traced, sized, strict=True)
        ]
        self._zone_of, self._sku_of = demand.stream_zone.tolist(), demand.stream_sku.tolist()
        self._sku_ids = topology.sku_ids

    def generators(self, streams: RandomStreams, batch: list[int]) -> dict[str, list[Any]]:
        """The generators of the streams ``batch``, made in one call: per kind, the ``i``-th
        stream's at ``i`` (None where its zone draws none of that kind)."""
        out: dict[str, list[Any]] = {kind: [None] * len(batch) for kind in _KINDS}
        slots: list[list[Any]] = []
        at: list[int] = []
        names: list[str] = []
        zone_of, sku_of, sku_ids = self._zone_of, self._sku_of, self._sku_ids
        for i, s in enumerate(batch):
            sku = sku_ids[sku_of[s]]
            for kind, prefix in self._kinds[zone_of[s]]:
                slots.append(out[kind])
                at.append(i)
                names.append(prefix + sku)
        for slot, i, generator in zip(slots, at, streams.streams(names), strict=True):
            slot[i] = generator
        return out


class CompactColumns:
    """A (rows, columns) array filled column by column, in the narrowest of uint8, uint16 and
    float32 that holds every value put so far: unsigned integers exactly, anything else as
    float32 (counts stay exact to 2**24). Columns wait in a float64 block (a column a row, so
    that each is written in one piece) and are checked and copied a block at a time: cast to
    the current type, they fit when the cast gives the same numbers. The array lies in ordinary
    pages (see :func:`_zeros_in_small_pages`)."""

    _TYPES = (np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.float32))
    _BLOCK = 4096  # columns
    _TILE = 256  # columns transposed at once

    def __init__(self, n_rows: int, n_columns: int) -> None:
        self._out = _zeros_in_small_pages((n_rows, n_columns), self._TYPES[0])
        self._block = np.zeros((min(self._BLOCK, n_columns), n_rows))
        self._first = 0  # column of the block's first column
        self._filled = 0  # columns in the block

    def put(self, values: np.ndarray) -> None:
        """Set the next column."""
        if self._filled == len(self._block):
            self._flush()
        self._block[self._filled] = values
        self._filled += 1

    def _flush(self) -> None:
        block = self._block[: self._filled]
        kind = self._TYPES.index(self._out.dtype)
        with np.errstate(invalid="ignore"):  # what does not fit fails the test below
            narrow = block.astype(self._out.dtype)
        if kind < 2 and block.size and not np.array_equal(narrow, block):
            exact = bool((block >= 0).all() and (block == np.floor(block)).all())
            top = float(block.max())
            need = 2 if not exact else 0 if top <= 255 else 1 if top <= 65535 else 2
            if need > kind:
                wider = _zeros_in_small_pages(self._out.shape, self._TYPES[need])
                wider[...] = self._out
                self._out = wider
            narrow = block.astype(self._out.dtype)
        # Transposed a tile at a time: a whole block at once misses the cache at every value.
        for start in range(0, self._filled, self._TILE):
            tile = narrow[start : start + self._TILE]
            at = self._first + start
            self._out[:, at : at + len(tile)] = tile.T
        self._first += self._filled
        self._filled = 0

    def array(self) -> np.ndarray:
        """The filled array (every column put)."""
        self._flush()
        return self._out


def _zeros_in_small_pages(shape: tuple[int, int], dtype: np.dtype[Any]) -> np.ndarray:
    """Zeros in anonymous memory of ordinary pages, where numpy would ask for huge pages.

    The array is written once, column block by column block, and read a row a day. On a virtual
    machine, faulting in a huge page can cost milliseconds: at a million streams, several
    seconds of system time for the 365 MB of a year's demand, against a fraction of a second
    in ordinary pages. The memory is zero when mapped and freed with the array.
    """
    size = shape[0] * shape[1] * dtype.itemsize
    if size == 0:
        return np.zeros(shape, dtype)
    return np.frombuffer(mmap.mmap(-1, size), dtype=dtype).reshape(shape)


def order_units(counts: np.ndarray, size: AnyDistribution, rng: np.random.Generator) -> np.ndarray:
    """Units of each day's ``counts`` customer orders, each of a size drawn from ``size``."""
    sizes = size.sample(rng, int(counts.sum()))
    day_of_order = np.repeat(np.arange(len(counts)), counts)
    return np.bincount(day_of_order, weights=sizes, minlength=len(counts))
