"""Routing benchmark: every routing policy on classic CVRP instances, as a gap to the best-known
cost.

Reads each ``*.vrp`` instance and its ``.sol`` solution (VRPLIB format, read with ``vrplib``)
from the instance folder, by default ``shared/benchmarks/cvrp`` beside the repository (the
instances are not part of it). Distances are Euclidean rounded to the nearest integer, or the
instance's explicit matrix; the script checks that each ``.sol`` evaluates to its stated cost
under them, which is the best-known cost the gaps refer to.

Each instance becomes one wave: one vehicle type with the instance's capacity, a cost of 1 per
km and nothing else (no fixed cost, no shift, no service or due times), and one vehicle per
stop, so each policy decides how many to use. Every plan must pass ``check_plan`` and serve
every stop. The search policies (OR-Tools, PyVRP) get ``--time-limit`` seconds each and no other
budget, so their figures depend on the machine; ``--time-limit 0`` runs them with their own
deterministic default budgets instead. The heuristics run as they are.

Prints a table of gap % and solve seconds per instance and policy, the mean gap per policy,
and ends with ``best_mean_gap_pct: X``, the lowest mean gap of any policy.

Run ``python benchmarks/bench_routing.py [--instances DIR] [--time-limit S] [--policies a,b]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import vrplib
from rich.console import Console
from rich.table import Table

from policies.registry import ROUTING
from policies.routing import (
    Route,
    RoutingPlan,
    RoutingPolicy,
    RoutingProblem,
    VehicleType,
    check_plan,
    plan_cost,
)

INSTANCES = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "cvrp"
BUDGETS = ("solution_limit", "max_iterations")  # search budgets that --time-limit replaces


@dataclass(frozen=True)
class Instance:
    name: str
    problem: RoutingProblem
    best: float


def load(path: Path) -> Instance:
    """An instance as a routing problem, with its best-known cost checked against its routes.

    Raises:
        ValueError: If the ``.sol`` routes do not cost what the file says.
    """
    data = vrplib.read_instance(path)
    solution = vrplib.read_solution(path.with_suffix(".sol"))
    weights = np.asarray(data["edge_weight"], dtype=float)
    distance = weights if data["edge_weight_type"] == "EXPLICIT" else np.round(weights)
    n = len(distance) - 1
    demand = np.asarray(data["demand"], dtype=float)[:, None]
    vehicle = VehicleType("truck", np.array([float(data["capacity"])]), count=n)
    problem = RoutingProblem(distance, demand, np.zeros(n + 1), (vehicle,))
    known = RoutingPlan(tuple(Route(0, tuple(r)) for r in solution["routes"]))
    check_plan(problem, known)
    if not np.isclose(plan_cost(problem, known), solution["cost"]):
        raise ValueError(
            f"{path.name}: the .sol routes cost {plan_cost(problem, known)}, not {solution['cost']}"
        )
    return Instance(path.stem, problem, float(solution["cost"]))


def make_policy(name: str, time_limit: float) -> RoutingPolicy:
    """The policy with its defaults, or, for a search policy and a positive ``time_limit``,
    with that time limit as its only budget."""
    model = ROUTING.params_model(name)
    overrides: dict[str, object] = {}
    if time_limit > 0 and "time_limit" in model.model_fields:
        overrides = {"time_limit": time_limit}
        overrides.update({field: None for field in BUDGETS if field in model.model_fields})
    return ROUTING.get(name).from_params(model(**overrides))


def run(policy: RoutingPolicy, instance: Instance) -> tuple[float, float]:
    """Gap % to the best-known cost and solve seconds.

    Raises:
        ValueError: If the plan is infeasible or leaves stops unserved.
    """
    started = time.perf_counter()
    plan = policy.solve(instance.problem)
    seconds = time.perf_counter() - started
    check_plan(instance.problem, plan)
    if plan.unassigned:
        raise ValueError(f"{instance.name}: {len(plan.unassigned)} stops left unserved")
    return 100 * (plan_cost(instance.problem, plan) - instance.best) / instance.best, seconds


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--instances", type=Path, default=INSTANCES, help="folder of .vrp and .sol files"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=1.0,
        help="seconds per instance for the search policies (default 1); 0: their own "
        "deterministic budgets",
    )
    parser.add_argument(
        "--policies",
        default=",".join(ROUTING.names()),
        help="comma-separated routing policies (default: all registered)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    names = [name.strip() for name in args.policies.split(",") if name.strip()]
    policies = {name: make_policy(name, args.time_limit) for name in names}
    instances = [load(path) for path in sorted(args.instances.glob("*.vrp"))]
    if not instances:
        raise SystemExit(f"no .vrp instances in {args.instances}")

    budget = f"{args.time_limit:g} s" if args.time_limit > 0 else "default budgets"
    table = Table(title=f"Gap to best-known cost, % (solve s); search policies: {budget}")
    table.add_column("instance")
    table.add_column("stops", justify="right")
    table.add_column("best", justify="right")
    for name in names:
        table.add_column(name, justify="right")
    gaps: dict[str, list[float]] = {name: [] for name in names}
    for instance in instances:
        cells = []
        for name, policy in policies.items():
            gap, seconds = run(policy, instance)
            gaps[name].append(gap)
            cells.append(f"{gap:.2f} ({seconds:.3f})")
        table.add_row(instance.name, str(instance.problem.n_stops), f"{instance.best:g}", *cells)
    mean = {name: float(np.mean(values)) for name, values in gaps.items()}
    table.add_section()
    table.add_row("mean gap %", "", "", *(f"{mean[name]:.2f}" for name in names))
    Console(width=200).print(table)
    print(f"best_mean_gap_pct: {min(mean.values()):.2f}")


if __name__ == "__main__":
    main()
