"""Direct routing: every stop gets its own out-and-back trip, the baseline every other policy
should beat."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel

from policies.routing.base import RoutingParams, assign_vehicles
from policies.routing.problem import RoutingPlan, RoutingProblem


class DirectParams(RoutingParams):
    """Direct: one trip per stop, on the cheapest vehicle that carries it."""

    type: Literal["direct"] = "direct"


class DirectRouting:
    """One route per stop; ignores due times and warm starts."""

    @classmethod
    def from_params(cls, params: BaseModel) -> Self:
        return cls()

    def solve(self, problem: RoutingProblem, warm_start: RoutingPlan | None = None) -> RoutingPlan:
        return assign_vehicles(problem, ([stop] for stop in range(1, problem.n_stops + 1)))
