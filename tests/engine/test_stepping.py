"""Stepping a run: advance to any time, look at the state, give orders from outside."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import Simulation, run
from tests.engine.scenarios import chain


def test_a_stepped_run_gives_the_same_numbers_as_one_run() -> None:
    scenario = chain(store_policy={"type": "sS", "s": 8, "S": 20}, horizon=30)
    whole = run(scenario, seed=4)
    sim = Simulation(scenario, seed=4)
    for day in (1, 2, 7, 7, 19.5, 30):
        sim.run(until=day)
    stepped = sim.result()
    assert stepped.kpis.equals(whole.kpis)


def test_the_state_is_the_situation_before_the_close() -> None:
    """Paused at instant 3, nothing due then has happened yet (not even the close of day 2):
    base stock 10, 5 a day, lead time 2, 10 on hand at the start."""
    sim = Simulation(chain(store_initial=10, horizon=10))
    sim.run(until=3)
    assert sim.now == 3
    state = sim.state().set_index("node")
    shop = state.loc["s0"]
    # Day 0 sells 5 (its order of 5 leaves at 1, due at 3), day 1 sells 5 (order due at 4),
    # day 2 finds nothing: 5 wait. The shipment due at 3 is not received yet.
    assert shop.on_hand == pytest.approx(0.0)
    assert shop.backlog == pytest.approx(5.0)
    assert shop.pipeline == pytest.approx(10.0)
    sim.run(until=3.5)  # the close of day 2, the arrival and day 3's customers: 5 served
    shop = sim.state().set_index("node").loc["s0"]
    assert (shop.on_hand, shop.backlog, shop.pipeline) == pytest.approx((0.0, 5.0, 10.0))
    before = sim.state()
    before.loc[:, "on_hand"] = -1.0  # a copy: the run does not see it
    assert sim.state().on_hand.iloc[0] == pytest.approx(0.0)


def test_manual_positions_order_what_they_are_told_at_the_next_close() -> None:
    sim = Simulation(chain(store_policy={"type": "manual"}, store_initial=10, horizon=12))
    sim.run(until=2)
    sim.order("s0", "w", 7.0)
    sim.run(until=3)
    lines = sim.state().set_index("node").loc["s0"]
    assert lines.pipeline == pytest.approx(7.0)  # placed at the close of day 1, at instant 2
    sim.run()
    shipped = sim.result().records.shipments.as_dict()
    assert shipped["time"].tolist() == [2.0]
    assert shipped["units"].tolist() == [7.0]


def test_orders_for_positions_with_a_policy_are_refused() -> None:
    sim = Simulation(chain())
    with pytest.raises(ValueError, match="manual"):
        sim.order("s0", "w", 1.0)


def test_a_run_cannot_go_back_in_time() -> None:
    sim = Simulation(chain())
    sim.run(until=5)
    with pytest.raises(ValueError, match="back in time"):
        sim.run(until=4)


def test_results_are_available_mid_run() -> None:
    sim = Simulation(chain(horizon=20))
    early = sim.run(until=10)
    assert np.all(early.records.series_on_hand[10:] == 0)
    assert early.records.node_demand[:10, -1].sum() == pytest.approx(50.0)
