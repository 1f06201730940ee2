"""Fleet benchmark: a year of daily delivery routes from one depot, and what routing costs.

Network: an outside supplier -> one DC -> 100 shops scattered over a disc of 40 km around it
(seeded), two SKUs. Shops review daily (base stock), so about 100 shops need a delivery every
day. The DC's fleet is 10 trucks (600 units, 60 km/h, 10-hour shift, 10 minutes a stop) with
one dispatch wave at 5h; deliveries are due within the lanes' planned day.

Prints the run's wall time, the seconds and share of it spent in the routing policy, the
waves solved, km driven, on-time delivery and the shops' OTIF. The last line is
``solver_time_share: X``. Choose the router with ``--routing`` (default ``ortools``) and, for
time-limited solvers, ``--time-limit`` seconds per wave.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator import Simulation
from simulator.scenario import scenario_from_data

SHOPS = 100
TRUCKS = 10


def fleet_scenario(routing: dict[str, Any], days: int = 365, seed: int = 0) -> dict[str, Any]:
    """The benchmark network as a scenario document."""
    rng = np.random.default_rng(seed)
    radius = 40 * np.sqrt(rng.random(SHOPS))
    angle = 2 * np.pi * rng.random(SHOPS)
    shops = [
        {
            "id": f"shop-{i:03d}",
            "kind": "retailer",
            "location": {"x": round(float(r * np.cos(a)), 2), "y": round(float(r * np.sin(a)), 2)},
            "inventory": {"policy": {"type": "base_stock", "S": 80}, "initial": 80},
        }
        for i, (r, a) in enumerate(zip(radius, angle, strict=True))
    ]
    return {
        "name": "fleet-benchmark",
        "horizon": days,
        "warmup": 14,
        "seed": seed,
        "products": [
            {"id": "a", "unit_cost": 2, "price": 4, "lost_sale_cost": 1},
            {"id": "b", "unit_cost": 3, "price": 5, "lost_sale_cost": 1},
        ],
        "nodes": [
            {"id": "supplier", "kind": "supplier", "location": {"x": -200, "y": 0}},
            {
                "id": "dc",
                "kind": "warehouse",
                "location": {"x": 0, "y": 0},
                "inventory": {"policy": {"type": "base_stock", "S": 12000}, "initial": 12000},
            },
            *shops,
        ],
        "lanes": [
            {"from": "supplier", "to": "dc", "lead_time": 2},
            *({"from": "dc", "to": s["id"], "lead_time": 1} for s in shops),
        ],
        "demand": [
            {
                "id": f"customers-{i:03d}",
                "node": s["id"],
                "daily": {"dist": "poisson", "mean": 12},
                "unmet": "lost",
            }
            for i, s in enumerate(shops)
        ],
        "fleets": [
            {
                "depot": "dc",
                "vehicles": [
                    {
                        "id": "truck",
                        "count": TRUCKS,
                        "capacity": {"units": 600},
                        "speed": 60,
                        "shift": "10h",
                        "fixed_cost": 120,
                        "cost_per_km": 0.8,
                        "cost_per_hour": 25,
                        "co2_per_km": 0.9,
                    }
                ],
                "dispatch": {"times": ["5h"]},
                "stop_time": "10m",
                "routing": routing,
            }
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routing", default="ortools", help="routing policy (type name)")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per wave")
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    routing: dict[str, Any] = {"type": args.routing}
    if args.time_limit is not None:
        routing["time_limit"] = args.time_limit
    scenario = scenario_from_data(fleet_scenario(routing, args.days))
    started = time.perf_counter()
    result = Simulation(scenario).run()
    wall = time.perf_counter() - started
    rec = result.records
    kpi = result.kpi
    print(f"routing policy         {args.routing} (time limit {args.time_limit or 'none'})")
    print(f"days x shops           {args.days} x {SHOPS}, {TRUCKS} trucks")
    print(f"waves solved           {rec.waves}")
    print(f"stops per wave         {rec.routes.column('stops').sum() / max(rec.waves, 1):.1f}")
    print(f"run wall time          {wall:.2f} s")
    print(f"solver time            {rec.solver_seconds:.2f} s")
    print(f"km driven              {kpi('km_driven'):,.0f}")
    print(f"vehicle-days           {kpi('vehicle_days'):,.0f}")
    print(f"load factor            {kpi('load_factor'):.3f}")
    print(f"on-time delivery rate  {kpi('on_time_delivery_rate'):.4f}")
    print(f"fill rate              {kpi('fill_rate'):.4f}")
    print(f"otif                   {kpi('otif'):.4f}")
    print(f"fleet cost per stop    {kpi('transport_cost_per_stop'):.2f}")
    print(f"solver_time_share: {rec.solver_seconds / wall:.3f}")


if __name__ == "__main__":
    main()
