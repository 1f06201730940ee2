"""Vehicle breakdowns: how far each vehicle is from its next failure, where a broken-down
vehicle stands, and how long its repair takes.

Wear is counted in operating hours on the road: a vehicle fails after an exponential number of
hours with its type's mean time between failures, sooner while a disruption multiplies the
failure rate. Each vehicle draws failures and repairs from its own named random streams, so
adding a vehicle does not change the others' breakdowns.
"""

from __future__ import annotations

import numpy as np

from policies.routing import Route, RoutingProblem, route_arrivals
from simulator.disruptions.timeline import Timeline
from simulator.network.fleets import HOURS_PER_DAY, CompiledFleet
from simulator.network.streams import RandomStreams


class Wear:
    """Each vehicle's operating hours until its next breakdown.

    Args:
        fleet: The compiled fleet.
        names: One name per vehicle; it names the vehicle's random streams.
        streams: Named random streams.
        timeline: The disruptions' conditions over time, if any.
    """

    def __init__(
        self,
        fleet: CompiledFleet,
        names: list[str],
        streams: RandomStreams,
        timeline: Timeline | None,
    ) -> None:
        self.fleet, self.timeline = fleet, timeline
        self._failure_rng = [streams.stream(f"breakdown/{name}") for name in names]
        self._repair_rng = [streams.stream(f"repair/{name}") for name in names]
        self.until_failure = np.asarray([self.next_failure(v) for v in range(len(names))])

    def rate(self, vehicle: int, now: float) -> float:
        """How fast the vehicle heads for its next breakdown: 1, or more while a disruption
        makes breakdowns more frequent (the rate at the route's start holds for the route)."""
        if self.timeline is None:
            return 1.0
        factor = self.timeline.at(now).failure_factor[self.fleet.index]
        return float(factor[self.fleet.vehicle_type[vehicle]])

    def next_failure(self, vehicle: int) -> float:
        """Operating hours until the vehicle's next breakdown (inf if it never breaks)."""
        mtbf = self.fleet.spec.vehicles[self.fleet.vehicle_type[vehicle]].mtbf
        if mtbf is None:
            return np.inf
        return float(self._failure_rng[vehicle].exponential(mtbf * HOURS_PER_DAY))

    def repair_days(self, vehicle: int) -> float:
        """A repair time for the vehicle, in days, drawn from its type's distribution."""
        spec = self.fleet.spec.vehicles[self.fleet.vehicle_type[vehicle]]
        return float(spec.repair_time.sample(self._repair_rng[vehicle], 1)[0])


def stranded(
    problem: RoutingProblem, route: Route, reached: int, hours: float
) -> tuple[float, float, float]:
    """Where a vehicle broke down ``hours`` after leaving on ``route``, with its first
    ``reached`` stops delivered: the km it had driven, and the km and hours back to the depot.

    On a leg it has covered the share of the leg's driving time that has passed, and its way
    back is the same mix of the two ends' ways back (exact on a straight road); at a stop it
    is at that stop.
    """
    path = np.asarray((0, *route.stops, 0))
    here, there = path[reached], path[reached + 1]
    left = problem.service[here] + (route_arrivals(problem, route)[reached - 1] if reached else 0)
    time, km = problem.hours(route.vehicle), problem.distance
    leg = time[here, there]
    share = float(np.clip((hours - left) / leg, 0.0, 1.0)) if leg > 0 else 0.0
    driven = km[path[:reached], path[1 : reached + 1]].sum() + share * km[here, there]
    back_km = (1 - share) * km[here, 0] + share * km[there, 0]
    back_hours = (1 - share) * time[here, 0] + share * time[there, 0]
    return float(driven), float(back_km), float(back_hours)
