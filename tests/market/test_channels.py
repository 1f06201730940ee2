"""Channels: which channel a partner sells through, channel order profiles, compound orders."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simulator import Simulation, run
from simulator.network import compile_network
from simulator.scenario import scenario_from_data


def chain(**extra: Any) -> dict[str, Any]:
    """DC -> distributor -> shop-a, DC -> wholesaler -> shop-b, DC -> shop-c, DC -> web."""
    nodes: list[dict[str, Any]] = [{"id": "supplier", "kind": "supplier"}]
    lanes: list[dict[str, Any]] = []

    def stocking(node_id: str, kind: str, source: str) -> None:
        policy = {"type": "base_stock", "S": 40}
        nodes.append({"id": node_id, "kind": kind, "inventory": {"policy": policy, "initial": 40}})
        lanes.append({"from": source, "to": node_id, "lead_time": 1})

    stocking("dc", "warehouse", "supplier")
    stocking("dist", "distributor", "dc")
    stocking("whole", "wholesaler", "dc")
    stocking("shop-a", "retailer", "dist")
    stocking("shop-b", "retailer", "whole")
    stocking("shop-c", "retailer", "dc")
    stocking("web", "ecommerce", "dc")
    return {
        "name": "channels",
        "horizon": 30,
        "products": [{"id": "tea", "unit_cost": 2, "price": 5}],
        "nodes": nodes,
        "lanes": lanes,
        "demand": [
            {"id": f"z-{shop}", "node": shop, "daily": 3}
            for shop in ("shop-a", "shop-b", "shop-c", "web")
        ],
        **extra,
    }


def test_a_store_sells_through_the_channel_of_the_partner_that_supplies_it() -> None:
    topo = compile_network(scenario_from_data(chain())).topology
    channel = dict(zip(topo.node_ids, topo.node_channel, strict=True))
    assert channel["shop-a"] == "distributor"
    assert channel["shop-b"] == "wholesale"
    assert channel["shop-c"] == "retail"
    assert channel["web"] == "ecommerce"
    assert channel["dist"] == "distributor" and channel["dc"] == ""


def test_channel_profiles_size_the_orders_of_nodes_without_their_own() -> None:
    profiles = {"wholesale": {"min_order": 100, "case_pack": 24}, "retail": {"case_pack": 6}}
    data = chain(channels=profiles)
    data["nodes"][2]["inventory"]["case_pack"] = 12  # the distributor's own setting wins
    topo = compile_network(scenario_from_data(data)).topology
    pack = {topo.node_ids[n]: topo.pos_case_pack[topo.node_positions[n]][0] for n in range(1, 8)}
    minimum = {topo.node_ids[n]: topo.pos_min_order[topo.node_positions[n]][0] for n in range(1, 8)}
    assert pack == {
        "dc": 0,
        "dist": 12,
        "whole": 24,
        "shop-a": 0,
        "shop-b": 24,
        "shop-c": 6,
        "web": 0,
    }
    assert minimum["whole"] == 100 and minimum["shop-b"] == 100 and minimum["dist"] == 0
    result = run(scenario_from_data(data))
    lines = result.records.order_lines.as_dict()
    whole = topo.node_positions[topo.node_ids.index("whole")].start
    quantities = lines["quantity"][lines["position"] == whole]
    assert len(quantities) and np.all(quantities >= 100) and np.all(quantities % 24 == 0)


def test_an_order_size_makes_daily_demand_a_sum_of_orders() -> None:
    # 4 orders a day (Poisson) of 1 to 5 units (uniform): 12 units a day on average, with
    # variance E[N] Var[X] + Var[N] E[X]^2 = 4 * 2 + 4 * 9 = 44.
    size = {"dist": "uniform_int", "low": 1, "high": 5}
    data = chain(horizon=4000)
    data["demand"] = [{"id": "z", "node": "web", "daily": {"dist": "poisson", "mean": 4}}]
    data["channels"] = {"ecommerce": {"order_size": size}}
    sim = Simulation(scenario_from_data(data))
    units = sim.customers.daily_demand[:, 0].astype(float)
    assert sim.customers.daily_orders is not None
    orders = sim.customers.daily_orders[:, 0]
    n = len(units)
    assert abs(units.mean() - 12) < 4 * np.sqrt(44 / n)  # within 4 standard errors
    assert np.all(units >= orders) and np.all(units <= 5 * orders)
    result = sim.run()
    assert result.records.stream_orders.sum() == pytest.approx(orders.sum())
