"""The Gymnasium environment: it passes Gymnasium's checks, an agent playing a fixed rule gets
what the same rule gets as a policy, and a seed fixes the trajectory."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from simulator import run, with_overrides
from simulator.agents import FEATURES, SupplyChainEnv
from simulator.scenario import Scenario, scenario_from_data


def two_shops(
    policy: dict[str, Any], dc_policy: dict[str, Any] | None = None, horizon: int = 40
) -> Scenario:
    """A supplier and a DC feeding two shops with Poisson demand, with every kind of cost.
    ``policy`` is the shops' (and the DC's unless ``dc_policy`` is given)."""
    product = {
        "id": "w",
        "unit_cost": 10.0,
        "price": 20.0,
        "holding_rate": 0.365,
        "backorder_cost": 2.0,
    }
    inventory = {"policy": policy, "initial": 12, "order_cost": 3.0}
    return scenario_from_data(
        {
            "name": "two shops",
            "horizon": horizon,
            "seed": 1,
            "products": [product],
            "nodes": [
                {"id": "sup", "kind": "supplier"},
                {
                    "id": "dc",
                    "kind": "warehouse",
                    "inventory": {
                        "policy": dc_policy or policy,
                        "initial": 40,
                        "order_cost": 3.0,
                    },
                },
                {"id": "a", "kind": "retailer", "inventory": inventory},
                {"id": "b", "kind": "retailer", "inventory": inventory},
            ],
            "lanes": [
                {"from": "sup", "to": "dc", "lead_time": 2, "cost_per_unit": 0.5},
                {"from": "dc", "to": "a", "lead_time": 1, "cost_per_shipment": 4.0},
                {"from": "dc", "to": "b", "lead_time": 1, "cost_per_shipment": 4.0},
            ],
            "demand": [
                {"id": "za", "node": "a", "daily": {"dist": "poisson", "mean": 4}},
                {"id": "zb", "node": "b", "daily": {"dist": "poisson", "mean": 6}},
            ],
        }
    )


def test_gymnasium_accepts_the_environment() -> None:
    check_env(SupplyChainEnv(two_shops({"type": "manual"}), max_order=30), skip_render_check=True)
    discrete = SupplyChainEnv(two_shops({"type": "manual"}), bins=[0, 5, 10])
    check_env(discrete, skip_render_check=True)


def test_spaces_cover_every_agent_and_feature() -> None:
    env = SupplyChainEnv(two_shops({"type": "manual"}))
    assert set(env.agents) == {("dc", "w"), ("a", "w"), ("b", "w")}
    assert env.observation_space.shape == (3, len(FEATURES))
    assert env.action_space.shape == (3,)
    one = SupplyChainEnv(two_shops({"type": "manual"}), agents=[("a", "w")], bins=[0, 4])
    assert one.action_space.n == 2  # type: ignore[attr-defined]
    obs, _ = one.reset(seed=1)
    assert one.sim is not None
    row = one.sim.state().set_index("node").loc["a", list(FEATURES)]
    assert obs[0] == pytest.approx(row.to_numpy(dtype=float))


def test_only_manual_positions_can_be_agents() -> None:
    with pytest.raises(ValueError, match="manual"):
        SupplyChainEnv(two_shops({"type": "base_stock", "S": 20}), agents=[("a", "w")])
    with pytest.raises(ValueError, match="no agents"):
        SupplyChainEnv(two_shops({"type": "base_stock", "S": 20}))


def _play_base_stock(env: SupplyChainEnv, level: float, seed: int) -> tuple[float, int]:
    """An agent ordering up to ``level`` from the inventory position it observes."""
    obs, _ = env.reset(seed=seed)
    col = {name: i for i, name in enumerate(FEATURES)}
    total, steps, done = 0.0, 0, False
    while not done:
        position = obs[:, col["on_hand"]] + obs[:, col["pipeline"]] - obs[:, col["backlog"]]
        obs, reward, done, truncated, _ = env.step(np.maximum(level - position, 0.0))
        assert not truncated
        total += reward
        steps += 1
    return total, steps


def test_shops_playing_base_stock_get_what_the_base_stock_policy_gets() -> None:
    """Every close of the run places the agents' orders, and a shop's position does not change
    between the agent's decision and the close, so order-up-to played from outside reproduces
    the policy's run exactly, and the rewards add up to minus the shops' total cost."""
    dc = {"type": "base_stock", "S": 60}
    direct = run(two_shops({"type": "base_stock", "S": 14}, dc), seed=7)
    env = SupplyChainEnv(two_shops({"type": "manual"}, dc), max_order=1000)
    total, steps = _play_base_stock(env, 14.0, seed=7)
    assert steps == 40
    assert env.sim is not None
    played = env.sim.result()
    assert played.kpis["value"].to_numpy() == pytest.approx(direct.kpis["value"].to_numpy())
    assert direct.kpi("ordering_cost") > 0 and direct.kpi("shortage_cost") > 0
    shops = direct.kpi("total_cost", "node", "a") + direct.kpi("total_cost", "node", "b")
    assert total == pytest.approx(-shops)


def test_the_reward_is_the_cost_booked_at_the_agents_nodes() -> None:
    """One agent among policies: the rewards add up to its node's total cost only."""
    base_stock = {"type": "base_stock", "S": 25}
    scenario = with_overrides(
        two_shops(base_stock), {"nodes.a.inventory.policy": {"type": "manual"}}
    )
    env = SupplyChainEnv(scenario, max_order=1000)
    assert env.agents == (("a", "w"),)
    total, _ = _play_base_stock(env, 25.0, seed=3)
    assert env.sim is not None
    assert total == pytest.approx(-env.sim.result().kpi("total_cost", "node", "a"))


def test_the_same_seed_gives_the_same_trajectory() -> None:
    env = SupplyChainEnv(two_shops({"type": "manual"}), max_order=30)

    def trajectory(seed: int) -> list[tuple[np.ndarray, float]]:
        obs, _ = env.reset(seed=seed)
        env.action_space.seed(seed)
        steps, done = [(obs, 0.0)], False
        while not done:
            obs, reward, done, _, _ = env.step(env.action_space.sample())
            steps.append((obs, reward))
        return steps

    first, again, other = trajectory(5), trajectory(5), trajectory(6)
    assert all(np.array_equal(a, b) and r == s for (a, r), (b, s) in zip(first, again, strict=True))
    assert any(not np.array_equal(a, b) for (a, _), (b, _) in zip(first, other, strict=True))
