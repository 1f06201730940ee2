"""The flagship market (scenarios/strategies): it loads, its study's variants load, and each
distribution strategy places the SKUs in the shops it promises to.
"""

from __future__ import annotations

import runpy
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from policies.distribution import ExclusiveParams, MassParams, SelectiveParams
from simulator import Study, load_scenario, load_study, run
from simulator.network import Network, compile_network
from simulator.scenario.models import Scenario

FOLDER = Path(__file__).resolve().parents[1] / "scenarios" / "strategies"
MARKET = FOLDER / "market.yaml"
STUDY = FOLDER / "strategies.yaml"
TERRITORIES = {"north", "south", "east", "west"}
VARIANTS = ("mass", "selective", "exclusive")
PARAMS = {"mass": MassParams, "selective": SelectiveParams, "exclusive": ExclusiveParams}


@cache
def study() -> Study:
    return load_study(STUDY)


def scenario_of(variant: str) -> Scenario:
    return study().variant(variant).scenario


@cache
def network_of(variant: str) -> Network:
    return compile_network(scenario_of(variant))


def outlets(scenario: Scenario) -> dict[str, str]:
    """Candidate outlets (every retailer: the market lists none) and their territories."""
    shops = {n.id: n.territory for n in scenario.nodes if n.kind == "retailer"}
    return {shop: str(label) for shop, label in shops.items()}


def eligible(scenario: Scenario, sku: str) -> set[str]:
    """Outlets whose own ``carries`` allow ``sku``."""
    return {
        n.id
        for n in scenario.nodes
        if n.kind == "retailer" and (n.carries is None or sku in n.carries)
    }


def carriers(network: Network, sku: str) -> set[str]:
    assert network.market is not None
    return {outlet for outlet, skus in network.market.carries.items() if sku in skus}


def stocked(network: Network, node: str) -> set[str]:
    """SKUs that have an inventory position at ``node``."""
    topo = network.topology
    span = topo.node_positions[topo.node_ids.index(node)]
    return {topo.sku_ids[k] for k in topo.pos_sku[span]}


def test_generator_reproduces_the_shipped_file() -> None:
    generator = runpy.run_path(str(FOLDER / "build_market.py"))  # does not write the file
    assert generator["build"]() == MARKET.read_text(encoding="utf-8")


def test_flagship_market_loads() -> None:
    scenario = load_scenario(MARKET)
    market = scenario.market
    assert market is not None
    assert isinstance(market.strategy, MassParams)
    assert 250 <= len(market.customers) <= 350
    assert {z.territory for z in market.customers} == TERRITORIES
    shops = outlets(scenario)
    assert 35 <= len(shops) <= 45
    assert set(Counter(shops.values())) == TERRITORIES
    assert market.online is not None
    assert scenario.node(market.online).delivery is not None
    # Every physical channel sells to consumers.
    topo = compile_network(scenario).topology
    channels = Counter(topo.node_channel[topo.node_ids.index(shop)] for shop in shops)
    assert set(channels) == {"retail", "distributor", "wholesale"}
    assert min(channels.values()) >= 8


def test_study_variants_load() -> None:
    loaded = load_study(STUDY)
    assert [v.name for v in loaded.variants()] == list(VARIANTS)
    assert loaded.baseline == "mass"
    for name in VARIANTS:
        market = loaded.variant(name).scenario.market
        assert market is not None
        assert isinstance(market.strategy, PARAMS[name])
    for name in ("selective", "exclusive"):
        market = scenario_of(name).market
        assert market is not None
        strategy = market.strategy
        assert isinstance(strategy, SelectiveParams | ExclusiveParams)
        assert strategy.price_factor > 1
        assert strategy.demand_factor < 1


def test_mass_every_eligible_outlet_carries() -> None:
    scenario, network = scenario_of("mass"), network_of("mass")
    for sku in scenario.product_ids():
        assert carriers(network, sku) == eligible(scenario, sku)
    # The chilled SKUs stay out of the shops that cannot keep them cold.
    chilled = [p.id for p in scenario.products if p.cold_chain]
    assert chilled
    for sku in chilled:
        assert eligible(scenario, sku) < set(outlets(scenario))


def test_selective_at_most_per_territory_outlets_in_each_territory() -> None:
    scenario, network = scenario_of("selective"), network_of("selective")
    assert scenario.market is not None
    strategy = scenario.market.strategy
    assert isinstance(strategy, SelectiveParams)
    territory = outlets(scenario)
    for sku in scenario.product_ids():
        chosen = carriers(network, sku)
        assert chosen <= eligible(scenario, sku)
        per_territory = Counter(territory[o] for o in chosen)
        assert set(per_territory) == TERRITORIES
        assert max(per_territory.values()) <= strategy.per_territory
        assert len(chosen) < len(eligible(scenario, sku))


def test_exclusive_one_partner_per_territory_serves_its_own_zones() -> None:
    scenario, network = scenario_of("exclusive"), network_of("exclusive")
    assert network.market is not None and scenario.market is not None
    territory = outlets(scenario)
    zones = scenario.market.customers
    for sku in scenario.product_ids():
        partners = carriers(network, sku)
        assert sorted(territory[o] for o in partners) == sorted(TERRITORIES)
        partner_of = {territory[o]: o for o in partners}
        for z, zone in enumerate(zones):
            routes = network.market.routes[z, sku]
            assert set(routes) <= {partner_of[str(zone.territory)]}


@pytest.mark.parametrize("variant", VARIANTS)
def test_only_carrying_outlets_hold_stock(variant: str) -> None:
    network = network_of(variant)
    assert network.market is not None
    for outlet, skus in network.market.carries.items():
        assert stocked(network, outlet) == set(skus)
    # Customers are only routed to outlets that carry what they want.
    for (_, sku), routes in network.market.routes.items():
        assert set(routes) <= carriers(network, sku)


def test_coverage_falls_as_distribution_narrows() -> None:
    plans = {name: network_of(name).market for name in VARIANTS}
    mass, selective, exclusive = (plans[name] for name in VARIANTS)
    assert mass is not None and selective is not None and exclusive is not None
    for sku in scenario_of("mass").product_ids():
        assert mass.coverage[sku] >= selective.coverage[sku] >= exclusive.coverage[sku]
        assert mass.coverage[sku] > exclusive.coverage[sku]
    # Mass still misses some countryside: the web shop is the only way to reach it.
    assert max(mass.coverage.values()) < 1


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_variant_runs(variant: str) -> None:
    result = run(scenario_of(variant), days=60)
    records = result.records
    sold = records.stream_filled_now.sum() + records.stream_served_late.sum()
    assert 0 < sold <= records.stream_demand.sum()
    assert np.isfinite(result.final_on_hand).all()
    assert result.final_on_hand.min() >= 0
