"""One dispatch wave as a routing problem, the plan a routing policy returns, and the single
feasibility check every plan must pass.

Index 0 is the depot and indices 1..n are the stops. Route times are in hours from the start
of the wave (the simulation's days appear only at the engine's boundary); distances in km.
Loads have ``k`` dimensions (for example units, volume and weight), and a vehicle's capacity
is bounded in each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class VehicleType:
    """Vehicles of one kind available for a wave.

    Attributes:
        name: Label for reports.
        capacity: Most load per route in each dimension, shape (k,); ``inf`` where unbounded.
        count: Vehicles of this type available; each drives at most one route per wave.
        speed: km per hour (used where the problem gives no travel time).
        max_duration: Longest route in hours, driving and service (the shift); ``inf`` for none.
        fixed_cost: Cost of using one vehicle for the wave.
        cost_per_km: Cost per km driven.
        cost_per_hour: Cost per hour on the route.
    """

    name: str
    capacity: np.ndarray
    count: int
    speed: float = 60.0
    max_duration: float = float("inf")
    fixed_cost: float = 0.0
    cost_per_km: float = 1.0
    cost_per_hour: float = 0.0


@dataclass(frozen=True, slots=True)
class RoutingProblem:
    """The stops of one wave and the vehicles that may serve them.

    Attributes:
        distance: km between locations, shape (n+1, n+1); row and column 0 are the depot.
        demand: Load of each stop, shape (n+1, k); row 0 is zero.
        service: Hours spent at each stop, shape (n+1,); 0 at the depot.
        due: Latest on-time arrival at each stop in hours from the wave's start, shape
            (n+1,); ``inf`` where nothing was promised. Lateness is allowed but costs service.
        vehicles: The vehicle types.
        travel_time: Hours between locations, shape (n+1, n+1); when given it replaces
            distance / speed for every vehicle type, except where it is NaN.
    """

    distance: np.ndarray
    demand: np.ndarray
    service: np.ndarray
    vehicles: tuple[VehicleType, ...]
    due: np.ndarray = field(default_factory=lambda: np.zeros(0))
    travel_time: np.ndarray | None = None

    def __post_init__(self) -> None:
        if len(self.due) == 0:
            object.__setattr__(self, "due", np.full(len(self.distance), np.inf))

    @property
    def n_stops(self) -> int:
        return len(self.distance) - 1

    def hours(self, vehicle: int) -> np.ndarray:
        """Travel hours between locations for one vehicle type."""
        by_speed = self.distance / self.vehicles[vehicle].speed
        if self.travel_time is None:
            return by_speed
        return np.where(np.isnan(self.travel_time), by_speed, self.travel_time)

    @property
    def has_due_times(self) -> bool:
        return bool(np.isfinite(self.due[1:]).any())


@dataclass(frozen=True, slots=True)
class Route:
    """One vehicle's trip: depot, ``stops`` in order, depot."""

    vehicle: int
    stops: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RoutingPlan:
    """Routes of a wave; ``unassigned`` stops wait for the next wave."""

    routes: tuple[Route, ...]
    unassigned: tuple[int, ...] = ()


class InfeasiblePlan(ValueError):
    """A plan breaks capacity, shift length, fleet size, or serves a stop twice or never."""


def capacity_limit(capacity: np.ndarray) -> np.ndarray:
    """Largest load :func:`check_plan` accepts for a capacity (a rounding tolerance above it)."""
    return np.asarray(capacity, dtype=float) * (1 + _EPS) + _EPS


def shift_limit(max_duration: np.ndarray) -> np.ndarray:
    """Longest route :func:`check_plan` accepts for a shift (a rounding tolerance above it)."""
    return np.asarray(max_duration, dtype=float) * (1 + _EPS) + _EPS


def _path(route: Route) -> np.ndarray:
    return np.asarray((0, *route.stops, 0), dtype=np.int64)


def route_distance(problem: RoutingProblem, route: Route) -> float:
    """km driven on a route, back to the depot."""
    path = _path(route)
    return float(problem.distance[path[:-1], path[1:]].sum())


def route_arrivals(problem: RoutingProblem, route: Route) -> np.ndarray:
    """Hours from the wave's start at which the vehicle reaches each stop, then the depot."""
    path = _path(route)
    legs = problem.hours(route.vehicle)[path[:-1], path[1:]]
    service = problem.service[path[:-1]]
    return np.cumsum(legs + service)


def route_duration(problem: RoutingProblem, route: Route) -> float:
    """Hours from leaving the depot to being back: driving plus service."""
    return float(route_arrivals(problem, route)[-1])


def route_load(problem: RoutingProblem, route: Route) -> np.ndarray:
    """Load carried, per dimension."""
    return problem.demand[list(route.stops)].sum(axis=0)


def route_cost(problem: RoutingProblem, route: Route) -> float:
    """Fixed cost plus cost of km and hours."""
    vehicle = problem.vehicles[route.vehicle]
    return (
        vehicle.fixed_cost
        + vehicle.cost_per_km * route_distance(problem, route)
        + vehicle.cost_per_hour * route_duration(problem, route)
    )


def plan_cost(problem: RoutingProblem, plan: RoutingPlan) -> float:
    return sum(route_cost(problem, route) for route in plan.routes)


def plan_distance(problem: RoutingProblem, plan: RoutingPlan) -> float:
    return sum(route_distance(problem, route) for route in plan.routes)


def plan_lateness(problem: RoutingProblem, plan: RoutingPlan) -> float:
    """Hours by which the stops of a plan are reached after their due times, summed."""
    late = 0.0
    for route in plan.routes:
        arrivals = route_arrivals(problem, route)[:-1]
        late += float(np.maximum(arrivals - problem.due[list(route.stops)], 0.0).sum())
    return late


def check_plan(problem: RoutingProblem, plan: RoutingPlan) -> None:
    """Raise :class:`InfeasiblePlan` unless every stop is routed once or left unassigned,
    no route is empty or over capacity or shift, and no vehicle type is used beyond its count.
    """
    seen = np.zeros(problem.n_stops + 1, dtype=np.int64)
    used = np.zeros(len(problem.vehicles), dtype=np.int64)
    for r, route in enumerate(plan.routes):
        if not 0 <= route.vehicle < len(problem.vehicles):
            raise InfeasiblePlan(f"route {r} uses unknown vehicle type {route.vehicle}")
        if not route.stops:
            raise InfeasiblePlan(f"route {r} has no stops")
        stops = np.asarray(route.stops)
        if stops.min() < 1 or stops.max() > problem.n_stops:
            raise InfeasiblePlan(f"route {r} visits a stop that does not exist")
        np.add.at(seen, stops, 1)
        used[route.vehicle] += 1
        vehicle = problem.vehicles[route.vehicle]
        over = route_load(problem, route) > capacity_limit(vehicle.capacity)
        if over.any():
            raise InfeasiblePlan(f"route {r} exceeds capacity in dimension {int(over.argmax())}")
        duration = route_duration(problem, route)
        if duration > shift_limit(np.asarray(vehicle.max_duration)):
            raise InfeasiblePlan(
                f"route {r} lasts {duration:.3g} h, longer than the {vehicle.max_duration:.3g} h "
                "shift"
            )
    if len(plan.unassigned):
        left = np.asarray(plan.unassigned, dtype=np.int64)
        if left.min() < 1 or left.max() > problem.n_stops:
            raise InfeasiblePlan("an unassigned stop does not exist")
        np.add.at(seen, left, 1)
    if (seen[1:] != 1).any():
        stop = int(np.flatnonzero(seen[1:] != 1)[0]) + 1
        raise InfeasiblePlan(f"stop {stop} is planned {seen[stop]} times, not once")
    counts = np.asarray([v.count for v in problem.vehicles])
    if (used > counts).any():
        t = int((used > counts).argmax())
        raise InfeasiblePlan(f"{used[t]} routes for {counts[t]} vehicles of type {t}")
