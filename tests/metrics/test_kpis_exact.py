"""Exact KPIs of tiny deterministic scenarios, derived by hand, and aggregation consistency.

The tiny scenarios have one external supplier, one retailer ("shop") and one SKU ("widget":
unit cost 2, price 5, holding rate 0.365 a year, so holding costs 2 x 0.365 / 365 = 0.002 per
unit-day; backorder cost 0.1 per unit-day; lost-sale cost 1.5 per unit). Demand is a constant
5 units a day; the policy is base stock; the lane costs 10 per shipment plus 0.5 per unit.

Engine timing (simulator/engine.py): each day d receive, serve customers (backorders first),
review and order (a line to an external supplier ships at once), then take end-of-day
snapshots. Orders and shipments of day d happen at its end, time d + 1: the line is stamped
placed = d + 1, and with a lead time of L whole days the shipment (recorded at its departure,
d + 1) is received at the start of day d + 1 + L, before that day's demand. So an uncongested
line's cycle time is L days, and a base stock level S covers L + 1 days of demand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from simulator import Result, load_scenario, run
from simulator.metrics.operations import grouped_quantile
from simulator.scenario import scenario_from_data

QUICKSTART = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml"


def tiny(
    *,
    S: float,
    initial: float,
    unmet: str = "backorder",
    horizon: int = 10,
    warmup: int = 0,
    lead_time: int = 2,
    capacity: float | None = None,
    promotions: tuple[dict[str, Any], ...] = (),
) -> Result:
    lane: dict[str, Any] = {
        "from": "supplier",
        "to": "shop",
        "lead_time": lead_time,
        "cost_per_shipment": 10.0,
        "cost_per_unit": 0.5,
    }
    if capacity is not None:
        lane["capacity"] = capacity
    data = {
        "name": "tiny",
        "horizon": horizon,
        "warmup": warmup,
        "seed": 0,
        "products": [
            {
                "id": "widget",
                "unit_cost": 2.0,
                "price": 5.0,
                "holding_rate": 0.365,
                "backorder_cost": 0.1,
                "lost_sale_cost": 1.5,
            }
        ],
        "nodes": [
            {"id": "supplier", "kind": "supplier"},
            {
                "id": "shop",
                "kind": "retailer",
                "inventory": {
                    "policy": {"type": "base_stock", "S": S},
                    "initial": initial,
                    "order_cost": 4.0,
                },
            },
        ],
        "lanes": [lane],
        "demand": [
            {
                "id": "town",
                "node": "shop",
                "daily": {"dist": "constant", "value": 5},
                "unmet": unmet,
                "promotions": list(promotions),
            }
        ],
    }
    return run(scenario_from_data(data))


def network(result: Result) -> dict[str, float]:
    table = result.kpis
    rows = table[table.scope == "network"]
    return dict(zip(rows.metric, rows.value, strict=True))


def assert_kpis(got: dict[str, float], expected: dict[str, float]) -> None:
    for metric, value in expected.items():
        assert got[metric] == pytest.approx(value, rel=1e-12, abs=1e-12, nan_ok=True), metric


def test_backorders_recover_after_a_short_start() -> None:
    # S = 17 (3 days of demand, 15, plus 2), 3 units on hand, lead time 2, no warm-up, 10 days.
    # A line of day d leaves at time d + 1 and is received at the start of day d + 3.
    # day 0: sell 3, backorder 2; IP = 0 - 2 = -2 -> order 19 (received day 3). EOD stock 0.
    # day 1: no stock; backlog 2 + 5 = 7; IP = 19 - 7 = 12 -> order 5 (day 4). EOD stock 0.
    # day 2: no stock; backlog 7 + 5 = 12; IP = 24 - 12 = 12 -> order 5 (day 5). EOD stock 0.
    # day 3: +19; serve the 12 backorders late, sell 5 -> 2; IP = 2 + 10 -> order 5. EOD 2.
    # days 4-9: +5, sell 5, order 5; EOD stock 2.
    result = tiny(S=17, initial=3)
    assert_kpis(
        network(result),
        {
            "demand": 50,
            "fill_rate": (3 + 0 + 0 + 7 * 5) / 50,  # 38 units sold from stock on the day
            "order_fill_rate": 7 / 10,  # days 3..9 were served in full
            "lost_sales": 0,
            "backorders_mean": (2 + 7 + 12) / 10,  # backordered unit-days / days
            "backorders_max": 12,
            "units_sold": 38 + 12,
            "revenue": 50 * 5.0,
            "gross_margin": 50 * (5.0 - 2.0),
            "on_hand_mean": 7 * 2 / 10,
            "ready_rate": 7 / 10,
            "cycle_service_level": 7 / 10,  # days 0, 1 and 2 end with backorders
            "inventory_turns": (50 / 10 * 365) / 1.4,  # 50 units issued in 10 days
            "days_of_supply": 1.4 / 5,
            # Every line is placed at time d + 1 and received on day d + 3: two days.
            "order_cycle_time_mean": 2,
            "order_cycle_time_p95": 2,
            "holding_cost": 14 * 0.002,  # 14 end-of-day unit-days
            "ordering_cost": 10 * 4.0,  # one line a day
            # Ten shipments leaving at times 1..10 (day 9's at the horizon), 64 units.
            "transport_cost": 10 * 10.0 + 0.5 * (19 + 9 * 5),
            "shortage_cost": 21 * 0.1,
            "total_cost": 0.028 + 40 + 132 + 2.1,
            "cost_per_day": 174.128 / 10,
        },
    )


def test_lost_sales_cycle_and_warm_up_is_excluded() -> None:
    # S = 8, 8 on hand, lead time 2, lost sales, warm-up 2 days, 10 days (window: days 2-9).
    # A line of day d leaves at time d + 1 and is received at the start of day d + 3.
    # day 0: sell 5 -> 3; IP = 3 -> order 5 (received day 3).
    # day 1: sell 3, lose 2; IP = 0 + 5 -> order 3 (day 4; a warm-up day's order).
    # day 2: nothing due, lose 5; IP = 0 + 8 -> no order.
    # From then on a three-day cycle: days 3, 6, 9 receive 5, sell 5, order 5; days 4, 7
    # receive 3, sell 3, lose 2, order 3; days 5, 8 receive nothing, lose 5, order nothing.
    # Every day from day 1 ends with no stock.
    result = tiny(S=8, initial=8, unmet="lost", warmup=2)
    assert_kpis(
        network(result),
        {
            "demand": 8 * 5,
            "fill_rate": (3 * 5 + 2 * 3) / 40,  # days 3, 6, 9 and 4, 7
            "order_fill_rate": 3 / 8,
            "lost_sales": 3 * 5 + 2 * 2,  # days 2, 5, 8 and 4, 7
            "lost_sales_rate": 19 / 40,
            "backorders_mean": 0,
            "units_sold": 21,
            "revenue": 21 * 5.0,
            "gross_margin": 21 * 3.0,
            "on_hand_mean": 0,
            "ready_rate": 0,
            "cycle_service_level": 3 / 8,  # only days 3, 6 and 9 lose no sale
            "inventory_turns": float("nan"),  # no stock held: undefined
            "days_of_supply": 0,
            # Lines ordered on window days (3, 4, 6, 7, 9), two days each.
            "order_cycle_time_mean": 2,
            "holding_cost": 0,
            "ordering_cost": 5 * 4.0,  # lines of window days 3, 4, 6, 7, 9 only
            # Shipments of window days 3, 4, 6, 7, 9 (21 units). Day 1's leaves at time 2, the
            # end of a warm-up day, so it belongs to the warm-up like that day's ordering cost.
            "transport_cost": 5 * 10.0 + 0.5 * (3 * 5 + 2 * 3),
            "shortage_cost": 19 * 1.5,
            "total_cost": 20 + 60.5 + 28.5,
            "cost_per_day": 109 / 8,
        },
    )


def test_lane_capacity_splits_a_line_and_lengthens_its_cycle() -> None:
    # As the backorder case, with the lane carrying at most 10 units a day, oldest line first.
    # day 0: order 19 (placed 1); 10 leave at time 1 (received day 3), 9 wait. EOD backlog 2.
    # day 1: backlog 7; IP = 9 + 10 - 7 = 12 -> order 5 (placed 2); the 9 and 1 of the 5
    #   leave at time 2 (day 4), 4 wait. EOD backlog 7.
    # day 2: backlog 12; IP = 4 + 20 - 12 = 12 -> order 5 (placed 3); the 4 and the 5 leave
    #   at time 3 (day 5). EOD backlog 12.
    # day 3: +10, serve 10 of the 12 backorders late; backlog 2 + 5 = 7; IP = 19 - 7 = 12 ->
    #   order 5 (day 6). EOD stock 0, backlog 7.
    # day 4: +10, serve 7 late, sell 3, backorder 2; IP = 14 - 2 = 12 -> order 5. EOD backlog 2.
    # day 5: +9, serve 2 late, sell 5 -> 2; IP = 2 + 10 -> order 5. Days 6-9 as before, EOD 2.
    result = tiny(S=17, initial=3, capacity=10)
    assert_kpis(
        network(result),
        {
            "fill_rate": (3 + 0 + 0 + 0 + 3 + 5 * 5) / 50,
            "order_fill_rate": 5 / 10,
            "backorders_mean": (2 + 7 + 12 + 7 + 2) / 10,
            "backorders_max": 12,
            "units_sold": 50,
            "on_hand_mean": 5 * 2 / 10,
            "cycle_service_level": 5 / 10,
            # Day 0's line (placed 1) closes when its last 9 units are received on day 4, day
            # 1's (placed 2) when its last 4 are on day 5: 3 days each; eight lines of 2 days.
            # p95: rank 0.95 x 9 = 8.55 between the 9th and 10th sorted values, both 3.
            "order_cycle_time_mean": (2 * 3 + 8 * 2) / 10,
            "order_cycle_time_p95": 3,
            "holding_cost": 10 * 0.002,
            "shortage_cost": 30 * 0.1,
            # Still one shipment a day (10, 10, 9, then 5s): 64 units in ten shipments.
            "transport_cost": 10 * 10.0 + 0.5 * (10 + 10 + 9 + 7 * 5),
        },
    )


def test_bullwhip_of_an_order_up_to_retailer() -> None:
    # S = 20, 10 on hand, lead time 1, 4 days; a promotion doubles day 2: demand 5, 5, 10, 5.
    # Orders: day 0 IP 5 -> 15; then each day replaces the day's demand: 5, 10, 5.
    result = tiny(
        S=20,
        initial=10,
        lead_time=1,
        horizon=4,
        promotions=({"start": 2, "end": 3, "multiplier": 2.0},),
    )
    orders, demand = np.array([15, 5, 10, 5]), np.array([5, 5, 10, 5])
    assert float(orders.var() / demand.var()) == pytest.approx(11 / 3)
    assert result.kpi("bullwhip", "echelon", "level-0") == pytest.approx(11 / 3)
    assert result.kpi("fill_rate") == 1.0


def test_constant_demand_has_no_bullwhip_ratio() -> None:
    result = tiny(S=12, initial=3)
    assert np.isnan(result.kpi("bullwhip", "echelon", "level-0"))


@pytest.fixture(scope="module")
def quickstart() -> Result:
    return run(load_scenario(QUICKSTART))


def _scope(table: pd.DataFrame, scope: str, metric: str) -> pd.Series:
    rows = table[(table.scope == scope) & (table.metric == metric)]
    return pd.Series(rows.value.to_numpy(), index=rows.id.to_numpy())


@pytest.mark.parametrize("scope", ["node", "sku", "channel", "zone"])
def test_network_rates_are_demand_weighted_means_of_their_parts(
    quickstart: Result, scope: str
) -> None:
    table = quickstart.kpis
    demand = _scope(table, scope, "demand")
    for rate, units in (("fill_rate", "demand"), ("lost_sales_rate", "demand")):
        parts = _scope(table, scope, rate)
        weighted = (parts * _scope(table, scope, units)).sum() / demand.sum()
        assert weighted == pytest.approx(quickstart.kpi(rate), rel=1e-12)
    for additive in ("demand", "lost_sales", "units_sold", "revenue", "backorders_max"):
        total = _scope(table, scope, additive).sum()
        assert total == pytest.approx(quickstart.kpi(additive), rel=1e-12)


@pytest.mark.parametrize("scope", ["node", "echelon"])
def test_costs_add_up_over_nodes_and_echelons(quickstart: Result, scope: str) -> None:
    table = quickstart.kpis
    for metric in ("holding_cost", "ordering_cost", "transport_cost", "shortage_cost"):
        total = _scope(table, scope, metric).sum()
        assert total == pytest.approx(quickstart.kpi(metric), rel=1e-12)
    parts = sum(quickstart.kpi(m) for m in ("holding_cost", "ordering_cost", "transport_cost"))
    assert quickstart.kpi("total_cost") == pytest.approx(parts + quickstart.kpi("shortage_cost"))
    assert _scope(table, scope, "total_cost").sum() == pytest.approx(quickstart.kpi("total_cost"))


def test_network_cycle_service_level_averages_customer_facing_positions(
    quickstart: Result,
) -> None:
    # Every store position faces customers and each store carries the same three SKUs, so the
    # network level is the plain mean of the stores' levels; the DC does not enter it.
    stores = _scope(quickstart.kpis, "node", "cycle_service_level").drop("dc")
    assert stores.mean() == pytest.approx(quickstart.kpi("cycle_service_level"), rel=1e-12)


def test_grouped_quantile_matches_numpy() -> None:
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 5, 200)
    values = rng.exponential(2.0, 200)
    got = grouped_quantile(keys, values, 6, 0.95)
    expected = [np.quantile(values[keys == k], 0.95) for k in range(5)]
    np.testing.assert_allclose(got[:5], expected, rtol=1e-12)
    assert np.isnan(got[5])


def test_backorders_served_late_are_not_on_time() -> None:
    # A store hands goods over at once, so only units filled on the day asked are on time:
    # with no patience and no promise, backorders served days later must not count.
    got = network(tiny(S=17, initial=3))
    assert got["on_time_rate"] == pytest.approx(got["fill_rate"])
    assert got["on_time_rate"] < 1.0
