"""Sourcing rules: which supplier serves a node with several inbound lanes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simulator import Result, run
from simulator.scenario import ScenarioError, scenario_from_data


def two_dcs(
    sourcing: dict[str, Any] | None, east_stock: float = 500, **lanes: Any
) -> dict[str, Any]:
    """A store that can buy from dc-west and dc-east; constant demand of 10 a day."""
    dc = {"kind": "warehouse", "inventory": {"policy": {"type": "base_stock", "S": 0}}}
    store: dict[str, Any] = {
        "id": "store",
        "kind": "retailer",
        "inventory": {"policy": {"type": "base_stock", "S": 40}, "initial": 40},
    }
    if sourcing is not None:
        store["sourcing"] = sourcing
    return {
        "name": "two-dcs",
        "horizon": 30,
        "products": [{"id": "a", "unit_cost": 1, "price": 2}],
        "nodes": [
            {"id": "s", "kind": "supplier"},
            {**dc, "id": "dc-west", "inventory": {**dc["inventory"], "initial": 500}},
            {**dc, "id": "dc-east", "inventory": {**dc["inventory"], "initial": east_stock}},
            store,
        ],
        "lanes": [
            {"from": "s", "to": "dc-west", "lead_time": 1},
            {"from": "s", "to": "dc-east", "lead_time": 1},
            {
                "id": "west",
                "from": "dc-west",
                "to": "store",
                "lead_time": 1,
                **lanes.get("west", {}),
            },
            {
                "id": "east",
                "from": "dc-east",
                "to": "store",
                "lead_time": 1,
                **lanes.get("east", {}),
            },
        ],
        "demand": [{"id": "z", "node": "store", "daily": 10}],
    }


def units_by_lane(result: Result) -> dict[str, float]:
    shipments = result.records.shipments
    lanes, units = shipments.column("lane"), shipments.column("units")
    ids = result.network.topology.lane_ids
    return {ids[k]: float(units[lanes == k].sum()) for k in np.unique(lanes[lanes >= 0])}


def test_two_suppliers_without_a_rule_are_rejected() -> None:
    with pytest.raises(ScenarioError, match="add a sourcing rule"):
        scenario_from_data(two_dcs(None))


@pytest.mark.parametrize(
    ("sourcing", "message"),
    [
        ({"rule": "primary", "order": ["dc-north"]}, "'dc-north' is not a supplier"),
        ({"rule": "split", "shares": {"dc-west": 0.5, "dc-east": 0.4}}, "sum to 1"),
        ({"rule": "split", "shares": {"dc-west": 1.0}}, "no share for supplier 'dc-east'"),
        ({"rule": "nearest", "shares": {"dc-west": 1.0}}, "shares apply to rule split only"),
    ],
)
def test_bad_sourcing_rules_are_load_errors(sourcing: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        scenario_from_data(two_dcs(sourcing))


def test_split_divides_every_line_by_the_shares() -> None:
    result = run(
        scenario_from_data(two_dcs({"rule": "split", "shares": {"dc-west": 0.7, "dc-east": 0.3}}))
    )
    flows = units_by_lane(result)
    assert flows["west"] > 0
    assert flows["west"] / (flows["west"] + flows["east"]) == pytest.approx(0.7)


def test_primary_falls_back_to_the_backup_only_when_it_is_short() -> None:
    # dc-east is preferred but holds 45 units and is never replenished in time (S = 0): the
    # store's first orders go east until east cannot cover a line, then west.
    data = two_dcs({"rule": "primary", "order": ["dc-east", "dc-west"]}, east_stock=45)
    flows = units_by_lane(run(scenario_from_data(data)))
    assert 0 < flows["east"] <= 45
    assert flows["west"] > 0
    plenty = units_by_lane(
        run(scenario_from_data(two_dcs({"rule": "primary", "order": ["dc-east", "dc-west"]})))
    )
    assert "west" not in plenty  # with enough stock east, the backup is never used


@pytest.mark.parametrize(
    ("rule", "lanes", "chosen"),
    [
        ("nearest", {"west": {"distance": 80}, "east": {"distance": 20}}, "east"),
        ("cheapest", {"west": {"cost_per_unit": 0.1}, "east": {"cost_per_unit": 0.3}}, "west"),
    ],
)
def test_nearest_and_cheapest_always_use_one_supplier(
    rule: str, lanes: dict[str, Any], chosen: str
) -> None:
    flows = units_by_lane(run(scenario_from_data(two_dcs({"rule": rule}, **lanes))))
    assert set(flows) == {chosen}


def test_units_are_conserved_with_several_suppliers() -> None:
    result = run(
        scenario_from_data(two_dcs({"rule": "split", "shares": {"dc-west": 0.5, "dc-east": 0.5}}))
    )
    audit = result.audit()
    assert audit["imbalance"].abs().max() < 1e-9
    network = audit.iloc[-1]
    assert network.transit_imbalance == pytest.approx(0.0, abs=1e-9)
