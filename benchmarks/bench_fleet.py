"""Fleet benchmark: a year of daily delivery routes from one depot, and what routing costs.

Network: an outside supplier -> one DC -> 100 shops scattered over a disc of 40 km around it
(seeded), two SKUs. Shops review daily (base stock), so about 100 shops need a delivery every
day. The DC's fleet is 10 trucks (600 units, 60 km/h, 10-hour shift, 10 minutes a stop) with
one dispatch wave at 5h; deliveries are due within the lanes' planned day.

Each router (``--routers``, default savings and OR-Tools at 0.02 s and 0.1 s a wave) runs twice:
planning every wave, and reusing its plans (``replan: on_change``, with ``--reoptimise-every``
days if given). For each run it prints the wall time, the seconds and share of it spent in
routing, the waves the policy planned and those that reused a plan, km driven, vehicle-days,
on-time delivery and the shops' OTIF: medians of ``--repeats`` runs. The last lines compare the
last router with and without reuse: ``km_change_with_reuse_pct: X``, then
``solver_time_share: X`` (with reuse).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, fields
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


@dataclass(frozen=True)
class Outcome:
    """One run's figures."""

    wall: float
    solver: float
    solved: float  # waves planned by the policy
    reused: float  # waves that reused a plan
    km: float
    vehicle_days: float
    on_time: float
    otif: float

    @property
    def share(self) -> float:
        return self.solver / self.wall


def run_once(routing: dict[str, Any], dispatch: dict[str, Any], days: int) -> Outcome:
    data = fleet_scenario(routing, days)
    data["fleets"][0]["dispatch"].update(dispatch)
    scenario = scenario_from_data(data)
    started = time.perf_counter()
    result = Simulation(scenario).run()
    wall = time.perf_counter() - started
    rec, kpi = result.records, result.kpi
    return Outcome(
        wall=wall,
        solver=rec.solver_seconds,
        solved=rec.waves,
        reused=rec.waves_reused,
        km=kpi("km_driven"),
        vehicle_days=kpi("vehicle_days"),
        on_time=kpi("on_time_delivery_rate"),
        otif=kpi("otif"),
    )


def median(runs: list[Outcome]) -> Outcome:
    """Each figure's median over the runs (time-limited searches vary from run to run)."""
    return Outcome(
        **{f.name: float(np.median([getattr(r, f.name) for r in runs])) for f in fields(Outcome)}
    )


def router(spec: str) -> dict[str, Any]:
    """``savings`` or ``ortools:0.1`` (a time limit in seconds a wave) as routing params."""
    name, _, limit = spec.partition(":")
    return {"type": name, **({"time_limit": float(limit)} if limit else {})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--routers",
        default="savings,ortools:0.02,ortools:0.1",
        help="comma-separated routing policies, each with an optional ':seconds' a wave",
    )
    parser.add_argument(
        "--reoptimise-every", type=float, default=None, help="days, for the reuse runs"
    )
    parser.add_argument("--repeats", type=int, default=1, help="runs per configuration")
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    reuse: dict[str, Any] = {"replan": "on_change"}
    if args.reoptimise_every is not None:
        reuse["reoptimise_every"] = args.reoptimise_every
    print(f"{args.days} days x {SHOPS} shops, {TRUCKS} trucks; medians of {args.repeats} run(s)")
    print(
        f"{'router':<16}{'replan':<11}{'wall s':>8}{'solver s':>10}{'share':>7}"
        f"{'solved':>8}{'reused':>8}{'km':>10}{'veh-days':>10}{'on time':>9}{'otif':>8}"
    )
    outcomes: dict[str, Outcome] = {}
    for spec in args.routers.split(","):
        for replan, dispatch in (("every_wave", {}), ("on_change", reuse)):
            runs = [run_once(router(spec), dispatch, args.days) for _ in range(args.repeats)]
            out = outcomes[replan] = median(runs)
            print(
                f"{spec:<16}{replan:<11}{out.wall:>8.2f}{out.solver:>10.2f}{out.share:>7.3f}"
                f"{out.solved:>8.0f}{out.reused:>8.0f}{out.km:>10,.0f}{out.vehicle_days:>10,.0f}"
                f"{out.on_time:>9.4f}{out.otif:>8.4f}"
            )
    change = 100 * (outcomes["on_change"].km / outcomes["every_wave"].km - 1)
    print(f"km_change_with_reuse_pct: {change:.2f}")
    print(f"solver_time_share: {outcomes['on_change'].share:.3f}")


if __name__ == "__main__":
    main()
