"""A depot's fleet at work: dispatch waves, vehicles driving their routes, breakdowns.

Each wave takes the consignments ready at the depot, groups them into stops, asks the routing
policy for routes over the vehicles at the depot, and starts one SimPy process per route.
Refrigerated vehicles are planned first, for the cold-chain stops; the ambient stops then go
to every vehicle still free. Stops left unrouted wait for the next wave. With
``replan: on_change``, a wave whose stops the policy's last plan covers drives that plan again,
refitted to the loads (or the savings plan, when cheaper), without asking the policy.

A vehicle delivers at each stop when it arrives, spends the stop's service time, and drives
on. A breakdown interrupts it: the goods still on board go back to the depot (driven from
where it broke down) and are re-planned at once on the vehicles free then; the vehicle is out
of service for its repair time. Nothing is lost, and late deliveries are recorded as late.
"""

from __future__ import annotations

import itertools
import time as wallclock
from collections.abc import Callable, Generator
from dataclasses import replace
from typing import Any

import numpy as np
import simpy

from policies.registry import ROUTING
from policies.routing import (
    Route,
    RoutingPlan,
    RoutingPolicy,
    RoutingProblem,
    SavingsParams,
    SavingsRouting,
    check_plan,
    plan_cost,
    refit,
    route_arrivals,
    route_distance,
)
from simulator.disruptions.timeline import Timeline
from simulator.network.fleets import HOURS_PER_DAY, CompiledFleet
from simulator.network.streams import RandomStreams
from simulator.records import Records
from simulator.transport.breakdowns import Wear, stranded
from simulator.transport.consignment import Consignment
from simulator.transport.route_log import record_route
from simulator.transport.waves import (
    PlacedRoute,
    Stop,
    checked,
    free_types,
    largest_type,
    make_stops,
    most_urgent,
    routing_problem,
    split_fitting,
    split_reachable,
    warm_start,
)

_EPS = 1e-9

Deliver = Callable[[Consignment, float], None]


class FleetRunner:
    """The vehicles of one depot over one replication.

    Args:
        env: The simulation's environment.
        fleet: The compiled fleet.
        streams: Named random streams (breakdowns and repairs draw from their own).
        records: Where routes and solver time are written.
        deliver: Called with each consignment when a vehicle hands it over.
        horizon: Days simulated; no wave starts after it.
        timeline: The disruptions' conditions over time, if any: vehicles out of service,
            more frequent breakdowns, and destinations closed or cut off (their goods wait).
    """

    def __init__(
        self,
        env: simpy.Environment,
        fleet: CompiledFleet,
        streams: RandomStreams,
        records: Records,
        deliver: Deliver,
        horizon: int,
        timeline: Timeline | None = None,
    ) -> None:
        self.env, self.fleet, self.records = env, fleet, records
        self.timeline = timeline
        self.deliver = deliver
        self.horizon = horizon
        params = fleet.routing
        self.policy: RoutingPolicy = ROUTING.get(params.type).from_params(params)  # type: ignore[attr-defined]
        self.waiting: list[Consignment] = []
        self.reach = fleet.reachable()  # (types, places)
        n = fleet.n_vehicles
        self.vtype = fleet.vehicle_type
        self.idle = np.ones(n, dtype=bool)
        self.rank = np.asarray(_ordinal(self.vtype))  # number within its type
        self.last_day = np.full(n, -1, dtype=np.int64)
        depot = fleet.places[0]
        names = [
            f"{depot}/{fleet.type_ids[t]}-{k}"
            for t, k in zip(self.vtype, _ordinal(self.vtype), strict=True)
        ]
        self.wear = Wear(fleet, names, streams, timeline)
        self.on_board: dict[int, list[Consignment]] = {}  # per trip under way
        self._trips = itertools.count()
        self.previous: list[PlacedRoute] = []  # last wave's routes: the warm start
        # replan: on_change: per vehicle group (cold or not), when the policy last planned
        # and its routes, driven again (refitted) while they cover the stops.
        self.plans: dict[bool, tuple[float, list[PlacedRoute]]] = {}
        self._savings = SavingsRouting(SavingsParams())
        self._trigger_at: set[float] = set()

    # ------------------------------------------------------------------ waves

    def start(self) -> None:
        self.env.process(self._scheduled_waves())

    def consign(self, consignment: Consignment) -> None:
        """Leave goods at the depot for the next wave that has room."""
        self.waiting.append(consignment)
        min_load = self.fleet.spec.dispatch.min_load
        if min_load is not None and consignment.ready not in self._trigger_at:
            self._trigger_at.add(consignment.ready)
            self.env.process(self._load_trigger(consignment.ready, min_load))

    def _scheduled_waves(self) -> Generator[simpy.Event, Any, None]:
        times = sorted(self.fleet.spec.dispatch.times)
        for day in range(self.horizon):
            for t in times:
                yield self.env.timeout(max(0.0, day + t - self.env.now))
                self.wave()

    def _load_trigger(self, at: float, min_load: float) -> Generator[simpy.Event, Any, None]:
        """Full-truck dispatch: a wave as soon as enough load is ready."""
        yield self.env.timeout(max(0.0, at - self.env.now))
        self._trigger_at.discard(at)
        ready = [c.load for c in self._ready()]
        if ready and self._free().any():
            biggest = self.fleet.capacity.max(axis=0)
            filled = np.sum(ready, axis=0) / biggest
            if np.nanmax(np.where(np.isfinite(biggest), filled, 0.0)) >= min_load - _EPS:
                self.wave()

    def wave(self) -> None:
        """Route what is ready on the vehicles at the depot: cold stops first."""
        now = self.env.now
        ready = self._ready()
        if not ready or not self._free().any():
            return
        ready_ids = {id(c) for c in ready}
        self.waiting = [c for c in self.waiting if id(c) not in ready_ids]
        routes: list[PlacedRoute] = []
        for cold in (True, False):
            group = [c for c in ready if c.cold == cold]
            if group:
                routes += self._plan(group, cold, now)
        self.previous = routes

    def _ready(self) -> list[Consignment]:
        """Consignments at the depot by now whose destination can be reached: not closed and
        not cut off by a closed lane (those wait for it to reopen)."""
        now = self.env.now
        ready = [c for c in self.waiting if c.ready <= now + _EPS]
        if self.timeline is None:
            return ready
        conditions = self.timeline.at(now)
        return [
            c
            for c in ready
            if c.home is not None
            or (conditions.node_open[c.node] and conditions.lane_speed[c.lane] > 0)
        ]

    def _free(self) -> np.ndarray:
        """Vehicles that may leave now: at the depot, and not out of service."""
        if self.timeline is None:
            return self.idle.copy()
        share = self.timeline.at(self.env.now).vehicles_out[self.fleet.index]
        out = self.rank < np.floor(share[self.vtype] * self.fleet.count[self.vtype] + 0.5)
        return self.idle & ~out

    def redirect(self, share: float, rng: np.random.Generator) -> None:
        """Customers correct their address: each home delivery waiting at the depot moves, with
        probability ``share``, to another of the fleet's delivery zones drawn at random."""
        zones = np.flatnonzero(self.fleet.zone_place >= 0)
        if len(zones) < 2:
            return
        moved = []
        for c in self.waiting:
            if c.home is not None and rng.random() < share:
                places = self.fleet.zone_place[zones]
                new = int(rng.choice(places[places != c.place]))
                c = replace(c, place=new)
            moved.append(c)
        self.waiting = moved

    def _plan(self, consignments: list[Consignment], cold: bool, now: float) -> list[PlacedRoute]:
        fleet = self.fleet
        allowed = fleet.cold if cold else np.ones(len(fleet.type_ids), dtype=bool)
        free = self._free()
        available = np.bincount(self.vtype[free], minlength=len(allowed)) * allowed
        if not available.any():
            self.waiting += consignments
            return []
        capacity = fleet.capacity[largest_type(fleet.capacity, available)]
        consignments, unfit = split_fitting(consignments, capacity)
        self.waiting += unfit
        stops, out_of_reach = split_reachable(
            make_stops(consignments, capacity), (available[:, None] > 0) & self.reach
        )
        for stop in out_of_reach:
            self.waiting += stop.consignments
        stops, later = most_urgent(
            stops, available @ np.where(np.isfinite(fleet.capacity), fleet.capacity, np.inf)
        )
        for stop in later:
            self.waiting += stop.consignments
        problem = routing_problem(fleet, stops, available, now)
        types = free_types(available)  # the problem's vehicle index -> the fleet's type
        began = wallclock.perf_counter()
        plan = self._reuse(problem, stops, types, cold, now)
        solved = plan is None
        if plan is None:
            plan = self._solve(problem, stops, types)
        self.records.solver_seconds += wallclock.perf_counter() - began
        placed = [
            (int(types[r.vehicle]), tuple(stops[i - 1].place for i in r.stops)) for r in plan.routes
        ]
        if solved and fleet.spec.dispatch.replan == "on_change":
            self.plans[cold] = (now, placed)
        for r in plan.unassigned:
            self.waiting += stops[r - 1].consignments
        for route, (vtype, _) in zip(plan.routes, placed, strict=True):
            vehicle = int(np.flatnonzero(free & (self.vtype == vtype))[0])
            free[vehicle] = False
            self.idle[vehicle] = False
            on_board = [stops[i - 1] for i in route.stops]
            self.env.process(self._drive(vehicle, route, on_board, problem))
        return placed

    def _reuse(
        self,
        problem: RoutingProblem,
        stops: list[Stop],
        types: np.ndarray,
        cold: bool,
        now: float,
    ) -> RoutingPlan | None:
        """The group's last plan from the policy again, without the places where nothing
        waits and refitted to the loads (see :func:`~policies.routing.refit`), or the savings
        plan if that is better, when every stop is at one of the plan's places, the plan can
        be refitted and it is not due for re-planning; otherwise None."""
        if cold not in self.plans:
            return None
        made, routes = self.plans[cold]
        every = self.fleet.spec.dispatch.reoptimise_every
        if every is not None and now >= made + every - _EPS:
            return None
        plan = warm_start(_on_types(routes, types), stops)
        if plan is None or plan.unassigned:
            return None
        plan = checked(problem, refit(problem, plan))
        if plan is None:
            return None
        # Like the search policies, never drive worse than the savings plan.
        quick = self._savings.solve(problem)
        if (len(quick.unassigned), plan_cost(problem, quick)) < (0, plan_cost(problem, plan)):
            plan = quick
        self.records.waves_reused += 1
        return plan

    def _solve(self, problem: RoutingProblem, stops: list[Stop], types: np.ndarray) -> RoutingPlan:
        start = checked(problem, warm_start(_on_types(self.previous, types), stops))
        plan = self.policy.solve(problem, start)
        self.records.waves += 1
        check_plan(problem, plan)  # a plug-in policy may not break the fleet's limits
        return plan

    # ------------------------------------------------------------------ vehicles

    def _drive(
        self, vehicle: int, route: Route, stops: list[Stop], problem: RoutingProblem
    ) -> Generator[simpy.Event, Any, None]:
        start = self.env.now
        arrivals = route_arrivals(problem, route) / HOURS_PER_DAY  # days; last: back home
        duration_h = arrivals[-1] * HOURS_PER_DAY
        wear = self.wear.rate(vehicle, start)  # operating hours of wear per hour on the road
        if self.wear.until_failure[vehicle] < duration_h * wear:
            breakdown = self.wear.until_failure[vehicle] / wear / HOURS_PER_DAY
            driver = self.env.active_process
            assert driver is not None  # this generator is the active process
            self.env.process(self._break(driver, breakdown))
        delivered = 0
        trip = next(self._trips)
        self.on_board[trip] = [c for stop in stops for c in stop.consignments]
        try:
            for k, stop in enumerate(stops):
                yield self.env.timeout(start + arrivals[k] - self.env.now)
                for consignment in stop.consignments:
                    self.deliver(consignment, self.env.now)
                    self._delivered(consignment)
                    self.on_board[trip].remove(consignment)
                delivered = k + 1
            yield self.env.timeout(start + arrivals[-1] - self.env.now)
        except simpy.Interrupt:
            # The goods on board go back to the depot and are re-planned; the vehicle is
            # repaired. The route ends when they are back.
            elapsed = (self.env.now - start) * HOURS_PER_DAY
            driven, back_km, back_hours = stranded(problem, route, delivered, elapsed)
            self.env.process(self._return_goods(trip, back_hours / HOURS_PER_DAY))
            self.env.process(self._repair(vehicle))
            days = (elapsed + back_hours) / HOURS_PER_DAY
            self._record(vehicle, stops, start, days, driven + back_km, delivered, True)
            return
        del self.on_board[trip]
        self.wear.until_failure[vehicle] -= duration_h * wear
        km = route_distance(problem, route)
        self._record(vehicle, stops, start, arrivals[-1], km, delivered, False)
        self.idle[vehicle] = True

    def pending(self) -> list[Consignment]:
        """Consignments not yet delivered: waiting at the depot or on board a vehicle."""
        return [*self.waiting, *(c for load in self.on_board.values() for c in load)]

    def _delivered(self, consignment: Consignment) -> None:
        self.records.deliveries.append(
            fleet=self.fleet.index,
            day=consignment.day,
            node=consignment.node,
            time=self.env.now,
            due=consignment.due,
            units=consignment.units,
        )

    def _record(
        self,
        vehicle: int,
        stops: list[Stop],
        start: float,
        days: float,
        km: float,
        delivered: int,
        broken: bool,
    ) -> None:
        day = int(start + _EPS)
        first_today = bool(self.last_day[vehicle] != day)
        self.last_day[vehicle] = day
        record_route(
            self.records,
            self.fleet,
            vehicle=vehicle,
            stops=stops,
            delivered=delivered,
            start=start,
            days=days,
            km=km,
            first_today=first_today,
            broken=broken,
        )

    def _break(self, driver: simpy.Process, after: float) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(after)
        driver.interrupt("breakdown")

    def _return_goods(self, trip: int, after: float) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(after)
        now = self.env.now
        self.waiting += [replace(c, ready=now) for c in self.on_board.pop(trip)]
        self.wave()

    def _repair(self, vehicle: int) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(self.wear.repair_days(vehicle))
        self.wear.until_failure[vehicle] = self.wear.next_failure(vehicle)
        self.idle[vehicle] = True


def _on_types(routes: list[PlacedRoute], types: np.ndarray) -> list[PlacedRoute]:
    """``routes`` with the fleet's vehicle types numbered as in a problem offering ``types``;
    routes of the other types are dropped."""
    index = {int(t): i for i, t in enumerate(types)}
    return [(index[t], places) for t, places in routes if t in index]


def _ordinal(types: np.ndarray) -> list[int]:
    """Number of each vehicle within its type: 0, 1, ... per type."""
    seen: dict[int, int] = {}
    out = []
    for t in types.tolist():
        out.append(seen.get(t, 0))
        seen[t] = out[-1] + 1
    return out
