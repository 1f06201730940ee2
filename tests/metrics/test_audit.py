"""Conservation of units (per position and over the lanes) and the daily position series."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from simulator import Result, load_scenario, run
from simulator.scenario import scenario_from_data

QUICKSTART = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml"

# A plant with limited daily production feeds a DC over a capacity-limited lane with a random
# transit time; the DC feeds two stores (one backorders, one loses sales). Three echelons.
THREE_ECHELONS: dict[str, Any] = {
    "name": "three-echelons",
    "horizon": 60,
    "warmup": 0,
    "seed": 3,
    "products": [
        {"id": "a", "unit_cost": 1.0, "price": 2.0},
        {"id": "b", "unit_cost": 3.0, "price": 5.0},
    ],
    "nodes": [
        {
            "id": "plant",
            "kind": "plant",
            "production": {"capacity": 25, "lead_time": 1},
            "inventory": {"policy": {"type": "sS", "s": 40, "S": 120}, "initial": 60},
        },
        {
            "id": "dc",
            "kind": "warehouse",
            "inventory": {"policy": {"type": "base_stock", "S": 70}, "initial": 40},
        },
        {
            "id": "r1",
            "kind": "retailer",
            "inventory": {"policy": {"type": "sS", "s": 10, "S": 30}, "initial": 20},
        },
        {
            "id": "r2",
            "kind": "retailer",
            "inventory": {"policy": {"type": "sS", "s": 8, "S": 25}, "initial": 20},
        },
    ],
    "lanes": [
        {
            "from": "plant",
            "to": "dc",
            "lead_time": {"dist": "uniform_int", "low": 1, "high": 3},
            "capacity": 20,
            "cost_per_shipment": 30,
        },
        {"from": "dc", "to": "r1", "lead_time": 1, "cost_per_unit": 0.1},
        {"from": "dc", "to": "r2", "lead_time": 1, "cost_per_unit": 0.1},
    ],
    "demand": [
        {"id": "z1", "node": "r1", "daily": {"dist": "poisson", "mean": 6}},
        {"id": "z2", "node": "r2", "daily": {"dist": "poisson", "mean": 4}, "unmet": "lost"},
    ],
}


def assert_conserved(audit: pd.DataFrame) -> None:
    scale = max(1.0, float(audit[["received", "issued"]].abs().to_numpy().max()))
    assert np.abs(audit.imbalance.to_numpy()).max() <= 1e-9 * scale


@pytest.fixture(scope="module")
def quickstart() -> Result:
    return run(load_scenario(QUICKSTART))


@pytest.fixture(scope="module")
def three_echelons() -> Result:
    return run(scenario_from_data(THREE_ECHELONS))


def test_quickstart_conserves_units_per_position(quickstart: Result) -> None:
    audit = quickstart.audit()
    positions = audit[audit.node != "network"]
    assert len(positions) == quickstart.network.topology.n_positions
    assert_conserved(audit)


def test_quickstart_conserves_units_on_the_lanes_despite_the_warm_up(quickstart: Result) -> None:
    assert quickstart.scenario.warmup > 0  # shipments before the warm-up still count here
    network = quickstart.audit().iloc[-1]
    assert network.shipped > 0
    assert network.transit_imbalance == pytest.approx(0.0, abs=1e-9 * network.shipped)


def test_plant_and_lane_capacity_conserve_units(three_echelons: Result) -> None:
    audit = three_echelons.audit()
    assert_conserved(audit)
    network = audit.iloc[-1]
    assert (network.node, network.sku) == ("network", "all")
    assert network.in_transit > 0
    assert network.shipped == pytest.approx(network.received + network.in_transit, rel=1e-12)
    assert network.transit_imbalance == pytest.approx(0.0, abs=1e-9 * network.shipped)
    echelons = three_echelons.kpis.query("scope == 'echelon' and metric == 'bullwhip'")
    assert list(echelons.id) == ["level-0", "level-1", "level-2"]


def test_audit_reports_a_lost_unit(three_echelons: Result) -> None:
    three_echelons.records.total_received[0] -= 1.0  # a unit vanishes on arrival
    try:
        audit = three_echelons.audit()
    finally:
        three_echelons.records.total_received[0] += 1.0
    assert audit.imbalance.iloc[0] == pytest.approx(-1.0)
    assert audit.transit_imbalance.iloc[-1] == pytest.approx(1.0)


def test_position_series_is_long_and_matches_the_snapshots(three_echelons: Result) -> None:
    rec, topo = three_echelons.records, three_echelons.network.topology
    series = three_echelons.series()
    assert len(series) == rec.n_days * topo.n_positions
    assert list(series.columns) == ["day", "node", "sku", "on_hand", "backlog", "pipeline"]
    assert isinstance(series.node.dtype, pd.CategoricalDtype)
    p = topo.position_of("dc", "b")
    row = series[(series.day == 17) & (series.node == "dc") & (series.sku == "b")]
    assert row.on_hand.item() == rec.series_on_hand[17, p]
    assert row.backlog.item() == rec.series_backlog[17, p]
    assert row.pipeline.item() == rec.series_pipeline[17, p]
