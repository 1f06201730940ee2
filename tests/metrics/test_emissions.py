"""Transport CO2 (tonne-km x kg CO2e per tonne-km) on tiny networks worked out by hand.

supplier -> dc -> shop with base stock and a constant 5 units a day: every lane ships 5 units
every day from day 0 (the replenishment tests show the timing). With a 10-day horizon and a
3-day warm-up the KPI window holds days 3 to 9: 7 shipments of 5 units on each lane.
"""

from __future__ import annotations

from typing import Any

import pytest

from simulator import Result, run
from simulator.scenario import scenario_from_data

SHIPMENTS = 7  # per lane in the window


def _chain_data(products: list[dict[str, Any]], lanes: list[dict[str, Any]]) -> dict[str, Any]:
    stock = {"policy": {"type": "base_stock", "S": 20}, "initial": 20}
    return {
        "name": "emissions",
        "horizon": 10,
        "warmup": 3,
        "products": products,
        "nodes": [
            {"id": "supplier", "kind": "supplier"},
            {"id": "dc", "kind": "warehouse", "inventory": stock},
            {"id": "shop", "kind": "retailer", "inventory": stock},
        ],
        "lanes": [
            {"id": "trunk", "from": "supplier", "to": "dc", "lead_time": 1, **lanes[0]},
            {"id": "local", "from": "dc", "to": "shop", "lead_time": 1, **lanes[1]},
        ],
        "demand": [{"id": "town", "node": "shop", "daily": {"dist": "constant", "value": 5}}],
    }


def _chain(products: list[dict[str, Any]], lanes: list[dict[str, Any]]) -> Result:
    return run(scenario_from_data(_chain_data(products, lanes)))


def _kpi(result: Result, scope: str, id_: str, metric: str) -> float:
    table = result.kpis
    row = table[(table.scope == scope) & (table.id == id_) & (table.metric == metric)]
    return float(row.value.iloc[0])


WIDGET = {"id": "widget", "unit_cost": 2.0, "price": 5.0, "weight": 2.0}


def test_co2_is_tonne_km_times_the_lane_intensity() -> None:
    result = _chain(
        [WIDGET],
        [{"distance": 100, "mode": "rail"}, {"distance": 10, "co2_per_tonne_km": 0.1}],
    )
    # trunk: 5 units x 2 kg = 0.01 t over 100 km = 1 t-km a day, x 0.017 (rail default).
    # local: 0.01 t over 10 km = 0.1 t-km a day, x 0.1 (its own factor).
    assert _kpi(result, "lane", "trunk", "tonne_km") == pytest.approx(SHIPMENTS * 1.0)
    assert _kpi(result, "lane", "trunk", "co2_kg") == pytest.approx(SHIPMENTS * 0.017)
    assert _kpi(result, "lane", "local", "co2_kg") == pytest.approx(SHIPMENTS * 0.01)
    # Nodes own what they ship; the network is the sum.
    assert _kpi(result, "node", "supplier", "co2_kg") == pytest.approx(SHIPMENTS * 0.017)
    assert _kpi(result, "node", "dc", "co2_kg") == pytest.approx(SHIPMENTS * 0.01)
    assert _kpi(result, "network", "network", "co2_kg") == pytest.approx(SHIPMENTS * 0.027)
    # Per unit moved: 0.027 kg a day over the 10 units the two lanes carry a day.
    assert _kpi(result, "network", "network", "co2_per_unit") == pytest.approx(0.0027)
    assert _kpi(result, "lane", "local", "co2_per_unit") == pytest.approx(0.01 / 5)


@pytest.mark.parametrize(("mode", "factor"), [(None, 0.062), ("sea", 0.016), ("air", 0.602)])
def test_a_lane_without_a_factor_takes_its_modes_default(mode: str | None, factor: float) -> None:
    trunk = {"distance": 100} if mode is None else {"distance": 100, "mode": mode}
    result = _chain([WIDGET], [trunk, {"distance": 0}])
    assert _kpi(result, "lane", "trunk", "co2_kg") == pytest.approx(SHIPMENTS * 1.0 * factor)
    assert _kpi(result, "lane", "local", "co2_kg") == 0.0


def test_a_shipment_of_several_skus_weighs_each_by_its_own_weight() -> None:
    light = {"id": "light", "unit_cost": 1.0, "price": 2.0, "weight": 1.0}
    heavy = {"id": "heavy", "unit_cost": 1.0, "price": 2.0, "weight": 3.0}
    result = _chain([light, heavy], [{"distance": 1000, "co2_per_tonne_km": 0.05}, {}])
    # Each day the trunk carries 5 light and 5 heavy units: 20 kg = 0.02 t over 1000 km.
    assert _kpi(result, "lane", "trunk", "tonne_km") == pytest.approx(SHIPMENTS * 20.0)
    assert _kpi(result, "lane", "trunk", "co2_kg") == pytest.approx(SHIPMENTS * 20.0 * 0.05)


def test_weightless_products_emit_nothing() -> None:
    weightless = {**WIDGET, "weight": 0.0}
    result = _chain([weightless], [{"distance": 100}, {"distance": 10}])
    assert _kpi(result, "network", "network", "co2_kg") == 0.0


def test_tonne_km_is_exact_per_sku_when_the_mix_changes_over_the_run() -> None:
    light = {"id": "light", "unit_cost": 1.0, "price": 2.0, "weight": 1.0}
    heavy = {"id": "heavy", "unit_cost": 1.0, "price": 2.0, "weight": 3.0}
    data = _chain_data([light, heavy], [{"distance": 1000}, {"distance": 10}])
    # Nobody buys the heavy SKU during the 3-day warm-up: the lanes carry light units only on
    # days 0-2, then 5 light and 5 heavy units a day in the window (days 3-9).
    promotion = {"start": 0, "end": 3, "multiplier": 0.0, "skus": ["heavy"]}
    data["demand"][0]["promotions"] = [promotion]
    result = run(scenario_from_data(data))
    # By hand, per SKU: each window day 5 x 1 kg + 5 x 3 kg = 0.02 t, over 1000 km and 10 km.
    assert _kpi(result, "lane", "trunk", "tonne_km") == pytest.approx(SHIPMENTS * 0.02 * 1000)
    assert _kpi(result, "lane", "local", "tonne_km") == pytest.approx(SHIPMENTS * 0.02 * 10)
    assert _kpi(result, "lane", "trunk", "co2_kg") == pytest.approx(SHIPMENTS * 20 * 0.062)
    # The shipments themselves carry their tonnes: light-only before the window, mixed in it.
    shipments = result.records.shipments.as_dict()
    trunk = shipments["lane"] == result.network.topology.lane_ids.index("trunk")
    by_day = dict(
        zip(shipments["day"][trunk].tolist(), shipments["tonnes"][trunk].tolist(), strict=True)
    )
    assert by_day == pytest.approx(
        {0: 0.005, 1: 0.005, 2: 0.005} | dict.fromkeys(range(3, 10), 0.02)
    )
