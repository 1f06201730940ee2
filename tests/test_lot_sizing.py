"""Lot sizing of order lines: minimum order, case packs, and storage capacity over both."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simulator import Result, run
from simulator.scenario import scenario_from_data


def shop(
    inventory: dict[str, Any], storage: float | None = None, per_order: bool = False
) -> Result:
    """A two-product shop; ``per_order``: customers as a stream of orders (event path), each
    product under (s, S) reviewed at every order."""
    policy = {"type": "sS", "s": 15, "S": 40} if per_order else {"type": "base_stock", "S": 40}
    store: dict[str, Any] = {
        "id": "shop",
        "kind": "retailer",
        "inventory": {"policy": policy, "initial": 40, **inventory},
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
    if per_order:
        data["placement"] = "at_review"
        data["demand"] = [{"id": "z", "node": "shop", "orders": {"rate": 2, "size": 3}}]
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


@pytest.mark.parametrize("inventory", [{}, {"case_pack": 1}], ids=["scalar", "array"])
def test_storage_counts_every_product_of_the_node_on_the_per_order_path(
    inventory: dict[str, Any],
) -> None:
    """A line placed at an order counts the stock and pipeline of the node's other products
    too (both ways of placing it: the scalar reorders and the array path)."""
    result = shop({"initial": 25, **inventory}, storage=60, per_order=True)
    rec = result.records
    held = rec.series_on_hand.sum(axis=1) + rec.series_pipeline.sum(axis=1)
    assert len(line_sizes(result, "a")) > 5
    assert held.max() <= 60 + 1e-6
