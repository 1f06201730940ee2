"""Lot sizing of order lines: minimum order, case packs, and storage capacity over both."""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator import Result, run
from simulator.scenario import scenario_from_data


def shop(inventory: dict[str, Any], storage: float | None = None) -> Result:
    store: dict[str, Any] = {
        "id": "shop",
        "kind": "retailer",
        "inventory": {"policy": {"type": "base_stock", "S": 40}, "initial": 40, **inventory},
    }
    if storage is not None:
        store["storage_capacity"] = storage
    data = {
        "name": "lots",
        "horizon": 60,
        "products": [
            {"id": "a", "unit_cost": 1, "price": 2},
            {"id": "b", "unit_cost": 1, "price": 2},
        ],
        "nodes": [{"id": "s", "kind": "supplier"}, store],
        "lanes": [{"from": "s", "to": "shop", "lead_time": 2}],
        "demand": [{"id": "z", "node": "shop", "daily": {"dist": "poisson", "mean": 7}}],
    }
    return run(scenario_from_data(data), seed=3)


def line_sizes(result: Result, sku: str) -> np.ndarray:
    lines = result.records.order_lines
    position = result.network.topology.position_of("shop", sku)
    return lines.column("quantity")[lines.column("position") == position].astype(float)


def test_every_line_is_a_whole_number_of_cases() -> None:
    sizes = line_sizes(shop({"case_pack": 12}), "a")
    assert len(sizes) > 5
    assert np.allclose(sizes % 12, 0)


def test_no_line_is_below_the_minimum_order() -> None:
    sizes = line_sizes(shop({"min_order": 25}), "a")
    assert len(sizes) > 3 and sizes.min() >= 25


def test_a_sku_can_have_its_own_case_pack() -> None:
    result = shop({"case_pack": 12, "skus": {"b": {"case_pack": 5}}})
    assert np.allclose(line_sizes(result, "a") % 12, 0)
    assert np.allclose(line_sizes(result, "b") % 5, 0)
    assert not np.allclose(line_sizes(result, "b") % 12, 0)


def test_storage_capacity_wins_and_lines_stay_whole_cases() -> None:
    result = shop({"case_pack": 12, "min_order": 30, "initial": 30}, storage=70)
    rec = result.records
    held = rec.series_on_hand.sum(axis=1) + rec.series_pipeline.sum(axis=1)
    assert held.max() <= 70 + 1e-6
    for sku in ("a", "b"):
        assert np.allclose(line_sizes(result, sku) % 12, 0)
