"""The (T, Q) policy: a fixed quantity every T days, whatever the stock."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simulator import Result, run
from simulator.scenario import ScenarioError, scenario_from_data

DEMAND, INITIAL, HORIZON = 5, 100, 12


def tq_shop(policy: dict[str, Any], order_cost: float = 0.0) -> Result:
    """A shop under (T, Q) with plenty of stock, selling DEMAND units a day."""
    data = {
        "name": "tq",
        "horizon": HORIZON,
        "products": [{"id": "a", "unit_cost": 1, "price": 2}],
        "nodes": [
            {"id": "s", "kind": "supplier"},
            {
                "id": "shop",
                "kind": "retailer",
                "inventory": {
                    "policy": {"type": "TQ", **policy},
                    "initial": INITIAL,
                    "order_cost": order_cost,
                },
            },
        ],
        "lanes": [{"from": "s", "to": "shop", "lead_time": 2}],
        "demand": [{"id": "z", "node": "shop", "daily": DEMAND}],
    }
    return run(scenario_from_data(data), seed=1)


def ordered_by_day(result: Result) -> np.ndarray:
    """Units ordered up to the end of each day: what the shop holds or awaits, less what it
    started with, plus what it sold (every sale is served: stock never runs out here)."""
    series = result.series().sort_values("day")
    sold = DEMAND * (series.day.to_numpy() + 1)
    return series.on_hand.to_numpy() + series.pipeline.to_numpy() - INITIAL + sold


@pytest.mark.parametrize(
    ("policy", "order_days"),
    [
        ({"T": 3, "Q": 50, "review_offset": 1}, [1, 4, 7, 10]),
        ({"T": 4, "Q": 50}, [0, 4, 8]),
        ({"T": 5, "Q": 20, "review_offset": 2}, [2, 7]),
    ],
)
def test_orders_q_on_every_t_th_day_from_the_offset(
    policy: dict[str, Any], order_days: list[int]
) -> None:
    expected = [policy["Q"] * sum(d <= day for d in order_days) for day in range(HORIZON)]
    np.testing.assert_allclose(ordered_by_day(tq_shop(policy)), expected)


def test_each_order_is_one_line_charged_the_order_cost() -> None:
    result = tq_shop({"T": 3, "Q": 50, "review_offset": 1}, order_cost=10.0)
    assert result.kpi("ordering_cost") == pytest.approx(4 * 10.0)


def test_orders_whatever_the_stock() -> None:
    # An order-point policy would stop ordering with this much stock on hand; (T, Q) does not.
    result = tq_shop({"T": 6, "Q": 1})
    assert ordered_by_day(result)[-1] == 2


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({"T": 0, "Q": 5}, "nodes[1].inventory.policy.T: Input should be greater than 0"),
        ({"T": 7}, "nodes[1].inventory.policy: missing required field 'Q'"),
        ({"T": 7, "Q": 5, "review_period": 3}, "unknown field 'review_period'"),
    ],
)
def test_bad_parameters_are_named(policy: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message.replace("[", r"\[").replace("]", r"\]")):
        tq_shop(policy)
