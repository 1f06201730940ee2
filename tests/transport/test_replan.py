"""Plan reuse (``dispatch.replan: on_change``) on a hand-built fleet driven wave by wave.

A depot at the origin with three trucks of 10 units and six shops in three pairs (east,
north, west), 5 units a shop: the policy's plan is three routes, one per pair, each full.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import simpy

from simulator.network import compile_network
from simulator.network.streams import RandomStreams
from simulator.records import Records
from simulator.scenario import ScenarioError, scenario_from_data
from simulator.transport.consignment import Consignment, HomeDelivery
from simulator.transport.fleet import FleetRunner

SHOPS = [(10, 0), (11, 0), (0, 10), (0, 11), (-10, 0), (-11, 0), (0, -10)]


def network(**dispatch: Any) -> dict[str, Any]:
    stock = {"policy": {"type": "base_stock", "S": 10}}
    shops = [
        {"id": f"shop-{i}", "kind": "retailer", "location": {"x": x, "y": y}, "inventory": stock}
        for i, (x, y) in enumerate(SHOPS)
    ]
    return {
        "name": "replan",
        "horizon": 10,
        "products": [{"id": "box", "unit_cost": 1, "price": 2}],
        "nodes": [
            {"id": "maker", "kind": "supplier", "location": {"x": 0, "y": -50}},
            {"id": "dc", "kind": "warehouse", "location": {"x": 0, "y": 0}, "inventory": stock},
            *shops,
        ],
        "lanes": [
            {"from": "maker", "to": "dc", "lead_time": 1},
            *({"from": "dc", "to": s["id"], "lead_time": 1} for s in shops),
        ],
        "demand": [{"id": f"z{i}", "node": s["id"], "daily": 1} for i, s in enumerate(shops)],
        "fleets": [
            {
                "depot": "dc",
                "vehicles": [
                    {"id": "truck", "count": 3, "capacity": {"units": 10}, "cost_per_km": 1}
                ],
                "dispatch": {"times": ["6h"], **dispatch},
            }
        ],
    }


def runner(days: list[dict[int, float]], **dispatch: Any) -> FleetRunner:
    """A fleet whose waves at 6h find ``days[d]`` (place: units) ready on day ``d``."""
    fleet = compile_network(scenario_from_data(network(**dispatch))).fleets[0]
    records = Records(n_days=len(days), warmup=0.0, n_positions=1, n_streams=1, n_nodes=1)
    env = simpy.Environment()
    out = FleetRunner(env, fleet, RandomStreams(0), records, lambda c, t: None, len(days))
    for day, loads in enumerate(days):
        for place, units in loads.items():
            home = HomeDelivery(np.zeros(1, dtype=np.int64), np.asarray([units]), np.ones(1))
            out.consign(Consignment(place, np.asarray([units]), False, day, np.inf, day, home=home))
    out.start()
    return out


def drive(fleet: FleetRunner, day: int) -> list[tuple[int, tuple[int, ...]]]:
    """Run through day ``day``'s wave; the routes it drove, as (type, places)."""
    fleet.env.run(until=day + 0.5)
    return fleet.previous


ALL = {p: 5.0 for p in range(1, 7)}


def test_a_reused_plan_is_the_stored_plan_without_the_absent_stops() -> None:
    fleet = runner([ALL, {p: 5.0 for p in (1, 2, 4, 5, 6)}], replan="on_change")
    first = drive(fleet, 0)
    assert sorted(places for _, places in first) == [(1, 2), (3, 4), (5, 6)]
    stored = fleet.plans[False][1]
    assert stored == first
    reused = drive(fleet, 1)
    assert reused == [(t, tuple(p for p in places if p != 3)) for t, places in stored]
    assert (fleet.records.waves, fleet.records.waves_reused) == (1, 1)


def test_new_places_force_a_solve() -> None:
    fleet = runner([ALL, {p: 5.0 for p in (1, 2, 3, 4, 5, 7)}], replan="on_change")
    drive(fleet, 0)
    assert (fleet.records.waves, fleet.records.waves_reused) == (1, 0)
    drive(fleet, 1)
    assert (fleet.records.waves, fleet.records.waves_reused) == (2, 0)
    assert fleet.plans[False][0] == pytest.approx(1.25)  # the plan made at 6h on day 1


def test_reoptimise_every_forces_a_solve_on_schedule() -> None:
    fleet = runner([ALL] * 5, replan="on_change", reoptimise_every=2)
    solved = []
    for day in range(5):
        before = fleet.records.waves
        drive(fleet, day)
        solved.append(fleet.records.waves > before)
    assert solved == [True, False, True, False, True]
    assert (fleet.records.waves, fleet.records.waves_reused) == (3, 2)


def test_every_wave_always_asks_the_policy() -> None:
    fleet = runner([ALL] * 3)
    for day in range(3):
        drive(fleet, day)
    assert (fleet.records.waves, fleet.records.waves_reused) == (3, 0)
    assert fleet.plans == {}


def test_a_route_over_capacity_gives_a_stop_to_a_route_with_room() -> None:
    """Shop 1 needs 7 units and shop 6 nothing: shop 2 moves to shop 5's route."""
    fleet = runner([ALL, {1: 7.0, 2: 5.0, 3: 5.0, 4: 5.0, 5: 5.0}], replan="on_change")
    stored = drive(fleet, 0)
    moved = {(1, 2): (1,), (2, 1): (1,), (5, 6): (2, 5), (6, 5): (2, 5)}
    assert drive(fleet, 1) == [(t, moved.get(places, places)) for t, places in stored]
    assert (fleet.records.waves, fleet.records.waves_reused) == (1, 1)


def test_a_reused_plan_is_never_worse_than_the_savings_plan() -> None:
    """A stored plan that crosses east and north loses to savings' pairs, without a solve."""
    fleet = runner([ALL, {p: 5.0 for p in (1, 2, 3, 4)}], replan="on_change")
    drive(fleet, 0)
    fleet.plans[False] = (0.25, [(0, (1, 3)), (0, (2, 4))])
    assert sorted(places for _, places in drive(fleet, 1)) == [(1, 2), (3, 4)]
    assert (fleet.records.waves, fleet.records.waves_reused) == (1, 1)


def test_a_plan_that_cannot_take_the_loads_is_replaced() -> None:
    """Shop 1 needs 6 units: its route is over capacity and no other route has room."""
    fleet = runner([ALL, {**ALL, 1: 6.0, 5: 4.0}], replan="on_change")
    drive(fleet, 0)
    drive(fleet, 1)
    assert (fleet.records.waves, fleet.records.waves_reused) == (2, 0)


def test_reoptimise_every_needs_on_change() -> None:
    with pytest.raises(ScenarioError, match="reoptimise_every applies to replan: on_change"):
        scenario_from_data(network(reoptimise_every=7))
