"""Node classes: a node's behaviour replaced by name, built in or from an entry point."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import numpy as np
import pytest

from simulator import Simulation
from simulator.engine import facilities
from simulator.engine.facilities import CrossDock, NodeBehaviour
from simulator.scenario import scenario_from_data
from tests.engine.scenarios import chain


def _through_dc(node_class: str | None) -> Simulation:
    dc = {"inventory": {"policy": {"type": "none"}, "initial": 0}}
    if node_class is not None:
        dc["node_class"] = node_class
    scenario = chain(stores=2, dc=dc, lead_time=1, store_initial=10, horizon=20)
    data = scenario.model_dump(by_alias=True, exclude_none=True)
    data["lanes"][0]["lead_time"] = 0.5  # goods reach the DC mid-day
    return Simulation(scenario_from_data(data))


def test_a_cross_dock_holds_no_stock_and_ships_what_arrives_at_once() -> None:
    docked, stocked = _through_dc("cross_dock"), _through_dc(None)
    docked_result, stocked_result = docked.run(), stocked.run()
    dc = 2  # positions are numbered downstream first: the two stores, then the DC
    assert docked_result.records.series_on_hand[:, dc].max() == 0.0
    # The stocking DC keeps what arrives mid-day until its close, the cross-dock does not:
    # its stores' lines arrive half a day sooner.
    docked_cycle = docked_result.kpi("order_cycle_time_mean", "node", "s0")
    stocked_cycle = stocked_result.kpi("order_cycle_time_mean", "node", "s0")
    assert docked_cycle == pytest.approx(stocked_cycle - 0.5)
    assert docked_result.kpi("fill_rate") >= stocked_result.kpi("fill_rate")


class _Counting(NodeBehaviour):
    """A plug-in behaviour that counts the shipments its node receives."""

    received_count = 0

    def received(self, positions: np.ndarray) -> None:
        _Counting.received_count += 1


def test_a_node_class_from_an_entry_point_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    point = EntryPoint("counting", f"{__name__}:_Counting", "supplysim.nodes")
    monkeypatch.setattr(
        facilities, "entry_points", lambda group: [point] if group == "supplysim.nodes" else []
    )
    assert facilities.node_classes()["counting"] is _Counting
    _through_dc("counting").run()
    assert _Counting.received_count > 0


def test_an_entry_point_that_is_not_a_node_class_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    point = EntryPoint("bad", "builtins:dict", "supplysim.nodes")
    monkeypatch.setattr(facilities, "entry_points", lambda group: [point])
    with pytest.raises(TypeError, match="bad"):
        facilities.node_classes()


def test_built_in_node_classes() -> None:
    assert facilities.node_classes()["cross_dock"] is CrossDock
