"""Clarke-Wright savings: start with one trip per stop and join routes end to end in order of
the km saved, ``d(0,i) + d(0,j) - d(i,j)``, while some vehicle type can still drive the result.

Routes are then ordered by 2-opt (optional) and given to vehicles by
:func:`~policies.routing.base.assign_vehicles`. Due times are not considered.
"""

from __future__ import annotations

from typing import Literal, Self

import numpy as np
from pydantic import BaseModel, Field

from policies.routing.base import Fleet, RoutingParams, assign_vehicles
from policies.routing.problem import RoutingPlan, RoutingProblem


class SavingsParams(RoutingParams):
    """Clarke-Wright savings: join trips in order of the km saved, then 2-opt each route."""

    type: Literal["savings"] = "savings"
    two_opt: bool = Field(
        True, description="Reorder each route by 2-opt (symmetric distances only)."
    )


class SavingsRouting:
    """Clarke-Wright parallel savings; ignores warm starts."""

    def __init__(self, params: SavingsParams) -> None:
        self.params = params

    @classmethod
    def from_params(cls, params: BaseModel) -> Self:
        assert isinstance(params, SavingsParams)
        return cls(params)

    def solve(self, problem: RoutingProblem, warm_start: RoutingPlan | None = None) -> RoutingPlan:
        fleet = Fleet(problem)
        routes = savings_routes(problem, fleet)
        if self.params.two_opt and _symmetric(problem, fleet):
            routes = [_two_opt(problem, fleet, stops) for stops in routes]
        return assign_vehicles(problem, routes)


def _symmetric(problem: RoutingProblem, fleet: Fleet) -> bool:
    """Whether reversing a route changes neither its km nor its hours."""
    return all(np.allclose(m, m.T) for m in (problem.distance, *fleet.hours))


def savings_routes(problem: RoutingProblem, fleet: Fleet) -> list[list[int]]:
    """Stop sequences by parallel savings, each one some vehicle type can drive.

    Joins pay off when they save km or, when every type has a fixed cost, as long as the km
    they add cost less than the vehicle they save.
    """
    n = problem.n_stops
    d = problem.distance
    symmetric = _symmetric(problem, fleet)
    # Pairs (i, j): the route ending at i is followed by the route starting at j. With
    # symmetric distances a route may be reversed, so the unordered pair is enough.
    mask = np.triu(np.ones((n, n), dtype=bool), 1) if symmetric else ~np.eye(n, dtype=bool)
    i, j = np.nonzero(mask)
    i, j = i + 1, j + 1
    saving = d[i, 0] + d[0, j] - d[i, j]
    keep = saving > -_allowance(problem, fleet)
    order = np.argsort(-saving[keep], kind="stable")
    pairs = zip(i[keep][order].tolist(), j[keep][order].tolist(), strict=True)

    # The loop runs once per candidate pair, so it works on Python floats, not arrays.
    load_limit = fleet.load_limit.tolist()
    shift_limit = fleet.shift_limit.tolist()
    hours = fleet.hours.tolist()
    types = range(len(load_limit))
    members: dict[int, list[int]] = {s: [s] for s in range(1, n + 1)}
    route_of = list(range(n + 1))  # a route's id is its first stop at the start
    load = dict(enumerate(problem.demand.tolist()))
    span = {  # hours of each route per type
        s: [hours[t][0][s] + problem.service[s] + hours[t][s][0] for t in types] for s in members
    }
    for a, b in pairs:
        ra, rb = route_of[a], route_of[b]
        if ra == rb:
            continue
        first, second = members[ra], members[rb]
        if symmetric:
            if a == first[0] and len(first) > 1:
                first = first[::-1]
            if b == second[-1] and len(second) > 1:
                second = second[::-1]
        if first[-1] != a or second[0] != b:
            continue  # a or b is inside its route
        joined_load = [x + y for x, y in zip(load[ra], load[rb], strict=True)]
        joined_span = [
            span[ra][t] + span[rb][t] - hours[t][a][0] - hours[t][0][b] + hours[t][a][b]
            for t in types
        ]
        if not any(
            joined_span[t] <= shift_limit[t]
            and all(x <= c for x, c in zip(joined_load, load_limit[t], strict=True))
            for t in types
        ):
            continue
        members[ra] = first + second
        load[ra], span[ra] = joined_load, joined_span
        for s in second:
            route_of[s] = ra
        del members[rb], load[rb], span[rb]
    return list(members.values())


def _allowance(problem: RoutingProblem, fleet: Fleet) -> float:
    """km a join may add and still pay off through the fixed cost of the vehicle it saves,
    whatever the type (0 when some type has no fixed cost)."""
    if not (fleet.fixed > 0).all():
        return 0.0
    # Cost of a km by type, its hours counted at the type's average hours per km.
    per_hour_km = fleet.hours.sum(axis=(1, 2)) / max(float(problem.distance.sum()), 1e-300)
    per_km = fleet.per_km + fleet.per_hour * per_hour_km
    with np.errstate(divide="ignore"):
        return float((fleet.fixed / per_km).min())


def _two_opt(problem: RoutingProblem, fleet: Fleet, stops: list[int]) -> list[int]:
    """Best-improvement 2-opt on km; keeps the original when no type could drive the result."""
    d = problem.distance
    path = np.asarray([0, *stops, 0])
    while len(path) > 4:
        head, tail = path[:-1], path[1:]
        # Reversing path[a+1 : b+1] replaces edges (a, a+1), (b, b+1) by (a, b), (a+1, b+1).
        gain = (
            d[head[:, None], head[None, :]]
            + d[tail[:, None], tail[None, :]]
            - d[head, tail][:, None]
            - d[head, tail][None, :]
        )
        gain = np.triu(gain, 2)
        a, b = np.unravel_index(np.argmin(gain), gain.shape)
        if gain[a, b] >= -1e-9:
            break
        path[a + 1 : b + 1] = path[a + 1 : b + 1][::-1]
    better = [int(s) for s in path[1:-1]]
    return better if fleet.prefixes(better)[0][:, -1].any() else stops
