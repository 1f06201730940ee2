"""What every routing policy provides, and the machinery the construction heuristics share:
which vehicle types can drive a stop sequence, and giving sequences to vehicles.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol, Self

import numpy as np
from pydantic import BaseModel, ConfigDict

from policies.routing.problem import (
    Route,
    RoutingPlan,
    RoutingProblem,
    capacity_limit,
    shift_limit,
)


class RoutingParams(BaseModel):
    """Base of every routing policy's parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RoutingPolicy(Protocol):
    """Plans one dispatch wave."""

    @classmethod
    def from_params(cls, params: BaseModel) -> Self: ...

    def solve(self, problem: RoutingProblem, warm_start: RoutingPlan | None = None) -> RoutingPlan:
        """A plan that passes :func:`~policies.routing.problem.check_plan`.

        ``warm_start`` is a feasible plan over the same stops that a policy may start from.
        """
        ...


class Fleet:
    """Per-type arrays of a problem's vehicles, for vectorised feasibility checks."""

    def __init__(self, problem: RoutingProblem) -> None:
        vehicles = problem.vehicles
        self.problem = problem
        self.hours = np.stack([problem.hours(t) for t in range(len(vehicles))])  # (T, n+1, n+1)
        self.capacity = np.stack([v.capacity for v in vehicles]).astype(float)  # (T, k)
        self.count = np.asarray([v.count for v in vehicles], dtype=np.int64)
        self.shift = np.asarray([v.max_duration for v in vehicles], dtype=float)
        # The most load and hours check_plan accepts per type.
        self.load_limit = capacity_limit(self.capacity)  # (T, k)
        self.shift_limit = shift_limit(self.shift)  # (T,)
        self.fixed = np.asarray([v.fixed_cost for v in vehicles], dtype=float)
        self.per_km = np.asarray([v.cost_per_km for v in vehicles], dtype=float)
        self.per_hour = np.asarray([v.cost_per_hour for v in vehicles], dtype=float)
        finite = np.isfinite(self.capacity)
        top = np.where(finite, self.capacity, 0.0).max(axis=0)
        self.top_capacity = np.where(top > 0, top, np.inf)  # (k,) the largest bounded
        # Size for ties between types: capacity relative to the largest, summed over the
        # dimensions; an unbounded dimension counts as twice the largest bounded one.
        relative = np.divide(
            self.capacity, self.top_capacity, out=np.full_like(self.capacity, 2.0), where=finite
        )
        self.size = relative.sum(axis=1)

    def prefixes(self, stops: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Which types can drive each prefix of ``stops`` (bool (T, m)), and the durations
        (T, m) of those prefixes as closed routes."""
        problem = self.problem
        path = np.asarray((0, *stops), dtype=np.int64)
        seq = path[1:]
        legs = self.hours[:, path[:-1], seq] + problem.service[path[:-1]]
        durations = np.cumsum(legs, axis=1) + problem.service[seq] + self.hours[:, seq, 0]
        loads = np.cumsum(problem.demand[seq], axis=0)  # (m, k)
        load_ok = (loads[None, :, :] <= self.load_limit[:, None, :]).all(axis=2)
        return load_ok & (durations <= self.shift_limit[:, None]), durations

    def costs(self, stops: Sequence[int], durations: np.ndarray) -> np.ndarray:
        """Cost of driving ``stops`` with each type, given the route's durations per type."""
        path = np.asarray((0, *stops, 0), dtype=np.int64)
        km = float(self.problem.distance[path[:-1], path[1:]].sum())
        return self.fixed + self.per_km * km + self.per_hour * durations

    def cheapest(self, stops: Sequence[int], left: np.ndarray) -> int | None:
        """The cheapest type with a vehicle left that can drive ``stops`` (the smallest on a
        tie), or None."""
        fits, durations = self.prefixes(stops)
        able = fits[:, -1] & (left > 0)
        if not able.any():
            return None
        cost = np.where(able, self.costs(stops, durations[:, -1]), np.inf)
        return int(np.lexsort((self.size, cost))[0])


def assign_vehicles(problem: RoutingProblem, sequences: Iterable[Sequence[int]]) -> RoutingPlan:
    """Give each stop sequence to the cheapest vehicle type that can drive it.

    Sequences with the earliest due time, then the largest load, choose first, so they get
    the vehicles when the fleet is short. A sequence that no type with a vehicle left can drive
    is split after its longest prefix that one can; a stop that fits no vehicle left is
    unassigned.
    """
    fleet = Fleet(problem)
    left = fleet.count.copy()
    queue: list[tuple[float, float, int, tuple[int, ...]]] = []
    tiebreak = itertools.count()

    def push(stops: tuple[int, ...]) -> None:
        due = float(problem.due[list(stops)].min())
        load = float((problem.demand[list(stops)].sum(axis=0) / fleet.top_capacity).max())
        heapq.heappush(queue, (due, -load, next(tiebreak), stops))

    for sequence in sequences:
        if len(sequence):
            push(tuple(int(s) for s in sequence))
    routes: list[Route] = []
    unassigned: list[int] = []
    while queue:
        stops = heapq.heappop(queue)[3]
        if not (left > 0).any():
            unassigned.extend(stops)
            continue
        vehicle = fleet.cheapest(stops, left)
        if vehicle is not None:
            routes.append(Route(vehicle, stops))
            left[vehicle] -= 1
            continue
        # The whole sequence fits no vehicle left: cut it where the first prefix stops fitting.
        fits = fleet.prefixes(stops)[0][left > 0].any(axis=0)
        cut = int(np.argmin(fits))
        if cut == 0:
            unassigned.append(stops[0])
        else:
            push(stops[:cut])
        if len(stops) > max(cut, 1):
            push(stops[max(cut, 1) :])
    return RoutingPlan(tuple(routes), tuple(sorted(unassigned)))


def integer_scale(values: np.ndarray, top: float = 1e7) -> int:
    """Smallest power of ten that makes every finite value whole, for solvers that need
    integers; when none does before the largest value would pass ``top``, the largest power
    that keeps it under ``top``. Whole-number inputs keep scale 1, so they stay exact."""
    finite = np.abs(values[np.isfinite(values)])
    largest = float(finite.max()) if finite.size else 0.0
    scale = 1
    while not np.allclose(finite * scale, np.round(finite * scale), rtol=0.0, atol=1e-6):
        if largest * scale * 10 > top:
            break
        scale *= 10
    return scale


def to_int(
    values: np.ndarray, scale: int, rounding: Literal["nearest", "up", "down"]
) -> np.ndarray:
    """``values * scale`` as int64, rounded up for what must not be underestimated (loads,
    travel times) and down for limits (capacities, shifts), so that an integer-feasible route
    is feasible in floating point too."""
    scaled = np.asarray(values, dtype=float) * scale
    if rounding == "up":
        scaled = np.ceil(scaled - 1e-6)
    elif rounding == "down":
        scaled = np.floor(scaled + 1e-6)
    return np.round(scaled).astype(np.int64)
