"""Customer demand streams: one per (zone, SKU), each with its own named random stream.

Daily streams (the fast path) draw the whole horizon up front
(:mod:`~simulator.network.daily_demand`), so the daily loop only reads a row. The mean on day
``t`` is the base mean times the zone's multiplier ``m(t)`` (weekly profile x annual wave x
trend x active promotions).

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
from simulator.network.topology import Topology
from simulator.scenario.collection import paused_collection
from simulator.scenario.customers import CustomerDemand, DemandZone
from simulator.scenario.distributions import AnyDistribution
from simulator.scenario.errors import Problem, ScenarioError
from simulator.scenario.models import Scenario

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


def consecutive_run(idx: np.ndarray) -> slice | None:
    """``idx`` as a slice when it is a run of consecutive indices (a slice reads an array as
    a view, without a gather), else None."""
    n = len(idx)
    if n == 0:
        return None
    start = int(idx[0])
    if int(idx[-1]) - start != n - 1 or not (np.diff(idx) == 1).all():
        return None
    return slice(start, start + n)


def own_positions(stream_pos: np.ndarray) -> slice | None:
    """The positions of the streams as a slice when stream ``s`` alone sells from position
    ``start + s`` (a network whose outlets have a stream per SKU), else None. Sums per position
    over such streams are the streams' own values, with nothing to add up."""
    return consecutive_run(stream_pos)


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


@paused_collection()
def compile_demand(
    scenario: Scenario, topology: Topology, plan: MarketPlan | None = None
) -> DemandStreams:
    """Demand streams of the demand zones, then of the market's zones under ``plan``."""
    sku_index = {s: i for i, s in enumerate(topology.sku_ids)}
    node_index = {node: i for i, node in enumerate(topology.node_ids)}
    index = topology.position_index

    def pos(node_id: str, sku: int) -> int:
        at = int(index.find(node_index[node_id], sku))
        if at < 0:
            raise KeyError((node_id, sku))
        return at

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
    node_of: list[int] = []
    sku_of: list[int] = []
    weight_of: list[float] = []
    lost_of: list[bool] = []
    patience_of: list[float] = []
    for z, zone in enumerate(scenario.demand):
        skus = mix(zone)
        n = len(skus)
        sku_of += [sku_index[sku] for sku, _ in skus]
        weight_of += [weight for _, weight in skus]
        zone_of += [z] * n
        node_of += [node_index[zone.node]] * n
        lost_of += [zone.unmet == "lost"] * n
        patience_of += [zone.patience or math.inf] * n
    pos_of = index.find(np.asarray(node_of, dtype=np.int64), np.asarray(sku_of, dtype=np.int64))
    if (pos_of < 0).any():
        # Only a distribution strategy can take a SKU a zone names off its node.
        where = str(scenario.source) if scenario.source else None
        problems = []
        for i in np.flatnonzero(pos_of < 0).tolist():
            z, sku = zone_of[i], topology.sku_ids[sku_of[i]]
            node = scenario.demand[z].node
            message = f"'{node}' does not stock {sku} under the market's distribution strategy"
            problems.append(Problem(where, None, ("demand", z, "skus", sku), message))
        raise ScenarioError(problems)
    streams: list[_Stream] = []
    if scenario.market is not None and plan is not None:
        _add_market_streams(streams, len(pos_of), scenario, plan, mix, pos, sku_index)
    n_own = len(pos_of)

    def column(
        values: list[Any] | np.ndarray | None, field: str, default: Any, dtype: Any
    ) -> np.ndarray:
        """The demand zones' ``values`` (their ``default`` where None), then the market's."""
        own = np.full(n_own, default, dtype=dtype) if values is None else values
        market = np.asarray([getattr(s, field) for s in streams], dtype=dtype)
        return np.concatenate([np.asarray(own, dtype=dtype), market])

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
