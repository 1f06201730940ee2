"""Nearest-neighbour routing: drive to the nearest stop that still fits, until none does, then
start a new route."""

from __future__ import annotations

from typing import Literal, Self

import numpy as np
from pydantic import BaseModel

from policies.routing.base import Fleet, RoutingParams
from policies.routing.problem import Route, RoutingPlan, RoutingProblem


class NearestNeighbourParams(RoutingParams):
    """Nearest neighbour: greedy routes, each to the nearest stop that still fits."""

    type: Literal["nearest_neighbour"] = "nearest_neighbour"


class NearestNeighbourRouting:
    """Builds one route at a time against the vehicles still free: the route grows while some
    free type can drive it, then goes to the cheapest such type. Ignores due times and warm
    starts."""

    @classmethod
    def from_params(cls, params: BaseModel) -> Self:
        return cls()

    def solve(self, problem: RoutingProblem, warm_start: RoutingPlan | None = None) -> RoutingPlan:
        fleet = Fleet(problem)
        left = fleet.count.copy()
        waiting = np.ones(problem.n_stops + 1, dtype=bool)
        waiting[0] = False
        routes: list[Route] = []
        while waiting.any() and (left > 0).any():
            stops = _grow(problem, fleet, waiting, left > 0)
            if not stops:
                break  # no free vehicle carries any waiting stop
            vehicle = fleet.cheapest(stops, left)
            assert vehicle is not None  # _grow kept a free type that drives the route
            routes.append(Route(vehicle, tuple(stops)))
            left[vehicle] -= 1
        return RoutingPlan(tuple(routes), tuple(int(s) for s in np.flatnonzero(waiting)))


def _grow(
    problem: RoutingProblem, fleet: Fleet, waiting: np.ndarray, able: np.ndarray
) -> list[int]:
    """One route from the depot, taking stops off ``waiting``; ``able`` marks the types that
    could still drive it."""
    stops: list[int] = []
    here = 0
    elapsed = np.zeros(len(able))  # per type: hours until arrival at ``here``
    load = np.zeros(problem.demand.shape[1])
    while waiting.any():
        near = np.flatnonzero(waiting)
        arrive = elapsed[:, None] + problem.service[here] + fleet.hours[:, here, near]
        back = arrive + problem.service[near] + fleet.hours[:, near, 0]
        carried = (load + problem.demand[near] <= fleet.load_limit[:, None, :]).all(axis=2)
        fits = carried & (back <= fleet.shift_limit[:, None]) & able[:, None]
        feasible = np.flatnonzero(fits.any(axis=0))
        if not len(feasible):
            break
        pick = feasible[np.argmin(problem.distance[here, near[feasible]])]
        here = int(near[pick])
        stops.append(here)
        waiting[here] = False
        able = fits[:, pick]
        elapsed = arrive[:, pick]
        load = load + problem.demand[here]
    return stops
