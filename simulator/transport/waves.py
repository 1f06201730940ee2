"""One dispatch wave as a routing problem: waiting consignments grouped into stops that each
fit a vehicle, and the stops' distances, service times, due times and the vehicles at hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from policies.routing import (
    InfeasiblePlan,
    Route,
    RoutingPlan,
    RoutingProblem,
    VehicleType,
    check_plan,
)
from simulator.network.fleets import HOURS_PER_DAY, CompiledFleet
from simulator.transport.consignment import Consignment

_EPS = 1e-9

PlacedRoute = tuple[int, tuple[int, ...]]
"""A route as the fleet's vehicle type and the places it visits in order: unlike the stops'
numbers, places keep their meaning from one wave to the next."""


@dataclass(frozen=True, slots=True)
class Stop:
    """Consignments for one place that travel together on one vehicle."""

    place: int
    consignments: tuple[Consignment, ...]
    load: np.ndarray

    @property
    def due(self) -> float:
        return min(c.due for c in self.consignments)

    @property
    def units(self) -> float:
        return sum(c.units for c in self.consignments)


def fitting_share(load: np.ndarray, room: np.ndarray) -> float:
    """The largest share of ``load`` that fits in ``room`` (1 when all of it fits)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(load > _EPS, room / load, np.inf)
    return float(min(1.0, max(0.0, shares.min())))


def make_stops(consignments: Sequence[Consignment], capacity: np.ndarray) -> list[Stop]:
    """Group consignments by place, most urgent first, into stops no larger than
    ``capacity`` (the largest vehicle's). A consignment too large for what is left of a stop
    is split: the part that fits rides now, the rest starts the next stop for that place."""
    by_place: dict[int, list[Consignment]] = {}
    for c in sorted(consignments, key=lambda c: (c.due, c.ready)):
        by_place.setdefault(c.place, []).append(c)
    stops = []
    for place, queue in by_place.items():
        members: list[Consignment] = []
        load = np.zeros_like(capacity)
        pending = list(queue)
        while pending:
            c = pending.pop(0)
            share = fitting_share(c.load, capacity - load)
            if share >= 1.0 - _EPS:
                members.append(c)
                load = load + c.load
                continue
            if share > _EPS:
                now, rest = c.split(share)
                members.append(now)
                load = load + now.load
                c = rest
            stops.append(Stop(place, tuple(members), load))
            members, load = [], np.zeros_like(capacity)
            pending.insert(0, c)
        if members:
            stops.append(Stop(place, tuple(members), load))
    return stops


def split_fitting(
    consignments: Sequence[Consignment], capacity: np.ndarray
) -> tuple[list[Consignment], list[Consignment]]:
    """Consignments an empty vehicle of ``capacity`` takes a useful part of, and the others (a
    unit larger than the vehicle), which wait: splitting them into stops would never end."""
    fits = [fitting_share(c.load, capacity) > _EPS for c in consignments]
    return (
        [c for c, ok in zip(consignments, fits, strict=True) if ok],
        [c for c, ok in zip(consignments, fits, strict=True) if not ok],
    )


def split_reachable(stops: Sequence[Stop], reach: np.ndarray) -> tuple[list[Stop], list[Stop]]:
    """Stops some vehicle reaches and returns from within its shift (``reach``: types x
    places), and the others, which wait rather than take the wave's room from servable ones."""
    ok = [bool(reach[:, s.place].any()) for s in stops]
    return (
        [s for s, keep in zip(stops, ok, strict=True) if keep],
        [s for s, keep in zip(stops, ok, strict=True) if not keep],
    )


def most_urgent(stops: Sequence[Stop], room: np.ndarray) -> tuple[list[Stop], list[Stop]]:
    """Split stops into those offered to the router, earliest due first while their total
    load fits ``room`` (what the vehicles at hand carry together), and those that wait.

    A short fleet so serves the oldest orders first, whatever the routing policy optimises,
    and no stop waits forever behind nearer ones.
    """
    order = sorted(range(len(stops)), key=lambda i: (stops[i].due, i))
    offered, waiting = [], []
    load = np.zeros_like(room)
    for i in order:
        if (load + stops[i].load <= room + _EPS).all():
            load = load + stops[i].load
            offered.append(stops[i])
        else:
            waiting.append(stops[i])
    return offered, waiting


def largest_type(capacity: np.ndarray, available: np.ndarray) -> int:
    """The free vehicle type with the most room, relative to the largest in each dimension:
    stops are sized to it, so each fits at least one free vehicle."""
    bounded = np.where(np.isfinite(capacity), capacity, np.nan)
    top = np.nanmax(np.where(available[:, None] > 0, bounded, np.nan), axis=0)
    relative = np.where(np.isfinite(capacity), capacity / np.where(top > 0, top, 1.0), 2.0)
    size = np.where(available > 0, np.nan_to_num(relative, nan=2.0).sum(axis=1), -np.inf)
    return int(np.argmax(size))


def routing_problem(
    fleet: CompiledFleet, stops: Sequence[Stop], available: np.ndarray, now: float
) -> RoutingProblem:
    """The wave's problem: depot plus ``stops``, with the types that have ``available``
    vehicles (a policy never sees a type it cannot use; see :func:`free_types`)."""
    places = np.asarray([0, *(s.place for s in stops)], dtype=np.int64)
    grid = np.ix_(places, places)
    hours = fleet.hours[grid]
    units = np.asarray([0.0, *(s.units for s in stops)])
    spec = fleet.spec
    service = HOURS_PER_DAY * (spec.stop_time + spec.handling_time * units)
    service[0] = 0.0
    due = np.asarray([np.inf, *(s.due for s in stops)])
    due = np.where(np.isfinite(due), np.maximum(due - now, 0.0) * HOURS_PER_DAY, np.inf)
    vehicles = tuple(
        VehicleType(
            name=fleet.type_ids[t],
            capacity=fleet.capacity[t],
            count=int(available[t]),
            speed=float(fleet.speed[t]),
            max_duration=float(fleet.shift_hours[t]),
            fixed_cost=float(fleet.fixed_cost[t]),
            cost_per_km=float(fleet.cost_per_km[t]),
            cost_per_hour=float(fleet.cost_per_hour[t]),
        )
        for t in free_types(available)
    )
    return RoutingProblem(
        distance=fleet.km[grid],
        demand=np.vstack([np.zeros(len(fleet.dimensions)), *(s.load for s in stops)]),
        service=service,
        vehicles=vehicles,
        due=due,
        travel_time=None if np.isnan(hours).all() else hours,
    )


def free_types(available: np.ndarray) -> np.ndarray:
    """Indices of the vehicle types with a vehicle free: the problem's types, in order."""
    return np.flatnonzero(available > 0)


def warm_start(previous: Sequence[PlacedRoute], stops: Sequence[Stop]) -> RoutingPlan | None:
    """Earlier routes (the problem's vehicle type, places in order) mapped onto this wave's
    stops: each place visited goes to the first unused stop there, a visit to a place without
    one is dropped, and so is a route left empty; stops no old route visits are left
    unassigned. ``None`` when nothing carries over."""
    free: dict[int, list[int]] = {}
    for i, stop in enumerate(stops, start=1):
        free.setdefault(stop.place, []).append(i)
    routes = []
    for vehicle, places in previous:
        visits = tuple(free[p].pop(0) for p in places if free.get(p))
        if visits:
            routes.append(Route(vehicle, visits))
    if not routes:
        return None
    left = tuple(i for ids in free.values() for i in ids)
    return RoutingPlan(tuple(routes), left)


def checked(problem: RoutingProblem, plan: RoutingPlan | None) -> RoutingPlan | None:
    """``plan`` if it keeps within the problem's capacities, shifts and vehicle counts (see
    :func:`~policies.routing.check_plan`), else ``None``."""
    if plan is None:
        return None
    try:
        check_plan(problem, plan)
    except InfeasiblePlan:
        return None
    return plan
