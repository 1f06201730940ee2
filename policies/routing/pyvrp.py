"""PyVRP routing: iterated local search from the PyVRP package (the optional ``pyvrp`` extra).

Each vehicle type becomes a PyVRP vehicle type with its own travel times (a routing profile),
capacity in every load dimension, shift, fixed cost and costs per km and per hour. When the
savings heuristic cannot serve every stop, stops become optional, each with a prize of twice
the dearest trip to any one stop, and PyVRP's penalty per unit of overload or overtime may
rise well above that prize: PyVRP then leaves out a stop only when serving it would cost more
than the prize. The plan returned is never worse than the savings plan (fewer stops unassigned, or
as many at a lower cost), which also replaces an infeasible PyVRP result.

Due times are ignored: PyVRP's time windows are hard constraints, and a stop that cannot be
reached in time would be dropped rather than served late.

PyVRP needs integers: costs, loads and hours are scaled by powers of ten (whole-number inputs,
such as integer distances, stay exact); loads and travel times round up and limits down, so
integer-feasible routes are feasible as given. The default budget is a number of iterations,
which gives the same plan for the same seed on any machine; a ``time_limit`` trades that
reproducibility for a bounded run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Self

import numpy as np
from pydantic import BaseModel, Field, model_validator

from policies.routing.base import Fleet, RoutingParams, integer_scale, to_int
from policies.routing.problem import Route, RoutingPlan, RoutingProblem, plan_cost
from policies.routing.savings import SavingsParams, SavingsRouting

if TYPE_CHECKING:
    import pyvrp

MISSING = "the pyvrp routing policy needs the optional extra: pip install 'supplysim[pyvrp]'"


class PyVrpParams(RoutingParams):
    """PyVRP: iterated local search, within an iteration budget or a time limit."""

    type: Literal["pyvrp"] = "pyvrp"
    seed: int = Field(0, description="Seed of PyVRP's random numbers.")
    max_iterations: int | None = Field(
        1000,
        ge=1,
        description="Search iterations: a budget that gives the same plan for the same seed "
        "on any machine. None: only the time limit stops the search.",
    )
    time_limit: float | None = Field(
        None,
        gt=0,
        description="Seconds of search; with both limits, the first reached stops it. Plans "
        "then depend on the machine's speed.",
    )

    @model_validator(mode="after")
    def _bounded(self) -> PyVrpParams:
        if self.max_iterations is None and self.time_limit is None:
            raise ValueError("give max_iterations or time_limit (or both)")
        return self


class PyVrpRouting:
    """Routes a wave with PyVRP; starts from ``warm_start`` when given. Falls back to the
    savings plan when PyVRP's is infeasible or serves fewer stops."""

    def __init__(self, params: PyVrpParams) -> None:
        self.params = params

    @classmethod
    def from_params(cls, params: BaseModel) -> Self:
        assert isinstance(params, PyVrpParams)
        return cls(params)

    def solve(self, problem: RoutingProblem, warm_start: RoutingPlan | None = None) -> RoutingPlan:
        try:
            import pyvrp
            from pyvrp import PenaltyParams, SolveParams
            from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria
        except ImportError as exc:
            raise ImportError(MISSING) from exc
        fallback = SavingsRouting(SavingsParams()).solve(problem)
        if problem.n_stops == 0:
            return fallback
        fleet = Fleet(problem)
        kinds = np.flatnonzero(fleet.count > 0)  # PyVRP vehicle type -> problem vehicle type
        if not len(kinds):
            return fallback
        model = _model(problem, fleet, kinds, optional=bool(fallback.unassigned))
        data = model.data
        low, high = model.penalties
        stops: list[Any] = []
        if self.params.max_iterations is not None:
            stops.append(MaxIterations(self.params.max_iterations))
        if self.params.time_limit is not None:
            stops.append(MaxRuntime(self.params.time_limit))
        initial = None
        if warm_start is not None:
            position = {int(t): i for i, t in enumerate(kinds)}
            routes = [
                pyvrp.Route(data, [s - 1 for s in r.stops], position[r.vehicle])
                for r in warm_start.routes
            ]
            initial = pyvrp.Solution(data, routes)
        # PyVRP searches through overloaded and overtime routes too, at a penalty per unit
        # that it adapts between bounds.
        result = pyvrp.solve(
            data,
            MultipleCriteria(stops),
            seed=self.params.seed,
            collect_stats=False,
            params=SolveParams(penalty=PenaltyParams(min_penalty=low, max_penalty=high)),
            initial_solution=initial,
        )
        if not result.best.is_feasible():
            return fallback
        plan = _plan(problem, result.best, kinds)
        if (len(plan.unassigned), plan_cost(problem, plan)) > (
            len(fallback.unassigned),
            plan_cost(problem, fallback),
        ):
            return fallback
        return plan


@dataclass(frozen=True)
class _Model:
    """A problem as PyVRP data, and the bounds of PyVRP's penalty per unit of violation."""

    data: pyvrp.ProblemData
    penalties: tuple[float, float]


def _model(problem: RoutingProblem, fleet: Fleet, kinds: np.ndarray, optional: bool) -> _Model:
    """Location 0 is the depot, client ``s - 1`` is at location ``s``, PyVRP vehicle type
    ``i`` is the problem's type ``kinds[i]`` and routing profile ``t`` has type ``t``'s times.

    Scales keep integers near those PyVRP is tuned for (arcs of about 1e3, at most 1e4 units
    of distance, time and load), so that penalties and prizes stay far from overflow.
    """
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType

    n = problem.n_stops
    km_scale = integer_scale(problem.distance, top=1e4)
    hour_scale = integer_scale(
        np.concatenate([fleet.hours.ravel(), problem.service, fleet.shift]), 1e4
    )
    units = np.concatenate([fleet.per_km / km_scale, fleet.per_hour / hour_scale])
    cost_scale = integer_scale(units, top=1e3)  # PyVRP cost units per unit of cost
    per_km = to_int(fleet.per_km / km_scale, cost_scale, "nearest")
    per_hour = to_int(fleet.per_hour / hour_scale, cost_scale, "nearest")
    fixed = to_int(fleet.fixed, cost_scale, "nearest")
    distance = to_int(problem.distance, km_scale, "nearest")
    durations = to_int(fleet.hours, hour_scale, "up")
    service = to_int(problem.service, hour_scale, "up")
    delivery, capacity = _loads(problem, fleet)

    arcs = per_km[:, None, None] * distance + per_hour[:, None, None] * (
        durations + service[:, None]
    )
    # PyVRP's default penalty bounds, 0.1 to 1e5, suit arcs of about 1e3 units: scale them
    # with ours.
    bounds = max(1.0, float(arcs.mean()) / 1e3) * np.array([0.1, 1e5])
    prize = 0
    if optional:
        # Worth more than the dearest trip to any one stop, and below what the largest penalty
        # charges for a unit of violation, so that PyVRP drops stops rather than overload.
        trips = arcs[:, 0, 1:] + arcs[:, 1:, 0] + fixed[:, None]
        prize = int(2 * trips.max() + 1)
        bounds[1] = max(bounds[1], 10.0 * prize)
    vehicle_types = [
        VehicleType(
            num_available=int(min(fleet.count[t], n)),
            capacity=capacity[t].tolist(),
            fixed_cost=int(fixed[t]),
            shift_duration=int(to_int(fleet.shift[t], hour_scale, "down"))
            if np.isfinite(fleet.shift[t])
            else np.iinfo(np.int64).max,
            unit_distance_cost=int(per_km[t]),
            unit_duration_cost=int(per_hour[t]),
            profile=t,
        )
        for t in kinds.tolist()
    ]
    clients = [
        Client(
            location=s,
            delivery=delivery[s].tolist(),
            service_duration=int(service[s]),
            required=not optional,
            prize=prize,
        )
        for s in range(1, n + 1)
    ]
    distances: list[Any] = [distance] * len(fleet.count)  # one profile per type
    data = ProblemData(
        locations=[Location(0, 0) for _ in range(n + 1)],
        clients=clients,
        depots=[Depot(location=0)],
        vehicle_types=vehicle_types,
        distance_matrices=distances,
        duration_matrices=list(durations),
    )
    return _Model(data, (float(bounds[0]), float(bounds[1])))


def _loads(problem: RoutingProblem, fleet: Fleet) -> tuple[np.ndarray, np.ndarray]:
    """Demand (n+1, k) rounded up and capacity (T, k) rounded down, as integers; an
    unbounded capacity becomes the total demand."""
    delivery = np.zeros(problem.demand.shape, dtype=np.int64)
    capacity = np.zeros(fleet.capacity.shape, dtype=np.int64)
    for k in range(problem.demand.shape[1]):
        bounded = np.isfinite(fleet.capacity[:, k])
        values = np.concatenate([problem.demand[:, k], fleet.capacity[bounded, k]])
        scale = integer_scale(values, top=1e4)
        delivery[:, k] = to_int(problem.demand[:, k], scale, "up")
        room = to_int(np.where(bounded, fleet.capacity[:, k], 0.0), scale, "down")
        capacity[:, k] = np.where(bounded, room, delivery[:, k].sum())
    return delivery, capacity


def _plan(problem: RoutingProblem, solution: pyvrp.Solution, kinds: np.ndarray) -> RoutingPlan:
    routes = tuple(
        Route(int(kinds[route.vehicle_type()]), tuple(a.idx + 1 for a in route if a.is_client()))
        for route in solution.routes()
    )
    served = {s for route in routes for s in route.stops}
    left = tuple(s for s in range(1, problem.n_stops + 1) if s not in served)
    return RoutingPlan(routes, left)
