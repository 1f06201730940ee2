"""The per-order path's scalar reorders give exactly the records of the array path."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simulator import Simulation
from simulator.engine import replenishment
from simulator.engine.single_line import SingleLine
from simulator.records import ColumnBuffer
from simulator.scenario import scenario_from_data


def _network(storage: bool = False) -> dict[str, Any]:
    """A supplier, two distributors with (s, S), six retailers with (s, S) and Poisson
    customers of random sizes; random lead times. ``storage``: two products, and storage at
    the distributors too small for both products' order-up-to levels."""
    nodes: list[dict[str, Any]] = [{"id": "sup", "kind": "supplier"}]
    lanes: list[dict[str, Any]] = []
    zones = []
    for d in range(2):
        policy = {"type": "sS", "s": 60, "S": 200}
        nodes.append({"id": f"d{d}", "kind": "distributor", "inventory": {"policy": policy}})
        nodes[-1]["inventory"]["initial"] = 120
        if storage:
            nodes[-1]["storage_capacity"] = 300
        lead = {"dist": "uniform_int", "low": 2, "high": 4}
        lanes.append({"from": "sup", "to": f"d{d}", "lead_time": lead})
    for r in range(6):
        policy = {"type": "sS", "s": 20, "S": 50}
        nodes.append(
            {"id": f"r{r}", "kind": "retailer", "inventory": {"policy": policy, "initial": 40}}
        )
        lanes.append(
            {
                "from": f"d{r % 2}",
                "to": f"r{r}",
                "lead_time": {"dist": "uniform", "low": 0.5, "high": 2},
            }
        )
        size = {"dist": "uniform_int", "low": 1, "high": 8}
        unmet = "lost" if r % 2 else "backorder"
        zones.append(
            {"id": f"z{r}", "node": f"r{r}", "orders": {"rate": 3, "size": size}, "unmet": unmet}
        )
    return {
        "name": "lines",
        "horizon": 60,
        "warmup": 5,
        "placement": "at_review",
        "products": [{"id": p, "unit_cost": 1, "price": 2} for p in ("p", "q")[: 1 + storage]],
        "nodes": nodes,
        "lanes": lanes,
        "demand": zones,
    }


def _records(monkeypatch: pytest.MonkeyPatch, fast: bool, storage: bool) -> dict[str, Any]:
    if not fast:
        monkeypatch.setattr(
            replenishment,
            "simple_positions",
            lambda ctx, ledger, fulfilment: np.zeros(ctx.net.topology.n_positions, dtype=bool),
        )
    sim = Simulation(scenario_from_data(_network(storage)), seed=11)
    assert all(sim.replenishment.simple) == fast  # every position's lines take that path
    result = sim.run()
    monkeypatch.undo()
    return {
        name: value.as_dict() if isinstance(value, ColumnBuffer) else value
        for name, value in vars(result.records).items()
    }


@pytest.mark.parametrize("storage", [False, True], ids=["unlimited", "storage-limit"])
def test_scalar_reorders_match_the_array_path(
    monkeypatch: pytest.MonkeyPatch, storage: bool
) -> None:
    fast, slow = _records(monkeypatch, True, storage), _records(monkeypatch, False, storage)
    assert len(fast["shipments"]["time"]) > 100  # the case exercises many reorders
    for name, value in slow.items():
        if isinstance(value, dict):
            for column, array in value.items():
                np.testing.assert_array_equal(fast[name][column], array, err_msg=f"{name}.{column}")
        elif isinstance(value, np.ndarray):
            np.testing.assert_array_equal(fast[name], value, err_msg=name)


def test_waiting_lines_ship_on_the_scalar_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stock arriving at a distributor ships the few lines waiting on it in plain Python, so
    the equality above covers that path too; two lines of one position take the arrays."""
    calls: list[tuple[int, bool]] = []
    original = SingleLine.fill_waiting

    def spy(self: SingleLine, rows: np.ndarray) -> bool:
        done = original(self, rows)
        calls.append((len(rows), done))
        return done

    monkeypatch.setattr(SingleLine, "fill_waiting", spy)
    Simulation(scenario_from_data(_network()), seed=11).run()
    assert any(n >= 2 and done for n, done in calls)
    assert any(not done for _, done in calls)


def test_a_stepped_run_books_each_day_as_a_whole_run_does() -> None:
    """Counts kept by the per-order path land on the day they belong to, also when a run
    pauses on a whole instant (before that instant's close) or between instants."""
    data = _network()
    whole = Simulation(scenario_from_data(data), seed=4).run().records
    stepped = Simulation(scenario_from_data(data), seed=4)
    for until in (7.0, 12.5, 30.0):
        stepped.run(until=until)
        stepped.result()
    steps = stepped.run().records
    for name in ("node_orders", "node_demand", "node_asked", "node_filled"):
        np.testing.assert_array_equal(getattr(steps, name), getattr(whole, name), err_msg=name)
