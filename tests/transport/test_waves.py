"""Building a wave: stops that fit a vehicle, urgency when the fleet is short, warm starts."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.transport.consignment import Consignment
from simulator.transport.shipment import Shipment
from simulator.transport.waves import Stop, fitting_share, make_stops, most_urgent, warm_start


def consignment(place: int, units: float, due: float = 1.0) -> Consignment:
    stock = Shipment(
        np.asarray([0, 1]), np.asarray([units / 2, units / 2]), None, np.ones(2, bool), 0.0, 0.0
    )
    return Consignment(
        place=place,
        load=np.asarray([units, units / 10]),
        cold=False,
        ready=0.0,
        due=due,
        day=0,
        stock=stock,
        line_ids=np.asarray([0, 1]),
    )


def test_fitting_share_is_the_binding_dimension() -> None:
    assert fitting_share(np.asarray([10.0, 1.0]), np.asarray([5.0, 10.0])) == 0.5
    assert fitting_share(np.asarray([10.0, 4.0]), np.asarray([50.0, 1.0])) == 0.25
    assert fitting_share(np.asarray([0.0, 1.0]), np.asarray([0.0, 2.0])) == 1.0


def test_large_consignments_split_into_full_stops_and_conserve_units() -> None:
    capacity = np.asarray([40.0, np.inf])
    stops = make_stops([consignment(1, 100.0), consignment(1, 10.0, due=0.5)], capacity)
    loads = [s.load[0] for s in stops]
    assert loads == pytest.approx([40.0, 40.0, 30.0])  # the urgent 10 ride first
    assert stops[0].consignments[0].due == 0.5
    units = sum(c.stock.qty.sum() for s in stops for c in s.consignments if c.stock)
    assert units == pytest.approx(110.0)
    assert all(s.place == 1 for s in stops)


def test_a_short_fleet_is_offered_the_most_urgent_stops() -> None:
    stops = [
        Stop(1, (consignment(1, 5.0, due=3.0),), np.asarray([5.0, 0.5])),
        Stop(2, (consignment(2, 5.0, due=1.0),), np.asarray([5.0, 0.5])),
        Stop(3, (consignment(3, 5.0, due=2.0),), np.asarray([5.0, 0.5])),
    ]
    offered, later = most_urgent(stops, np.asarray([10.0, np.inf]))
    assert [s.place for s in offered] == [2, 3]
    assert [s.place for s in later] == [1]


def test_warm_start_maps_yesterdays_places_onto_todays_stops() -> None:
    stops = [Stop(p, (consignment(p, 1.0),), np.asarray([1.0, 0.1])) for p in (4, 2, 7, 2)]
    plan = warm_start([(0, (2, 9, 4)), (1, (2, 2, 7))], stops)
    assert plan is not None
    assert [r.stops for r in plan.routes] == [(2, 1), (4, 3)]
    assert plan.unassigned == ()
    assert warm_start([(0, (9,))], stops) is None
