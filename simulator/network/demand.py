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
from dataclasses import dataclass

import numpy as np

from simulator.network.topology import Topology
from simulator.random import RandomStreams
from simulator.scenario.distributions import AnyDistribution, NegBinomial, Poisson
from simulator.scenario.models import DemandZone, Scenario, Trace
from simulator.scenario.traces import read_trace

CHANNELS = ("retail", "ecommerce", "wholesale", "distributor")


@dataclass(frozen=True)
class DemandStreams:
    """Arrays over demand streams; ``daily`` and ``event`` index which stream uses which path."""

    zone_ids: tuple[str, ...]
    zone_channel: np.ndarray  # per zone, index into CHANNELS
    stream_zone: np.ndarray
    stream_sku: np.ndarray
    stream_pos: np.ndarray
    stream_lost: np.ndarray  # bool: unmet demand is lost rather than backordered
    stream_patience: np.ndarray  # days, inf when customers wait forever
    stream_weight: np.ndarray  # SKU mix multiplier on the zone's base model
    daily: np.ndarray  # indices of daily streams
    event: np.ndarray  # indices of event streams
    zones: tuple[DemandZone, ...]

    @property
    def n_streams(self) -> int:
        return len(self.stream_zone)


def compile_demand(scenario: Scenario, topology: Topology) -> DemandStreams:
    sku_index = {s: i for i, s in enumerate(topology.sku_ids)}
    zone_sku: list[tuple[int, int, float]] = []
    for z, zone in enumerate(scenario.demand):
        node = topology.node_ids.index(zone.node)
        span = topology.node_positions[node]
        carried = [topology.sku_ids[s] for s in topology.pos_sku[span]]
        if zone.skus is None:
            mix = {s: 1.0 for s in carried}
        elif isinstance(zone.skus, dict):
            mix = dict(zone.skus)
        else:
            mix = {s: 1.0 for s in zone.skus}
        for sku, weight in sorted(mix.items(), key=lambda kv: sku_index[kv[0]]):
            zone_sku.append((z, sku_index[sku], weight))
    zones = scenario.demand
    stream_zone = np.asarray([z for z, _, _ in zone_sku], dtype=np.int64)
    stream_sku = np.asarray([s for _, s, _ in zone_sku], dtype=np.int64)
    keys = zip(topology.pos_node.tolist(), topology.pos_sku.tolist(), strict=True)
    position = {key: p for p, key in enumerate(keys)}  # (node, sku) -> position
    node_index = {node: i for i, node in enumerate(topology.node_ids)}
    stream_pos = np.asarray(
        [position[node_index[zones[z].node], s] for z, s, _ in zone_sku], dtype=np.int64
    )
    is_event = np.asarray([zones[z].orders is not None for z, _, _ in zone_sku], dtype=bool)
    return DemandStreams(
        zone_ids=tuple(z.id for z in zones),
        zone_channel=np.asarray([CHANNELS.index(z.channel) for z in zones], dtype=np.int64),
        stream_zone=stream_zone,
        stream_sku=stream_sku,
        stream_pos=stream_pos,
        stream_lost=np.asarray([zones[z].unmet == "lost" for z, _, _ in zone_sku], dtype=bool),
        stream_patience=np.asarray(
            [zones[z].patience or math.inf for z, _, _ in zone_sku], dtype=float
        ),
        stream_weight=np.asarray([w for _, _, w in zone_sku], dtype=float),
        daily=np.flatnonzero(~is_event),
        event=np.flatnonzero(is_event),
        zones=tuple(zones),
    )


def multipliers(zone: DemandZone, sku_id: str, days: np.ndarray) -> np.ndarray:
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


def scaled_draws(dist: AnyDistribution, rng: np.random.Generator, scale: np.ndarray) -> np.ndarray:
    """One draw per entry of ``scale``, with the mean multiplied by it."""
    if isinstance(dist, Poisson):
        return rng.poisson(dist.mu * scale).astype(np.float64)
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
) -> np.ndarray:
    """Customer demand per (day, daily stream): shape ``(n_days, len(demand.daily))``."""
    days = np.arange(n_days, dtype=float)
    # Single precision halves the largest buffer of a big run; counts stay exact to 2**24.
    out = np.empty((n_days, len(demand.daily)), dtype=np.float32)
    base = scenario.source.parent if scenario.source else None
    traces: dict[int, dict[str, np.ndarray]] = {}
    profiles: dict[tuple[int, str | None], np.ndarray] = {}
    for column, s in enumerate(demand.daily):
        zone = demand.zones[demand.stream_zone[s]]
        sku = topology.sku_ids[demand.stream_sku[s]]
        # The multiplier depends on the SKU only through SKU-specific promotions.
        key = (int(demand.stream_zone[s]), sku if any(p.skus for p in zone.promotions) else None)
        if key not in profiles:
            profiles[key] = multipliers(zone, sku, days)
        scale = profiles[key] * demand.stream_weight[s]
        model = zone.daily
        if isinstance(model, Trace):
            z = int(demand.stream_zone[s])
            if z not in traces:
                skus = [topology.sku_ids[k] for k in demand.stream_sku[demand.stream_zone == z]]
                traces[z] = read_trace(model, base, skus)
            values = traces[z][sku]
            out[:, column] = np.resize(values, n_days) * scale
        else:
            assert model is not None
            rng = streams.stream(f"demand/{zone.id}/{sku}")
            out[:, column] = scaled_draws(model, rng, scale)
    return out
