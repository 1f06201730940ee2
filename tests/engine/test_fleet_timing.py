"""Fleet bugs the day's explicit order fixed: each fails on an engine whose one-off actions ran
before any parcel waited, or whose waves filled up with stops no van could reach."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator import ScenarioError, load_scenario, run
from simulator.scenario import scenario_from_data

LAST_MILE = Path(__file__).resolve().parents[2] / "scenarios" / "fleet" / "last_mile.yaml"


def test_address_corrections_act_on_the_parcels_of_the_day() -> None:
    """Every other day, every waiting parcel's customer changes address: deliveries go to other
    zones, so the fleet's figures change (before, 0 parcels waited at each of the 42
    corrections and every KPI stayed as it was)."""
    data = load_scenario(LAST_MILE).to_dict()
    calm = run(scenario_from_data(data), days=30)
    changes = {
        "id": "moves",
        "type": "customer_side",
        "address_changes": 1.0,
        "when": {"every": 2, "duration": 1},
    }
    data["disruptions"] = [*data.get("disruptions", []), changes]
    moved = run(scenario_from_data(data), days=30)
    assert moved.kpi("km_driven") != pytest.approx(calm.kpi("km_driven"))
    assert moved.kpi("on_time_delivery_rate") != pytest.approx(calm.kpi("on_time_delivery_rate"))


def _two_stores(shift: str) -> dict[str, Any]:
    store = {"kind": "retailer", "inventory": {"policy": {"type": "base_stock", "S": 20}}}
    return {
        "name": "reach",
        "horizon": 10,
        "products": [{"id": "w", "unit_cost": 1, "price": 2}],
        "nodes": [
            {"id": "sup", "kind": "supplier", "location": {"x": 0, "y": 0}},
            {
                "id": "dc",
                "kind": "warehouse",
                "location": {"x": 0, "y": 0},
                "inventory": {"policy": {"type": "base_stock", "S": 500}, "initial": 500},
            },
            {"id": "near", "location": {"x": 20, "y": 0}, **store},
            {"id": "far", "location": {"x": 40, "y": 0}, **store},
        ],
        "lanes": [
            {"from": "sup", "to": "dc", "lead_time": 1},
            {"from": "dc", "to": "near", "lead_time": 1},
            {"from": "dc", "to": "far", "lead_time": 1},
        ],
        "demand": [
            {"id": "zn", "node": "near", "daily": 5},
            {"id": "zf", "node": "far", "daily": 5},
        ],
        "fleets": [
            {
                "depot": "dc",
                "vehicles": [
                    {
                        "id": "van",
                        "count": 2,
                        "capacity": {"units": 100},
                        "speed": 60,
                        "shift": shift,
                    }
                ],
                "dispatch": {"times": ["6h"]},
            }
        ],
    }


def test_a_stop_no_van_can_reach_is_refused_at_load() -> None:
    """Vans at 60 km/h with a one-hour shift cannot reach a store 40 km away and come back: the
    scenario is refused, naming the fleet and the store, instead of starving the near store."""
    with pytest.raises(ScenarioError, match="can reach 'far'"):
        run(scenario_from_data(_two_stores("1h")))
    result = run(scenario_from_data(_two_stores("2h")))  # 80 km in 1h20: both reachable
    deliveries = result.records.deliveries.as_dict()
    for store in (2, 3):  # node indices of near and far: each gets goods day after day
        days = set(deliveries["day"][deliveries["node"] == store].tolist())
        assert len(days) >= 8, (store, sorted(days))
