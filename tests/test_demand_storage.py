"""Pre-drawn daily demand: the narrowest type that holds the draws, the same draws always."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter

from simulator import Simulation
from simulator.network.daily_demand import CompactColumns, scaled_draws
from simulator.network.streams import RandomStreams
from simulator.scenario import scenario_from_data
from simulator.scenario.distributions import Distribution

DIST = TypeAdapter(Distribution)


def _network(laws: dict[str, dict[str, Any]], days: int = 50) -> dict[str, Any]:
    """One store per law, each with two SKUs (one at twice the other's mean)."""
    skus = {"a": 1.0, "b": 2.0}
    return {
        "name": "storage",
        "horizon": days,
        "seed": 5,
        "products": [{"id": s, "unit_cost": 1.0, "price": 2.0} for s in skus],
        "nodes": [
            {"id": "vendor", "kind": "supplier"},
            {
                "id": "dc",
                "kind": "warehouse",
                "inventory": {"policy": {"type": "sS", "s": 1, "S": 9}},
            },
        ]
        + [
            {
                "id": f"s-{z}",
                "kind": "retailer",
                "inventory": {"policy": {"type": "sS", "s": 1, "S": 9}},
            }
            for z in laws
        ],
        "lanes": [{"from": "vendor", "to": "dc", "lead_time": 2}]
        + [{"from": "dc", "to": f"s-{z}", "lead_time": 1} for z in laws],
        "demand": [
            {"id": z, "node": f"s-{z}", "daily": law, "skus": skus} for z, law in laws.items()
        ],
    }


def _demand(data: dict[str, Any]) -> np.ndarray:
    return Simulation(scenario_from_data(data)).customers.daily_demand


@pytest.mark.parametrize(
    ("mean", "dtype"), [(5.0, np.uint8), (900.0, np.uint16), (80_000.0, np.float32)]
)
def test_poisson_counts_take_the_narrowest_type_and_are_the_streams_draws(
    mean: float, dtype: type
) -> None:
    demand = _demand(_network({"z": {"dist": "poisson", "mean": mean}}))
    assert demand.dtype == dtype
    streams = RandomStreams(5)
    for column, (sku, weight) in enumerate((("a", 1.0), ("b", 2.0))):
        drawn = streams.stream(f"demand/z/{sku}").poisson(np.full(50, mean * weight))
        assert np.array_equal(demand[:, column], drawn.astype(np.float32))


def test_fractional_demand_is_single_precision() -> None:
    demand = _demand(_network({"z": {"dist": "gamma", "mean": 4, "sd": 2}}))
    assert demand.dtype == np.float32
    assert (demand != np.floor(demand)).any()


@pytest.mark.parametrize("tile", [1, 2, 256])
def test_the_draws_do_not_depend_on_how_many_columns_wait_in_a_block(
    monkeypatch: pytest.MonkeyPatch, tile: int
) -> None:
    # Small counts first, then large ones, then fractions: the type widens twice on the way.
    laws = {
        "few": {"dist": "poisson", "mean": 3},
        "many": {"dist": "poisson", "mean": 500},
        "gamma": {"dist": "gamma", "mean": 4, "sd": 2},
    }
    data = _network(laws)
    whole = _demand(data)
    monkeypatch.setattr(CompactColumns, "_TILE", tile)  # columns transposed at once
    for block in (1, 2, 5):
        monkeypatch.setattr(CompactColumns, "_BLOCK", block)
        assert np.array_equal(_demand(data), whole)
    assert whole.dtype == np.float32


def test_a_flat_profile_draws_as_a_mean_per_day() -> None:
    # A flat profile draws with one mean (quicker); the numbers are those of a mean per day.
    rng_a, rng_b = (np.random.default_rng(3) for _ in range(2))
    scale = np.full(365, 2.5)
    law = DIST.validate_python({"dist": "poisson", "mean": 4})
    flat = scaled_draws(law, rng_a, scale, constant=True)
    assert np.array_equal(flat, scaled_draws(law, rng_b, scale))


@pytest.mark.parametrize(
    ("columns", "dtype"),
    [
        ([[0, 255], [3, 1]], np.uint8),
        ([[0, 255], [256, 1]], np.uint16),
        ([[0, 65535], [65536, 1]], np.float32),
        ([[0, 1], [-1, 2]], np.float32),
        ([[0.0, 2.0], [7, 300]], np.uint16),  # integral floats, then integers
        ([[0, 2], [0.5, 1.0]], np.float32),
        ([[0, 2], [np.nan, 1.0]], np.float32),
    ],
)
@pytest.mark.parametrize("block", [1, 2, 4096])
def test_columns_keep_their_values_in_the_narrowest_type_that_holds_them(
    monkeypatch: pytest.MonkeyPatch, columns: list[list[float]], dtype: type, block: int
) -> None:
    # Integer columns are checked by their least and greatest values, others by a cast.
    monkeypatch.setattr(CompactColumns, "_BLOCK", block)
    arrays = [
        np.asarray(c, dtype=np.int64 if all(isinstance(v, int) for v in c) else float)
        for c in columns
    ]
    stored = CompactColumns(2, len(arrays))
    for column in arrays:
        stored.put(column)
    array = stored.array()
    assert array.dtype == dtype
    np.testing.assert_array_equal(array, np.column_stack(arrays).astype(dtype))
