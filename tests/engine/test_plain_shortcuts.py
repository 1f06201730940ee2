"""Shortcuts of a plain network give the numbers of the general path.

Where each position sells to one demand stream, in stream order, the daily service copies the
streams' values instead of summing them per position and serves backorders only where
customers wait; where a policy group's positions run consecutively, reviews read them as
slices. Both are only quicker: with the shortcuts turned
off, every KPI is the same to the last bit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator import Simulation
from simulator.engine import backorders, customers, replenishment
from simulator.network.demand import own_positions
from simulator.scenario import Scenario, load_scenario, scenario_from_data

QUICKSTART = Path(__file__).parents[2] / "scenarios" / "quickstart.yaml"


def _scenario() -> Scenario:
    """The quickstart (one zone lost, the others backordered), one zone's patience two days
    and the stores short of stock, so customers wait, leave and are lost."""
    base = load_scenario(QUICKSTART)
    data = base.to_dict()
    zones = {zone["id"]: zone for zone in data["demand"]}
    zones["shoppers-2"]["patience"] = 2
    for zone in ("shoppers-2", "shoppers-3", "shoppers-4"):
        zones[zone]["daily"] = {"dist": "poisson", "mean": 45}
    data["horizon"] = 120
    return scenario_from_data(data, source=base.source)


def _kpis(monkeypatch: pytest.MonkeyPatch | None) -> pd.DataFrame:
    if monkeypatch is not None:
        monkeypatch.setattr(customers, "own_positions", lambda stream_pos: None)
        monkeypatch.setattr(backorders, "own_positions", lambda stream_pos: None)
        monkeypatch.setattr(replenishment, "consecutive_run", lambda idx: None)
    return Simulation(_scenario()).run().kpis


def test_the_network_takes_the_shortcuts() -> None:
    sim = Simulation(_scenario())
    assert sim.customers.own is not None and sim.customers.sparse_backlog
    assert any(isinstance(at, slice) for at in sim.replenishment.group_at)
    result = sim.run()
    assert result.records.stream_lost.sum() > 0  # customers are lost ...
    assert result.records.stream_served_late.sum() > 0  # ... and wait


def test_shortcuts_change_no_kpi(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _kpis(None)
    general = _kpis(monkeypatch)
    pd.testing.assert_frame_equal(fast, general, check_exact=True)


def test_own_positions_only_for_one_stream_a_position_in_order() -> None:
    assert own_positions(np.arange(3, 7)) == slice(3, 7)
    assert own_positions(np.array([3, 5, 4, 6])) is None  # out of order
    assert own_positions(np.array([3, 3, 4, 5])) is None  # a position with two streams
    assert own_positions(np.array([3, 4, 6])) is None  # a gap
    assert own_positions(np.array([], dtype=np.int64)) is None
