"""What a vehicle's route cost and carried, as one row of the run's route records."""

from __future__ import annotations

import numpy as np

from simulator.network.fleets import HOURS_PER_DAY, CompiledFleet
from simulator.records import Records
from simulator.transport.waves import Stop


def record_route(
    records: Records,
    fleet: CompiledFleet,
    *,
    vehicle: int,
    stops: list[Stop],
    delivered: int,
    start: float,
    days: float,
    km: float,
    first_today: bool,
    broken: bool,
) -> None:
    """Record a route that left at ``start`` with ``stops`` on board, delivered the first
    ``delivered`` of them and took ``days`` and ``km`` (back at the depot, or broken down).

    Cost: the vehicle type's fixed cost on its first route of the day, plus its costs per km
    and per hour. The load factor is the fullest of the vehicle's capacity dimensions.
    """
    t = int(fleet.vehicle_type[vehicle])
    hours = days * HOURS_PER_DAY
    load = np.sum([s.load for s in stops], axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(np.isfinite(fleet.capacity[t]), load / fleet.capacity[t], 0.0)
    records.routes.append(
        fleet=fleet.index,
        vehicle=vehicle,
        vehicle_type=t,
        day=int(start + 1e-9),
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
