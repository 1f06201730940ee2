"""Routing policies: every plan is feasible, the search policies are optimal on tiny instances,
the heuristics never beat the optimum, and fleets, due times and warm starts are honoured."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from itertools import combinations, permutations
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.registry import ROUTING
from policies.routing import (
    InfeasiblePlan,
    OrToolsParams,
    PyVrpParams,
    PyVrpRouting,
    Route,
    RoutingPlan,
    RoutingPolicy,
    RoutingProblem,
    SavingsParams,
    SavingsRouting,
    VehicleType,
    assign_vehicles,
    check_plan,
    plan_cost,
    plan_lateness,
    refit,
    route_cost,
    route_duration,
    route_load,
)
from policies.routing.base import integer_scale, to_int

NAMES = ["direct", "nearest_neighbour", "ortools", "pyvrp", "savings"]
SMALL_BUDGET: dict[str, dict[str, Any]] = {
    "ortools": {"solution_limit": 30},
    "pyvrp": {"max_iterations": 50},
}


def policy(name: str, **params: Any) -> RoutingPolicy:
    model = ROUTING.params_model(name)
    return ROUTING.get(name).from_params(model(**params))


def small(name: str) -> RoutingPolicy:
    return policy(name, **SMALL_BUDGET.get(name, {}))


def points(xy: list[tuple[float, float]]) -> np.ndarray:
    """Euclidean distances between points, the depot first."""
    a = np.asarray(xy, dtype=float)
    return np.sqrt(((a[:, None] - a[None]) ** 2).sum(axis=-1))


def problem_of(
    distance: np.ndarray,
    demand: Sequence[Sequence[float]] | np.ndarray,
    *vehicles: VehicleType,
    **kw: Any,
) -> RoutingProblem:
    """A problem with zero depot demand prepended and no service time unless given."""
    load = np.vstack([np.zeros((1, np.shape(demand)[1])), np.asarray(demand, dtype=float)])
    service = kw.pop("service", np.zeros(len(distance)))
    return RoutingProblem(distance, load, service, tuple(vehicles), **kw)


def van(capacity: list[float], count: int, **kw: Any) -> VehicleType:
    return VehicleType(kw.pop("name", "van"), np.asarray(capacity, dtype=float), count, **kw)


def test_registry_lists_every_routing_policy_with_default_params() -> None:
    assert ROUTING.names() == NAMES
    for name in NAMES:
        assert ROUTING.params_model(name)().type == name  # type: ignore[attr-defined]


def test_search_policies_need_a_budget() -> None:
    with pytest.raises(ValueError, match="solution_limit or time_limit"):
        OrToolsParams(solution_limit=None)
    with pytest.raises(ValueError, match="max_iterations or time_limit"):
        PyVrpParams(max_iterations=None)
    assert OrToolsParams(solution_limit=None, time_limit=0.5).time_limit == 0.5


# --- every policy, random instances ---------------------------------------------------------


@st.composite
def problems(draw: st.DrawFn, ample: bool) -> RoutingProblem:
    """Random waves: 1-3 vehicle types, 1-3 load dimensions, sometimes asymmetric distances,
    driving-time matrices, service and due times. ``ample``: every stop fits every type on its
    own, every type has a vehicle per stop and no shift limit."""
    n = draw(st.integers(1, 7))
    k = draw(st.integers(1, 3))
    n_types = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    distance = points([(0.0, 0.0), *rng.uniform(-30, 30, (n, 2))])
    if draw(st.booleans()):
        distance = distance * rng.uniform(1.0, 1.3, distance.shape)
    demand = np.round(rng.uniform(0.0, 10.0, (n, k)), 1)
    top = demand.max(axis=0)
    vehicles = []
    for t in range(n_types):
        if ample:
            capacity = top * rng.uniform(1.0, 3.0, k)
            count, shift = n + int(rng.integers(0, 3)), np.inf
        else:
            capacity = top * rng.uniform(0.5, 3.0, k)
            capacity[rng.random(k) < 0.2] = np.inf
            count = int(rng.integers(0, 4))
            shift = float(rng.uniform(0.5, 4.0)) if rng.random() < 0.5 else np.inf
        vehicles.append(
            VehicleType(
                f"type{t}",
                capacity,
                count,
                speed=float(rng.uniform(20, 80)),
                max_duration=shift,
                fixed_cost=float(rng.choice([0.0, rng.uniform(0, 50)])),
                cost_per_km=float(rng.uniform(0.0, 2.0)),
                cost_per_hour=float(rng.choice([0.0, rng.uniform(0, 30)])),
            )
        )
    due = np.where(rng.random(n + 1) < 0.4, rng.uniform(0.2, 3.0, n + 1), np.inf)
    due[0] = np.inf
    travel_time = None
    if draw(st.booleans()):
        travel_time = distance / rng.uniform(20, 80, distance.shape)
        travel_time[rng.random(distance.shape) < 0.2] = np.nan  # speed decides there
    service = np.concatenate([[0.0], np.round(rng.uniform(0.0, 0.3, n), 2)])
    return problem_of(
        distance, demand, *vehicles, service=service, due=due, travel_time=travel_time
    )


@settings(max_examples=25, deadline=None)
@given(problem=problems(ample=False))
def test_every_policy_plans_feasibly(problem: RoutingProblem) -> None:
    for name in NAMES:
        check_plan(problem, small(name).solve(problem))


@settings(max_examples=25, deadline=None)
@given(problem=problems(ample=True))
def test_every_policy_serves_every_stop_with_an_ample_fleet(problem: RoutingProblem) -> None:
    for name in NAMES:
        plan = small(name).solve(problem)
        check_plan(problem, plan)
        assert plan.unassigned == (), name


# --- optimality on tiny instances -----------------------------------------------------------


def optimum(problem: RoutingProblem) -> float:
    """Cheapest plan that serves every stop, by enumerating every partition of the stops,
    every order within each route and every vehicle type (each has a vehicle per stop)."""

    @cache
    def best_route(block: frozenset[int]) -> float:
        costs = [
            route_cost(problem, route)
            for t, vehicle in enumerate(problem.vehicles)
            for order in permutations(sorted(block))
            if (route := Route(t, order))
            and (route_load(problem, route) <= vehicle.capacity).all()
            and route_duration(problem, route) <= vehicle.max_duration
        ]
        return min(costs, default=np.inf)

    @cache
    def best(remaining: tuple[int, ...]) -> float:
        if not remaining:
            return 0.0
        first, rest = remaining[0], remaining[1:]
        return min(
            best_route(frozenset((first, *others)))
            + best(tuple(s for s in rest if s not in others))
            for size in range(len(rest) + 1)
            for others in combinations(rest, size)
        )

    return best(tuple(range(1, problem.n_stops + 1)))


def tiny(seed: int, types: int) -> RoutingProblem:
    """Up to 6 stops on integer km, integer costs, two load dimensions, service times and a
    shift every stop fits on its own. The first type drives at 1 km/h (its hours are km); a
    second one is twice as fast, smaller in one dimension, larger in the other."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 7))
    distance = np.round(points([(0, 0), *rng.integers(-20, 21, (n, 2))]))
    demand = rng.integers(1, 6, (n, 2)).astype(float)
    service = np.concatenate([[0.0], rng.integers(0, 3, n)])
    longest = float((distance[0, 1:] + distance[1:, 0] + service[1:]).max())
    vehicles = [
        van(
            [10.0, 12.0],
            n,
            speed=speed,
            max_duration=longest + float(rng.integers(0, 40)),
            fixed_cost=float(rng.integers(0, 20)),
            cost_per_km=float(rng.integers(1, 3)),
            cost_per_hour=float(rng.integers(0, 2)),
        )
        for speed in (1.0, 2.0)[:types]
    ]
    if types == 2:
        vehicles[1] = replace(vehicles[1], name="fast", capacity=np.array([6.0, 20.0]))
    return problem_of(distance, demand, *vehicles, service=service)


@pytest.mark.parametrize(
    ("seed", "types"), [(seed, 1) for seed in range(12)] + [(seed, 2) for seed in range(12, 18)]
)
def test_search_policies_are_optimal_and_heuristics_never_better(seed: int, types: int) -> None:
    problem = tiny(seed, types)
    best = optimum(problem)
    cost = {}
    for name in NAMES:
        plan = policy(name).solve(problem)
        check_plan(problem, plan)
        assert plan.unassigned == ()
        cost[name] = plan_cost(problem, plan)
    assert cost["ortools"] == pytest.approx(best)
    assert cost["pyvrp"] == pytest.approx(best)
    for name in ("savings", "nearest_neighbour", "direct"):
        assert cost[name] >= best - 1e-9
    # Every type carries every stop alone: direct takes the cheaper out-and-back trip.
    trips = sum(
        min(route_cost(problem, Route(t, (s,))) for t in range(types))
        for s in range(1, problem.n_stops + 1)
    )
    assert cost["direct"] == pytest.approx(trips)


# --- the feasibility check ------------------------------------------------------------------


def checked() -> RoutingProblem:
    """Stops at 1, 2 and -2 km on a line; vans carry [10, 5] for 4.5 hours at 1 km/h."""
    line = np.array([0.0, 1.0, 2.0, -2.0])
    demand = [[4, 2], [4, 2], [4, 2]]
    distance = np.abs(np.subtract.outer(line, line))
    return problem_of(distance, demand, van([10, 5], 2, speed=1.0, max_duration=4.5))


@pytest.mark.parametrize(
    ("routes", "unassigned", "message"),
    [
        ([(0, (1, 2, 3))], (), "exceeds capacity in dimension 0"),
        ([(0, (1, 3))], (2,), "lasts 6 h, longer than the 4.5 h shift"),
        ([(0, (1,)), (0, (1,))], (2, 3), "stop 1 is planned 2 times"),
        ([(0, (1,))], (3,), "stop 2 is planned 0 times"),
        ([(0, (1,))], (2, 3, 3), "stop 3 is planned 2 times"),
        ([(0, (1,)), (0, (2,)), (0, (3,))], (), "3 routes for 2 vehicles of type 0"),
        ([(0, ()), (0, (1,))], (2, 3), "route 0 has no stops"),
        ([(1, (1,))], (2, 3), "unknown vehicle type 1"),
        ([(0, (4,))], (1, 2, 3), "visits a stop that does not exist"),
    ],
)
def test_check_plan_rejects_each_violation(
    routes: list[tuple[int, tuple[int, ...]]], unassigned: tuple[int, ...], message: str
) -> None:
    plan = RoutingPlan(tuple(Route(v, s) for v, s in routes), unassigned)
    with pytest.raises(InfeasiblePlan, match=message):
        check_plan(checked(), plan)


def test_check_plan_rejects_overload_in_one_dimension_only() -> None:
    problem = problem_of(checked().distance, [[1, 4], [1, 4], [1, 4]], van([10, 5], 2, speed=1.0))
    with pytest.raises(InfeasiblePlan, match="dimension 1"):
        check_plan(problem, RoutingPlan((Route(0, (1, 2)),), (3,)))
    check_plan(problem, RoutingPlan((Route(0, (1,)), Route(0, (2,))), (3,)))


# --- fleets ---------------------------------------------------------------------------------


def test_a_short_fleet_leaves_stops_unassigned_but_plans_feasibly() -> None:
    distance = points([(0, 0), (1, 0), (2, 0), (0, 3), (-4, 0), (0, -5), (3, 3)])
    problem = problem_of(distance, [[5]] * 6, van([10], 1))
    for name in NAMES:
        plan = policy(name).solve(problem)
        check_plan(problem, plan)
        served = 6 - len(plan.unassigned)
        assert served == (1 if name == "direct" else 2), name
    best = policy("ortools").solve(problem)
    assert set(best.routes[0].stops) == {1, 2}  # the cheapest pair to serve


def test_assign_vehicles_splits_what_no_vehicle_carries_and_serves_early_due_first() -> None:
    distance = points([(0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0)])
    due = np.array([np.inf, np.inf, np.inf, np.inf, 1.0, np.inf])
    problem = problem_of(distance, [[5], [5], [5], [5], [50]], van([10], 2), due=due)
    plan = assign_vehicles(problem, [[1, 2, 3], [4, 5]])
    check_plan(problem, plan)
    # [4, 5] has the earliest due stop but 5 fits no van: 4 goes alone, then [1, 2] fits.
    assert {r.stops for r in plan.routes} == {(4,), (1, 2)}
    assert plan.unassigned == (3, 5)


def test_big_loads_go_on_big_vehicles() -> None:
    distance = points([(0, 0), (5, 5), (1, 0), (0, 1), (-1, 0), (0, -1)])
    demand = [[50], [3], [3], [3], [3]]
    small_van = van([10], 5, name="van")
    truck = van([100], 1, name="truck", cost_per_km=3.0, fixed_cost=10.0)
    problem = problem_of(distance, demand, small_van, truck)
    for name in NAMES:
        plan = policy(name).solve(problem)
        check_plan(problem, plan)
        assert plan.unassigned == (), name
        (big,) = [r for r in plan.routes if 1 in r.stops]
        assert big.vehicle == 1, name


# --- due times and warm starts --------------------------------------------------------------


def test_ortools_serves_on_time_when_the_cheaper_order_is_late() -> None:
    # One trip over both stops costs 45 but reaches the second after 30 h; two trips cost 50
    # and reach both after 10 h, on time.
    distance = points([(0, 0), (10, 0), (-10, 0)])
    due = np.array([np.inf, 10.0, 10.0])
    problem = problem_of(distance, [[1], [1]], van([10], 2, speed=1.0, fixed_cost=5.0), due=due)
    cheap = SavingsRouting(SavingsParams()).solve(problem)
    assert plan_cost(problem, cheap) == pytest.approx(45.0)
    assert plan_lateness(problem, cheap) == pytest.approx(20.0)
    plan = policy("ortools").solve(problem)
    check_plan(problem, plan)
    assert plan_lateness(problem, plan) == 0.0
    assert plan_cost(problem, plan) == pytest.approx(50.0)


def wave(n: int = 15, seed: int = 3) -> RoutingProblem:
    rng = np.random.default_rng(seed)
    distance = points([(0, 0), *rng.uniform(-20, 20, (n, 2))])
    vehicles = (van([20, 30], 4, max_duration=2.0), van([40, 40], 2, fixed_cost=20.0))
    return problem_of(distance, rng.uniform(1, 8, (n, 2)), *vehicles)


@pytest.mark.parametrize("name", NAMES)
def test_warm_start_is_accepted_and_never_made_worse(name: str) -> None:
    problem = wave()
    warm = SavingsRouting(SavingsParams(two_opt=False)).solve(problem)
    check_plan(problem, warm)
    plan = small(name).solve(problem, warm_start=warm)
    check_plan(problem, plan)
    if name in ("ortools", "pyvrp"):
        assert len(plan.unassigned) <= len(warm.unassigned)
        assert plan_cost(problem, plan) <= plan_cost(problem, warm) + 1e-9


def test_search_policies_give_the_same_plan_twice() -> None:
    problem = wave(30)
    for name in ("ortools", "pyvrp"):
        assert small(name).solve(problem) == small(name).solve(problem)
    other_seed = PyVrpRouting(PyVrpParams(max_iterations=50, seed=7)).solve(problem)
    check_plan(problem, other_seed)


def test_pyvrp_missing_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyvrp", None)
    with pytest.raises(ImportError, match=r"pip install 'supplysim\[pyvrp\]'"):
        PyVrpRouting(PyVrpParams()).solve(wave())


def test_search_policies_serve_what_savings_strands() -> None:
    # Savings joins the two close stops (loads 5 + 4) first, and then needs a third van; the
    # two vans serve everything as {5, 5} and {4, 3, 3}.
    distance = points([(0, 0), (10, 0), (10, 1), (-10, 0), (0, 10), (0, -10)])
    problem = problem_of(distance, [[5], [4], [5], [3], [3]], van([10], 2))
    assert SavingsRouting(SavingsParams()).solve(problem).unassigned != ()
    for name in ("ortools", "pyvrp"):
        plan = policy(name).solve(problem)
        check_plan(problem, plan)
        assert plan.unassigned == (), name


# --- refitting a plan to new loads ------------------------------------------------------------


def refit_case(fixed_cost: float = 0.0) -> RoutingProblem:
    """Stops 1 and 2 east at 10 and 12 km (6 units each), 3 north (4), 4 west (5); vans of 10."""
    distance = points([(0, 0), (10, 0), (12, 0), (0, 10), (-10, 0)])
    return problem_of(distance, [[6], [6], [4], [5]], van([10], 4, fixed_cost=fixed_cost))


def test_refit_moves_the_cheapest_stop_off_a_route_over_capacity() -> None:
    problem = refit_case()
    plan = RoutingPlan((Route(0, (1, 2)), Route(0, (3,)), Route(0, (4,))))
    # Moving 2 to 3's route adds 12 + 15.6 - 10 km and saves 2 + 12 - 10: the cheapest move.
    refitted = refit(problem, plan)
    assert refitted == RoutingPlan((Route(0, (1,)), Route(0, (2, 3)), Route(0, (4,))))
    check_plan(problem, refitted)
    # A plan that fits and needs every route (4 fits nowhere else) comes back as it is.
    assert refit(problem, refitted) == refitted


def test_refit_drops_a_route_the_others_serve_for_less() -> None:
    problem = refit_case(fixed_cost=100.0)
    plan = RoutingPlan((Route(0, (1,)), Route(0, (3,)), Route(0, (4,))), unassigned=(2,))
    refitted = refit(problem, plan)
    assert refitted is not None
    check_plan(problem, refitted)
    assert len(refitted.routes) == 2 and refitted.unassigned == (2,)
    assert plan_cost(problem, refitted) < plan_cost(problem, plan) - 99


def test_refit_drops_a_route_whose_stops_all_moved() -> None:
    distance = points([(0, 0), (10, 0), (12, 0)])
    problem = problem_of(distance, [[8], [4]], van([5], 1), van([20], 1, name="truck"))
    plan = RoutingPlan((Route(0, (1,)), Route(1, (2,))))  # 8 units on the 5-unit van
    assert refit(problem, plan) == RoutingPlan((Route(1, (1, 2)),))


def test_refit_gives_up_when_no_route_has_room() -> None:
    problem = refit_case()
    full = RoutingPlan((Route(0, (1, 2)), Route(0, (3, 4))))  # 12 and 9 units
    assert refit(problem, full) is None


# --- integer scaling ------------------------------------------------------------------------


def test_integer_scaling_keeps_whole_numbers_exact_and_rounds_conservatively() -> None:
    assert integer_scale(np.array([784.0, 3.0, np.inf])) == 1
    assert integer_scale(np.array([0.25, 1.5])) == 100
    assert integer_scale(np.array([1 / 3, 1000.0])) == 10_000  # 10x more would pass 1e7
    values = np.array([1 / 3, 2.0])
    assert to_int(values, 1000, "up").tolist() == [334, 2000]
    assert to_int(values, 1000, "down").tolist() == [333, 2000]
