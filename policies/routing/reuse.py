"""Reusing a plan for a later wave: a plan made for earlier loads may carry too much, or take
too long, on a few routes now, or need fewer vehicles. Rather than plan again, move as few
stops as it takes from those routes to routes with room, each move the one that adds the
fewest km, and drop the lightest route when the others can take its stops for less.
"""

from __future__ import annotations

import numpy as np

from policies.routing.base import Fleet
from policies.routing.problem import Route, RoutingPlan, RoutingProblem, plan_cost


def refit(problem: RoutingProblem, plan: RoutingPlan) -> RoutingPlan | None:
    """``plan`` adapted to the problem's loads: within its vehicles' capacities and shifts,
    and on fewer vehicles when the loads allow it for less.

    While a route breaks a limit, one of its stops moves to another route that still fits with
    it: of all such moves (stop, route, place in that route), the one that adds the fewest km,
    net of the km its removal saves. Then, while the lightest route's stops can all move that
    way and the plan costs less without it, it is dropped. A plan that fits and needs every
    route comes back as it is; a route left empty is dropped.

    Returns:
        The refitted plan, with the same unassigned stops; ``None`` when a route breaks a
        limit and none of its stops fits elsewhere.
    """
    fleet = Fleet(problem)
    routes = [(route.vehicle, list(route.stops)) for route in plan.routes]
    for r, (vehicle, stops) in enumerate(routes):
        while stops and not fleet.prefixes(stops)[0][vehicle, -1]:
            if not _move_one(problem, fleet, routes, r):
                return None
    while len(routes) > 1:
        load = [(problem.demand[s].sum(axis=0) / fleet.top_capacity).max() for _, s in routes]
        lightest = int(np.argmin(load))
        fewer = [(vehicle, list(stops)) for vehicle, stops in routes]
        while fewer[lightest][1] and _move_one(problem, fleet, fewer, lightest):
            pass
        if fewer[lightest][1] or _cost(problem, fewer) >= _cost(problem, routes):
            break
        routes = [route for route in fewer if route[1]]
    return _as_plan(routes, plan.unassigned)


def _as_plan(routes: list[tuple[int, list[int]]], unassigned: tuple[int, ...] = ()) -> RoutingPlan:
    return RoutingPlan(tuple(Route(v, tuple(s)) for v, s in routes if s), unassigned)


def _cost(problem: RoutingProblem, routes: list[tuple[int, list[int]]]) -> float:
    return plan_cost(problem, _as_plan(routes))


def _move_one(
    problem: RoutingProblem, fleet: Fleet, routes: list[tuple[int, list[int]]], r: int
) -> bool:
    """Move the stop of route ``r`` whose move adds the fewest km (see :func:`refit`), if one
    fits elsewhere."""
    move = _cheapest_move(problem, fleet, routes, r)
    if move is not None:
        stop, to, at = move
        routes[to][1].insert(at, routes[r][1].pop(stop))
    return move is not None


def _cheapest_move(
    problem: RoutingProblem, fleet: Fleet, routes: list[tuple[int, list[int]]], r: int
) -> tuple[int, int, int] | None:
    """The move of a stop of route ``r`` that adds the fewest km and leaves its new route
    feasible, as (position in ``r``, route, position there); None if there is none."""
    d = problem.distance
    path = np.asarray((0, *routes[r][1], 0))
    moving = path[1:-1]
    saving = d[path[:-2], moving] + d[moving, path[2:]] - d[path[:-2], path[2:]]
    best: tuple[float, int, int, int] | None = None  # net km, stop, route, position
    for q, (vehicle, stops) in enumerate(routes):
        if q == r:
            continue
        into = np.asarray((0, *stops, 0))
        head, tail = into[:-1], into[1:]
        load = problem.demand[stops].sum(axis=0) + problem.demand[moving]  # (stops, k)
        carried = (load <= fleet.load_limit[vehicle]).all(axis=1)
        hours = fleet.hours[vehicle]
        duration = fleet.prefixes(stops)[1][vehicle, -1] if stops else 0.0
        longer = (
            hours[head][:, moving].T
            + problem.service[moving][:, None]
            + hours[moving][:, tail]
            - hours[head, tail]
        )  # (stops, positions)
        added = d[head][:, moving].T + d[moving][:, tail] - d[head, tail] - saving[:, None]
        fits = carried[:, None] & (duration + longer <= fleet.shift_limit[vehicle])
        if not fits.any():
            continue
        stop, at = np.unravel_index(np.argmin(np.where(fits, added, np.inf)), added.shape)
        if best is None or added[stop, at] < best[0]:
            best = (float(added[stop, at]), int(stop), q, int(at))
    return None if best is None else best[1:]
