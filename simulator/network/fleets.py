"""Compile each depot's fleet: its vehicle types as arrays, the places it drives to, and the
road distances between them, computed once per scenario and reused by every dispatch wave."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from simulator.network.demand import DemandStreams
from simulator.network.geography import Geography
from simulator.network.topology import Topology
from simulator.scenario.errors import Problem, ScenarioError
from simulator.scenario.models import Scenario
from simulator.scenario.transport import Fleet

LOAD_DIMENSIONS = ("units", "volume", "weight")

HOURS_PER_DAY = 24.0


@dataclass(frozen=True)
class CompiledFleet:
    """One depot's vehicles and geography, as arrays.

    Places are the depot (index 0), then the nodes its lanes reach, then the customer zones it
    delivers to at home. Loads have the dimensions some vehicle type bounds.
    """

    index: int
    depot: int  # node index
    places: tuple[str, ...]
    node_place: np.ndarray  # per node: its place index, -1 if the fleet does not drive there
    zone_place: np.ndarray  # per customer zone: its place index, -1 if not delivered
    km: np.ndarray  # (places, places) road km
    hours: np.ndarray  # (places, places) driving hours, NaN where speed decides
    dimensions: tuple[str, ...]
    sku_load: np.ndarray  # (SKUs, dimensions): load of one unit
    type_ids: tuple[str, ...]
    capacity: np.ndarray  # (types, dimensions), inf where unbounded
    count: np.ndarray  # vehicles per type
    speed: np.ndarray  # km/h
    shift_hours: np.ndarray  # inf for no limit
    fixed_cost: np.ndarray
    cost_per_km: np.ndarray
    cost_per_hour: np.ndarray
    co2_per_km: np.ndarray
    cold: np.ndarray  # bool: refrigerated
    spec: Fleet

    @property
    def routing(self) -> BaseModel:
        return self.spec.routing

    @property
    def n_vehicles(self) -> int:
        return int(self.count.sum())

    def round_trip_hours(self) -> np.ndarray:
        """(types, places): hours from the depot to each place, one stop there, and back."""
        km = self.km[0, :] + self.km[:, 0]
        driving = self.hours[0, :] + self.hours[:, 0]
        by_speed = km[None, :] / self.speed[:, None]
        hours = np.where(np.isnan(driving)[None, :], by_speed, driving[None, :])
        return hours + HOURS_PER_DAY * self.spec.stop_time

    def reachable(self) -> np.ndarray:
        """(types, places): whether a vehicle of each type can serve each place alone within
        its shift."""
        return self.round_trip_hours() <= self.shift_hours[:, None] + 1e-9

    @property
    def vehicle_type(self) -> np.ndarray:
        """Type index of each vehicle, vehicles numbered type by type."""
        return np.repeat(np.arange(len(self.count)), self.count)


def compile_fleets(
    scenario: Scenario, topology: Topology, demand: DemandStreams, geography: Geography
) -> tuple[CompiledFleet, ...]:
    """Each fleet of the scenario, in file order.

    Raises:
        ScenarioError: When a place the fleet drives to has neither a location nor matrix
            entries (found only now, with the matrix file read).
    """
    node_index = {n: i for i, n in enumerate(topology.node_ids)}
    products = scenario.products
    fleets = []
    problems: list[Problem] = []
    for f, fleet in enumerate(scenario.fleets):
        depot = node_index[fleet.depot]
        lanes = np.flatnonzero(topology.lane_origin == depot)
        reached = list(dict.fromkeys(int(topology.lane_destination[k]) for k in lanes))
        stream_node = topology.pos_node[demand.stream_pos]
        zones = sorted(set(demand.stream_zone[stream_node == depot].tolist()))
        if topology.node_delivery[depot] is None:
            zones = []  # only an e-commerce node delivers to customers' homes
        places = (fleet.depot, *(topology.node_ids[n] for n in reached))
        places += tuple(demand.zone_ids[z] for z in zones)
        try:
            km, hours = geography.road(places)
        except KeyError as exc:
            where = str(scenario.source) if scenario.source else None
            problems.append(Problem(where, None, ("fleets", f), str(exc.args[0])))
            continue
        node_place = np.full(len(topology.node_ids), -1, dtype=np.int64)
        node_place[depot] = 0
        node_place[reached] = np.arange(1, len(reached) + 1)
        zone_place = np.full(len(demand.zone_ids), -1, dtype=np.int64)
        zone_place[zones] = np.arange(len(reached) + 1, len(places))
        vehicles = fleet.vehicles
        dims = tuple(
            d for d in LOAD_DIMENSIONS if any(getattr(v.capacity, d) is not None for v in vehicles)
        )
        fleets.append(
            CompiledFleet(
                index=f,
                depot=depot,
                places=places,
                node_place=node_place,
                zone_place=zone_place,
                km=km,
                hours=hours,
                dimensions=dims,
                sku_load=np.asarray(
                    [[1.0 if d == "units" else getattr(p, d) for d in dims] for p in products]
                ),
                type_ids=tuple(v.id for v in vehicles),
                capacity=np.asarray(
                    [[getattr(v.capacity, d) or np.inf for d in dims] for v in vehicles]
                ),
                count=np.asarray([v.count for v in vehicles], dtype=np.int64),
                speed=np.asarray([v.speed for v in vehicles]),
                shift_hours=np.asarray(
                    [v.shift * HOURS_PER_DAY if v.shift else np.inf for v in vehicles]
                ),
                fixed_cost=np.asarray([v.fixed_cost for v in vehicles]),
                cost_per_km=np.asarray([v.cost_per_km for v in vehicles]),
                cost_per_hour=np.asarray([v.cost_per_hour for v in vehicles]),
                co2_per_km=np.asarray([v.co2_per_km for v in vehicles]),
                cold=np.asarray([v.cold_chain for v in vehicles], dtype=bool),
                spec=fleet,
            )
        )
        out_of_reach = ~fleets[-1].reachable().any(axis=0)
        for place in np.flatnonzero(out_of_reach):
            where = str(scenario.source) if scenario.source else None
            hours = fleets[-1].round_trip_hours()[:, place].min()
            problems.append(
                Problem(
                    where,
                    None,
                    ("fleets", f),
                    f"no vehicle of the fleet at {fleet.depot!r} can reach "
                    f"{places[place]!r} and come back within its shift (the round trip "
                    f"takes {hours:.1f} h at best)",
                )
            )
    if problems:
        raise ScenarioError(problems)
    return tuple(fleets)


def lane_fleet(topology: Topology, fleets: tuple[CompiledFleet, ...]) -> np.ndarray:
    """Per lane: the index of the fleet that drives it, -1 for a carrier lane."""
    out = np.full(len(topology.lane_ids), -1, dtype=np.int64)
    for fleet in fleets:
        out[topology.lane_origin == fleet.depot] = fleet.index
    return out
