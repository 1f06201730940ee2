"""Customer orders of the event-path streams: drawn ahead in rounds and merged in time order.

Each stream is a Poisson process of orders with its own named random streams (gaps between
orders, sizes and, for a time-varying mean, thinning), so its orders are those it would give
alone, whatever else the network holds. Customers' orders do not depend on the state of the
network, so they can be drawn ahead: a round draws every stream's orders up to a whole day,
in arrays, and merges them by time (ties by stream). The customers' process then walks the
merged orders one by one. A round holds about a hundred orders per stream on average and at
most a quarter of a million in all, so memory stays bounded on long horizons and large networks.

The values drawn do not depend on the rounds: each random stream is drawn in blocks of a fixed
schedule and handed out in turn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from simulator.engine.context import RunContext
from simulator.network.demand import multipliers
from simulator.scenario.customers import CustomerDemand, DemandZone, OrderStream
from simulator.scenario.distributions import AnyDistribution, Constant

_FIRST_BLOCK = 16  # values drawn first from a random stream; then doubling up to _BLOCK
_BLOCK = 512
_ORDERS_PER_STREAM = 128  # a round's orders per stream, on average
_MAX_ORDERS = 250_000  # a round's orders at most (about 24 MB as Python lists)

Round = tuple[list[float], list[int], list[float]]  # times, streams, sizes in arrival order


class _Blocks:
    """A random stream's values, drawn in blocks of 16, 32, ... up to 512 and handed out in
    turn: the values do not depend on how many are taken at a time."""

    __slots__ = ("_args", "_draw", "_size")

    def __init__(self, draw: Callable[..., np.ndarray], *args: Any) -> None:
        self._draw, self._args, self._size = draw, args, _FIRST_BLOCK

    def block(self) -> np.ndarray:
        """The next block of values."""
        values = self._draw(*self._args, self._size)
        self._size = min(2 * self._size, _BLOCK)
        return values


class _Taken:
    """Values of a :class:`_Blocks` taken ``n`` at a time."""

    __slots__ = ("_blocks", "_values")

    def __init__(self, blocks: _Blocks) -> None:
        self._blocks = blocks
        self._values = np.empty(0)

    def take(self, n: int) -> np.ndarray:
        while len(self._values) < n:
            self._values = np.concatenate((self._values, self._blocks.block()))
        taken, self._values = self._values[:n], self._values[n:]
        return taken


_Thinning = tuple[_Taken, float, Callable[[np.ndarray], np.ndarray]]  # draws, peak, m(t)


class _Stream:
    """One stream's orders: arrival times, thinning and sizes."""

    __slots__ = ("_gaps", "_sizes", "_thinning", "_times", "fixed_size")

    def __init__(
        self,
        gaps: _Blocks,
        sizes: _Taken | None,
        fixed_size: float,
        thinning: _Thinning | None,
    ) -> None:
        self._gaps, self._sizes, self.fixed_size = gaps, sizes, fixed_size
        self._thinning = thinning
        self._times = np.cumsum(gaps.block())  # arrival times drawn, not yet handed out

    @property
    def next_time(self) -> float:
        return float(self._times[0])

    def until(self, end: float) -> tuple[np.ndarray, np.ndarray]:
        """The times and sizes of the stream's orders before ``end``."""
        while self._times[-1] < end:  # each time the previous one plus a gap, in turn
            more = np.cumsum(np.concatenate((self._times[-1:], self._gaps.block())))[1:]
            self._times = np.concatenate((self._times, more))
        cut = int(np.searchsorted(self._times, end))
        times, self._times = self._times[:cut], self._times[cut:]
        if self._thinning is not None:
            # A time-varying mean: orders come at the peak rate, each kept with m(t) / peak.
            accept, peak, level = self._thinning
            times = times[accept.take(len(times)) * peak <= level(times)]
        if self._sizes is None:
            return times, np.full(len(times), self.fixed_size)
        return times, self._sizes.take(len(times))


class Arrivals:
    """Every event-path stream's customer orders, merged in time order, a round at a time."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        dem = ctx.net.demand
        names = {s: self._name(s) for s in dem.event.tolist()}
        wanted = []  # the generators of gaps and sizes, made together
        for s, name in names.items():
            wanted.append(name)
            if not isinstance(self._orders(s).size, Constant):
                wanted.append(name + "/size")
        made = dict(zip(wanted, ctx.draws.streams.streams(wanted), strict=True))
        self.streams: dict[int, _Stream] = {}
        total_rate = 0.0
        for s, name in names.items():
            rate, peak, level = self._rate(s)
            if rate <= 0:
                continue  # a SKU weighted 0, or a zone switched off all horizon: no orders
            thinning = None
            if level is not None:
                accept = _Taken(_Blocks(ctx.draws.rng(name + "/thinning").random))
                thinning = (accept, peak, level)
            self.streams[s] = self._stream(made, name, self._orders(s).size, rate, thinning)
            total_rate += rate
        total_rate = max(total_rate, 1e-12)
        per_stream = total_rate / max(len(self.streams), 1)
        days = min(_ORDERS_PER_STREAM / per_stream, _MAX_ORDERS / total_rate)
        self.round_days = max(1, math.floor(days))

    def _zone(self, s: int) -> CustomerDemand:
        dem = self.ctx.net.demand
        return dem.zones[dem.stream_zone[s]]

    def _orders(self, s: int) -> OrderStream:
        zone = self._zone(s)
        assert isinstance(zone, DemandZone) and zone.orders is not None  # an event stream
        return zone.orders

    def _name(self, s: int) -> str:
        """The name of stream ``s``'s random stream of orders."""
        sku = self.ctx.net.topology.sku_ids[self.ctx.net.demand.stream_sku[s]]
        return f"orders/{self._zone(s).id}/{sku}"

    def _rate(self, s: int) -> tuple[float, float, _Level | None]:
        """Stream ``s``'s peak rate of orders, the peak of its mean multiplier, and the
        multiplier (at given times) if it varies (seasons, trend, promotions, demand shocks)."""
        ctx = self.ctx
        dem = ctx.net.demand
        zone = self._zone(s)
        sku = ctx.net.topology.sku_ids[dem.stream_sku[s]]
        base = self._orders(s).rate * dem.stream_weight[s]
        if not (zone.seasonality or zone.trend or zone.promotions or ctx.disruptions is not None):
            return base, 1.0, None
        level = _Level(ctx, zone, sku, s)
        profile = level(np.arange(ctx.n_days + 1, dtype=float))
        if np.allclose(profile, 1.0):
            return base, 1.0, None
        peak = float(profile.max())
        return base * peak, peak, level

    def _stream(
        self,
        made: dict[str, np.random.Generator],
        name: str,
        size: AnyDistribution,
        rate: float,
        thinning: _Thinning | None,
    ) -> _Stream:
        """A stream of orders from its generators ``made`` (by name)."""
        if isinstance(size, Constant):
            sizes, fixed = None, size.value
        else:
            sizes, fixed = _Taken(_Blocks(size.sample, made[name + "/size"])), math.nan
        return _Stream(_Blocks(made[name].exponential, 1.0 / rate), sizes, fixed, thinning)

    def rounds(self) -> Iterator[Round]:
        """The orders before the horizon, a round of whole days at a time."""
        horizon = float(self.ctx.n_days)
        start = 0.0
        while start < horizon and self.streams:
            end = min(start + self.round_days, horizon)
            times, streams, sizes = [], [], []
            for s, stream in self.streams.items():
                if stream.next_time < end:
                    t, q = stream.until(end)
                    times.append(t)
                    sizes.append(q)
                    streams.append(np.full(len(t), s))
            if times:
                t_all, s_all = np.concatenate(times), np.concatenate(streams)
                order = np.lexsort((s_all, t_all))
                yield (
                    t_all[order].tolist(),
                    s_all[order].tolist(),
                    np.concatenate(sizes)[order].tolist(),
                )
            start = end


class _Level:
    """A stream's mean multiplier at given times: its zone's profile times demand shocks."""

    def __init__(self, ctx: RunContext, zone: CustomerDemand, sku: str, s: int) -> None:
        self.ctx, self.zone, self.sku, self.s = ctx, zone, sku, s

    def __call__(self, times: np.ndarray) -> np.ndarray:
        m = multipliers(self.zone, self.sku, times)
        plan = self.ctx.disruptions
        if plan is not None:
            shocks = plan.timeline.demand_factors(times, np.array([self.s]))
            if shocks is not None:
                m = m * shocks[:, 0]
        return m
