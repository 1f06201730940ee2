"""Exact values of the stock, order and purchase KPIs on a two-echelon network, by hand.

``two_echelon``: supplier -> dc -> shop, lead time 1 on both lanes, 5 units a day at the shop,
base stock 15 at the shop and 20 at the DC, both starting full, one SKU of unit cost 2. Each
day (docs/kpis.md, timing): arrivals, sales, then from the shop up: the shop orders, the DC
ships the shop's line at once and orders from the supplier, who ships at once. A shipment of
day d is usable from day d + 2.

    day   shop: in, sold, EOD, orders   DC: in, shipped, EOD, orders   supplier line
    0     0, 5, 10, 5                   0, 5, 15, 5                   5 (placed day 0)
    1     0, 5,  5, 5                   0, 5, 10, 5                   5
    2     5, 5,  5, 5                   5, 5, 10, 5                   5
    3, 4  as day 2                      as day 2                      5 each

With a warm-up of 1 day the window is days 1-4 (kpi_days = 4).
"""

from __future__ import annotations

from typing import Any

import pytest
from tiny_networks import WIDGET, two_echelon

from simulator import Result, run
from simulator.scenario import scenario_from_data


@pytest.fixture(scope="module")
def result() -> Result:
    return two_echelon(horizon=5, warmup=1)


def kpi(result: Result, metric: str, scope: str = "network", id_: str = "network") -> float:
    return result.kpi(metric, scope, id_)


def test_time_averaged_stock_counts_what_left_downstream_at_the_day_s_end(
    result: Result,
) -> None:
    # Shop: EOD 5 on each window day, nothing shipped downstream: 20 / 4.
    assert kpi(result, "on_hand_time_mean", "node", "shop") == 5.0
    # DC: EOD 10 on each window day plus the 5 units that left for the shop each evening:
    # (40 + 20) / 4, while the end-of-day mean is 40 / 4.
    assert kpi(result, "on_hand_time_mean", "node", "dc") == 15.0
    assert kpi(result, "on_hand_mean", "node", "dc") == 10.0
    assert kpi(result, "on_hand_time_mean") == 20.0
    assert kpi(result, "on_hand_time_mean", "echelon", "level-1") == 15.0


def test_stock_at_the_horizon_is_the_last_day_s_end_of_day_stock_at_unit_cost(
    result: Result,
) -> None:
    assert kpi(result, "on_hand_end", "node", "shop") == 5.0
    assert kpi(result, "on_hand_end", "node", "dc") == 10.0
    assert kpi(result, "on_hand_end") == 15.0
    assert kpi(result, "stock_value_end") == 15.0 * 2.0
    assert kpi(result, "stock_value_end", "sku", "widget") == 30.0
    assert result.final_on_hand.sum() == 15.0


def test_orders_lines_and_units_count_the_window_days_only(result: Result) -> None:
    # One customer order a day (a stream's demand on a day with demand): days 1-4.
    assert kpi(result, "customer_orders") == 4.0
    assert kpi(result, "customer_orders", "zone", "town") == 4.0
    # One line of 5 units a day at each node, days 1-4.
    assert kpi(result, "order_lines", "node", "shop") == 4.0
    assert kpi(result, "order_lines") == 8.0
    assert kpi(result, "units_ordered", "node", "shop") == 20.0
    assert kpi(result, "units_ordered", "node", "dc") == 20.0
    assert kpi(result, "units_ordered") == 40.0
    assert kpi(result, "order_lines", "sku", "widget") == 8.0


def test_purchases_are_the_units_external_suppliers_shipped_at_unit_cost(
    result: Result,
) -> None:
    # Only the DC buys from outside; the shop's lines are transfers from the DC.
    assert kpi(result, "purchased_units", "node", "dc") == 20.0
    assert kpi(result, "purchased_units", "node", "shop") == 0.0
    assert kpi(result, "purchases", "node", "dc") == 20.0 * 2.0
    assert kpi(result, "purchases") == 40.0
    assert kpi(result, "purchases", "echelon", "level-0") == 0.0


def test_without_warm_up_the_first_day_counts_too() -> None:
    # Day 0 adds an order and a line at each node, EOD 10 at the shop and 15 at the DC.
    result = two_echelon(horizon=5, warmup=0)
    assert kpi(result, "customer_orders") == 5.0
    assert kpi(result, "purchases") == 25.0 * 2.0
    assert kpi(result, "on_hand_time_mean", "node", "shop") == (10 + 4 * 5) / 5
    assert kpi(result, "on_hand_time_mean", "node", "dc") == (15 + 4 * 10 + 5 * 5) / 5


def capped_purchase(*, horizon: int, warmup: int) -> Result:
    """A shop with no stock and no customers orders up to 100 on day 0 from a supplier whose
    lane carries 30 units a day: the line ships 30 at the end of days 0, 1 and 2, and the last
    10 at the end of day 3."""
    data: dict[str, Any] = {
        "name": "capped",
        "horizon": horizon,
        "warmup": warmup,
        "products": [WIDGET],
        "nodes": [
            {"id": "supplier", "kind": "supplier"},
            {
                "id": "shop",
                "kind": "retailer",
                "inventory": {"policy": {"type": "base_stock", "S": 100}, "initial": 0},
            },
        ],
        "lanes": [{"from": "supplier", "to": "shop", "lead_time": 1, "capacity": 30}],
        "demand": [{"id": "town", "node": "shop", "daily": {"dist": "constant", "value": 0}}],
    }
    return run(scenario_from_data(data))


@pytest.mark.parametrize(
    ("horizon", "warmup", "shipped"),
    [
        (3, 0, 30 + 30 + 30),  # 10 units still unshipped at the horizon: not bought yet
        (3, 1, 30 + 30),  # day 0's shipment is in the warm-up, although its line is not
        (4, 1, 30 + 30 + 10),  # the line placed in the warm-up completes in the window
        (4, 0, 100),
    ],
)
def test_purchases_count_what_the_supplier_shipped_in_the_window_complete_or_not(
    horizon: int, warmup: int, shipped: float
) -> None:
    result = capped_purchase(horizon=horizon, warmup=warmup)
    assert kpi(result, "order_lines") == (1.0 if warmup == 0 else 0.0)
    assert kpi(result, "purchased_units", "node", "shop") == shipped
    assert kpi(result, "purchases") == shipped * 2.0
