"""The public validation of SupplyNetPy against anyLogistix, rewritten as supplysim scenarios.

Each model is one distributor replenished from an unlimited supplier, facing deterministic
customer orders of a fixed size every few days, with lost sales. The published figures use
continuous-time conventions, which supplysim reproduces with ``placement: at_review``:

- an order is placed right after the customer order that brings the inventory position to
  the reorder point, and arrives exactly the lead time later;
- a shipment arriving at instant t is received before the customers of instant t;
- holding is charged on the stock held through each day, which with customers at whole
  instants is the end-of-day stock (so the published cost is 0.2 per unit-day);
- customers receive their goods the link's lead time after the order, at the link's cost
  per order: an order placed less than that before the end is paid but not delivered.

The initial stock is not published; 1,000 units is the one level that gives the published
order counts (the derivations below). See docs/validation.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator import load_scenario, run
from simulator.metrics.result import Result

HOLDING_PER_UNIT_DAY = 0.2
UNIT_COST = 150.0


def distributor_model(
    tmp_path: Path,
    policy: dict[str, Any],
    customers: list[tuple[float, int]],
    lead_time: float,
    link_cost: float,
    initial: float,
    horizon: float,
) -> Result:
    """Write the model as a scenario file, with one demand zone per customer stream
    (``(order size, days between orders)``, the first order at day 0), and run it."""
    zones = []
    for i, (size, every) in enumerate(customers):
        trace = tmp_path / f"d{i}.csv"
        days = "".join(f"{d},{int(d == 0)}\n" for d in range(every))  # orders a day
        trace.write_text("day,quantity\n" + days)
        zones.append(
            {
                "id": f"d{i}",
                "node": "D1",
                "daily": {"dist": "trace", "file": trace.name},
                "unmet": "lost",
                "order_size": {"dist": "constant", "value": size},
            }
        )
    scenario = {
        "name": "supplynetpy validation",
        "horizon": horizon,
        "placement": "at_review",
        "products": [
            {
                "id": "p",
                "unit_cost": UNIT_COST,
                "price": 300.0,
                "holding_rate": HOLDING_PER_UNIT_DAY * 365 / UNIT_COST,
            }
        ],
        "nodes": [
            {"id": "S1", "kind": "supplier"},
            {
                "id": "D1",
                "kind": "distributor",
                "inventory": {"policy": policy, "initial": initial},
                "delivery": {
                    "lead_time": lead_time,
                    "promise": lead_time,
                    "cost_per_parcel": link_cost,
                },
            },
        ],
        "lanes": [
            {"from": "S1", "to": "D1", "lead_time": lead_time, "cost_per_shipment": link_cost}
        ],
        "demand": zones,
    }
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False))
    return run(load_scenario(path))


# Published anyLogistix figures (equal to SupplyNetPy's) for the models whose published
# configuration is complete: replenishment orders and units, customer orders and units,
# orders received by the customers by the end, stock at the end, holding and transport cost.
MODELS = {
    # Model 1: (R, Q) = (500, 500), one customer of 120 every 2 days, lead time 2, 59 days.
    # Derivation: the position starts at 1,000 and falls by 120 every 2 days, so orders leave
    # at days 8, 16, 24, 32, 40, 48 and 58 (7 orders, 3,500 units; the last arrives at 60,
    # after the end); 30 customer orders, all served, the one of day 58 reaches its customer
    # at 60: 29 delivered. Transport: 7 shipments and 30 customer orders at 10 each.
    "model 1": (
        {"type": "rQ", "r": 500, "Q": 500},
        [(120, 2)],
        {
            "order_lines": 7,
            "units_ordered": 3500,
            "customer_orders": 30,
            "demand": 3600,
            "orders_delivered": 29,
            "on_hand_end": 400,
            "holding_cost": 7600,
            "transport_cost": 370,
        },
    ),
    # Model 2: the same with a second customer of 80 every 2 days: 200 every 2 days, one
    # order of 500 every 5 days once the initial stock is down to the reorder point.
    "model 2": (
        {"type": "rQ", "r": 500, "Q": 500},
        [(120, 2), (80, 2)],
        {
            "order_lines": 12,
            "units_ordered": 6000,
            "customer_orders": 60,
            "demand": 6000,
            "orders_delivered": 58,
            "on_hand_end": 500,
            "holding_cost": 7100,
            "transport_cost": 720,
        },
    ),
}


@pytest.mark.parametrize("name", MODELS)
def test_published_figures_are_reproduced(tmp_path: Path, name: str) -> None:
    policy, customers, published = MODELS[name]
    result = distributor_model(
        tmp_path, policy, customers, lead_time=2, link_cost=10, initial=1000, horizon=59
    )
    assert {k: result.kpi(k) for k in published} == pytest.approx(published)
    assert result.kpi("lost_sales") == 0
