"""A run never ends with wrong books: a failing process or unbalanced books fail it, loudly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from simulator import Simulation
from simulator.cli import app
from simulator.engine.context import ProcessFailure
from simulator.engine.draws import Draws
from simulator.engine.facilities import Facilities
from simulator.engine.stock import ConservationError, StockLedger
from simulator.scenario import Scenario, scenario_from_data
from simulator.transport.shipment import Shipment
from tests.engine.scenarios import chain

HORIZON = 20


def _with_desk() -> Scenario:
    """A DC whose order desk serves two stores' orders."""
    inventory = {"policy": {"type": "base_stock", "S": 1e4}, "initial": 1e4}
    dc = {"processing": {"servers": 1, "time": 0.25}, "inventory": inventory}
    return chain(stores=2, dc=dc, lead_time=1, store_initial=10, horizon=HORIZON)


def test_a_failure_in_the_last_close_fails_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The last close happens at the instant the run stops; SimPy alone would drop a failure
    there, and the run would end as if nothing had happened."""
    work = Facilities.work

    def failing_at_the_end(self: Facilities) -> None:
        if self.fulfilment.ctx.env.now >= HORIZON:
            raise RuntimeError("broken tier")
        work(self)

    monkeypatch.setattr(Facilities, "work", failing_at_the_end)
    with pytest.raises(ProcessFailure, match=rf"the day's phases failed at t={HORIZON}:.*broken"):
        Simulation(_with_desk()).run()


def test_a_failing_desk_fails_the_run_naming_its_node(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Draws, node: int) -> float:
        raise ValueError("no service time")

    monkeypatch.setattr(Draws, "processing_time", broken)
    with pytest.raises(ProcessFailure, match=r"order desk of dc failed at t=\d"):
        Simulation(_with_desk()).run()


def test_books_that_do_not_balance_fail_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """One unit appears from nowhere at the first store: the audit names the position."""
    receive = StockLedger.receive

    def generous(self: StockLedger, shipped: Shipment) -> None:
        receive(self, shipped)
        self.on_hand[0] += 1.0

    monkeypatch.setattr(StockLedger, "receive", generous)
    with pytest.raises(ConservationError, match=r"books of s0/w do not balance"):
        Simulation(_with_desk()).run()


def test_a_stepped_run_fails_at_the_step_where_the_process_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    work = Facilities.work

    def failing_on_day_five(self: Facilities) -> None:
        if self.fulfilment.ctx.env.now == 6:  # the close of day 5 happens at instant 6
            raise RuntimeError("day five")
        work(self)

    monkeypatch.setattr(Facilities, "work", failing_on_day_five)
    simulation = Simulation(_with_desk())
    simulation.run(until=6)  # pauses before anything at instant 6 happens
    with pytest.raises(ProcessFailure, match="failed at t=6"):
        simulation.run(until=7)


def test_the_command_line_exits_1_naming_the_failed_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(self: Draws, node: int) -> float:
        raise ValueError("no service time")

    monkeypatch.setattr(Draws, "processing_time", broken)
    data: dict[str, Any] = _with_desk().model_dump(by_alias=True, exclude_none=True, mode="json")
    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "ProcessFailure: order desk of dc failed at t=" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir()), "a failed run writes no results"


def test_a_sound_run_passes_the_audit() -> None:
    result = Simulation(_with_desk()).run()
    assert np.all(result.records.series_on_hand >= 0)


def test_order_streams_that_never_order_run_quietly() -> None:
    """Event-path streams whose SKUs are all weighted 0 place no orders: the run goes on with
    no customers (it used to fail looking for the first order)."""
    data = {
        "name": "silent",
        "horizon": 5,
        "products": [{"id": "p", "unit_cost": 1, "price": 2}],
        "nodes": [
            {"id": "s", "kind": "supplier"},
            {
                "id": "shop",
                "kind": "retailer",
                "inventory": {"policy": {"type": "sS", "s": 1, "S": 5}},
            },
        ],
        "lanes": [{"from": "s", "to": "shop", "lead_time": 1}],
        "demand": [{"id": "z", "node": "shop", "orders": {"rate": 3}, "skus": {"p": 0}}],
    }
    result = Simulation(scenario_from_data(data), seed=1).run()
    assert result.records.stream_orders.sum() == 0
    assert result.kpis is not None
