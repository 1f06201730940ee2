"""Tiny scenarios whose KPIs are derived by hand in the tests that use them.

Each has one SKU, "widget" (unit cost 2), bought from an external "supplier".
"""

from __future__ import annotations

from typing import Any

from simulator import Result, run
from simulator.scenario import scenario_from_data

WIDGET = {"id": "widget", "unit_cost": 2.0, "price": 5.0}


def two_echelon(*, horizon: int, warmup: int) -> Result:
    """supplier -> dc -> shop, lead time 1 day on both lanes, 5 units a day at the shop.

    Base stock 15 at the shop (15 on hand at the start) and 20 at the DC (20 on hand).
    """
    data: dict[str, Any] = {
        "name": "two-echelon",
        "horizon": horizon,
        "warmup": warmup,
        "products": [WIDGET],
        "nodes": [
            {"id": "supplier", "kind": "supplier"},
            {
                "id": "dc",
                "kind": "warehouse",
                "inventory": {"policy": {"type": "base_stock", "S": 20}, "initial": 20},
            },
            {
                "id": "shop",
                "kind": "retailer",
                "inventory": {"policy": {"type": "base_stock", "S": 15}, "initial": 15},
            },
        ],
        "lanes": [
            {"from": "supplier", "to": "dc", "lead_time": 1},
            {"from": "dc", "to": "shop", "lead_time": 1},
        ],
        "demand": [{"id": "town", "node": "shop", "daily": {"dist": "constant", "value": 5}}],
    }
    return run(scenario_from_data(data))


def desk_shop(*, rate: float, processing_time: float, horizon: int, seed: int) -> Result:
    """A shop with ample stock whose event-path customers (Poisson orders of one unit) queue at
    a one-server order desk with a constant processing time; a second shop has no desk."""
    stocked = {"policy": {"type": "base_stock", "S": 10_000}, "initial": 10_000}
    data: dict[str, Any] = {
        "name": "desk",
        "horizon": horizon,
        "seed": seed,
        "products": [WIDGET],
        "nodes": [
            {"id": "supplier", "kind": "supplier"},
            {
                "id": "shop",
                "kind": "retailer",
                "inventory": stocked,
                "processing": {
                    "servers": 1,
                    "time": {"dist": "constant", "value": processing_time},
                },
            },
            {"id": "kiosk", "kind": "retailer", "inventory": stocked},
        ],
        "lanes": [
            {"from": "supplier", "to": "shop", "lead_time": 1},
            {"from": "supplier", "to": "kiosk", "lead_time": 1},
        ],
        "demand": [
            {"id": "town", "node": "shop", "orders": {"rate": rate}},
            {"id": "village", "node": "kiosk", "orders": {"rate": rate}},
        ],
    }
    return run(scenario_from_data(data))


def desk_dc(
    *, shops: int, servers: int, processing_time: float, horizon: int, warmup: float
) -> Result:
    """supplier -> dc -> ``shops`` shops on the daily path; the DC processes each shop's daily
    replenishment line at an order desk of ``servers`` servers and a constant processing time.

    Each shop sells 5 units a day under base stock 15 (15 on hand at the start), so it places
    one line at the close of every day, time d + 1 for day d; the DC holds ample stock.
    """
    stocked = {"policy": {"type": "base_stock", "S": 10_000}, "initial": 10_000}
    shop_ids = [f"shop-{k}" for k in range(shops)]
    data: dict[str, Any] = {
        "name": "desk-dc",
        "horizon": horizon,
        "warmup": warmup,
        "products": [WIDGET],
        "nodes": [
            {"id": "supplier", "kind": "supplier"},
            {
                "id": "dc",
                "kind": "warehouse",
                "inventory": stocked,
                "processing": {
                    "servers": servers,
                    "time": {"dist": "constant", "value": processing_time},
                },
            },
            *(
                {
                    "id": shop,
                    "kind": "retailer",
                    "inventory": {"policy": {"type": "base_stock", "S": 15}, "initial": 15},
                }
                for shop in shop_ids
            ),
        ],
        "lanes": [
            {"from": "supplier", "to": "dc", "lead_time": 1},
            *({"from": "dc", "to": shop, "lead_time": 1} for shop in shop_ids),
        ],
        "demand": [
            {"id": f"town-{shop}", "node": shop, "daily": {"dist": "constant", "value": 5}}
            for shop in shop_ids
        ],
    }
    return run(scenario_from_data(data))
