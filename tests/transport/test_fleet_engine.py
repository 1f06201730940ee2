"""Fleets in the simulation: hand-computed last-mile OTIF and fleet KPIs, replenishment by
vehicles, and breakdowns that re-plan without losing a unit.

The last-mile case: an online shop at x = 0 with one van (20 km/h, 20 units) and a nearest-
neighbour router, dispatching at 6h. Zone "near" at x = 10 and zone "far" at x = 100 each
order a constant 5 units a day, promised within 10 hours. The van reaches "near" at 6.5h (on
time) and "far" at 11h (one hour late), and is back at 16h after 200 km.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from policies.routing import Route, RoutingProblem, VehicleType
from simulator import Simulation, load_scenario, run
from simulator.scenario import ScenarioError, scenario_from_data
from simulator.transport.breakdowns import stranded

DAYS = 10


def van(**extra: Any) -> dict[str, Any]:
    return {
        "id": "van",
        "count": 1,
        "capacity": {"units": 20},
        "speed": 20,
        "fixed_cost": 50,
        "cost_per_km": 0.5,
        "cost_per_hour": 10,
        "co2_per_km": 0.25,
        **extra,
    }


SHIPPED_LAST_MILE = Path(__file__).resolve().parents[2] / "scenarios" / "fleet" / "last_mile.yaml"


def last_mile(**fleet: Any) -> dict[str, Any]:
    return {
        "name": "last-mile",
        "horizon": DAYS,
        "products": [{"id": "box", "unit_cost": 1, "price": 2}],
        "nodes": [
            {"id": "maker", "kind": "supplier", "location": {"x": 0, "y": -50}},
            {
                "id": "web",
                "kind": "ecommerce",
                "location": {"x": 0, "y": 0},
                "inventory": {"policy": {"type": "base_stock", "S": 1000}, "initial": 1000},
                "delivery": {"promise": "10h", "lead_time": 0},
            },
        ],
        "lanes": [{"from": "maker", "to": "web", "lead_time": 1}],
        "demand": [
            {"id": "near", "node": "web", "daily": 5, "location": {"x": 10, "y": 0}},
            {"id": "far", "node": "web", "daily": 5, "location": {"x": 100, "y": 0}},
        ],
        "fleets": [
            {
                "depot": "web",
                "vehicles": [van()],
                "dispatch": {"times": ["6h"]},
                "routing": {"type": "nearest_neighbour"},
                **fleet,
            }
        ],
    }


def kpi(result: Any, metric: str, scope: str = "network", id: str = "network") -> float:
    return result.kpi(metric, scope, id)


def test_last_mile_otif_and_fleet_kpis_match_the_hand_computation() -> None:
    result = run(scenario_from_data(last_mile()))
    assert kpi(result, "otif") == pytest.approx(0.5)  # "near" every day, "far" never
    assert kpi(result, "otif", "zone", "near") == pytest.approx(1.0)
    assert kpi(result, "otif", "zone", "far") == 0.0
    assert kpi(result, "fill_rate") == pytest.approx(1.0)  # in full, but not on time
    assert kpi(result, "on_time_delivery_rate", "node", "web") == pytest.approx(0.5)
    assert kpi(result, "lateness_p50") == pytest.approx(1.0)
    assert kpi(result, "lateness_max") == pytest.approx(1.0)
    assert kpi(result, "km_driven") == pytest.approx(200.0 * DAYS)
    assert kpi(result, "vehicle_days") == DAYS
    assert kpi(result, "load_factor") == pytest.approx(0.5)
    assert kpi(result, "time_utilisation") == pytest.approx(10 / 24)
    route_cost = 50 + 0.5 * 200 + 10 * 10
    assert kpi(result, "fleet_cost") == pytest.approx(route_cost * DAYS)
    assert kpi(result, "transport_cost_per_unit") == pytest.approx(route_cost / 10)
    assert kpi(result, "transport_cost_per_stop") == pytest.approx(route_cost / 2)
    assert kpi(result, "co2_kg") == pytest.approx(0.25 * 200 * DAYS)
    # The fleet's cost is part of the depot's transport cost.
    assert kpi(result, "transport_cost", "node", "web") == pytest.approx(route_cost * DAYS)
    assert result.provenance()["routing_waves"] == {"solved": DAYS, "reused": 0}


def test_a_full_vehicle_leaves_the_rest_for_the_next_wave() -> None:
    """A 6-unit van takes one zone's 5 units a wave; the other waits, so a backlog of
    deliveries builds up and nothing is lost."""
    result = run(scenario_from_data(last_mile(vehicles=[van(capacity={"units": 6})])))
    delivered = result.records.deliveries.column("units").sum()
    assert 0 < delivered < 10 * DAYS
    assert kpi(result, "routes") == DAYS
    assert kpi(result, "otif") < 0.5
    assert kpi(result, "units_sold") == pytest.approx(10 * DAYS)  # sold at once, delivered later


def test_a_breakdown_replans_the_goods_on_board_and_loses_nothing() -> None:
    """Two vans; the cheap one breaks down within minutes of leaving, so its goods come back
    and go out again on the other, late. Every unit sold is delivered or still on its way."""
    fragile = van(id="fragile", mtbf="5m", repair_time=0.3)
    solid = van(id="solid", cost_per_km=5.0)  # dearer, so the router prefers the fragile van
    simulation = Simulation(scenario_from_data(last_mile(vehicles=[fragile, solid])))
    result = simulation.run()
    routes = result.records.routes.as_dict()
    assert routes["broken"].any() and (~routes["broken"]).any()
    assert kpi(result, "breakdowns") == routes["broken"].sum()
    deliveries = result.records.deliveries.as_dict()
    assert (deliveries["time"] > deliveries["due"] + 1e-9).any()  # re-planned goods are late
    pending = sum(c.units for c in simulation.fleets[0].pending())
    assert deliveries["units"].sum() + pending == pytest.approx(kpi(result, "units_sold"))
    assert deliveries["units"].sum() > 0


def dc_fleet() -> dict[str, Any]:
    """A DC whose two trucks deliver six shops around it, dispatching at 4h."""
    return {
        "name": "dc-fleet",
        "horizon": 30.3,  # ends while vans are out: some goods are still on their way
        "products": [
            {"id": "a", "unit_cost": 1, "price": 2},
            {"id": "b", "unit_cost": 1, "price": 2, "volume": 0.5},
        ],
        "nodes": [
            {"id": "maker", "kind": "supplier", "location": {"x": 0, "y": -50}},
            {
                "id": "dc",
                "kind": "warehouse",
                "location": {"x": 0, "y": 0},
                "inventory": {"policy": {"type": "base_stock", "S": 400}, "initial": 400},
            },
            *(
                {
                    "id": f"shop-{i}",
                    "kind": "retailer",
                    "location": {"x": 10 * np.cos(i), "y": 10 * np.sin(i)},
                    "inventory": {"policy": {"type": "base_stock", "S": 30}, "initial": 30},
                }
                for i in range(6)
            ),
        ],
        "lanes": [
            {"from": "maker", "to": "dc", "lead_time": 2},
            *({"from": "dc", "to": f"shop-{i}", "lead_time": 1} for i in range(6)),
        ],
        "demand": [
            {"id": f"z{i}", "node": f"shop-{i}", "daily": {"dist": "poisson", "mean": 6}}
            for i in range(6)
        ],
        "fleets": [
            {
                "depot": "dc",
                "vehicles": [
                    {
                        "id": "truck",
                        "count": 2,
                        "capacity": {"units": 60, "volume": 30},
                        "speed": 40,
                    }
                ],
                "dispatch": {"times": ["4h"]},
                "stop_time": "15m",
            }
        ],
    }


def test_fleet_lanes_deliver_stock_and_units_are_conserved() -> None:
    result = run(scenario_from_data(dc_fleet()))
    audit = result.audit()
    assert np.allclose(audit["imbalance"], 0.0, atol=1e-6)
    # Shipped onto the fleet = received + still at the depot or on a van.
    assert np.allclose(audit["transit_imbalance"].dropna(), 0.0, atol=1e-6)
    assert kpi(result, "fill_rate") > 0.8
    routes = result.records.routes.as_dict()
    assert (routes["load_factor"] <= 1 + 1e-9).all()
    assert kpi(result, "on_time_delivery_rate", "node", "dc") > 0.9
    # Lines close when delivered: shipped at the end of day d (instant d + 1), routed at 4h
    # and delivered within the hour or so a 40 km/h van needs, received at once.
    cycle = kpi(result, "order_cycle_time_mean", "node", "shop-0")
    assert 4 / 24 < cycle < 0.5


def test_fleet_checks_name_the_field() -> None:
    data = last_mile()
    data["lanes"][0]["cost_per_unit"] = 1.0
    data["fleets"].append({"depot": "maker", "vehicles": [van()]})
    data["products"][0]["cold_chain"] = True
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data(data)
    text = str(caught.value)
    assert "lanes[0].cost_per_unit" in text and "drives this lane" in text
    assert "fleets[0].vehicles" in text and "cold_chain: true" in text


def test_latlon_coordinates_with_circuity() -> None:
    data = last_mile()
    data["geography"] = {"coordinates": "latlon", "circuity": 1.25}
    for place in (*data["nodes"], *data["demand"]):
        x, y = place["location"]["x"], place["location"]["y"]
        place["location"] = {"lat": 50 + y / 111.195, "lon": 4 + x / 111.195}
    with pytest.raises(ScenarioError, match="give lat and lon"):
        bad = last_mile()
        bad["geography"] = {"coordinates": "latlon"}
        scenario_from_data(bad)
    result = run(scenario_from_data(data))
    # Along a parallel at 50 degrees, a degree of longitude is cos(50) x 111.195 km.
    expected = 200.0 * np.cos(np.radians(50.0)) * 1.25
    assert kpi(result, "km_driven") / DAYS == pytest.approx(expected, rel=1e-3)


def test_a_road_matrix_replaces_computed_distances(tmp_path: Any) -> None:
    roads = "from,to,km,hours\nweb,near,30,2\nnear,far,90,\nfar,web,100,\n"
    (tmp_path / "roads.csv").write_text(roads)
    data = last_mile()
    data["geography"] = {"matrix": "roads.csv"}
    result = run(scenario_from_data(data, source=tmp_path / "scenario.yaml"))
    assert kpi(result, "km_driven") == pytest.approx(220.0 * DAYS)
    # near: 2 hours by the matrix, far: 90 km at 20 km/h later, back 100 km: 11.5 h a day.
    assert kpi(result, "time_utilisation") == pytest.approx((2 + 4.5 + 5) / 24)


def test_a_bad_matrix_is_reported_with_its_line(tmp_path: Any) -> None:
    (tmp_path / "roads.csv").write_text("from,to,km\nweb,near,-3\n")
    data = last_mile()
    data["geography"] = {"matrix": "roads.csv"}
    with pytest.raises(ScenarioError, match=r"roads.csv:2: km: expected a number >= 0"):
        scenario_from_data(data, source=tmp_path / "scenario.yaml")


def test_event_path_orders_ride_the_fleet() -> None:
    data = last_mile()
    for zone in data["demand"]:
        del zone["daily"]
        zone["orders"] = {"rate": 4.0, "size": 1}
    simulation = Simulation(scenario_from_data(data))
    result = simulation.run()
    delivered = result.records.deliveries.column("units").sum()
    pending = sum(c.units for c in simulation.fleets[0].pending())
    assert delivered > 0
    assert delivered + pending == pytest.approx(kpi(result, "units_sold"))
    # Orders placed after the 6h wave wait for the next day's: always more than 10 hours.
    assert 0.0 < kpi(result, "otif") < 1.0


def test_a_broken_route_counts_the_km_to_the_breakdown_and_back() -> None:
    """The van breaks down 3 hours out: "near" delivered after 0.5 h, then 2.5 of the 4.5
    hours to "far", at x = 60. It drove 60 km, and the goods come back 60 km, in 3 hours."""
    simulation = Simulation(scenario_from_data(last_mile(vehicles=[van(mtbf="1000d")])))
    simulation.fleets[0].wear.until_failure[0] = 3.0  # hours on routes until the breakdown
    result = simulation.run()
    first = {k: v[0] for k, v in result.records.routes.as_dict().items()}
    assert first["broken"]
    assert first["km"] == pytest.approx(120.0)
    assert first["hours"] == pytest.approx(6.0)
    assert first["cost"] == pytest.approx(50 + 0.5 * 120 + 10 * 6)
    assert first["stops"] == 1


def test_stranded_at_a_stop_drives_back_from_it() -> None:
    problem = RoutingProblem(
        distance=np.asarray([[0.0, 10.0, 100.0], [10.0, 0.0, 90.0], [100.0, 90.0, 0.0]]),
        demand=np.zeros((3, 1)),
        service=np.asarray([0.0, 1.0, 1.0]),
        vehicles=(VehicleType("van", np.asarray([10.0]), 1, speed=20.0),),
    )
    route = Route(0, (1, 2))
    # At "near" from 0.5 h to 1.5 h (service), at "far" from 6 h to 7 h, back at 12 h.
    assert stranded(problem, route, 0, 0.25) == pytest.approx((5.0, 5.0, 0.25))
    assert stranded(problem, route, 1, 1.0) == pytest.approx((10.0, 10.0, 0.5))
    assert stranded(problem, route, 1, 3.75) == pytest.approx((55.0, 55.0, 2.75))
    assert stranded(problem, route, 2, 8.0) == pytest.approx((120.0, 80.0, 4.0))


def test_a_fleet_pays_for_its_home_deliveries_without_parcel_costs() -> None:
    data = last_mile()
    data["nodes"][1]["delivery"]["cost_per_parcel"] = 2.0
    result = run(scenario_from_data(data))
    assert kpi(result, "delivery_cost") == 0.0
    assert kpi(result, "transport_cost", "node", "web") == pytest.approx(kpi(result, "fleet_cost"))
    del data["fleets"]
    carrier = run(scenario_from_data(data))  # a carrier delivers: 10 parcels a day at 2
    assert kpi(carrier, "delivery_cost") == pytest.approx(2.0 * 10 * DAYS)


def test_time_utilisation_counts_a_shift_for_each_route_of_the_day() -> None:
    """A 6-unit van takes "near" (1 hour) at 6h and "far" (10 hours) at 18h; the shift is 10
    hours, so each day offers 20. On the last day "far" is still on the road at the end."""
    data = last_mile(vehicles=[van(capacity={"units": 6}, shift="10h")])
    data["fleets"][0]["dispatch"] = {"times": ["6h", "18h"]}
    result = run(scenario_from_data(data))
    routes = result.records.routes.as_dict()
    assert len(routes["hours"]) == 2 * DAYS - 1
    assert kpi(result, "vehicle_days") == DAYS
    hours = (DAYS - 1) * 11.0 + 1.0
    assert kpi(result, "time_utilisation") == pytest.approx(hours / ((DAYS - 1) * 20.0 + 10.0))


def test_goods_larger_than_every_vehicle_wait_instead_of_splitting_forever() -> None:
    """A drink of 1e12 m³ fits no van even in part: its parcels wait at the depot (the run
    ends), while the other goods are delivered as usual."""
    data = load_scenario(SHIPPED_LAST_MILE).to_dict()
    normal = Simulation(scenario_from_data(data), days=20)
    normal.run()
    next(p for p in data["products"] if p["id"] == "drinks")["volume"] = 1e12
    huge = Simulation(scenario_from_data(data), days=20)
    result = huge.run()
    assert result.records.deliveries.as_dict()["units"].sum() > 0  # the rest still goes out
    waiting = sum(c.units for c in huge.fleets[0].pending())
    assert waiting > sum(c.units for c in normal.fleets[0].pending()) + 10
