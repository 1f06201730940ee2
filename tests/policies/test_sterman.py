"""Sterman's anchoring-and-adjustment rule, checked on hand-computed cases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from policies import REPLENISHMENT, InventoryView, StermanParams, StermanPolicy
from simulator import ScenarioError, load_scenario, run
from tests.engine.scenarios import chain

BEER_GAME = Path(__file__).resolve().parents[2] / "scenarios" / "teaching" / "beer_game.yaml"


def _view(on_hand: float, backlog: float, on_order: float, due: bool = True) -> InventoryView:
    return InventoryView(
        time=0.0,
        on_hand=np.array([on_hand]),
        on_order=np.array([on_order]),
        backlog=np.array([backlog]),
        due=np.array([due]),
        lead_time=np.array([3.0]),
    )


def _policy(**params: float) -> StermanPolicy:
    return StermanPolicy.from_params([StermanParams(**params)])


def test_defaults_are_stermans_mean_estimates() -> None:
    params = StermanParams()
    assert (params.theta, params.alpha_s, params.beta, params.desired_stock) == (
        0.36,
        0.26,
        0.34,
        17.0,
    )
    assert REPLENISHMENT.get("sterman") is StermanPolicy


def test_order_is_expected_demand_plus_a_share_of_the_stock_gap() -> None:
    policy = _policy(theta=0.5, alpha_s=0.25, beta=0.5, desired_stock=20, expected_demand=4)
    policy.observe(np.array([8.0]))  # L = 4 + 0.5 (8 - 4) = 6
    # S = 10 - 2 = 8; gap = 20 - 8 - 0.5 x 12 = 6; order = 6 + 0.25 x 6 = 7.5
    assert policy.order(_view(on_hand=10, backlog=2, on_order=12)) == pytest.approx([7.5])


def test_defaults_near_the_board_equilibrium() -> None:
    policy = _policy(expected_demand=4)
    policy.observe(np.array([4.0]))
    # 4 + 0.26 (17 - 12 - 0.34 x 12) = 4 + 0.26 x 0.92
    assert policy.order(_view(on_hand=12, backlog=0, on_order=12)) == pytest.approx([4.2392])


def test_orders_are_never_negative_and_zero_when_not_due() -> None:
    policy = _policy(theta=0.5, alpha_s=0.25, beta=0.5, desired_stock=20, expected_demand=4)
    policy.observe(np.array([8.0]))
    # gap = 20 - 50 - 6 = -36; 6 + 0.25 x -36 = -3 -> 0
    assert policy.order(_view(on_hand=50, backlog=0, on_order=12)).tolist() == [0.0]
    assert policy.order(_view(on_hand=10, backlog=2, on_order=12, due=False)).tolist() == [0.0]


def test_expected_demand_smooths_from_the_first_observation_without_a_prior() -> None:
    policy = _policy(theta=0.25)
    policy.observe(np.array([8.0]))
    assert policy.expected_demand.tolist() == [8.0]
    policy.observe(np.array([4.0]))
    assert policy.expected_demand.tolist() == [7.0]  # 8 + 0.25 (4 - 8)


def test_each_position_keeps_its_own_parameters() -> None:
    policy = StermanPolicy.from_params(
        [
            StermanParams(theta=1.0, alpha_s=1.0, beta=1.0, desired_stock=10),
            StermanParams(theta=1.0, alpha_s=0.5, beta=0.0, desired_stock=10),
        ]
    )
    policy.observe(np.array([3.0, 3.0]))
    view = InventoryView(
        time=0.0,
        on_hand=np.array([4.0, 4.0]),
        on_order=np.array([2.0, 2.0]),
        backlog=np.zeros(2),
        due=np.ones(2, dtype=bool),
        lead_time=np.ones(2),
    )
    # 3 + 1.0 (10 - 4 - 2) = 7 and 3 + 0.5 (10 - 4 - 0) = 6
    assert policy.order(view).tolist() == [7.0, 6.0]


@pytest.mark.parametrize(
    "field, value",
    [("theta", 0.0), ("theta", 1.2), ("alpha_s", -0.1), ("beta", 1.5), ("desired_stock", -1)],
)
def test_out_of_range_parameters_are_rejected(field: str, value: float) -> None:
    with pytest.raises(ValidationError, match=field):
        StermanParams.model_validate({field: value})


def test_a_bad_parameter_in_a_scenario_names_its_line(tmp_path: Path) -> None:
    text = BEER_GAME.read_text(encoding="utf-8").replace(
        "bot: &bot {type: sterman, expected_demand: 4}",
        "bot: &bot {type: sterman, expected_demand: 4, beta: 2}",
    )
    path = tmp_path / "beer_game.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"beer_game\.yaml:\d+: .*beta"):
        load_scenario(path)


def test_first_week_of_the_beer_game_by_hand() -> None:
    """Week 1 of the shipped game: every stage receives the first 4 cases of its initial
    pipeline; the retailer sells 4 and keeps 12, the wholesaler ships the retailer's order from
    its 12 + 4; both see three weeks of the pipeline, 12 cases, in their supply lines."""
    result = run(load_scenario(BEER_GAME), days=1)
    orders = result.records.node_orders[0]
    supply_line = 0.34 * 12
    retailer = 4 + 0.26 * (17 - 12 - supply_line)  # L = 4; S = 12 + 4 - 4
    expected = 4 + 0.36 * (retailer - 4)  # the wholesaler's L after seeing that order
    wholesaler = expected + 0.26 * (17 - (12 + 4 - retailer) - supply_line)
    assert orders[:2] == pytest.approx([retailer, wholesaler])


def test_sharing_bots_forecast_from_the_customers() -> None:
    """In the information-sharing game the wholesaler smooths the customers' 4 cases, not the
    retailer's order of 4.24, into its expected demand; its stock and supply line are those of
    the game without sharing."""
    sharing = load_scenario(BEER_GAME.with_name("beer_game_sharing.yaml"))
    orders = run(sharing, days=1).records.node_orders[0]
    supply_line = 0.34 * 12
    retailer = 4 + 0.26 * (17 - 12 - supply_line)
    wholesaler = 4 + 0.26 * (17 - (12 + 4 - retailer) - supply_line)  # L stays 4
    assert orders[:2] == pytest.approx([retailer, wholesaler])


@pytest.mark.parametrize(("forecast_from", "expected"), [("orders", 0.0), ("customers", 10.0)])
def test_forecast_from_customers_sees_every_stores_customers(
    forecast_from: str, expected: float
) -> None:
    """A DC whose bot copies the demand it forecasts from (θ = 1, α_S = 0) orders, each day,
    what it was ordered (nothing: its two stores never order) or what the customers of both
    stores asked (5 + 5)."""
    bot = {"type": "sterman", "theta": 1, "alpha_s": 0, "forecast_from": forecast_from}
    scenario = chain(stores=2, dc={"inventory": {"policy": bot}}, store_policy={"type": "manual"})
    result = run(scenario)
    dc = result.network.topology.node_ids.index("dc")
    assert result.records.node_orders[:, dc] == pytest.approx(expected)
