"""The least cost of a beer game with foresight: a hand case, and the engine playing it."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.workshop.board import ROLES
from simulator.workshop.debrief import FORESIGHT, weekly, with_foresight
from simulator.workshop.optimum import game_minimum, minimum_cost
from simulator.workshop.rooms import Game


def test_one_stage_hand_case() -> None:
    """Nothing arrives in period 0, so 2 are owed (cost 2); ordering 4 then 2 clears it all."""
    cost, orders = minimum_cost(np.array([2.0, 2.0, 2.0]), [0], [0.0], 0.5, 1.0)
    assert cost == pytest.approx(2.0)
    assert orders[0, :2] == pytest.approx([4.0, 2.0])


def test_an_initial_pipeline_is_received_on_its_days() -> None:
    """Two units arrive at the start of period 1: period 0's demand of 2 waits a period
    (cost 2), and nothing need be ordered."""
    cost, orders = minimum_cost(np.array([2.0, 0.0]), [0], [0.0], 0.5, 1.0, [[0.0, 2.0]])
    assert cost == pytest.approx(2.0)
    assert orders.sum() == pytest.approx(0.0)


@pytest.mark.parametrize("variant", ["beer_game", "beer_game_random", "beer_game_short_delays"])
def test_the_engine_playing_the_optimal_orders_costs_the_minimum(variant: str) -> None:
    """The linear programme models the engine's timing, the game's lead times, stock and
    pipeline exactly: its orders, placed week by week in the game, cost what the programme
    computed, and bots cost more."""
    game = Game("G", "team", variant, weeks=20)
    for _ in range(20):
        game.play_week(dict.fromkeys(ROLES, "bot"), 0.0)
    best = with_foresight(game)
    assert all(d == dict.fromkeys(ROLES, FORESIGHT) for d in best.deciders)
    played = weekly(game)
    demand = played.loc[played["role"] == "retailer", "customer_demand"].to_numpy()
    expected, _ = game_minimum(game.board.base, demand)
    assert weekly(best)["cost"].sum() == pytest.approx(expected, abs=1e-6)
    assert played["cost"].sum() > expected
