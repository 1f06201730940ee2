"""Customer demand streams: one per (zone, SKU), each with its own named random stream.

Daily streams (the fast path) draw the whole horizon up front, one vectorised call per stream, so
the daily loop only reads a row. The mean on day ``t`` is the base mean times the zone's
multiplier ``m(t)`` (weekly profile x annual wave x trend x active promotions). Poisson and
negative-binomial draws scale the mean (keeping integer units); other laws scale the variable.

Event streams (the validation path) are Poisson order arrivals with the same multiplier applied
by thinning, and an order-size law.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.network.market import MarketPlan
from simulator.network.streams import RandomStreams
from simulator.network.topology import Topology
from simulator.scenario.customers import CustomerDemand, DemandZone, Trace
from simulator.scenario.distributions import AnyDistribution, NegBinomial, Poisson
from simulator.scenario.errors import Problem, ScenarioError
from simulator.scenario.models import Scenario
from simulator.scenario.traces import read_trace

CHANNELS = ("retail", "ecommerce", "wholesale", "distributor")


@dataclass(frozen=True)
class DemandStreams:
    """Arrays over demand streams: one per (zone, SKU, outlet the zone's customers may use).

    A zone's *first* stream draws the zone's demand and asks its first-choice outlet for the
    share ``stream_reach`` of it (the rest has no outlet within reach: lost, no coverage).
    Market zones have up to two more streams that draw nothing: the next outlet and the online
    shop, which receive the customers a stockout sends them (``stream_p_next``,
    ``stream_p_online``). ``daily`` and ``event`` index the first streams by path;
    ``substitutes`` the others.
    """

    zone_ids: tuple[str, ...]
    stream_zone: np.ndarray
    stream_sku: np.ndarray
    stream_pos: np.ndarray
    stream_channel: np.ndarray  # index into CHANNELS of the outlet the stream buys at
    stream_lost: np.ndarray  # bool: unmet demand is lost rather than backordered
    stream_patience: np.ndarray  # days, inf when customers wait forever
    stream_weight: np.ndarray  # multiplier on the zone's base model (SKU mix x strategy)
    stream_reach: np.ndarray  # share of the drawn demand that reaches the outlet
    stream_covered: np.ndarray  # bool: a first stream with an outlet within reach
    stream_next: np.ndarray  # stream tried next at a stockout, -1 for none
    stream_online: np.ndarray  # online stream tried at a stockout, -1 for none
    stream_p_next: np.ndarray
    stream_p_online: np.ndarray
    stream_order_size: np.ndarray  # mean units per customer order
    daily: np.ndarray  # first streams drawing daily demand
    event: np.ndarray  # first streams of event-path order arrivals
    substitutes: np.ndarray  # streams that only receive substituting customers
    zones: tuple[CustomerDemand, ...]
    zone_order_size: tuple[AnyDistribution | None, ...]  # compound daily demand, per zone

    @property
    def n_streams(self) -> int:
        return len(self.stream_zone)

    @property
    def first(self) -> np.ndarray:
        """Which streams are a zone's first choice (they carry the zone's demand)."""
        return self.stream_reach >= 0  # substitutes have reach -1


@dataclass
class _Stream:
    zone: int
    sku: int
    pos: int
    weight: float = 0.0
    reach: float = -1.0  # substitutes: -1
    covered: bool = True
    lost: bool = False
    patience: float = math.inf
    next: int = -1
    online: int = -1
    p_next: float = 0.0  # 0 where there is no next outlet; likewise p_online
    p_online: float = 0.0


def compile_demand(
    scenario: Scenario, topology: Topology, plan: MarketPlan | None = None
) -> DemandStreams:
    """Demand streams of the demand zones, then of the market's zones under ``plan``."""
    sku_index = {s: i for i, s in enumerate(topology.sku_ids)}
    node_index = {node: i for i, node in enumerate(topology.node_ids)}
    keys = zip(topology.pos_node.tolist(), topology.pos_sku.tolist(), strict=True)
    position = {key: p for p, key in enumerate(keys)}  # (node, sku) -> position

    def pos(node_id: str, sku: int) -> int:
        return position[node_index[node_id], sku]

    def mix(zone: CustomerDemand) -> list[tuple[str, float]]:
        if isinstance(zone, DemandZone) and zone.skus is None:
            # What the node stocks, after any distribution strategy has had its say.
            span = topology.node_positions[node_index[zone.node]]
            skus = [topology.sku_ids[k] for k in topology.pos_sku[span]]
        else:
            skus = scenario.zone_skus(zone)  # type: ignore[arg-type]
        weights = zone.skus if isinstance(zone.skus, dict) else {}
        return sorted(((s, weights.get(s, 1.0)) for s in skus), key=lambda kv: sku_index[kv[0]])

    # The demand zones' streams, a column each (a zone's streams share all but SKU, position
    # and weight); then the market's, whose links index the whole list.
    zone_of: list[int] = []
    sku_of: list[int] = []
    pos_of: list[int] = []
    weight_of: list[float] = []
    lost_of: list[bool] = []
    patience_of: list[float] = []
    problems: list[Problem] = []
    for z, zone in enumerate(scenario.demand):
        node = node_index[zone.node]
        first = len(pos_of)
        for sku, weight in mix(zone):
            k = sku_index[sku]
            at = position.get((node, k))
            if at is None:
                # Only a distribution strategy can take a SKU a zone names off its node.
                where = str(scenario.source) if scenario.source else None
                message = (
                    f"'{zone.node}' does not stock {sku} under the market's distribution strategy"
                )
                problems.append(Problem(where, None, ("demand", z, "skus", sku), message))
                continue
            sku_of.append(k)
            pos_of.append(at)
            weight_of.append(weight)
        n = len(pos_of) - first
        zone_of += [z] * n
        lost_of += [zone.unmet == "lost"] * n
        patience_of += [zone.patience or math.inf] * n
    if problems:
        raise ScenarioError(problems)
    streams: list[_Stream] = []
    if scenario.market is not None and plan is not None:
        _add_market_streams(streams, len(pos_of), scenario, plan, mix, pos, sku_index)
    n_own = len(pos_of)

    def column(values: list[Any] | None, field: str, default: Any, dtype: Any) -> np.ndarray:
        """The demand zones' ``values`` (their ``default`` where None), then the market's."""
        own = [default] * n_own if values is None else values
        return np.asarray(own + [getattr(s, field) for s in streams], dtype=dtype)

    stream_zone = column(zone_of, "zone", 0, np.int64)
    stream_pos = column(pos_of, "pos", 0, np.int64)
    reach = column(None, "reach", 1.0, float)
    zones: tuple[CustomerDemand, ...] = tuple(scenario.customer_zones())
    # A DC selling to a market directly sells through the retail channel.
    channel_of = [CHANNELS.index(c or "retail") for c in topology.node_channel[topology.pos_node]]
    # A demand zone may name its channel, else it has its node's; market zones shop in stores
    # (their order profile is retail's) and each stream sells through its outlet's channel.
    zone_channel = [
        z.channel or topology.node_channel[node_index[z.node]] or "retail" for z in scenario.demand
    ] + ["retail"] * (len(zones) - len(scenario.demand))
    own_channel = np.asarray([CHANNELS.index(c) for c in zone_channel], dtype=np.int64)
    stream_channel = np.concatenate(
        [
            own_channel[stream_zone[:n_own]],
            np.asarray([channel_of[s.pos] for s in streams], dtype=np.int64),
        ]
    )
    order_size = tuple(scenario.order_size(z, c) for z, c in zip(zones, zone_channel, strict=True))
    size_mean = np.asarray([d.mean if d is not None else 1.0 for d in order_size])
    zone_events = np.asarray([getattr(z, "orders", None) is not None for z in zones], dtype=bool)
    is_event = (reach >= 0) & zone_events[stream_zone]
    return DemandStreams(
        zone_ids=tuple(z.id for z in zones),
        stream_zone=stream_zone,
        stream_sku=column(sku_of, "sku", 0, np.int64),
        stream_pos=stream_pos,
        stream_channel=stream_channel,
        stream_lost=column(lost_of, "lost", False, bool),
        stream_patience=column(patience_of, "patience", math.inf, float),
        stream_weight=column(weight_of, "weight", 0.0, float),
        stream_reach=reach,
        stream_covered=column(None, "covered", True, bool) & (reach >= 0),
        stream_next=column(None, "next", -1, np.int64),
        stream_online=column(None, "online", -1, np.int64),
        stream_p_next=column(None, "p_next", 0.0, float),
        stream_p_online=column(None, "p_online", 0.0, float),
        stream_order_size=size_mean[stream_zone],
        daily=np.flatnonzero((reach >= 0) & ~is_event),
        event=np.flatnonzero(is_event),
        substitutes=np.flatnonzero(reach < 0),
        zones=zones,
        zone_order_size=order_size,
    )


def _add_market_streams(
    streams: list[_Stream],
    offset: int,
    scenario: Scenario,
    plan: MarketPlan,
    mix: Callable[[CustomerDemand], list[tuple[str, float]]],
    pos: Callable[[str, int], int],
    sku_index: dict[str, int],
) -> None:
    """Append the market zones' streams (first choice, next outlet and online shop per SKU)
    to ``streams``; their links are indices into all streams, the ``offset`` demand zones'
    streams first."""
    market = scenario.market
    assert market is not None
    reaction = market.reaction
    online = scenario.node(market.online) if market.online else None
    patience = (online.delivery.patience if online and online.delivery else None) or math.inf
    first_zone = len(scenario.demand)
    for m, zone in enumerate(market.customers):
        z = first_zone + m
        for sku, weight in mix(zone):
            k = sku_index[sku]
            sells_online = online is not None and (online.carries is None or sku in online.carries)
            routes = plan.routes[m, sku]
            first = len(streams)
            if routes:
                at, reach = pos(routes[0], k), 1.0
            elif sells_online:
                at, reach = pos(online.id, k), reaction.uncovered_online  # type: ignore[union-attr]
            else:
                carriers = [o for o, skus in plan.carries.items() if sku in skus]
                if not carriers:
                    raise ValueError(f"market: no outlet carries {sku} and nobody sells it online")
                at, reach = pos(carriers[0], k), 0.0  # never asked: all lost to no coverage
            streams.append(
                _Stream(
                    z,
                    k,
                    at,
                    weight * plan.demand_factor[sku],
                    reach,
                    covered=bool(routes),
                    lost=bool(routes),
                    patience=patience,
                )
            )
            if not routes:
                continue
            if len(routes) > 1:
                streams[first].next = offset + len(streams)
                streams[first].p_next = reaction.next_outlet
                streams.append(_Stream(z, k, pos(routes[1], k), lost=True))
            if sells_online:
                streams[first].online = offset + len(streams)
                streams[first].p_online = reaction.online
                streams.append(
                    _Stream(z, k, pos(online.id, k), patience=patience)  # type: ignore[union-attr]
                )


def multipliers(zone: CustomerDemand, sku_id: str, days: np.ndarray) -> np.ndarray:
    """The zone's demand multiplier m(t) for ``sku_id`` at each time in ``days``."""
    m = np.ones_like(days, dtype=float)
    season = zone.seasonality
    if season is not None:
        if season.weekly is not None:
            m *= np.asarray(season.weekly)[np.floor(days).astype(np.int64) % 7]
        if season.annual_amplitude:
            phase = 2 * np.pi * (days - season.annual_peak_day) / 365.0
            m *= 1 + season.annual_amplitude * np.cos(phase)
    if zone.trend:
        m *= np.maximum(1 + zone.trend * days, 0.0)
    for promo in zone.promotions:
        if promo.skus is None or sku_id in promo.skus:
            m *= np.where((days >= promo.start) & (days < promo.end), promo.multiplier, 1.0)
    return m


def scaled_draws(
    dist: AnyDistribution, rng: np.random.Generator, scale: np.ndarray, constant: bool = False
) -> np.ndarray:
    """One draw per entry of ``scale``, with the mean multiplied by it. ``constant``: every
    entry of ``scale`` is the same (the draws are the same; one mean is quicker to draw)."""
    if isinstance(dist, Poisson):
        lam = dist.mu * scale
        if constant and len(lam):
            return rng.poisson(lam[0], len(lam)).astype(np.float64)
        return rng.poisson(lam).astype(np.float64)
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
    names = _StreamNames(demand, topology)
    zone_of, sku_of = demand.stream_zone.tolist(), demand.stream_sku.tolist()
    weight_of = demand.stream_weight.tolist()
    for first in range(0, n_daily, _RNG_BATCH):
        batch = demand.daily[first : first + _RNG_BATCH].tolist()
        rngs = names.generators(streams, batch)
        for s in batch:
            z = zone_of[s]
            zone = demand.zones[z]
            sku = topology.sku_ids[sku_of[s]]
            key = (z, sku if by_sku[z] else None)
            if key not in profiles:
                profile = multipliers(zone, sku, days)
                profiles[key] = profile, bool(len(profile) and (profile == profile[0]).all())
            profile, constant = profiles[key]
            scale = profile * weight_of[s]
            model = zone.daily
            if names.traced[z]:
                if z not in traces:
                    skus = [topology.sku_ids[k] for k in demand.stream_sku[demand.stream_zone == z]]
                    traces[z] = read_trace(model, base, skus)
                values = np.resize(traces[z][sku], n_days) * scale
            else:
                values = scaled_draws(model, rngs[s, "demand"], scale, constant)
            size = demand.zone_order_size[z]
            if orders is not None:
                orders.put(values)
            if size is not None:
                rng = rngs[s, "order-size"]
                values = order_units(np.rint(values).astype(np.int64), size, rng)
            out.put(values)
    return out.array(), None if orders is None else orders.array()


_RNG_BATCH = 4096
"""Daily streams whose generators are made together (a generator holds about 1 kB)."""


class _StreamNames:
    """Names of the random streams daily demand streams draw from: ``demand/<zone>/<sku>``
    unless a trace gives the zone's demand, and ``order-size/<zone>/<sku>`` where the zone has
    an order size."""

    def __init__(self, demand: DemandStreams, topology: Topology) -> None:
        self.traced = [isinstance(getattr(z, "daily", None), Trace) for z in demand.zones]
        sized = [size is not None for size in demand.zone_order_size]
        self._kinds = [
            [kind for kind, wanted in (("demand", not t), ("order-size", o)) if wanted]
            for t, o in zip(self.traced, sized, strict=True)
        ]
        self._zone_ids = [z.id for z in demand.zones]
        self._zone_of, self._sku_of = demand.stream_zone.tolist(), demand.stream_sku.tolist()
        self._sku_ids = topology.sku_ids

    def generators(
        self, streams: RandomStreams, batch: list[int]
    ) -> dict[tuple[int, str], np.random.Generator]:
        """The generators of the streams ``batch``, made in one call, keyed by (stream, kind)."""
        keys: list[tuple[int, str]] = []
        names: list[str] = []
        for s in batch:
            z = self._zone_of[s]
            for kind in self._kinds[z]:
                keys.append((s, kind))
                names.append(f"{kind}/{self._zone_ids[z]}/{self._sku_ids[self._sku_of[s]]}")
        return dict(zip(keys, streams.streams(names), strict=True))


class CompactColumns:
    """A (rows, columns) array filled column by column, in the narrowest of uint8, uint16 and
    float32 that holds every value put so far: unsigned integers exactly, anything else as
    float32 (counts stay exact to 2**24). Columns wait in a float64 block (a column a row, so
    that each is written in one piece) and are checked and copied a block at a time."""

    _TYPES = (np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.float32))
    _BLOCK = 4096  # columns

    def __init__(self, n_rows: int, n_columns: int) -> None:
        self._out = np.zeros((n_rows, n_columns), dtype=self._TYPES[0])
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
        if kind < 2 and block.size:
            exact = bool((block >= 0).all() and (block == np.floor(block)).all())
            top = float(block.max())
            need = 2 if not exact else 0 if top <= 255 else 1 if top <= 65535 else 2
            if need > kind:
                self._out = self._out.astype(self._TYPES[need])
        self._out[:, self._first : self._first + self._filled] = block.T
        self._first += self._filled
        self._filled = 0

    def array(self) -> np.ndarray:
        """The filled array (every column put)."""
        self._flush()
        return self._out


def order_units(counts: np.ndarray, size: AnyDistribution, rng: np.random.Generator) -> np.ndarray:
    """Units of each day's ``counts`` customer orders, each of a size drawn from ``size``."""
    sizes = size.sample(rng, int(counts.sum()))
    day_of_order = np.repeat(np.arange(len(counts)), counts)
    return np.bincount(day_of_order, weights=sizes, minlength=len(counts))
