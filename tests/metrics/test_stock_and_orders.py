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

import pytest
from tiny_networks import two_echelon

from simulator import Result


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


def test_purchases_are_the_lines_bought_from_external_suppliers_at_unit_cost(
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
