"""Customers in a market: where they shop, how they react to a stockout, what is lost and why.

The tiny market: one SKU (unit cost 4, manufacturer's price 6, consumer price 10) and three
stores on a line at x = 0 ("near"), 3 ("far") and 30 ("remote"), each supplied by a DC, plus an
online shop. Customers travel at most 5 km. Zone "town" at x = 1 asks for a constant 10 units a
day; its first choice is "near", then "far"; "remote" is out of reach. Zone "farm" at x = 60 has
no store within reach. The horizon is one day, so initial stock decides everything.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import Simulation, run
from simulator.network import compile_network
from simulator.scenario import ScenarioError, scenario_from_data


def store(node_id: str, x: float, initial: float, **extra: Any) -> dict[str, Any]:
    return {
        "id": node_id,
        "kind": "retailer",
        "location": {"x": x, "y": 0},
        "inventory": {"policy": {"type": "base_stock", "S": 0}, "initial": initial},
        **extra,
    }


def market_data(
    near: float = 6,
    far: float = 1,
    web_stock: float = 100,
    reaction: dict[str, float] | None = None,
    horizon: float = 1,
    **market: Any,
) -> dict[str, Any]:
    return {
        "name": "tiny-market",
        "horizon": horizon,
        "products": [
            {"id": "soap", "unit_cost": 4, "price": 10, "trade_prices": {"manufacturer": 6}}
        ],
        "nodes": [
            {"id": "supplier", "kind": "supplier"},
            {
                "id": "dc",
                "kind": "warehouse",
                "inventory": {"policy": {"type": "base_stock", "S": 0}},
            },
            store("near", 0, near),
            store("far", 3, far),
            store("remote", 30, 50),
            {
                "id": "web",
                "kind": "ecommerce",
                "inventory": {"policy": {"type": "base_stock", "S": 0}, "initial": web_stock},
                "delivery": {"lead_time": 1, "promise": 2, "cost_per_parcel": 3},
            },
        ],
        "lanes": [
            {"from": "supplier", "to": "dc", "lead_time": 1},
            *({"from": "dc", "to": n, "lead_time": 1} for n in ("near", "far", "remote", "web")),
        ],
        "market": {
            "reach": 5,
            "online": "web",
            "reaction": reaction or {"uncovered_online": 0.5, "next_outlet": 0.5, "online": 0.3},
            "customers": [
                {"id": "town", "location": {"x": 1, "y": 0}, "daily": 10},
                {"id": "farm", "location": {"x": 60, "y": 0}, "daily": 4},
            ],
            **market,
        },
    }


def kpi(result: Any, metric: str, scope: str = "network", id: str = "network") -> float:
    return result.kpi(metric, scope, id)


def test_a_stockout_sends_customers_on_by_the_reaction_shares() -> None:
    # town asks near for 10: 6 served, 4 turned away: 2 try far (1 served, 1 lost there),
    # 1.2 buy online, 0.8 leave. farm has no store in reach: 2 of its 4 buy online, 2 are lost.
    result = run(scenario_from_data(market_data()))
    assert kpi(result, "demand", "zone", "town") == 10
    assert kpi(result, "fill_rate", "zone", "town") == pytest.approx((6 + 1 + 1.2) / 10)
    assert kpi(result, "substitution_rate", "zone", "town") == pytest.approx(2.2 / 10)
    assert kpi(result, "lost_sales_stockout", "zone", "town") == pytest.approx(1.8)
    assert kpi(result, "lost_sales_no_coverage", "zone", "town") == 0
    assert kpi(result, "coverage", "zone", "town") == 1.0
    assert kpi(result, "fill_rate", "zone", "farm") == pytest.approx(0.5)
    assert kpi(result, "lost_sales_no_coverage", "zone", "farm") == pytest.approx(2)
    assert kpi(result, "coverage", "zone", "farm") == 0.0
    assert kpi(result, "coverage") == pytest.approx(10 / 14)
    # Outlets see what was asked of them, substitutes included.
    assert kpi(result, "demand", "node", "near") == 10
    assert kpi(result, "fill_rate", "node", "near") == pytest.approx(0.6)
    assert kpi(result, "demand", "node", "far") == pytest.approx(2)
    assert kpi(result, "demand", "node", "web") == pytest.approx(1.2 + 2)
    assert kpi(result, "units_sold", "channel", "ecommerce") == pytest.approx(3.2)


def test_money_follows_the_units_sold() -> None:
    result = run(scenario_from_data(market_data()))
    sold = 6 + 1 + 1.2 + 2
    assert kpi(result, "revenue") == pytest.approx(10 * sold)
    assert kpi(result, "manufacturer_margin") == pytest.approx((6 - 4) * sold)
    assert kpi(result, "partner_margin") == pytest.approx((10 - 6) * sold)
    # Home delivery: one parcel per unit (order size 1) at 3 each.
    assert kpi(result, "delivery_cost") == pytest.approx(3 * 3.2)


def test_a_price_premium_raises_every_price_along_the_chain() -> None:
    premium = {"type": "mass", "price_factor": 1.1}
    result = run(scenario_from_data(market_data(strategy=premium)))
    sold = 6 + 1 + 1.2 + 2
    assert kpi(result, "revenue") == pytest.approx(11 * sold)
    assert kpi(result, "manufacturer_margin") == pytest.approx((6.6 - 4) * sold)
    # A store buys at the DC's (manufacturer's) price, now 6.6, and sells at 11.
    assert kpi(result, "trade_margin", "node", "near") == pytest.approx(6 * (11 - 6.6))


def test_without_an_online_shop_turned_away_customers_leave() -> None:
    data = market_data()
    del data["market"]["online"]
    result = run(scenario_from_data(data))
    # farm: nobody sells to it at all; town: 6 + 1 served, 1 lost at far, 3 leave.
    assert kpi(result, "lost_sales_no_coverage", "zone", "farm") == 4
    assert kpi(result, "fill_rate", "zone", "town") == pytest.approx(0.7)
    assert kpi(result, "lost_sales_stockout", "zone", "town") == pytest.approx(3)


def test_online_orders_are_on_time_when_delivery_keeps_the_promise() -> None:
    slow = market_data()
    slow["nodes"][5]["delivery"]["lead_time"] = 3  # beyond the 2-day promise
    on_time = run(scenario_from_data(market_data()))
    late = run(scenario_from_data(slow))
    assert kpi(on_time, "on_time_rate", "node", "web") == pytest.approx(1.0)
    assert kpi(late, "on_time_rate", "node", "web") == 0.0
    assert kpi(late, "on_time_rate", "node", "near") == pytest.approx(
        0.6
    )  # stores: at once or never


def test_exclusive_distribution_stocks_one_store_and_enforces_it() -> None:
    # Partner "far" gets the territory: "near" carries nothing, though it is nearer to town.
    exclusive = {"type": "exclusive", "territories": "region", "partners": ["far"]}
    data = market_data(strategy=exclusive)
    network = compile_network(scenario_from_data(data))
    topo = network.topology
    carrying = {
        topo.node_ids[n]
        for n in range(len(topo.node_ids))
        if topo.node_kind[n] == "retailer"
        and topo.node_positions[n].stop > topo.node_positions[n].start
    }
    assert carrying == {"far"}
    assert network.market is not None
    assert network.market.routes[0, "soap"] == ["far"]
    result = run(scenario_from_data(data))
    # town buys at far (1 unit), 4.5 of the 9 turned away buy online (0.3 of them: 2.7), rest
    # leave; no next outlet exists, so its share leaves too.
    assert kpi(result, "fill_rate", "zone", "town") == pytest.approx((1 + 2.7) / 10)


def test_selective_keeps_the_top_stores_by_potential() -> None:
    selective = {"type": "selective", "per_territory": 1, "rank_by": "potential"}
    network = compile_network(scenario_from_data(market_data(strategy=selective)))
    assert network.market is not None
    # near and far both reach town (potential 10 a day each): the tie goes to the first
    # listed; remote reaches nobody.
    assert network.market.carries == {"near": ["soap"], "far": [], "remote": []}


def test_demand_zones_ask_only_for_what_the_strategy_left_on_their_shelves() -> None:
    exclusive = {"type": "exclusive", "territories": "region", "partners": ["far"]}
    data = market_data(strategy=exclusive)
    data["demand"] = [{"id": "walk-in", "node": "near", "daily": 3}]
    result = run(scenario_from_data(data))  # near carries nothing: no walk-in demand
    assert "walk-in" not in set(result.kpis[result.kpis.scope == "zone"].id)
    data["demand"][0]["skus"] = ["soap"]
    with pytest.raises(ScenarioError, match="'near' does not stock soap"):
        run(scenario_from_data(data))


def test_market_references_are_checked_at_load() -> None:
    data = market_data(outlets=["near", "nowhere"], online="dc", performance={"ghost": 1.0})
    with pytest.raises(ScenarioError) as error:
        scenario_from_data(data)
    text = str(error.value)
    assert "market.outlets[1]" in text and "unknown node 'nowhere'" in text
    assert "'dc' is not an e-commerce node" in text
    assert "'ghost' is not an outlet" in text


# ----------------------------------------------------------------------------- invariants


@st.composite
def random_markets(draw: st.DrawFn) -> dict[str, Any]:
    """A market with random stocks, distances, strategy and reaction, over a few days."""
    kind = draw(st.sampled_from(["mass", "selective", "exclusive"]))
    strategy: dict[str, Any] = {"type": kind}
    if kind == "selective":
        strategy["per_territory"] = draw(st.integers(1, 3))
    if kind == "exclusive":
        strategy.update(territories="nearest", count=draw(st.integers(1, 2)))
    next_outlet = draw(st.floats(0, 1))
    reaction = {
        "uncovered_online": draw(st.floats(0, 1)),
        "next_outlet": next_outlet,
        "online": draw(st.floats(0, 1 - next_outlet)),
    }
    data = market_data(
        near=draw(st.integers(0, 30)),
        far=draw(st.integers(0, 30)),
        web_stock=draw(st.integers(0, 30)),
        reaction=reaction,
        horizon=draw(st.integers(1, 12)),
        strategy=strategy,
    )
    data["market"]["reach"] = draw(st.floats(0.5, 40))
    data["market"]["customers"] = [
        {
            "id": f"z{k}",
            "location": {"x": draw(st.floats(-10, 70)), "y": draw(st.floats(-5, 5))},
            "daily": {"dist": "poisson", "mean": draw(st.floats(0.5, 12))},
        }
        for k in range(draw(st.integers(1, 6)))
    ]
    for node in data["nodes"][2:]:
        node["inventory"]["policy"]["S"] = draw(st.integers(0, 25))
    if draw(st.booleans()):
        data["nodes"][5]["delivery"]["patience"] = draw(st.integers(1, 4))
    if draw(st.booleans()):  # walk-in customers of a store, next to the market's
        daily = {"dist": "poisson", "mean": draw(st.floats(0.5, 8))}
        data["demand"] = [
            {"id": "walk-in", "node": draw(st.sampled_from(["near", "web"])), "daily": daily}
        ]
    return data


@settings(max_examples=40, deadline=None, derandomize=True)
@given(random_markets())
def test_every_unit_of_demand_is_served_lost_or_waiting(data: dict[str, Any]) -> None:
    """Per zone: demand == filled at once + served late + lost (every cause) + still waiting,
    wherever the zone's customers ended up (demand zones beside the market included); and lost
    sales split exactly into their causes."""
    sim = Simulation(scenario_from_data(data))
    result = sim.run()
    rec, dem = result.records, result.network.demand
    zones = len(dem.zone_ids)

    def per_zone(values: np.ndarray) -> np.ndarray:
        return np.bincount(dem.stream_zone, weights=values, minlength=zones)

    outcome = (
        rec.stream_filled_now
        + rec.stream_served_late
        + rec.stream_lost
        + sim.customers.backorders.per_stream()
    )
    np.testing.assert_allclose(per_zone(rec.stream_demand), per_zone(outcome), atol=1e-7)
    causes = rec.stream_lost_coverage + rec.stream_lost_late
    assert np.all(causes <= rec.stream_lost + 1e-9)
    assert np.all(rec.stream_on_time <= rec.stream_filled_now + rec.stream_served_late + 1e-9)
    assert result.audit()["imbalance"].abs().max() < 1e-7
