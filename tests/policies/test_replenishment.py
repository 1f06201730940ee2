"""Decision tests of the replenishment policies and validation of their params."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from policies.forecast_policy import ForecastParams, ForecastPolicy
from policies.replenishment import (
    BaseStockParams,
    MinMaxParams,
    MinMaxPolicy,
    OrderUpToPolicy,
    PassThroughParams,
    PassThroughPolicy,
    RQParams,
    RQPolicy,
    RSParams,
    SSParams,
    SSPolicy,
)
from policies.view import InventoryView


def _view(
    ip: list[float] | np.ndarray, due: list[bool] | None = None, lead_time: float = 1.0
) -> InventoryView:
    """View whose inventory positions are ``ip``: stock when positive, backlog when negative."""
    ip = np.asarray(ip, dtype=np.float64)
    n = ip.size
    return InventoryView(
        time=0.0,
        on_hand=np.maximum(ip, 0.0),
        on_order=np.zeros(n),
        backlog=np.maximum(-ip, 0.0),
        due=np.ones(n, dtype=bool) if due is None else np.array(due),
        lead_time=np.full(n, lead_time),
    )


def test_view_inventory_position() -> None:
    view = InventoryView(
        0.0, np.array([5.0]), np.array([3.0]), np.array([2.0]), np.array([True]), np.ones(1)
    )
    np.testing.assert_array_equal(view.inventory_position, [6.0])


def test_base_stock_orders_up_to_s_below_s_only() -> None:
    policy = OrderUpToPolicy.from_params([BaseStockParams(S=s) for s in (10, 10, 10, 20, 20)])
    orders = policy.order(_view([4, 10, 12, -5, 0], due=[True, True, True, True, False]))
    np.testing.assert_array_equal(orders, [6, 0, 0, 25, 0])


def test_rs_orders_up_to_s_at_reviews() -> None:
    policy = OrderUpToPolicy.from_params(
        [RSParams(S=30, review_period=7), RSParams(S=5.5, review_period=1)]
    )
    np.testing.assert_array_equal(policy.order(_view([12, 2])), [18, 3.5])
    np.testing.assert_array_equal(policy.order(_view([12, 2], due=[False, True])), [0, 3.5])


def test_ss_triggers_at_or_below_s() -> None:
    policy = SSPolicy.from_params(
        [SSParams(s=5, S=20), SSParams(s=5, S=20), SSParams(s=5, S=20), SSParams(s=0, S=8.5)]
    )
    # IP == s orders; IP just above s does not; different (s, S) per position.
    orders = policy.order(_view([5, 5.01, -3, 0]))
    np.testing.assert_array_equal(orders, [15, 0, 23, 8.5])
    np.testing.assert_array_equal(policy.order(_view([5, 5.01, -3, 0], due=[False] * 4)), [0] * 4)


def test_rq_orders_smallest_multiple_lifting_ip_above_r() -> None:
    params = [
        RQParams(r=10, Q=5),  # IP == r: one lot
        RQParams(r=10, Q=5),  # IP + 2Q == r exactly: needs a third lot
        RQParams(r=10, Q=4),  # (r - IP) / Q = 3.75: four lots
        RQParams(r=10, Q=5),  # above r: nothing
        RQParams(r=0, Q=2.5),  # fractional lots, not due
    ]
    orders = RQPolicy.from_params(params).order(
        _view([10, 0, -5, 10.5, -1], due=[True, True, True, True, False])
    )
    np.testing.assert_array_equal(orders, [5, 15, 16, 0, 0])


def test_min_max_trigger_is_strict() -> None:
    policy = MinMaxPolicy.from_params([MinMaxParams(min=5, max=20), MinMaxParams(min=1, max=2)])
    np.testing.assert_array_equal(policy.order(_view([5, 0.5])), [0, 1.5])
    np.testing.assert_array_equal(policy.order(_view([4, 0.5], due=[True, False])), [16, 0])


def test_pass_through_orders_demand_since_last_review() -> None:
    policy = PassThroughPolicy.from_params(
        [PassThroughParams(), PassThroughParams(review_period=2)]
    )
    policy.observe(np.array([3.0, 5.0]))
    np.testing.assert_array_equal(policy.order(_view([0, 0], due=[True, False])), [3, 0])
    policy.observe(np.array([1.0, 1.0]))
    np.testing.assert_array_equal(policy.order(_view([0, 0])), [1, 6])
    np.testing.assert_array_equal(policy.order(_view([0, 0])), [0, 0])


def test_forecast_policy_hand_computed_mixed_methods() -> None:
    params = [
        ForecastParams(method="moving_average", window=2, cover=3),
        ForecastParams(method="exp_smoothing", alpha=0.5),  # cover = lead time 2 + 1
        ForecastParams(method="exp_smoothing", alpha=0.5, warmup_level=4, review_period=7),
        ForecastParams(method="moving_average", window=3, warmup_level=6, cover=2),
    ]
    policy = ForecastPolicy.from_params(params)
    # Before any observation the forecast is the warm-up level (0 when unset).
    np.testing.assert_allclose(policy.order(_view([0, 0, 0, 0], lead_time=2)), [0, 0, 36, 12])
    policy.observe(np.array([10.0, 10.0, 10.0, 10.0]))
    policy.observe(np.array([20.0, 20.0, 20.0, 20.0]))
    # Forecasts: MA(2) 15, ES 15 (starts at 10), ES 13.5 (from 4: 7 then 13.5), MA(3) 15.
    orders = policy.order(_view([5, 5, 5, 5], due=[True, True, True, False], lead_time=2))
    np.testing.assert_allclose(orders, [3 * 15 - 5, 3 * 15 - 5, 9 * 13.5 - 5, 0])


def test_forecast_policy_safety_stock_and_no_negative_orders() -> None:
    policy = ForecastPolicy.from_params(
        [ForecastParams(method="moving_average", window=1, cover=4, safety_factor=2)] * 2
    )
    for demand in (10.0, 20.0, 40.0):
        policy.observe(np.full(2, demand))
    # Naive forecast 40; error sd sqrt((10^2 + 20^2) / 2) = sqrt(250).
    level = 4 * 40 + 2 * np.sqrt(250) * np.sqrt(4)
    np.testing.assert_allclose(policy.order(_view([10, 1000])), [level - 10, 0])


def test_forecast_moving_average_reproduces_bullwhip_ratio() -> None:
    """Var(q)/Var(D) = 1 + 2k/p + 2k^2/p^2 for order-up-to k * MA_p under iid demand.

    With IP kept at the level, q_t = D_t + (k/p)(D_t - D_{t-p}), whose variance gives the
    formula exactly as long as no order is truncated at zero (checked below).
    """
    rng = np.random.default_rng(2024)
    combos = [(1.0, 4), (2.0, 5), (3.0, 3), (5.0, 10)]  # (cover k, window p)
    replicates, periods, warmup = 40, 6000, 50
    params = [
        ForecastParams(method="moving_average", window=p, cover=k)
        for k, p in combos
        for _ in range(replicates)
    ]
    policy = ForecastPolicy.from_params(params)
    n = len(params)
    demand = rng.poisson(400.0, size=(periods, n)).astype(np.float64)
    orders = np.empty_like(demand)
    ip = np.zeros(n)
    for t in range(periods):
        policy.observe(demand[t])
        ip -= demand[t]
        orders[t] = policy.order(_view(ip))
        ip += orders[t]
    demand, orders = demand[warmup:], orders[warmup:]
    assert np.all(orders > 0.0), "a truncated order would break the linear recursion"
    ratios = (orders.var(axis=0, ddof=1) / demand.var(axis=0, ddof=1)).reshape(len(combos), -1)
    # Each position is an independent replication, so the spread of its ratio across the 40
    # replicates estimates the standard error honestly, without modelling the variance of a
    # ratio of autocorrelated sample variances (batch means would need a batch-size choice).
    # Six thousand periods give a standard error well under 1 %, and a 4-SE band keeps the
    # false-alarm probability near 1e-4 per combination under normality.
    means = ratios.mean(axis=1)
    standard_errors = ratios.std(axis=1, ddof=1) / np.sqrt(replicates)
    for (k, p), mean, se in zip(combos, means, standard_errors, strict=True):
        expected = 1 + 2 * k / p + 2 * k**2 / p**2
        assert se < 0.01 * expected
        assert abs(mean - expected) < 4 * se, (k, p, mean, expected, se)


@st.composite
def _order_point_case(draw: st.DrawFn) -> tuple[float, float, float]:
    low = draw(st.floats(0, 1e4))
    step = draw(st.floats(1e-2, 1e4))
    ip = draw(st.floats(-1e5, 1e5))
    return low, step, ip


@given(_order_point_case())
def test_order_point_invariants(case: tuple[float, float, float]) -> None:
    low, step, ip = case
    view = _view([ip])
    ss = SSPolicy.from_params([SSParams(s=low, S=low + step)]).order(view)[0]
    rq = RQPolicy.from_params([RQParams(r=low, Q=step)]).order(view)[0]
    mm = MinMaxPolicy.from_params([MinMaxParams(min=low, max=low + step)]).order(view)[0]
    bs = OrderUpToPolicy.from_params([BaseStockParams(S=low)]).order(view)[0]
    assert min(ss, rq, mm, bs) >= 0.0
    assert (ss > 0) == (ip <= low) and (mm > 0) == (ip < low) and (bs > 0) == (ip < low)
    if ip <= low:
        assert ss == pytest.approx(low + step - ip)
        lots = rq / step
        assert lots == pytest.approx(round(lots)) and rq > 0
        # Lot counting divides floats, so allow rounding relative to the magnitudes involved.
        tol = 1e-9 * (abs(ip) + low + step)
        assert low - tol < ip + rq <= low + step + tol
    else:
        assert rq == 0.0


@given(_order_point_case())
def test_order_one_is_the_array_decision(case: tuple[float, float, float]) -> None:
    """The per-order path's scalar decision gives exactly the array result, position by
    position (the second position's parameters differ, so the index is honoured)."""
    low, step, ip = case
    view = _view([ip, ip])
    policies = [
        SSPolicy.from_params([SSParams(s=low, S=low + step), SSParams(s=low / 2, S=low + 1)]),
        RQPolicy.from_params([RQParams(r=low, Q=step), RQParams(r=low / 2, Q=step / 2)]),
        MinMaxPolicy.from_params(
            [MinMaxParams(min=low, max=low + step), MinMaxParams(min=low / 2, max=low + 1)]
        ),
        OrderUpToPolicy.from_params([BaseStockParams(S=low), BaseStockParams(S=low / 2)]),
    ]
    for policy in policies:
        orders = policy.order(view)
        assert [policy.order_one(i, ip) for i in range(2)] == orders.tolist()


@given(_order_point_case())
def test_idle_above_is_the_exact_level(case: tuple[float, float, float]) -> None:
    """A position orders at its ``idle_above`` level and nothing just above it, by the scalar
    decision: the daily review decides only for positions at or below the level, so a level a
    hair too low would drop orders (min-max once stopped 1e-9 short of ``min``)."""
    low, step, _ = case
    policies = [
        SSPolicy.from_params([SSParams(s=low, S=low + step)]),
        RQPolicy.from_params([RQParams(r=low, Q=step)]),
        MinMaxPolicy.from_params([MinMaxParams(min=low, max=low + step)]),
        OrderUpToPolicy.from_params([BaseStockParams(S=low)]),
    ]
    for policy in policies:
        level = float(policy.idle_above[0])
        assert policy.order_one(0, level) > 0.0
        assert policy.order_one(0, float(np.nextafter(level, np.inf))) == 0.0


@pytest.mark.parametrize(
    ("model", "fields", "message"),
    [
        (SSParams, {"s": 80, "S": 50}, r"s must be < S \(got s=80, S=50\)"),
        (SSParams, {"s": 50, "S": 50}, r"s must be < S \(got s=50, S=50\)"),
        (MinMaxParams, {"min": 9, "max": 3}, r"min must be < max \(got min=9, max=3\)"),
        (RQParams, {"r": 5, "Q": 0}, "greater than 0"),
        (RQParams, {"r": 5, "Q": -2}, "greater than 0"),
        (RQParams, {"r": float("nan"), "Q": 2}, "finite number"),
        (BaseStockParams, {"S": float("inf")}, "finite number"),
        (BaseStockParams, {"S": -1}, "greater than or equal to 0"),
        (BaseStockParams, {"S": 10, "s": 2}, "Extra inputs are not permitted"),
        (BaseStockParams, {"S": 10, "review_period": 0}, "greater than 0"),
        (BaseStockParams, {"S": 10, "review_offset": 2}, "review_offset needs a review_period"),
        (RSParams, {"S": 10}, "review_period\n  Field required"),
        (ForecastParams, {"method": "moving_average"}, "method 'moving_average' needs window"),
        (ForecastParams, {"method": "exp_smoothing", "window": 3}, "needs alpha"),
        (ForecastParams, {"method": "exp_smoothing", "alpha": 0.3, "window": 3}, "window does"),
        (ForecastParams, {"method": "exp_smoothing", "alpha": 1.5}, "less than or equal to 1"),
        (ForecastParams, {"method": "moving_average", "window": 0}, "greater than or equal"),
        (ForecastParams, {"method": "arima", "window": 3}, "moving_average"),
        (PassThroughParams, {"type": "sS"}, "Input should be 'none'"),
    ],
)
def test_invalid_params_rejected(
    model: type[BaseModel], fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        model(**fields)


def test_params_are_frozen() -> None:
    params = SSParams(s=1, S=2)
    with pytest.raises(ValidationError):
        params.s = 5  # type: ignore[misc]
