"""Disruptions of fleets: vehicles out of service, breakdowns more frequent, destinations
closed, and customers correcting their delivery address (on the hand-built fleets of
tests/transport/test_fleet_engine.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator import Simulation, run
from simulator.scenario import scenario_from_data
from simulator.transport.consignment import Consignment, HomeDelivery
from tests.transport.test_fleet_engine import dc_fleet, last_mile, van


def with_disruptions(data: dict[str, Any], *disruptions: dict[str, Any]) -> Any:
    return scenario_from_data({**data, "disruptions": list(disruptions)})


def route_days(result: Any) -> list[int]:
    return sorted(result.records.routes.column("day").tolist())


def test_a_fleet_out_of_service_drives_no_route_until_it_is_back() -> None:
    # One van, out of service on days 3 and 4: the day's goods wait, and from day 5 the van
    # takes what fits (20 units a wave, 10 arriving a day), so nothing is lost.
    strike = {
        "id": "out",
        "type": "vehicle_breakdowns",
        "fleet": "web",
        "out_of_service": 1.0,
        "when": {"start": 3, "duration": 2},
    }
    result = run(with_disruptions(last_mile(), strike))
    assert set(route_days(result)) == {0, 1, 2, 5, 6, 7, 8, 9}
    assert result.records.deliveries.column("units").sum() > 0


def test_half_of_two_vans_out_of_service_leaves_one() -> None:
    data = last_mile(vehicles=[van(count=2)], routing={"type": "direct"})
    half = {
        "id": "half",
        "type": "vehicle_breakdowns",
        "fleet": "web",
        "vehicle": "van",
        "out_of_service": 0.5,
        "when": {"start": 3, "duration": 2},
    }
    # Direct routing sends each zone its own van: two routes a day, one while half are out.
    per_day = np.bincount(route_days(run(with_disruptions(data, half))), minlength=10)
    assert per_day[[3, 4]].tolist() == [1, 1]
    assert (per_day[:3] == 2).all()


def test_breakdowns_twice_as_frequent_come_at_half_the_operating_hours() -> None:
    # Every route lasts 10 hours. Under one seed the van's first failure is drawn after X
    # operating hours, so it breaks on route floor(X / 10), which starts on that day. Wearing
    # twice as fast from day 0, it breaks after X / 2 hours: on day floor(X / 20), which is
    # floor(A / 2) for A = floor(X / 10).
    data = {**last_mile(vehicles=[van(mtbf="60h", repair_time=0.2)]), "horizon": 40, "seed": 3}
    wear = {
        "id": "wear",
        "type": "vehicle_breakdowns",
        "fleet": "web",
        "failure_factor": 2,
        "when": {"start": 0, "duration": 40},
    }

    def first_broken(scenario: Any) -> int:
        routes = run(scenario).records.routes.as_dict()
        return int(routes["day"][routes["broken"]].min())

    normal = first_broken(scenario_from_data(data))
    assert normal >= 2  # the drawn X is long enough for the comparison to mean something
    assert first_broken(with_disruptions(data, wear)) == normal // 2


def test_goods_for_a_closed_shop_wait_at_the_depot_until_it_reopens() -> None:
    data = dc_fleet()
    closed = {
        "id": "closed",
        "type": "facility_outage",
        "nodes": ["shop-0"],
        "when": {"start": 5, "duration": 3},
    }
    result = run(with_disruptions(data, closed))
    deliveries = result.records.deliveries.as_dict()
    shop = result.network.topology.node_ids.index("shop-0")
    times = deliveries["time"][deliveries["node"] == shop]
    assert not ((times >= 5) & (times < 8)).any()
    assert (times >= 8).any()
    audit = result.audit()
    assert np.allclose(audit["imbalance"], 0.0, atol=1e-6)


def test_address_changes_move_waiting_home_deliveries_to_other_zones() -> None:
    simulation = Simulation(scenario_from_data(last_mile()))
    fleet = simulation.fleets[0]
    near, far = (int(fleet.fleet.zone_place[z]) for z in (0, 1))

    def parcel(place: int) -> Consignment:
        home = HomeDelivery(np.array([0]), np.array([1.0]), np.array([1.0]))
        return Consignment(
            place=place, load=np.ones(1), cold=False, ready=0.0, due=1.0, day=0, home=home
        )

    fleet.waiting = [parcel(near), parcel(far), parcel(near)]
    fleet.redirect(0.0, np.random.default_rng(0))
    assert [c.place for c in fleet.waiting] == [near, far, near]
    fleet.redirect(1.0, np.random.default_rng(0))  # two zones: each moves to the other
    assert [c.place for c in fleet.waiting] == [far, near, far]
