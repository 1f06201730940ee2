"""OR-Tools routing: a constraint-programming local search over the whole wave.

Every load dimension is a capacity dimension; a time dimension carries each type's shift and,
when stops have due times, soft upper bounds that charge ``lateness_cost`` per hour late. Each
vehicle has its type's costs and travel times. A stop may be dropped at a penalty larger than
any plan's cost, so the model is always feasible and drops only what the fleet cannot serve.

OR-Tools needs integers: costs, loads and hours are scaled by powers of ten (whole-number
inputs, such as integer distances, stay exact); loads and travel times round up and limits
down, so integer-feasible routes are feasible as given.

Offering many more vehicles than needed slows the search, so each type offers the savings
plan's route count plus ``spare_vehicles``, and all its vehicles only when stops stay
unassigned. The plan returned is never worse than the savings plan: fewer stops unassigned,
or as many at a lower cost with lateness priced in.

Determinism: the search is single-threaded and its default budget is a number of solutions,
so the same problem gives the same plan on any machine. A ``time_limit`` stops it earlier on a
slow machine, trading that reproducibility for a bounded run time.
"""

from __future__ import annotations

from typing import Any, Literal, Self

import numpy as np
from pydantic import BaseModel, Field, model_validator

from policies.routing.base import Fleet, RoutingParams, integer_scale, to_int
from policies.routing.problem import Route, RoutingPlan, RoutingProblem, plan_cost, plan_lateness
from policies.routing.savings import SavingsParams, SavingsRouting

FirstSolution = Literal[
    "SAVINGS",
    "PARALLEL_CHEAPEST_INSERTION",
    "LOCAL_CHEAPEST_INSERTION",
    "GLOBAL_CHEAPEST_ARC",
    "PATH_CHEAPEST_ARC",
    "CHRISTOFIDES",
]
Metaheuristic = Literal[
    "GUIDED_LOCAL_SEARCH", "SIMULATED_ANNEALING", "TABU_SEARCH", "GREEDY_DESCENT"
]


class OrToolsParams(RoutingParams):
    """OR-Tools: local search with a metaheuristic, within a solution budget or a time limit."""

    type: Literal["ortools"] = "ortools"
    first_solution: FirstSolution = Field(
        "SAVINGS", description="How OR-Tools builds its first plan (without a warm start)."
    )
    metaheuristic: Metaheuristic = Field(
        "GUIDED_LOCAL_SEARCH", description="How the local search escapes local optima."
    )
    solution_limit: int | None = Field(
        100,
        ge=1,
        description="Solutions the search may visit: a budget that gives the same plan on "
        "any machine. None: only the time limit stops the search.",
    )
    time_limit: float | None = Field(
        None,
        gt=0,
        description="Seconds of search; with both limits, the first reached stops it. Plans "
        "then depend on the machine's speed.",
    )
    lateness_cost: float = Field(
        1000.0, ge=0, description="Cost per hour a stop is reached after its due time."
    )
    spare_vehicles: int = Field(
        1,
        ge=0,
        description="Vehicles of each type offered to the search beyond the number of routes "
        "the savings plan uses (all of them when it leaves stops unassigned): more leaves "
        "room to trade vehicles for km, but slows the search.",
    )

    @model_validator(mode="after")
    def _bounded(self) -> OrToolsParams:
        if self.solution_limit is None and self.time_limit is None:
            raise ValueError("give solution_limit or time_limit (or both)")
        return self


class OrToolsRouting:
    """Routes a wave with OR-Tools; starts from ``warm_start`` when given."""

    def __init__(self, params: OrToolsParams) -> None:
        self.params = params

    @classmethod
    def from_params(cls, params: BaseModel) -> Self:
        assert isinstance(params, OrToolsParams)
        return cls(params)

    def solve(self, problem: RoutingProblem, warm_start: RoutingPlan | None = None) -> RoutingPlan:
        fallback = SavingsRouting(SavingsParams()).solve(problem)
        if problem.n_stops == 0:
            return fallback
        fleet = Fleet(problem)
        most = np.minimum(fleet.count, problem.n_stops)
        # Offering far more vehicles than needed slows the search: start near the savings
        # plan's route count, and offer every vehicle only when stops stay unassigned.
        offered = (
            most
            if fallback.unassigned
            else np.minimum(most, len(fallback.routes) + self.params.spare_vehicles)
        )
        if warm_start is not None:
            kinds = np.asarray([r.vehicle for r in warm_start.routes], dtype=np.int64)
            used = np.bincount(kinds, minlength=len(most))
            offered = np.maximum(offered, used)
        if not offered.any():
            return fallback
        plan = _Model(problem, fleet, offered, self.params).solve(warm_start)
        if plan is not None and (offered < most).any() and _servable(fleet, plan.unassigned):
            plan = _Model(problem, fleet, most, self.params).solve(warm_start)
        if plan is None or self._worse(problem, plan, fallback):
            return fallback
        return plan

    def _worse(self, problem: RoutingProblem, plan: RoutingPlan, other: RoutingPlan) -> bool:
        """Whether ``plan`` serves fewer stops than ``other``, or as many at a higher cost
        (lateness included)."""

        def key(p: RoutingPlan) -> tuple[int, float]:
            late = self.params.lateness_cost * plan_lateness(problem, p)
            return len(p.unassigned), plan_cost(problem, p) + late

        return key(plan) > key(other)


def _servable(fleet: Fleet, stops: tuple[int, ...]) -> bool:
    """Whether some vehicle type could carry one of ``stops`` on its own."""
    return any(fleet.prefixes([s])[0].any() for s in stops)


class _Model:
    """One OR-Tools model of a problem, with ``offered[t]`` vehicles of type ``t``."""

    def __init__(
        self, problem: RoutingProblem, fleet: Fleet, offered: np.ndarray, params: OrToolsParams
    ) -> None:
        from ortools.constraint_solver import pywrapcp  # on first use: it loads slowly

        self.problem = problem
        self.params = params
        self.kind = np.repeat(np.arange(len(offered)), offered)  # type of each vehicle
        n_vehicles = len(self.kind)
        self.manager = pywrapcp.RoutingIndexManager(problem.n_stops + 1, n_vehicles, 0)
        self.routing = pywrapcp.RoutingModel(self.manager)
        routing = self.routing

        service = problem.service[:, None]
        cost = fleet.per_km[:, None, None] * problem.distance + fleet.per_hour[:, None, None] * (
            fleet.hours + service
        )
        cost_scale = integer_scale(np.concatenate([cost.ravel(), fleet.fixed]))
        time_scale = integer_scale(np.concatenate([(fleet.hours + service).ravel(), fleet.shift]))
        charge = 0  # per time unit late, in scaled cost units
        if problem.has_due_times and params.lateness_cost > 0:
            # Scale costs up until that charge is a whole 100 units or more (lateness priced
            # within 1 %), keeping the largest cost under 1e12 units.
            wanted = 10 ** int(np.ceil(np.log10(100 * time_scale / params.lateness_cost)))
            room = 10 ** int(np.floor(np.log10(1e12 / max(cost.max(), fleet.fixed.max(), 1.0))))
            cost_scale = max(cost_scale, min(wanted, room))
            charge = max(1, round(params.lateness_cost * cost_scale / time_scale))
        arc_cost = to_int(cost, cost_scale, "nearest")
        fixed = to_int(fleet.fixed, cost_scale, "nearest")
        for t in np.unique(self.kind):
            callback = routing.RegisterTransitMatrix(arc_cost[t].tolist())
            for v in np.flatnonzero(self.kind == t):
                routing.SetArcCostEvaluatorOfVehicle(callback, int(v))
                routing.SetFixedCostOfVehicle(int(fixed[t]), int(v))

        for k in range(problem.demand.shape[1]):
            self._add_capacity(fleet, k)
        horizon = 0
        if charge or np.isfinite(fleet.shift).any():
            horizon = self._add_time(fleet, time_scale, charge)

        # Dropping a stop must cost more than any plan that serves every stop.
        n = problem.n_stops
        penalty = n * int(fixed.max()) + 2 * n * int(arc_cost.max()) + n * charge * horizon + 1
        for stop in range(1, n + 1):
            routing.AddDisjunction([self.manager.NodeToIndex(stop)], min(penalty, 2**62 // (n + 1)))

    def _add_capacity(self, fleet: Fleet, k: int) -> None:
        problem = self.problem
        capacity = fleet.capacity[:, k]
        demand = problem.demand[:, k]
        if not np.isfinite(capacity).any() or not (demand > 0).any():
            return
        scale = integer_scale(np.concatenate([demand, capacity]))
        need = to_int(demand, scale, "up")
        room = np.where(np.isfinite(capacity), capacity, 0.0)
        limit = np.where(np.isfinite(capacity), to_int(room, scale, "down"), need.sum())
        callback = self.routing.RegisterUnaryTransitVector(need.tolist())
        self.routing.AddDimensionWithVehicleCapacity(
            callback, 0, limit[self.kind].tolist(), True, f"load{k}"
        )

    def _add_time(self, fleet: Fleet, scale: int, charge: int) -> int:
        """Shift limits, and soft due times when ``charge`` is positive; returns the horizon,
        a bound on any route's duration."""
        problem = self.problem
        transit = to_int(fleet.hours + problem.service[:, None], scale, "up")  # (T, n+1, n+1)
        horizon = int(transit.max(axis=(0, 2)).sum())
        shift = np.where(np.isfinite(fleet.shift), fleet.shift, 0.0)
        limit = np.where(np.isfinite(fleet.shift), to_int(shift, scale, "down"), horizon)
        callbacks = {
            int(t): self.routing.RegisterTransitMatrix(transit[t].tolist())
            for t in np.unique(self.kind)
        }
        self.routing.AddDimensionWithVehicleTransitAndCapacity(
            [callbacks[int(t)] for t in self.kind], 0, limit[self.kind].tolist(), True, "time"
        )
        if charge:
            time = self.routing.GetDimensionOrDie("time")
            due = to_int(np.where(np.isfinite(problem.due), problem.due, 0.0), scale, "down")
            for stop in np.flatnonzero(np.isfinite(problem.due[1:])) + 1:
                index = self.manager.NodeToIndex(int(stop))
                time.SetCumulVarSoftUpperBound(index, int(due[stop]), charge)
        return horizon

    def solve(self, warm_start: RoutingPlan | None) -> RoutingPlan | None:
        """The best plan found, or None when the search found none within its budget."""
        from ortools.constraint_solver import pywrapcp, routing_enums_pb2

        params = self.params
        search = pywrapcp.DefaultRoutingSearchParameters()
        search.first_solution_strategy = getattr(
            routing_enums_pb2.FirstSolutionStrategy, params.first_solution
        )
        search.local_search_metaheuristic = getattr(
            routing_enums_pb2.LocalSearchMetaheuristic, params.metaheuristic
        )
        if params.solution_limit is not None:
            search.solution_limit = params.solution_limit
            # The search can spin without finding solutions (one stop, one vehicle): a budget
            # of branches well above the ~7 a solution takes ends it, as deterministically.
            solver = self.routing.solver()
            self.routing.AddSearchMonitor(solver.BranchesLimit(30 * params.solution_limit + 300))
        if params.time_limit is not None:
            search.time_limit.FromMilliseconds(max(1, round(1000 * params.time_limit)))
        # A per-move time limit would make the search depend on the machine: never reach it.
        search.lns_time_limit.FromSeconds(3600)
        initial = None
        if warm_start is not None:
            initial = self.routing.ReadAssignmentFromRoutes(self._warm_routes(warm_start), True)
        if initial is not None:
            solution = self.routing.SolveFromAssignmentWithParameters(initial, search)
        else:
            solution = self.routing.SolveWithParameters(search)
        if solution is None:
            return None
        return self._plan(solution)

    def _warm_routes(self, warm_start: RoutingPlan) -> list[list[int]]:
        """The warm start's routes on this model's vehicles, as node indices."""
        routes: list[list[int]] = [[] for _ in self.kind]
        free = {int(t): list(np.flatnonzero(self.kind == t)) for t in np.unique(self.kind)}
        for route in warm_start.routes:
            vehicle = free[route.vehicle].pop(0)
            routes[vehicle] = [self.manager.NodeToIndex(s) for s in route.stops]
        return routes

    def _plan(self, solution: Any) -> RoutingPlan:
        routing, manager = self.routing, self.manager
        routes = []
        served = set()
        for v, t in enumerate(self.kind):
            stops = []
            index = solution.Value(routing.NextVar(routing.Start(v)))
            while not routing.IsEnd(index):
                stops.append(manager.IndexToNode(index))
                index = solution.Value(routing.NextVar(index))
            if stops:
                routes.append(Route(int(t), tuple(stops)))
                served.update(stops)
        left = tuple(s for s in range(1, self.problem.n_stops + 1) if s not in served)
        return RoutingPlan(tuple(routes), left)
