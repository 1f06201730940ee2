"""Named scenario builders for the engine's tests: a supplier, an optional DC, stores."""

from __future__ import annotations

from typing import Any

from simulator.scenario import Scenario, scenario_from_data


def chain(
    *,
    stores: int = 1,
    dc: dict[str, Any] | None = None,
    store_policy: dict[str, Any] | None = None,
    store_initial: float = 0.0,
    lead_time: float = 2.0,
    demand: dict[str, Any] | None = None,
    extra_zones: tuple[dict[str, Any], ...] = (),
    horizon: float = 10,
    **top: Any,
) -> Scenario:
    """A supplier feeding ``stores`` shops, through a DC when ``dc`` gives its node fields.

    Each shop has one zone ``z<i>`` with ``demand`` (default: 5 units a day, backordered).
    """
    product = {"id": "w", "unit_cost": 1.0, "price": 2.0, "holding_rate": 0.0}
    nodes: list[dict[str, Any]] = [{"id": "sup", "kind": "supplier"}]
    lanes: list[dict[str, Any]] = []
    upstream = "sup"
    if dc is not None:
        nodes.append({"id": "dc", "kind": "warehouse", **dc})
        lanes.append({"from": "sup", "to": "dc", "lead_time": 0})
        upstream = "dc"
    zones = []
    for i in range(stores):
        nodes.append(
            {
                "id": f"s{i}",
                "kind": "retailer",
                "inventory": {
                    "policy": store_policy or {"type": "base_stock", "S": 10},
                    "initial": store_initial,
                },
            }
        )
        lanes.append({"from": upstream, "to": f"s{i}", "lead_time": lead_time})
        zone = demand or {"daily": 5}
        zones.append({"id": f"z{i}", "node": f"s{i}", **zone})
    data = {
        "name": "chain",
        "horizon": horizon,
        "seed": 1,
        "products": [product],
        "nodes": nodes,
        "lanes": lanes,
        "demand": [*zones, *extra_zones],
        **top,
    }
    return scenario_from_data(data)
