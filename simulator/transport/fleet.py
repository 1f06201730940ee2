"""A depot's fleet at work: dispatch waves, vehicles driving their routes, breakdowns.

Each wave takes the consignments ready at the depot, groups them into stops, asks the routing
policy for routes over the vehicles at the depot, and starts one SimPy process per route.
Refrigerated vehicles are planned first, for the cold-chain stops; the ambient stops then go
to every vehicle still free. Stops left unrouted wait for the next wave.

A vehicle delivers at each stop when it arrives, spends the stop's service time, and drives
on. A breakdown interrupts it: the goods still on board go back to the depot (in the time it
takes to drive there from the last stop) and are re-planned at once on the vehicles free then;
the vehicle is out of service for its repair time. Nothing is lost, and late deliveries are
recorded as late.
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
    check_plan,
    route_arrivals,
)
from policies.routing.problem import InfeasiblePlan
from simulator.network.fleets import HOURS_PER_DAY, CompiledFleet
from simulator.random import RandomStreams
from simulator.records import Records
from simulator.transport.consignment import Consignment
from simulator.transport.waves import (
    Stop,
    free_types,
    largest_type,
    make_stops,
    most_urgent,
    routing_problem,
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
    """

    def __init__(
        self,
        env: simpy.Environment,
        fleet: CompiledFleet,
        streams: RandomStreams,
        records: Records,
        deliver: Deliver,
        horizon: int,
    ) -> None:
        self.env, self.fleet, self.records = env, fleet, records
        self.deliver = deliver
        self.horizon = horizon
        params = fleet.routing
        self.policy: RoutingPolicy = ROUTING.get(params.type).from_params(params)  # type: ignore[attr-defined]
        self.waiting: list[Consignment] = []
        n = fleet.n_vehicles
        self.vtype = fleet.vehicle_type
        self.idle = np.ones(n, dtype=bool)
        self.last_day = np.full(n, -1, dtype=np.int64)
        depot = fleet.places[0]
        names = [
            f"{depot}/{fleet.type_ids[t]}-{k}"
            for t, k in zip(self.vtype, _ordinal(self.vtype), strict=True)
        ]
        self._failure_rng = [streams.stream(f"breakdown/{name}") for name in names]
        self._repair_rng = [streams.stream(f"repair/{name}") for name in names]
        self.until_failure = np.asarray([self._next_failure(v) for v in range(n)])
        self.on_board: dict[int, list[Consignment]] = {}  # per trip under way
        self._trips = itertools.count()
        self.previous: list[tuple[int, tuple[int, ...]]] = []  # last wave's routes, by place
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
        ready = [c.load for c in self.waiting if c.ready <= self.env.now + _EPS]
        if ready and self.idle.any():
            biggest = self.fleet.capacity.max(axis=0)
            filled = np.sum(ready, axis=0) / biggest
            if np.nanmax(np.where(np.isfinite(biggest), filled, 0.0)) >= min_load - _EPS:
                self.wave()

    def wave(self) -> None:
        """Route what is ready on the vehicles at the depot: cold stops first."""
        now = self.env.now
        ready = [c for c in self.waiting if c.ready <= now + _EPS]
        if not ready or not self.idle.any():
            return
        ready_ids = {id(c) for c in ready}
        self.waiting = [c for c in self.waiting if id(c) not in ready_ids]
        routes: list[tuple[int, tuple[int, ...]]] = []
        for cold in (True, False):
            group = [c for c in ready if c.cold == cold]
            if group:
                routes += self._plan(group, cold, now)
        self.previous = routes

    def _plan(
        self, consignments: list[Consignment], cold: bool, now: float
    ) -> list[tuple[int, tuple[int, ...]]]:
        fleet = self.fleet
        allowed = fleet.cold if cold else np.ones(len(fleet.type_ids), dtype=bool)
        available = np.bincount(self.vtype[self.idle], minlength=len(allowed)) * allowed
        if not available.any():
            self.waiting += consignments
            return []
        stops = make_stops(consignments, fleet.capacity[largest_type(fleet.capacity, available)])
        stops, later = most_urgent(
            stops, available @ np.where(np.isfinite(fleet.capacity), fleet.capacity, np.inf)
        )
        for stop in later:
            self.waiting += stop.consignments
        problem = routing_problem(fleet, stops, available, now)
        plan = self._solve(problem, stops, available)
        for r in plan.unassigned:
            self.waiting += stops[r - 1].consignments
        done = []
        types = free_types(available)  # the problem's vehicle index -> the fleet's type
        for route in plan.routes:
            vtype = int(types[route.vehicle])
            vehicle = int(np.flatnonzero(self.idle & (self.vtype == vtype))[0])
            self.idle[vehicle] = False
            on_board = [stops[i - 1] for i in route.stops]
            self.env.process(self._drive(vehicle, route, on_board, problem))
            done.append((vtype, tuple(s.place for s in on_board)))
        return done

    def _solve(
        self, problem: RoutingProblem, stops: list[Stop], available: np.ndarray
    ) -> RoutingPlan:
        types = {int(t): i for i, t in enumerate(free_types(available))}
        previous = [(types[t], places) for t, places in self.previous if t in types]
        start = warm_start(previous, stops)
        if start is not None:
            try:
                check_plan(problem, start)
            except InfeasiblePlan:
                start = None
        began = wallclock.perf_counter()
        plan = self.policy.solve(problem, start)
        self.records.solver_seconds += wallclock.perf_counter() - began
        self.records.waves += 1
        check_plan(problem, plan)  # a plug-in policy may not break the fleet's limits
        return plan

    # ------------------------------------------------------------------ vehicles

    def _drive(
        self, vehicle: int, route: Route, stops: list[Stop], problem: RoutingProblem
    ) -> Generator[simpy.Event, Any, None]:
        start = self.env.now
        arrivals = route_arrivals(problem, route) / HOURS_PER_DAY  # days; last: back home
        path = np.asarray((0, *route.stops, 0))
        leg_km = problem.distance[path[:-1], path[1:]]
        duration_h = arrivals[-1] * HOURS_PER_DAY
        if self.until_failure[vehicle] < duration_h:
            breakdown = self.until_failure[vehicle] / HOURS_PER_DAY
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
            self._rescue(vehicle, trip, route, delivered, problem)
            elapsed = self.env.now - start
            done_km = leg_km[:delivered].sum()
            self._record(vehicle, route, stops, start, elapsed, done_km, delivered, broken=True)
            return
        del self.on_board[trip]
        self.until_failure[vehicle] -= duration_h
        self._record(vehicle, route, stops, start, arrivals[-1], leg_km.sum(), delivered, False)
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

    def _break(self, driver: simpy.Process, after: float) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(after)
        driver.interrupt("breakdown")

    def _rescue(
        self, vehicle: int, trip: int, route: Route, delivered: int, problem: RoutingProblem
    ) -> None:
        """Goods on board go back to the depot and are re-planned; the vehicle is repaired."""
        last = route.stops[delivered - 1] if delivered else 0
        back = problem.hours(route.vehicle)[last, 0] / HOURS_PER_DAY
        self.env.process(self._return_goods(trip, back))
        self.env.process(self._repair(vehicle))

    def _return_goods(self, trip: int, after: float) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(after)
        now = self.env.now
        self.waiting += [replace(c, ready=now) for c in self.on_board.pop(trip)]
        self.wave()

    def _repair(self, vehicle: int) -> Generator[simpy.Event, Any, None]:
        rng = self._repair_rng[vehicle]
        spec = self.fleet.spec.vehicles[self.vtype[vehicle]]
        yield self.env.timeout(float(spec.repair_time.sample(rng, 1)[0]))
        self.until_failure[vehicle] = self._next_failure(vehicle)
        self.idle[vehicle] = True

    def _next_failure(self, vehicle: int) -> float:
        """Operating hours until the vehicle's next breakdown (inf if it never breaks)."""
        mtbf = self.fleet.spec.vehicles[self.vtype[vehicle]].mtbf
        if mtbf is None:
            return np.inf
        return float(self._failure_rng[vehicle].exponential(mtbf * HOURS_PER_DAY))

    def _record(
        self,
        vehicle: int,
        route: Route,
        stops: list[Stop],
        start: float,
        days: float,
        km: float,
        delivered: int,
        broken: bool,
    ) -> None:
        fleet, t = self.fleet, int(self.vtype[vehicle])
        day = int(start + _EPS)
        first_today = self.last_day[vehicle] != day
        self.last_day[vehicle] = day
        hours = days * HOURS_PER_DAY
        load = np.sum([s.load for s in stops], axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(np.isfinite(fleet.capacity[t]), load / fleet.capacity[t], 0.0)
        self.records.routes.append(
            fleet=fleet.index,
            vehicle=vehicle,
            vehicle_type=t,
            day=day,
            start=start,
            hours=hours,
            km=km,
            stops=delivered,
            units=sum(s.units for s in stops[:delivered]),
            load_factor=float(share.max()),
            cost=fleet.fixed_cost[t] * first_today
            + fleet.cost_per_km[t] * km
            + fleet.cost_per_hour[t] * hours,
            co2=fleet.co2_per_km[t] * km,
            first_today=first_today,
            shift_hours=fleet.shift_hours[t],
            broken=broken,
        )


def _ordinal(types: np.ndarray) -> list[int]:
    """Number of each vehicle within its type: 0, 1, ... per type."""
    seen: dict[int, int] = {}
    out = []
    for t in types.tolist():
        out.append(seen.get(t, 0))
        seen[t] = out[-1] + 1
    return out
