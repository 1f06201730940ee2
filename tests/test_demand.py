"""Demand generation: multipliers, traces, scaled draws, and each distribution's own theory."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter

from simulator import Simulation, load_scenario
from simulator.network.daily_demand import scaled_draws
from simulator.network.demand import multipliers
from simulator.scenario import ScenarioError, scenario_from_data
from simulator.scenario.customers import DemandZone
from simulator.scenario.distributions import AnyDistribution, Distribution

DIST = TypeAdapter(Distribution)

LAWS: list[dict[str, Any]] = [
    {"dist": "constant", "value": 3},
    {"dist": "uniform", "low": 1, "high": 4},
    {"dist": "uniform_int", "low": 5, "high": 15},
    {"dist": "exponential", "mean": 2},
    {"dist": "normal", "mean": 2, "sd": 3},  # heavily censored at zero
    {"dist": "lognormal", "mean": 3, "sd": 1.5},
    {"dist": "gamma", "mean": 4, "sd": 2},
    {"dist": "poisson", "mean": 6},
    {"dist": "negbin", "mean": 5, "sd": 4},
    {"dist": "geometric", "mean": 3},
    {"dist": "triangular", "low": 1, "mode": 2, "high": 6},
    {"dist": "empirical", "values": [0, 2, 7], "weights": [1, 2, 1]},
]


@pytest.mark.parametrize("law", LAWS, ids=lambda law: law["dist"])
def test_sample_moments_match_the_analytic_mean_and_variance(law: dict[str, Any]) -> None:
    dist: AnyDistribution = DIST.validate_python(law)
    n = 200_000
    x = dist.sample(np.random.default_rng(11), n)
    # Standard errors of the sample mean and variance from the sample's own moments; 5 of
    # them make a false failure about one in a million per check.
    centred = x - x.mean()
    mean_se = x.std() / math.sqrt(n)
    var_se = math.sqrt(max(np.mean(centred**4) - x.var() ** 2, 0.0) / n)
    assert abs(x.mean() - dist.mean) <= 5 * mean_se + 1e-12
    assert abs(x.var() - dist.variance) <= 5 * var_se + 1e-12
    assert (x >= 0).all()


def test_numbers_and_durations_are_constants() -> None:
    assert DIST.validate_python(4).mean == 4
    assert DIST.validate_python("6h").mean == pytest.approx(0.25)


def test_scaled_poisson_and_negbin_keep_their_law() -> None:
    n = 200_000
    scale = np.full(n, 2.5)
    poisson = scaled_draws(DIST.validate_python({"dist": "poisson", "mean": 4}), rng(), scale)
    negbin = scaled_draws(
        DIST.validate_python({"dist": "negbin", "mean": 4, "sd": 3}), rng(), scale
    )
    for x, mean, var in ((poisson, 10.0, 10.0), (negbin, 10.0, 9.0 * 2.5)):
        assert np.array_equal(x, np.round(x))  # still whole units
        assert abs(x.mean() - mean) <= 5 * x.std() / math.sqrt(n)
        assert abs(x.var() - var) <= 5 * math.sqrt(np.mean((x - x.mean()) ** 4) / n)


def rng() -> np.random.Generator:
    return np.random.default_rng(5)


def test_multipliers_combine_week_year_trend_and_promotions() -> None:
    zone = DemandZone.model_validate(
        {
            "id": "z",
            "node": "n",
            "daily": 1,
            "seasonality": {
                "weekly": [1, 1, 1, 1, 1, 2, 0.5],
                "annual_amplitude": 0.2,
                "annual_peak_day": 100,
            },
            "trend": 0.001,
            "promotions": [{"start": 10, "end": 12, "multiplier": 3, "skus": ["a"]}],
        }
    )
    days = np.arange(14, dtype=float)
    weekly = np.array([1, 1, 1, 1, 1, 2, 0.5] * 2)
    annual = 1 + 0.2 * np.cos(2 * np.pi * (days - 100) / 365)
    trend = 1 + 0.001 * days
    promo = np.where((days >= 10) & (days < 12), 3.0, 1.0)
    assert np.allclose(multipliers(zone, "a", days), weekly * annual * trend * promo)
    assert np.allclose(multipliers(zone, "b", days), weekly * annual * trend)  # not promoted


def trace_scenario(tmp_path: Path, csv_text: str) -> Path:
    (tmp_path / "history.csv").write_text(csv_text)
    path = tmp_path / "traced.yaml"
    path.write_text(
        """
name: traced
horizon: 7
products: [{id: a, unit_cost: 1, price: 2}, {id: b, unit_cost: 1, price: 2}]
nodes:
  - {id: s, kind: supplier}
  - {id: shop, kind: retailer, inventory: {policy: {type: base_stock, S: 30}, initial: 30}}
lanes: [{from: s, to: shop, lead_time: 1}]
demand:
  - id: history
    node: shop
    daily: {dist: trace, file: history.csv}
    promotions: [{start: 4, end: 5, multiplier: 2}]
"""
    )
    return path


def test_a_trace_is_replayed_cyclically_with_multipliers(tmp_path: Path) -> None:
    path = trace_scenario(tmp_path, "day,a,b\n0,1,5\n1,2,6\n2,3,7\n")
    demand = Simulation(load_scenario(path)).customers.daily_demand  # columns: streams (a, b)
    assert demand[:, 0].tolist() == [1, 2, 3, 1, 2 * 2, 3, 1]
    assert demand[:, 1].tolist() == [5, 6, 7, 5, 6 * 2, 7, 5]


def test_bad_trace_rows_are_reported_with_file_line_and_column(tmp_path: Path) -> None:
    path = trace_scenario(tmp_path, "day,a,b\n0,1,5\n1,x,6\n2,3,-1\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    lines = str(caught.value).splitlines()
    assert any(
        line.endswith("history.csv:3: a: expected a finite quantity >= 0, got 'x'")
        for line in lines
    )
    assert any(
        line.endswith("history.csv:4: b: expected a finite quantity >= 0, got '-1'")
        for line in lines
    )


def test_a_missing_trace_file_is_a_load_error(tmp_path: Path) -> None:
    path = trace_scenario(tmp_path, "day,a,b\n0,1,5\n")
    (tmp_path / "history.csv").unlink()
    with pytest.raises(ScenarioError, match="cannot read trace"):
        load_scenario(path)


def test_order_streams_follow_a_time_varying_mean() -> None:
    """Event path: a stream's orders thin the peak rate to the mean of each time, so each
    stretch of days gets its Poisson count of orders (weekends doubled, a promotion tripled)."""
    rate, horizon = 40.0, 56
    weekly = np.array([1, 1, 1, 1, 1, 2, 2])
    shop = {
        "id": "shop",
        "kind": "retailer",
        "inventory": {"policy": {"type": "base_stock", "S": 50}},
    }
    data = {
        "name": "thinned",
        "horizon": horizon,
        "products": [{"id": "p", "unit_cost": 1, "price": 2}],
        "nodes": [{"id": "s", "kind": "supplier"}, shop],
        "lanes": [{"from": "s", "to": "shop", "lead_time": 1}],
        "demand": [
            {
                "id": "z",
                "node": "shop",
                "orders": {"rate": rate},
                "seasonality": {"weekly": weekly.tolist()},
                "promotions": [{"start": 14, "end": 21, "multiplier": 3}],
            }
        ],
    }
    result = Simulation(scenario_from_data(data), seed=5).run()
    order_days = np.floor(result.records.customer_orders.column("time")).astype(int)

    def stretch(days: np.ndarray) -> np.ndarray:
        """0..3: weekday or weekend, outside or inside the promotion."""
        return (days % 7 >= 5) + 2 * ((days >= 14) & (days < 21))

    day = np.arange(horizon)
    mean = rate * weekly[day % 7] * np.where(stretch(day) >= 2, 3, 1)
    expected = np.bincount(stretch(day), weights=mean, minlength=4)
    seen = np.bincount(stretch(order_days), minlength=4)
    assert np.all(np.abs(seen - expected) <= 4 * np.sqrt(expected)), (seen, expected)
