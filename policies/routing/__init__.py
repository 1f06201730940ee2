"""Routing policies: plan each dispatch wave's routes for a depot's fleet.

- ``direct``: one trip per stop (the baseline);
- ``nearest_neighbour``: greedy routes to the nearest stop that still fits;
- ``savings``: Clarke-Wright savings, then 2-opt (the default);
- ``ortools``: OR-Tools local search with a metaheuristic, soft due times;
- ``pyvrp``: PyVRP's iterated local search (optional extra ``supplysim[pyvrp]``).

:func:`refit` adapts an earlier plan to a later wave's loads, for a wave that
reuses it.
"""

from policies.routing.base import RoutingParams, RoutingPolicy, assign_vehicles
from policies.routing.direct import DirectParams, DirectRouting
from policies.routing.nearest import NearestNeighbourParams, NearestNeighbourRouting
from policies.routing.ortools import OrToolsParams, OrToolsRouting
from policies.routing.problem import (
    InfeasiblePlan,
    Route,
    RoutingPlan,
    RoutingProblem,
    VehicleType,
    check_plan,
    plan_cost,
    plan_distance,
    plan_lateness,
    route_arrivals,
    route_cost,
    route_distance,
    route_duration,
    route_load,
)
from policies.routing.pyvrp import PyVrpParams, PyVrpRouting
from policies.routing.reuse import refit
from policies.routing.savings import SavingsParams, SavingsRouting

__all__ = [
    "DirectParams",
    "DirectRouting",
    "InfeasiblePlan",
    "NearestNeighbourParams",
    "NearestNeighbourRouting",
    "OrToolsParams",
    "OrToolsRouting",
    "PyVrpParams",
    "PyVrpRouting",
    "Route",
    "RoutingParams",
    "RoutingPlan",
    "RoutingPolicy",
    "RoutingProblem",
    "SavingsParams",
    "SavingsRouting",
    "VehicleType",
    "assign_vehicles",
    "check_plan",
    "plan_cost",
    "plan_distance",
    "plan_lateness",
    "refit",
    "route_arrivals",
    "route_cost",
    "route_distance",
    "route_duration",
    "route_load",
]
