"""Exact KPIs of tiny deterministic scenarios, derived by hand, and aggregation consistency.

The tiny scenarios have one external supplier, one retailer ("shop") and one SKU ("widget":
unit cost 2, price 5, holding rate 0.365 a year, so holding costs 2 x 0.365 / 365 = 0.002 per
unit-day; backorder cost 0.1 per unit-day; lost-sale cost 1.5 per unit). Demand is a constant
5 units a day; the policy is base stock; the lane costs 10 per shipment plus 0.5 per unit.

Engine timing (simulator/engine.py): each day receive, serve customers (backorders first),
review and order (a line to an external supplier ships at once), then take end-of-day
snapshots. A line placed on day d with a lead time of L days is usable on day d + L.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from simulator import Result, load_scenario, run
from simulator.metrics import KPI_DEFINITIONS
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
    # S = 12, 3 units on hand, lead time 2, no warm-up, 10 days.
    # day 0: sell 3, backorder 2; IP = 0 - 2 = -2 -> order 14 (usable day 2). EOD stock 0.
    # day 1: no stock; backlog 2 + 5 = 7; IP = 14 - 7 = 7 -> order 5 (day 3). EOD stock 0.
    # day 2: +14; serve the 7 backorders late, sell 5 -> 2; IP = 2 + 5 -> order 5. EOD 2.
    # days 3-9: +5, sell 5, order 5; EOD stock 2.
    result = tiny(S=12, initial=3)
    assert_kpis(
        network(result),
        {
            "demand": 50,
            "fill_rate": (3 + 0 + 8 * 5) / 50,  # 43 units sold from stock on the day
            "order_fill_rate": 8 / 10,  # days 2..9 were served in full
            "lost_sales": 0,
            "backorders_mean": (2 + 7) / 10,  # backordered unit-days / days
            "backorders_max": 7,
            "units_sold": 43 + 7,
            "revenue": 50 * 5.0,
            "gross_margin": 50 * (5.0 - 2.0),
            "on_hand_mean": 8 * 2 / 10,
            "ready_rate": 8 / 10,
            "cycle_service_level": 8 / 10,  # days 0 and 1 end with backorders
            "inventory_turns": (50 / 10 * 365) / 1.6,  # 50 units issued in 10 days
            "days_of_supply": 1.6 / 5,
            "order_cycle_time_mean": 2,  # every line arrives two days after it is placed
            "order_cycle_time_p95": 2,
            "holding_cost": 16 * 0.002,  # 16 end-of-day unit-days
            "ordering_cost": 10 * 4.0,  # one line a day
            "transport_cost": 10 * 10.0 + 0.5 * (14 + 9 * 5),  # ten shipments, 59 units
            "shortage_cost": 9 * 0.1,
            "total_cost": 0.032 + 40 + 129.5 + 0.9,
            "cost_per_day": 170.432 / 10,
        },
    )


def test_lost_sales_alternate_and_warm_up_is_excluded() -> None:
    # S = 8, 8 on hand, lead time 2, lost sales, warm-up 2 days, 10 days (window: days 2-9).
    # day 0: sell 5 -> 3; order 5 (day 2).  day 1: sell 3, lose 2; IP = 5 -> order 3 (day 3).
    # From then on: even days receive 5, sell 5, order 5; odd days receive 3, sell 3, lose 2,
    # order 3. Every day from day 1 ends with no stock.
    result = tiny(S=8, initial=8, unmet="lost", warmup=2)
    assert_kpis(
        network(result),
        {
            "demand": 8 * 5,
            "fill_rate": (4 * 5 + 4 * 3) / 40,
            "order_fill_rate": 4 / 8,
            "lost_sales": 4 * 2,
            "lost_sales_rate": 8 / 40,
            "backorders_mean": 0,
            "units_sold": 32,
            "revenue": 32 * 5.0,
            "gross_margin": 32 * 3.0,
            "on_hand_mean": 0,
            "ready_rate": 0,
            "cycle_service_level": 4 / 8,  # the odd days lose sales
            "inventory_turns": float("nan"),  # no stock held: undefined
            "days_of_supply": 0,
            "order_cycle_time_mean": 2,
            "holding_cost": 0,
            "ordering_cost": 8 * 4.0,  # lines of days 2-9 only
            "transport_cost": 8 * 10.0 + 0.5 * (4 * 5 + 4 * 3),
            "shortage_cost": 8 * 1.5,
            "total_cost": 32 + 96 + 12,
            "cost_per_day": 140 / 8,
        },
    )


def test_lane_capacity_splits_a_line_and_lengthens_its_cycle() -> None:
    # As the backorder case, with the lane carrying at most 10 units a day.
    # day 0: order 14, 10 ship (day 2), 4 wait.  day 1: backlog 7; the 4 ship (day 3); order
    # 5, ships (day 3).  day 2: +10, serve 7 late, sell 3, backorder 2; order 5 (day 4).
    # day 3: +9, serve 2 late, sell 5 -> 2; from then on as before, EOD stock 2.
    result = tiny(S=12, initial=3, capacity=10)
    assert_kpis(
        network(result),
        {
            "fill_rate": (3 + 0 + 3 + 7 * 5) / 50,
            "order_fill_rate": 7 / 10,
            "backorders_mean": (2 + 7 + 2) / 10,
            "backorders_max": 7,
            "units_sold": 50,
            "on_hand_mean": 7 * 2 / 10,
            "cycle_service_level": 7 / 10,
            # Day 0's line closes when its last 4 units land on day 3 (3 days); nine lines of
            # 2 days. p95: rank 0.95 x 9 = 8.55 between the 9th (2) and 10th (3) sorted values.
            "order_cycle_time_mean": (3 + 9 * 2) / 10,
            "order_cycle_time_p95": 2 + 0.55 * (3 - 2),
            "holding_cost": 14 * 0.002,
            "shortage_cost": 11 * 0.1,
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


def test_every_metric_is_defined(quickstart: Result) -> None:
    assert set(quickstart.kpis.metric) == set(KPI_DEFINITIONS)
    assert quickstart.kpis.value.dtype == np.float64


def test_grouped_quantile_matches_numpy() -> None:
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 5, 200)
    values = rng.exponential(2.0, 200)
    got = grouped_quantile(keys, values, 6, 0.95)
    expected = [np.quantile(values[keys == k], 0.95) for k in range(5)]
    np.testing.assert_allclose(got[:5], expected, rtol=1e-12)
    assert np.isnan(got[5])
