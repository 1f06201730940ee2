"""Compile a validated scenario's facilities and lanes into flat arrays.

An *inventory position* is one SKU at one stocking node. Positions are numbered tier by tier,
most downstream first (retailers, then the DCs that serve them, then plants), so each tier is a
contiguous slice and a tier's daily work is array arithmetic on views. A node's positions are
contiguous inside its tier.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from simulator.network.geography import Geography
from simulator.network.positions import PositionIndex
from simulator.network.prices import trade_prices
from simulator.network.sourcing import SINGLE, ranked_lanes
from simulator.scenario.collection import paused_collection
from simulator.scenario.distributions import AnyDistribution
from simulator.scenario.models import Lane, Scenario
from simulator.scenario.nodes import Delivery, Node, Processing, StockRule

UNLIMITED = -1
"""Source code of a position supplied by an external supplier with unlimited stock."""
PRODUCTION = -2
"""Source code of a plant position: replenished by the plant's own production."""
NO_SOURCE = -3
"""Padding in the candidate-supplier array of a position with fewer suppliers than the most."""

CHANNEL_OF_KIND = {
    "retailer": "retail",
    "ecommerce": "ecommerce",
    "wholesaler": "wholesale",
    "distributor": "distributor",
}
"""The channel a partner of each kind buys for, as allocation rules by channel see it. A
retailer supplied by a wholesaler or a distributor sells through that partner's channel."""


@dataclass(frozen=True)
class Tier:
    """Nodes at one echelon depth (0 = serves only customers) and their position slice."""

    level: int
    nodes: tuple[int, ...]
    positions: slice


@dataclass(frozen=True)
class Topology:
    """Facilities, lanes and inventory positions of a scenario, as arrays."""

    sku_ids: tuple[str, ...]
    node_ids: tuple[str, ...]
    node_kind: tuple[str, ...]
    node_level: np.ndarray  # int, -1 for external suppliers
    node_xy: np.ndarray  # (N, 2), NaN where no location
    node_capacity: np.ndarray  # storage capacity, inf if unlimited
    node_processing: tuple[Processing | None, ...]
    production_capacity: np.ndarray  # units/day per node, inf if unlimited or not a plant
    production_lead_time: tuple[AnyDistribution | None, ...]
    node_positions: tuple[slice, ...]  # empty slice for external suppliers
    node_tier: np.ndarray  # partner tier, 1 first
    node_channel: np.ndarray  # channel a node buys for ("" for DCs and sources)
    node_allocation: tuple[BaseModel, ...]  # how each node shares scarce stock
    node_delivery: tuple[Delivery | None, ...]  # e-commerce home delivery

    pos_node: np.ndarray
    pos_sku: np.ndarray
    pos_source: np.ndarray  # preferred supplier position, UNLIMITED or PRODUCTION
    pos_lane: np.ndarray  # preferred inbound lane, -1 for production
    pos_sources: np.ndarray  # (P, K) candidate suppliers, preferred first, NO_SOURCE padding
    pos_lanes: np.ndarray  # (P, K) their lanes, -1 padding
    pos_shares: np.ndarray  # (P, K) share of a line per candidate (rule split)
    pos_rule: np.ndarray  # sourcing rule code per position (see network.sourcing)
    pos_initial: np.ndarray
    pos_arriving: np.ndarray  # (P, D) initial pipeline: units received at the start of day d
    pos_order_cost: np.ndarray
    pos_lead_time: np.ndarray  # mean replenishment lead time, days
    pos_policy: tuple[BaseModel, ...]  # replenishment policy parameters of each position
    pos_case_pack: np.ndarray  # order lines are multiples of this; 0 for none
    pos_min_order: np.ndarray  # smallest order line
    pos_sell_price: np.ndarray  # unit price the position's node charges its buyers
    pos_buy_price: np.ndarray  # unit price it pays its preferred supplier (unit cost if made)
    pos_shelf_life: np.ndarray  # days, inf for products that keep

    lane_ids: tuple[str, ...]
    lane_origin: np.ndarray
    lane_destination: np.ndarray
    lane_lead_time: tuple[AnyDistribution, ...]
    lane_distance: np.ndarray
    lane_cost_per_shipment: np.ndarray
    lane_cost_per_unit: np.ndarray
    lane_cost_per_km: np.ndarray
    lane_capacity: np.ndarray  # units/day, inf if unlimited
    lane_cold_chain: np.ndarray  # bool: refrigerated
    lane_co2_per_tonne_km: np.ndarray  # kg CO2e per tonne-km: the lane's, or its mode's default

    tiers: tuple[Tier, ...]

    @property
    def n_positions(self) -> int:
        return len(self.pos_node)

    @functools.cached_property
    def position_index(self) -> PositionIndex:
        """Finds positions by node and SKU index, many at once."""
        return PositionIndex(self.pos_node, self.pos_sku, len(self.sku_ids))

    def position_of(self, node_id: str, sku_id: str) -> int:
        """Index of the position of ``sku_id`` at ``node_id`` (KeyError if the node lacks it)."""
        node = self.node_ids.index(node_id)
        sku = self.sku_ids.index(sku_id)
        span = self.node_positions[node]
        hits = np.flatnonzero(self.pos_sku[span] == sku)
        if len(hits) == 0:
            raise KeyError(f"{node_id} does not carry {sku_id}")
        return int(span.start + hits[0])


def _levels(nodes: list[Node], lanes: list[Lane]) -> dict[str, int]:
    """Echelon depth: 0 for nodes that supply no stocking node, else 1 + the deepest child."""
    children: dict[str, list[str]] = {n.id: [] for n in nodes}
    for lane in lanes:
        children[lane.origin].append(lane.destination)
    level: dict[str, int] = {}

    def depth(node_id: str) -> int:
        if node_id not in level:
            level[node_id] = 1 + max((depth(c) for c in children[node_id]), default=-1)
        return level[node_id]

    for node in nodes:
        depth(node.id)
    return level


CO2_PER_TONNE_KM = {"road": 0.062, "rail": 0.017, "sea": 0.016, "air": 0.602}
"""Default emission intensity per transport mode, kg CO2e per tonne-km, well-to-wheel:
indicative values that a lane's ``co2_per_tonne_km`` replaces (docs/kpis.md, Emissions)."""


def _co2_factor(lane: Lane) -> float:
    if lane.co2_per_tonne_km is not None:
        return lane.co2_per_tonne_km
    return CO2_PER_TONNE_KM[lane.mode or "road"]


def _distance(lane: Lane, geography: Geography) -> float:
    if lane.distance is not None:
        return lane.distance
    return geography.km(lane.origin, lane.destination)


def _channels(nodes: list[Node], preferred: dict[str, str]) -> list[str]:
    """Each node's channel: by kind, except retailers buying from a wholesaler or distributor."""
    kind = {n.id: n.kind for n in nodes}
    channels = []
    for node in nodes:
        channel = CHANNEL_OF_KIND.get(node.kind, "")
        upstream = CHANNEL_OF_KIND.get(kind.get(preferred.get(node.id, ""), ""), "")
        if node.kind == "retailer" and upstream in ("wholesale", "distributor"):
            channel = upstream
        channels.append(channel)
    return channels


@paused_collection()
def compile_topology(
    scenario: Scenario,
    carries: dict[str, list[str]] | None = None,
    price_factor: dict[str, float] | None = None,
    geography: Geography | None = None,
) -> Topology:
    """Number positions tier by tier and turn nodes and lanes into arrays.

    Args:
        scenario: A validated scenario.
        carries: SKUs stocked per node where a distribution strategy decided them, replacing
            those nodes' own ``carries``.
        price_factor: Multiplier on every price of a SKU along the chain, where a distribution
            strategy sets one.
    """
    carries = carries or {}
    factor = price_factor or {}
    geography = geography or Geography(scenario)
    skus = scenario.product_ids()
    sku_index = {s: i for i, s in enumerate(skus)}
    nodes = scenario.nodes
    node_index = {n.id: i for i, n in enumerate(nodes)}
    inbound: dict[str, list[tuple[int, Lane]]] = {}
    for k, lane in enumerate(scenario.lanes):
        inbound.setdefault(lane.destination, []).append((k, lane))
    level = _levels(nodes, scenario.lanes)
    located = [n for n in nodes if n.location is not None]
    planar = geography.xy([n.location for n in located if n.location is not None])
    xy = {n.id: (float(x), float(y)) for n, (x, y) in zip(located, planar, strict=True)}

    preferred = {
        n.id: ranked_lanes(n, inbound[n.id], lambda lane: _distance(lane, geography))[0][0][
            1
        ].origin
        for n in nodes
        if n.id in inbound
    }
    channel = dict(zip(node_index, _channels(nodes, preferred), strict=True))
    stocking = [n for n in nodes if n.kind != "supplier"]
    ordered = sorted(stocking, key=lambda n: (level[n.id], node_index[n.id]))

    pos_node: list[int] = []
    pos_sku: list[int] = []
    settings: list[tuple[Any, ...]] = []  # each position's SETTINGS, in order
    node_positions: dict[str, slice] = {}
    # Nodes with the same SKUs, per-SKU rules (one object a document shares) and defaults
    # have the same positions' settings: each such block is worked out once.
    blocks: dict[tuple[Any, ...], tuple[list[int], list[tuple[Any, ...]]]] = {}
    for node in ordered:
        assert node.inventory is not None  # guaranteed by validation for stocking kinds
        carried = carries.get(node.id, node.carries if node.carries is not None else skus)
        defaults = _node_settings(node, channel[node.id], scenario)
        rules = node.inventory.skus
        key = (id(rules), _hashable(defaults), tuple(carried))
        if key not in blocks:
            ranked_skus = sorted(carried, key=sku_index.__getitem__)
            blocks[key] = (
                [sku_index[sku] for sku in ranked_skus],
                [_rule_settings(rules.get(sku), defaults) for sku in ranked_skus],
            )
        block_skus, block_settings = blocks[key]
        start = len(pos_node)
        pos_sku += block_skus
        settings += block_settings
        pos_node += [node_index[node.id]] * len(block_skus)
        node_positions[node.id] = slice(start, len(pos_node))
    columns = list(zip(*settings, strict=True)) if settings else [()] * len(SETTINGS)
    pos_initial, pos_arriving, pos_order_cost, pos_policy, pos_case_pack, pos_min_order = columns

    pos_node_a = np.asarray(pos_node, dtype=np.int64)
    pos_sku_a = np.asarray(pos_sku, dtype=np.int64)
    n_pos = len(pos_node_a)
    width = max((len(v) for v in inbound.values()), default=1)
    pos_sources = np.full((n_pos, width), NO_SOURCE, dtype=np.int64)
    pos_sources[:, 0] = PRODUCTION
    pos_lanes = np.full((n_pos, width), -1, dtype=np.int64)
    pos_shares = np.zeros((n_pos, width))
    pos_shares[:, 0] = 1.0
    pos_rule = np.full(n_pos, SINGLE, dtype=np.int64)
    pos_lead = np.zeros(n_pos)
    index = PositionIndex(pos_node_a, pos_sku_a, len(skus))
    for node in ordered:
        span = node_positions[node.id]
        if node.kind == "plant":
            assert node.production is not None
            pos_lead[span] = node.production.lead_time.mean
            continue
        ranked, pos_rule[span], shares = ranked_lanes(
            node, inbound[node.id], lambda lane: _distance(lane, geography)
        )
        pos_lead[span] = ranked[0][1].lead_time.mean
        for c, (k, lane) in enumerate(ranked):
            origin = node_index[lane.origin]
            pos_lanes[span, c] = k
            pos_shares[span, c] = shares[c]
            if nodes[origin].kind == "supplier":
                pos_sources[span, c] = UNLIMITED
                continue
            found = index.find(origin, pos_sku_a[span])
            missing = found < 0
            if missing.any():
                raise KeyError((origin, int(pos_sku_a[span][missing][0])))
            pos_sources[span, c] = found

    levels_present = sorted({level[n.id] for n in stocking})
    tiers = []
    for lv in levels_present:
        members = tuple(node_index[n.id] for n in ordered if level[n.id] == lv)
        spans = [node_positions[nodes[i].id] for i in members]
        tiers.append(Tier(lv, members, slice(spans[0].start, spans[-1].stop)))

    lanes = scenario.lanes
    empty = slice(0, 0)
    products = scenario.products
    kinds = {n.id: n.kind for n in nodes}
    return Topology(
        sku_ids=tuple(skus),
        node_ids=tuple(n.id for n in nodes),
        node_kind=tuple(n.kind for n in nodes),
        node_level=np.asarray([level[n.id] if n.kind != "supplier" else -1 for n in nodes]),
        node_xy=np.asarray([xy.get(n.id, (math.nan, math.nan)) for n in nodes], dtype=float),
        node_capacity=np.asarray([n.storage_capacity or math.inf for n in nodes], dtype=float),
        node_processing=tuple(n.processing for n in nodes),
        production_capacity=np.asarray(
            [(n.production.capacity or math.inf) if n.production else math.inf for n in nodes]
        ),
        production_lead_time=tuple(n.production.lead_time if n.production else None for n in nodes),
        node_positions=tuple(node_positions.get(n.id, empty) for n in nodes),
        node_tier=np.asarray([n.tier for n in nodes], dtype=np.int64),
        node_channel=np.asarray([channel[n.id] for n in nodes], dtype=object),
        node_allocation=tuple(n.allocation for n in nodes),
        node_delivery=tuple(n.delivery for n in nodes),
        pos_node=pos_node_a,
        pos_sku=pos_sku_a,
        pos_source=pos_sources[:, 0].copy(),
        pos_lane=pos_lanes[:, 0].copy(),
        pos_sources=pos_sources,
        pos_lanes=pos_lanes,
        pos_shares=pos_shares,
        pos_rule=pos_rule,
        pos_initial=np.asarray(pos_initial, dtype=float),
        pos_arriving=_padded(pos_arriving),
        pos_order_cost=np.asarray(pos_order_cost, dtype=float),
        pos_lead_time=pos_lead,
        pos_policy=tuple(pos_policy),
        pos_case_pack=np.asarray([v or 0.0 for v in pos_case_pack], dtype=float),
        pos_min_order=np.asarray([v or 0.0 for v in pos_min_order], dtype=float),
        pos_sell_price=trade_prices(products, skus, factor, [n.kind for n in nodes])[
            pos_node_a, pos_sku_a
        ],
        pos_buy_price=trade_prices(
            products,
            skus,
            factor,
            [kinds.get(preferred.get(n.id, ""), "supplier") for n in nodes],
        )[pos_node_a, pos_sku_a],
        pos_shelf_life=np.asarray([p.shelf_life or math.inf for p in products], dtype=float)[
            pos_sku_a
        ],
        lane_ids=tuple(lane.id or f"{lane.origin}->{lane.destination}" for lane in lanes),
        lane_origin=np.asarray([node_index[lane.origin] for lane in lanes], dtype=np.int64),
        lane_destination=np.asarray(
            [node_index[lane.destination] for lane in lanes], dtype=np.int64
        ),
        lane_lead_time=tuple(lane.lead_time for lane in lanes),
        lane_distance=np.asarray([_distance(lane, geography) for lane in lanes], dtype=float),
        lane_cost_per_shipment=np.asarray([lane.cost_per_shipment for lane in lanes], dtype=float),
        lane_cost_per_unit=np.asarray([lane.cost_per_unit for lane in lanes], dtype=float),
        lane_cost_per_km=np.asarray([lane.cost_per_km for lane in lanes], dtype=float),
        lane_capacity=np.asarray([lane.capacity or math.inf for lane in lanes], dtype=float),
        lane_cold_chain=np.asarray([lane.cold_chain for lane in lanes], dtype=bool),
        lane_co2_per_tonne_km=np.asarray([_co2_factor(lane) for lane in lanes], dtype=float),
        tiers=tuple(tiers),
    )


SETTINGS = ("initial", "arriving", "order_cost", "policy", "case_pack", "min_order")
"""Inventory settings a SKU's rule may give, else its node's, else its channel's profile."""


def _node_settings(node: Node, channel: str, scenario: Scenario) -> tuple[Any, ...]:
    """The node's value of each of :data:`SETTINGS`, else its channel's order profile: what a
    SKU without a rule of its own takes."""
    values = []
    for name in SETTINGS:
        value = getattr(node.inventory, name)
        if value is None and channel in scenario.channels:
            value = getattr(scenario.channels[channel], name)
        values.append(value)
    return tuple(values)


def _rule_settings(rule: StockRule | None, defaults: tuple[Any, ...]) -> tuple[Any, ...]:
    """A SKU's settings: its rule's own values, else ``defaults`` (its node's)."""
    if rule is None:
        return defaults
    own = (getattr(rule, name) for name in SETTINGS)
    return tuple(d if v is None else v for v, d in zip(own, defaults, strict=True))


def _hashable(values: tuple[Any, ...]) -> Any:
    """``values`` as a dictionary key: equal settings give equal keys (lists as tuples); an
    unhashable setting makes the tuple's identity the key."""
    key = tuple(tuple(v) if isinstance(v, list) else v for v in values)
    try:
        hash(key)
    except TypeError:
        return id(values)
    return key


def _padded(rows: Sequence[Sequence[float]]) -> np.ndarray:
    """Rows of different lengths as one float array, padded with zeros."""
    out = np.zeros((len(rows), max((len(r) for r in rows), default=0)))
    if out.shape[1]:  # else every row is empty
        for i, row in enumerate(rows):
            if len(row):
                out[i, : len(row)] = row
    return out
