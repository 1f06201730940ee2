"""Apply a market's distribution strategy: who carries each SKU and where each zone shops.

The strategy runs once per SKU on the outlets eligible for it (those whose ``carries`` allow
it), before positions are numbered, so an outlet the strategy leaves out of a SKU holds no
stock of it at all. The result is plain data the topology and the demand streams are built from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from policies.distribution import MarketView, coverage, outlet_choices
from policies.registry import DISTRIBUTION
from simulator.network.geography import Geography
from simulator.scenario.customers import Market, MarketZone, Trace
from simulator.scenario.models import Scenario
from simulator.scenario.nodes import Node
from simulator.scenario.traces import read_trace


@dataclass(frozen=True)
class MarketPlan:
    """The strategy's decisions for every SKU of the market.

    Attributes:
        carries: Outlet id -> the SKUs it stocks (replaces the node's own ``carries``).
        routes: (market zone index, SKU) -> outlets that may serve it, nearest first.
        price_factor: SKU -> multiplier on its prices along the chain under its strategy.
        demand_factor: SKU -> multiplier on demand under its strategy.
        coverage: SKU -> share of its demand potential within reach of a serving outlet.
    """

    carries: dict[str, list[str]]
    routes: dict[tuple[int, str], list[str]]
    price_factor: dict[str, float]
    demand_factor: dict[str, float]
    coverage: dict[str, float]


def mean_daily(scenario: Scenario, zone: MarketZone) -> dict[str, float]:
    """A zone's mean daily units per SKU it asks for, before seasonality: its demand potential.

    A trace is read once for all the zone's SKUs.
    """
    skus = scenario.zone_skus(zone)
    weights = zone.skus if isinstance(zone.skus, dict) else dict.fromkeys(skus, 1.0)
    if isinstance(zone.daily, Trace):
        base = scenario.source.parent if scenario.source else None
        levels = {s: float(v.mean()) for s, v in read_trace(zone.daily, base, skus).items()}
    else:
        levels = dict.fromkeys(skus, zone.daily.mean)
    size = scenario.order_size(zone, "retail")  # market customers shop in stores
    units = size.mean if size is not None else 1.0
    return {s: weights[s] * levels[s] * units for s in skus}


def plan_market(scenario: Scenario, geography: Geography | None = None) -> MarketPlan | None:
    """Run the market's strategies; ``None`` for a scenario without a market."""
    market = scenario.market
    if market is None:
        return None
    geography = geography or Geography(scenario)
    outlets = market_outlets(scenario)
    nodes = {n.id: n for n in scenario.nodes}
    zones = market.customers
    zone_xy = _locations(geography, zones)
    potentials = [mean_daily(scenario, z) for z in zones]
    carries: dict[str, list[str]] = {o: [] for o in outlets}
    routes: dict[tuple[int, str], list[str]] = {}
    price: dict[str, float] = {}
    demand: dict[str, float] = {}
    covered: dict[str, float] = {}
    for sku in _market_skus(scenario, market):
        eligible = [o for o in outlets if sku in (nodes[o].carries or [sku])]
        view = MarketView(
            outlet_ids=tuple(eligible),
            outlet_xy=_locations(geography, [nodes[o] for o in eligible]),
            outlet_territory=tuple(nodes[o].territory for o in eligible),
            outlet_score=np.asarray([market.performance.get(o, 0.0) for o in eligible]),
            zone_xy=zone_xy,
            zone_territory=tuple(z.territory for z in zones),
            zone_potential=np.asarray([p.get(sku, 0.0) for p in potentials]),
            reach=market.reach,
        )
        params = market.sku_strategies.get(sku, market.strategy)
        strategy = DISTRIBUTION.get(params.type).from_params(params)  # type: ignore[attr-defined]
        plan = strategy.plan(view)
        for o in np.flatnonzero(plan.carries):
            carries[eligible[o]].append(sku)
        for z, choices in enumerate(outlet_choices(view, plan)):
            routes[z, sku] = [eligible[o] for o in choices]
        price[sku] = plan.price_factor
        demand[sku] = plan.demand_factor
        covered[sku] = coverage(view, plan)
    return MarketPlan(carries, routes, price, demand, covered)


def _locations(geography: Geography, places: Sequence[Node | MarketZone]) -> np.ndarray:
    """``(n, 2)`` planar km; every outlet and market zone has a location (checked at load)."""
    return geography.xy([p.location for p in places if p.location is not None])


def market_outlets(scenario: Scenario) -> list[str]:
    """The market's candidate outlets: its list, else every retailer."""
    assert scenario.market is not None
    if scenario.market.outlets is not None:
        return list(scenario.market.outlets)
    return [n.id for n in scenario.nodes if n.kind == "retailer"]


def _market_skus(scenario: Scenario, market: Market) -> list[str]:
    wanted = {s for zone in market.customers for s in scenario.zone_skus(zone)}
    return [s for s in scenario.product_ids() if s in wanted]
