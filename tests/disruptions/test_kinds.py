"""Each disruption kind on tiny networks whose numbers are derived by hand.

Demand is constant and lead times are constant unless a case says otherwise, so every number
follows from the engine's daily timing (simulator/engine.py): day ``d`` runs at time ``d`` —
start the disruptions due and take the day's conditions, receive shipments due, serve customers
— and its orders and shipments leave at its end, time ``d + 1``, under day ``d``'s conditions
(a supplier's or a facility's capacity of the day). A shipment's transit follows its lane's speed
over time (simulator/disruptions/timeline.py); on the daily path it is usable from the first
daily step at or after its arrival. Windows are ``[start, start + duration)``.

With a base-stock policy a position orders, every day, exactly what its customers asked of it
that day (what it sold, where unmet demand is lost), whatever its stock: the cases rely on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from simulator import Result, ScenarioError, Simulation, load_scenario, run
from simulator.cli import app
from simulator.disruptions.kinds.weather import Region
from simulator.disruptions.weather import region_nodes
from simulator.network import Network, compile_network
from simulator.scenario import scenario_from_data
from simulator.scenario.errors import format_path

Data = dict[str, Any]


# --------------------------------------------------------------------------- networks


def when(start: float, duration: float) -> Data:
    return {"start": start, "duration": duration}


def shops(
    *disruptions: Data,
    skus: tuple[str, ...] = ("w",),
    S: float = 25,
    daily: Any = 5,
    unmet: str = "backorder",
    horizon: int = 12,
    seed: int = 0,
) -> Data:
    """An outside supplier "sup" at (0, 0) feeds shop "a" at (100, 0) over lane "to-a" and shop
    "b" at (0, 100) over lane "to-b", both of lead time 2. Zone "north" buys at a, "south" at
    b, ``daily`` units a day of each SKU; each shop holds S of each SKU at first, and orders up
    to S. SKU "milk" (if listed) keeps 100 days.

    Undisturbed, a shop's stock at the end of days 0, 1, 2, ... is S - 5, S - 10, S - 15, then
    S - 15 every day: its order of day d (5 units) leaves at d + 1 and is received on day d + 3.
    """
    products = [
        {"id": s, "unit_cost": 1, "price": 2, **({"shelf_life": 100} if s == "milk" else {})}
        for s in skus
    ]
    stock = {"policy": {"type": "base_stock", "S": S}, "initial": S}
    return {
        "name": "two-shops",
        "horizon": horizon,
        "seed": seed,
        "products": products,
        "nodes": [
            {"id": "sup", "kind": "supplier", "location": {"x": 0, "y": 0}},
            {"id": "a", "kind": "retailer", "location": {"x": 100, "y": 0}, "inventory": stock},
            {"id": "b", "kind": "retailer", "location": {"x": 0, "y": 100}, "inventory": stock},
        ],
        "lanes": [
            {"id": "to-a", "from": "sup", "to": "a", "lead_time": 2},
            {"id": "to-b", "from": "sup", "to": "b", "lead_time": 2},
        ],
        "demand": [
            {"id": "north", "node": "a", "daily": daily, "unmet": unmet},
            {"id": "south", "node": "b", "daily": daily, "unmet": unmet},
        ],
        "disruptions": list(disruptions),
    }


def chain(*disruptions: Data) -> Data:
    """Supplier "sup" -> warehouse "dc" (lane "in") -> shop (lane "out"), lead times 1, 10
    days. The dc holds 100 (order-up-to 100), the shop 40 (up to 40); the shop's customers ask
    for 10 a day and leave if it has nothing. Undisturbed, the shop sells and orders 10 a day and
    ends each day from day 1 with 20; the dc ships the shop's line of day d at d + 1."""
    return {
        "name": "chain",
        "horizon": 10,
        "seed": 0,
        "products": [{"id": "w", "unit_cost": 1, "price": 2}],
        "nodes": [
            {"id": "sup", "kind": "supplier"},
            {
                "id": "dc",
                "kind": "warehouse",
                "inventory": {"policy": {"type": "base_stock", "S": 100}, "initial": 100},
            },
            {
                "id": "shop",
                "kind": "retailer",
                "inventory": {"policy": {"type": "base_stock", "S": 40}, "initial": 40},
            },
        ],
        "lanes": [
            {"id": "in", "from": "sup", "to": "dc", "lead_time": 1},
            {"id": "out", "from": "dc", "to": "shop", "lead_time": 1},
        ],
        "demand": [{"id": "town", "node": "shop", "daily": 10, "unmet": "lost"}],
        "disruptions": list(disruptions),
    }


def factory(*disruptions: Data) -> Data:
    """A plant making up to 10 units a day with a production lead time of 1 day, holding 60
    (up to 60), feeds a shop holding 30 (up to 30) over lane "out" of lead time 1; customers
    ask for 8 a day. Undisturbed, the plant starts a batch of 8 every day (what the shop
    ordered of it), leaving at d + 1."""
    return {
        "name": "factory",
        "horizon": 14,
        "seed": 0,
        "products": [{"id": "w", "unit_cost": 1, "price": 2}],
        "nodes": [
            {
                "id": "plant",
                "kind": "plant",
                "production": {"capacity": 10, "lead_time": 1},
                "inventory": {"policy": {"type": "base_stock", "S": 60}, "initial": 60},
            },
            {
                "id": "shop",
                "kind": "retailer",
                "inventory": {"policy": {"type": "base_stock", "S": 30}, "initial": 30},
            },
        ],
        "lanes": [{"id": "out", "from": "plant", "to": "shop", "lead_time": 1}],
        "demand": [{"id": "town", "node": "shop", "daily": 8}],
        "disruptions": list(disruptions),
    }


def simulate(data: Data) -> Result:
    return run(scenario_from_data(data))


def shipments(result: Result, lane: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Departure times, units and arrival times of the shipments on ``lane`` (a lane id, or a
    plant's id for its production batches), by departure."""
    topo = result.network.topology
    rows = result.records.shipments.as_dict()
    key = topo.lane_ids.index(lane) if lane in topo.lane_ids else -1 - topo.node_ids.index(lane)
    mine = rows["lane"] == key
    order = np.argsort(rows["time"][mine], kind="stable")
    left, units, arrival = (rows[c][mine][order] for c in ("time", "units", "arrival"))
    return left, units, arrival


def cycles(result: Result, node: str, sku: str = "w") -> np.ndarray:
    """Cycle times of the node's order lines for the SKU, by the day they were placed."""
    lines = result.records.order_lines.as_dict()
    mine = lines["position"] == result.network.topology.position_of(node, sku)
    return lines["cycle"][mine][np.argsort(lines["day"][mine], kind="stable")]


def node_column(result: Result, table: np.ndarray, node: str) -> np.ndarray:
    return table[:, result.network.topology.node_ids.index(node)]


def stream(net: Network, zone: str, sku: str = "w") -> int:
    """The demand stream of a zone and SKU."""
    dem, topo = net.demand, net.topology
    hits = (dem.stream_zone == dem.zone_ids.index(zone)) & (
        dem.stream_sku == topo.sku_ids.index(sku)
    )
    return int(np.flatnonzero(hits)[0])


def assert_balanced(result: Result) -> None:
    audit = result.audit()
    assert np.allclose(audit.imbalance, 0.0, atol=1e-9), audit
    assert np.allclose(audit.transit_imbalance.dropna(), 0.0, atol=1e-9), audit


# --------------------------------------------------------------------------- transport_delay


def closed(lanes: list[str], start: float, duration: float) -> Data:
    return {
        "id": "closure",
        "type": "transport_delay",
        "lanes": lanes,
        "closed": True,
        "when": when(start, duration),
    }


def test_a_closed_lane_delays_exactly_the_shipments_that_needed_it_by_the_overlap() -> None:
    # Lane to-a closed on [4, 7). Each shop's line of day d (5 units) leaves at d + 1.
    #   leaves 1: there at 3, before the closure;  leaves 2: there at 4, as it closes.
    #   leaves 3: 1 day on the lane, stopped for 3 days, 1 more day: there at 8 (3 late).
    #   leaves 4, 5, 6: waits until 7, then 2 days: there at 9 (3, 2 and 1 day late).
    #   leaves 7 and later: unaffected. The last two leave too late to arrive within the
    #   horizon (see test_a_disruption_outside_the_horizon_changes_no_shipment).
    result = simulate(shops(closed(["to-a"], 4, 3)))
    left, units, arrival = shipments(result, "to-a")
    assert list(left[:10]) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert list(units) == [5] * 12
    assert list(arrival[:10]) == [3, 4, 8, 9, 9, 9, 9, 10, 11, 12]
    # Lines are placed at d + 1 and close when their shipment is received: 2 days plus delay.
    assert list(cycles(result, "a")[:10]) == [2, 2, 5, 5, 4, 3, 2, 2, 2, 2]
    # The other lane is untouched.
    left_b, _, arrival_b = shipments(result, "to-b")
    assert list(arrival_b[:10] - left_b[:10]) == [2] * 10
    assert list(cycles(result, "b")[:10]) == [2] * 10


def test_a_lane_named_by_its_ends_is_the_same_lane() -> None:
    by_id = simulate(shops(closed(["to-a"], 4, 3)))
    by_ends = simulate(shops(closed(["sup->a"], 4, 3)))
    assert list(shipments(by_ends, "to-a")[2]) == list(shipments(by_id, "to-a")[2])


def test_lead_time_factor_two_halves_the_speed_inside_the_window_pro_rata() -> None:
    # Lane to-a at half speed on [4, 7); a shipment needs 2 days at full speed.
    #   leaves 3: 1 day done by 4, the last day at half speed takes 2: there at 6.
    #   leaves 4: [4, 7) at half speed does 1.5, the last 0.5 at full speed: there at 7.5.
    #   leaves 5: [5, 7) does 1, then 1 more: 8.   leaves 6: [6, 7) does 0.5, then 1.5: 8.5.
    slow = {"id": "works", "type": "transport_delay", "lanes": ["to-a"], "lead_time_factor": 2}
    result = simulate(shops({**slow, "when": when(4, 3)}))
    left, _, arrival = shipments(result, "to-a")
    assert list(arrival[:10]) == [3, 4, 6, 7.5, 8, 8.5, 9, 10, 11, 12]
    # Received at their exact times: the cycle times are the transit times.
    assert list(cycles(result, "a")[:10]) == [2, 2, 3, 3.5, 3, 2.5, 2, 2, 2, 2]
    assert list(shipments(result, "to-b")[2][:10] - left[:10]) == [2] * 10


def test_a_disruption_outside_the_horizon_changes_no_shipment() -> None:
    # A closure after the horizon changes nothing: the last shipment (leaving at 12, 2 days)
    # arrives at 14, as without the disruption, and its line's cycle time is 2 days.
    plain = simulate(shops())
    late = simulate(shops(closed(["to-a"], 40, 3)))
    assert list(shipments(late, "to-a")[2]) == list(shipments(plain, "to-a")[2])
    assert list(cycles(late, "a")) == list(cycles(plain, "a"))


# --------------------------------------------------------------------------- weather


def test_a_region_by_names_or_by_circle_selects_its_nodes() -> None:
    net = compile_network(scenario_from_data(shops()))
    ids = net.topology.node_ids

    def names(**region: Any) -> set[str]:
        return {ids[i] for i in region_nodes(Region(**region), net)}

    assert names(nodes=["a", "sup"]) == {"a", "sup"}
    assert names(centre={"x": 90, "y": 0}, radius_km=15) == {"a"}
    # b at (0, 100) and a at (100, 0) are both exactly 100 km from the supplier: included.
    assert names(centre={"x": 0, "y": 0}, radius_km=100) == {"sup", "a", "b"}
    assert names(centre={"x": 0, "y": 0}, radius_km=99.9) == {"sup"}
    assert names(centre={"x": 500, "y": 500}, radius_km=10) == set()


def storm(region: Data, start: float, duration: float, **extra: Any) -> Data:
    return {
        "id": "storm",
        "type": "weather",
        "region": region,
        "when": when(start, duration),
        **extra,
    }


def test_a_storm_missing_every_node_changes_nothing() -> None:
    miss = storm({"centre": {"x": 500, "y": 500}, "radius_km": 10}, 4, 3)
    plain, stormy = simulate(shops()), simulate(shops(miss))
    assert np.array_equal(stormy.records.series_on_hand, plain.records.series_on_hand)
    assert list(shipments(stormy, "to-a")[2][:10]) == list(shipments(plain, "to-a")[2][:10])


def test_a_storm_closes_its_facilities_which_neither_sell_nor_receive() -> None:
    # A storm over a (a circle around it) on [4, 7) at full lane speed: a closes.
    # a sells nothing on days 4, 5 and 6: its customers wait (backorders 5, 10, 15).
    # Arrivals at a due at 4, 5, 6 (leaving 2, 3, 4) and 7 (leaving 5) are received at 7.
    # Day 7: 10 + 20 received, 15 backorders and 5 sold: 10 again. b never notices.
    region = {"centre": {"x": 100, "y": 0}, "radius_km": 10}
    result = simulate(shops(storm(region, 4, 3, speed=1.0)))
    rec = result.records
    assert list(node_column(result, rec.node_filled, "a")) == [5, 5, 5, 5, 0, 0, 0] + [5] * 5
    assert list(node_column(result, rec.node_filled, "b")) == [5] * 12
    a, b = (result.network.topology.position_of(n, "w") for n in "ab")
    assert list(rec.series_backlog[:, a]) == [0, 0, 0, 0, 5, 10, 15] + [0] * 5
    assert list(rec.series_on_hand[:, a]) == [20, 15] + [10] * 10
    assert list(shipments(result, "to-a")[2][:6]) == [3, 7, 7, 7, 7, 8]
    assert list(rec.series_on_hand[:, b]) == [20, 15] + [10] * 10


def test_a_storm_over_the_supplier_stops_its_shipments_until_it_reopens() -> None:
    # The supplier closed on [4, 7): the lines of days 4, 5 and 6 do not leave; day 7 sends
    # them with its own, 20 units a lane, at 8. The line of day 3 left at 4 on day 3's terms.
    result = simulate(shops(storm({"nodes": ["sup"]}, 4, 3, speed=1.0)))
    for lane in ("to-a", "to-b"):
        left, units, _ = shipments(result, lane)
        assert list(left[:6]) == [1, 2, 3, 4, 8, 9]
        assert list(units[:6]) == [5, 5, 5, 5, 20, 5]


def test_a_storm_slows_the_lanes_touching_its_region() -> None:
    # A storm over a at half speed that leaves facilities open: lane to-a as with
    # lead_time_factor 2 (see above), lane to-b untouched, and a sells every day.
    slow = storm({"nodes": ["a"]}, 4, 3, speed=0.5, close_facilities=False)
    result = simulate(shops(slow))
    assert list(shipments(result, "to-a")[2][:10]) == [3, 4, 6, 7.5, 8, 8.5, 9, 10, 11, 12]
    left, _, arrival = shipments(result, "to-b")
    assert list(arrival[:10] - left[:10]) == [2] * 10
    assert list(node_column(result, result.records.node_filled, "a")) == [5] * 12


# --------------------------------------------------------------------------- facility_outage


def outage(nodes: list[str], start: float, duration: float, **extra: Any) -> Data:
    return {
        "id": "outage",
        "type": "facility_outage",
        "nodes": nodes,
        "when": when(start, duration),
        **extra,
    }


def test_a_closed_warehouse_ships_and_receives_nothing_until_it_reopens() -> None:
    # dc closed on [3, 6). The shop's lines of days 3, 4, 5 wait; day 6 ships them with its
    # own: 40 units leaving at 7, received on day 8. Meanwhile the shop sells its 20 on days 5
    # and 6 and has nothing on day 7: it sells, hence orders, nothing that day (no shipment
    # at 8). Inbound arrivals due at 3, 4, 5 and 6 (leaving 2 to 5) are received at 6.
    result = simulate(chain(outage(["dc"], 3, 3)))
    left, units, _ = shipments(result, "out")
    assert list(left) == [1, 2, 3, 7, 9, 10]
    assert list(units) == [10, 10, 10, 40, 10, 10]
    assert list(shipments(result, "in")[2][:6]) == [2, 6, 6, 6, 6, 7]
    lost = node_column(result, result.records.node_lost, "shop")
    assert list(lost) == [0] * 7 + [10, 0, 0]
    assert_balanced(result)


def test_half_capacity_ships_half_of_the_open_lines_each_day() -> None:
    # dc at half capacity on [3, 6), with ample stock; the shop orders 10 a day (it never runs
    # out: its 20 cover the shortfall). Open lines to ship on day 3: 10 -> 5 (5 stay open);
    # day 4: 5 + 10 -> 7.5; day 5: 7.5 + 10 -> 8.75; day 6, open again: 8.75 + 10 = 18.75.
    result = simulate(chain(outage(["dc"], 3, 3, capacity=0.5)))
    left, units, _ = shipments(result, "out")
    assert list(left) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert list(units) == [10, 10, 10, 5, 7.5, 8.75, 18.75, 10, 10, 10]
    shop = node_column(result, result.records.node_filled, "shop")
    assert list(shop) == [10] * 10


def test_half_capacity_sells_half_of_what_customers_ask() -> None:
    # The shop at half capacity on [3, 6) with 20 in stock: it sells 5 of the 10 asked on
    # days 3, 4 and 5, and the other 5 are lost.
    result = simulate(chain(outage(["shop"], 3, 3, capacity=0.5)))
    rec = result.records
    assert list(node_column(result, rec.node_filled, "shop")) == [10, 10, 10, 5, 5, 5] + [10] * 4
    assert list(node_column(result, rec.node_lost, "shop")) == [0, 0, 0, 5, 5, 5] + [0] * 4


def test_a_short_handed_supplier_ships_half_of_the_open_lines_each_day() -> None:
    # The supplier at half capacity on [4, 7); shop a orders 5 a day. Open lines on day 4:
    # 5 -> 2.5; day 5: 2.5 + 5 -> 3.75; day 6: 3.75 + 5 -> 4.375; day 7: 4.375 + 5, all.
    result = simulate(shops(outage(["sup"], 4, 3, capacity=0.5)))
    assert list(shipments(result, "to-a")[1][:9]) == [5, 5, 5, 5, 2.5, 3.75, 4.375, 9.375, 5]


def test_on_the_event_path_a_warehouse_stops_shipping_the_moment_it_closes() -> None:
    # The shop's customers order 10 times a day (event path) and, with review-instant
    # placement, its lines to the dc ship as they are placed. The dc closes at 3.5 until 6:
    # nothing leaves it in between.
    data = chain(outage(["dc"], 3.5, 2.5))
    data["placement"] = "at_review"
    data["demand"][0] = {"id": "town", "node": "shop", "orders": {"rate": 10}, "unmet": "lost"}
    left = shipments(simulate(data), "out")[0]
    assert ((left > 3) & (left < 3.5)).any()
    assert not ((left >= 3.5) & (left < 6)).any(), left[(left >= 3.5) & (left < 6)]


@pytest.mark.parametrize(
    ("which", "hit"),
    [("all", {"w", "milk"}), ("perishable", {"milk"}), (["w"], {"w"})],
    ids=["all", "perishable", "listed"],
)
def test_destroy_removes_that_share_of_the_chosen_stock_at_the_start(
    which: Any, hit: set[str]
) -> None:
    # At the start of day 3 a holds 10 of each SKU (25 - 15): a quarter of the chosen stock,
    # 2.5 units each, is destroyed; day 3 then receives 5 and sells 5: 7.5 left.
    burn = outage(["a"], 3, 0, destroy=0.25, destroy_skus=which)
    sim = Simulation(scenario_from_data(shops(burn, skus=("w", "milk"))))
    result = sim.run()
    rec, topo = result.records, result.network.topology
    for node in "ab":
        for sku in ("w", "milk"):
            p = topo.position_of(node, sku)
            lost = 2.5 if node == "a" and sku in hit else 0.0
            assert rec.pos_destroyed[p] == lost, (node, sku)
            assert rec.total_removed[p] == lost, (node, sku)
            assert rec.series_on_hand[3, p] == 10 - lost, (node, sku)
    # The milk's lots lost the same share: they still hold exactly its stock.
    assert np.array_equal(
        sim.ledger.lots.on_hand()[sim.ledger.lots.positions],
        sim.ledger.on_hand[sim.ledger.lots.positions],
    )
    assert_balanced(result)


def test_stock_destroyed_during_the_warm_up_is_audited_but_not_a_kpi() -> None:
    data = shops(outage(["a"], 3, 0, destroy=0.5))
    result = simulate({**data, "warmup": 5})
    p = result.network.topology.position_of("a", "w")
    assert result.records.pos_destroyed[p] == 0
    assert result.records.total_removed[p] == 5
    assert_balanced(result)


# --------------------------------------------------------------------------- demand_shock


def shock(multiplier: float, start: float, duration: float, **filters: Any) -> Data:
    return {
        "id": "shock",
        "type": "demand_shock",
        "multiplier": multiplier,
        "when": when(start, duration),
        **filters,
    }


def daily_demand(data: Data) -> tuple[np.ndarray, Simulation]:
    """The drawn daily demand, (days, daily streams), of a fresh simulation."""
    sim = Simulation(scenario_from_data(data))
    return sim.customers.daily_demand.astype(np.float64), sim


POISSON = {"dist": "poisson", "mean": 5}


def test_a_shock_multiplies_exactly_its_stream_on_exactly_its_days() -> None:
    # x2 on zone north's w on [3, 7): the days 3-6 of that stream double; every other number
    # is the same draw as in the run without it (its own named stream, common random numbers).
    data = shops(skus=("w", "milk"), daily=POISSON, unmet="lost", horizon=10)
    base, _ = daily_demand(data)
    hit = shops(
        shock(2, 3, 4, zones=["north"], skus=["w"]),
        skus=("w", "milk"),
        daily=POISSON,
        unmet="lost",
        horizon=10,
    )
    shocked, sim = daily_demand(hit)
    dem = sim.net.demand
    column = list(dem.daily).index(stream(sim.net, "north", "w"))
    expected = base.copy()
    expected[3:7, column] *= 2
    assert base[3:7, column].sum() > 0  # the case tests something
    assert np.array_equal(shocked, expected)
    # The run counts the extra demand of that stream only.
    plain, rushed = simulate(data), simulate(hit)
    extra = np.zeros(dem.n_streams)
    extra[dem.daily[column]] = base[3:7, column].sum()
    assert np.array_equal(rushed.records.stream_demand, plain.records.stream_demand + extra)


def test_a_shock_on_one_channel_leaves_the_others_alone() -> None:
    data = shops(daily=POISSON, unmet="lost")
    data["demand"].append(
        {"id": "trade", "node": "a", "channel": "wholesale", "daily": POISSON, "unmet": "lost"}
    )
    base, sim = daily_demand(data)
    shocked, _ = daily_demand({**data, "disruptions": [shock(3, 2, 5, channels=["wholesale"])]})
    dem = sim.net.demand
    trade = dem.zone_ids.index("trade")
    column = int(np.flatnonzero(dem.stream_zone[dem.daily] == trade)[0])
    expected = base.copy()
    expected[2:7, column] *= 3
    assert np.array_equal(shocked, expected)


def test_overlapping_shocks_and_an_economic_shift_multiply() -> None:
    # x2 on north on [4, 8); an economic shift halves everyone's demand on [6, 10).
    # north: days 4, 5 x2; 6, 7 x1; 8, 9 x0.5.  south: days 6-9 x0.5.
    downturn = {"id": "downturn", "type": "economic_shift", "demand": 0.5, "when": when(6, 4)}
    data = shops(daily=POISSON, horizon=12)
    base, sim = daily_demand(data)
    both, _ = daily_demand({**data, "disruptions": [shock(2, 4, 4, zones=["north"]), downturn]})
    factors = np.ones((12, 1)) * np.ones(2)
    north = list(sim.net.demand.zone_ids).index("north")
    factors[4:6, north] = 2
    factors[8:10, north] = 0.5
    factors[6:10, 1 - north] = 0.5
    assert np.array_equal(both, base * factors)


def event_orders(multiplier: float, seed: int = 1) -> np.ndarray:
    """Order times of zone north (event path, 10 orders a day) over 40 days, with a shock of
    ``multiplier`` on [10, 20)."""
    data = shops(shock(multiplier, 10, 10, zones=["north"]), horizon=40, seed=seed)
    data["demand"][0] = {"id": "north", "node": "a", "orders": {"rate": 10}}
    result = simulate(data)
    orders = result.records.customer_orders.as_dict()
    return orders["time"][orders["stream"] == stream(result.network, "north")]


def test_a_zero_shock_stops_event_orders_exactly_in_its_window() -> None:
    times = event_orders(0.0)
    assert len(times) > 0
    assert not ((times >= 10) & (times < 20)).any()


def test_event_orders_arrive_at_the_shocked_rate() -> None:
    # Poisson counts: 30 days at 10 a day outside, 10 days at 30 a day inside; each count
    # within 4 standard deviations (sqrt of its mean) of its mean.
    times = event_orders(3.0)
    inside = int(((times >= 10) & (times < 20)).sum())
    outside = len(times) - inside
    for count, mean in ((inside, 10 * 30), (outside, 30 * 10)):
        assert abs(count - mean) <= 4 * math.sqrt(mean), (count, mean)


# --------------------------------------------------------------------------- supplier_shortage


def shortage(node: str, start: float, duration: float, **effect: Any) -> Data:
    return {
        "id": "shortage",
        "type": "supplier_shortage",
        "node": node,
        "when": when(start, duration),
        **effect,
    }


def test_a_supplier_capacity_caps_what_it_ships_each_day() -> None:
    # The supplier ships at most 6 units a day on days 4-6 (leaving 5, 6, 7); the two shops
    # order 10 a day together. Open: day 4: 10 -> 6 (4 open); day 5: 14 -> 6 (8); day 6:
    # 18 -> 6 (12); day 7: 22, all of it.
    result = simulate(shops(shortage("sup", 4, 3, capacity=6)))
    rows = result.records.shipments.as_dict()
    per_time = np.bincount(rows["time"].astype(int), weights=rows["units"])
    assert list(per_time[1:]) == [10, 10, 10, 10, 6, 6, 6, 22, 10, 10, 10, 10]


@pytest.mark.parametrize("effect", [{"capacity_share": 0.5}, {"capacity": 5}])
def test_a_plant_short_of_capacity_makes_less_and_catches_up(effect: Data) -> None:
    # The plant can make 5 a day (half of 10) on days 4-6, batches leaving at d + 1; it starts
    # 8 a day otherwise. Open: day 4: 8 -> 5 (3 open); day 5: 11 -> 5 (6); day 6: 14 -> 5 (9);
    # day 7: 17 -> 10 (7); day 8: 15 -> 10 (5); day 9: 13 -> 10 (3); day 10: 11 -> 10 (1);
    # day 11: 9.
    result = simulate(factory(shortage("plant", 4, 3, **effect)))
    left, units, _ = shipments(result, "plant")
    assert list(left) == list(range(1, 15))
    assert list(units) == [8, 8, 8, 8, 5, 5, 5, 10, 10, 10, 10, 9, 8, 8]


def test_a_slowed_plant_takes_longer_on_the_batches_it_starts_in_the_window() -> None:
    # Production lead time 1 day, three times longer for batches started on [4, 7).
    result = simulate(factory(shortage("plant", 4, 3, lead_time_factor=3)))
    left, _, arrival = shipments(result, "plant")
    assert list(left[:10]) == list(range(1, 11))
    assert list(arrival[:10] - left[:10]) == pytest.approx([1, 1, 1, 3, 3, 3, 1, 1, 1, 1])


def test_a_slowed_supplier_slows_its_lanes_pro_rata() -> None:
    # lead_time_factor 2 on the supplier on [4, 7): both its lanes at half speed, as in
    # test_lead_time_factor_two_halves_the_speed_inside_the_window_pro_rata.
    result = simulate(shops(shortage("sup", 4, 3, lead_time_factor=2)))
    for lane in ("to-a", "to-b"):
        assert list(shipments(result, lane)[2][:10]) == [3, 4, 6, 7.5, 8, 8.5, 9, 10, 11, 12]


# --------------------------------------------------------------------------- economic_shift


def test_the_cost_factors_are_recorded_on_the_window_days() -> None:
    # Fuel x1.5 and goods x0.8 on [3, 6); fuel x2 on [5, 8): they multiply on day 5.
    first = {"id": "fx", "type": "economic_shift", "transport_cost": 1.5, "goods_value": 0.8}
    second = {"id": "fuel", "type": "economic_shift", "transport_cost": 2.0}
    result = simulate(shops({**first, "when": when(3, 3)}, {**second, "when": when(5, 3)}))
    expected = np.ones((12, 2))
    expected[3:5] = [1.5, 0.8]
    expected[5] = [3.0, 0.8]
    expected[6:8] = [2.0, 1.0]
    assert np.array_equal(result.records.cost_factor, expected)
    # The costs follow: each shipment's cost times the fuel factor of its day, and each day's
    # end-of-day stock held at the goods factor of that day.
    plain = simulate(shops())
    ships = plain.records.shipments
    fuel = expected[ships.column("day"), 0]
    assert result.kpi("transport_cost") == pytest.approx((ships.column("cost") * fuel).sum())
    stock = plain.records.series_on_hand.sum(axis=1) * expected[:, 1]
    rate = plain.kpi("holding_cost") / plain.records.series_on_hand.sum()
    assert result.kpi("holding_cost") == pytest.approx(rate * stock.sum())


# --------------------------------------------------------------------------- customer_side


def customers(start: float, **change: Any) -> Data:
    return {"id": "customers", "type": "customer_side", "when": when(start, 0), **change}


def test_cancellations_remove_that_share_of_waiting_orders_as_lost_sales() -> None:
    # Both shops closed on [2, 6): each ends day 5 with 20 units backordered (5 a day). At the
    # start of day 6, 40 % of north's waiting orders are cancelled: 8 units, lost sales; the
    # other 12 and south's 20 are served late once the shops reopen.
    cancel = customers(6, cancel=0.4, zones=["north"])
    result = simulate(shops(outage(["a", "b"], 2, 4), cancel))
    rec = result.records
    north, south = stream(result.network, "north"), stream(result.network, "south")
    assert rec.stream_cancelled[north] == pytest.approx(8)
    assert rec.stream_lost[north] == pytest.approx(8)
    assert rec.stream_served_late[north] == pytest.approx(12)
    assert rec.stream_cancelled[south] == rec.stream_lost[south] == 0
    assert rec.stream_served_late[south] == 20


def test_returns_bring_back_that_share_of_the_last_days_sales_into_stock() -> None:
    # Each shop sells 5 a day. At the start of day 8, half of what north bought on days 5, 6
    # and 7 (the last 3 days), 7.5 units, comes back to a's shelf: a ends day 8 with
    # 10 + 7.5 (and orders 7.5 less that day).
    result = simulate(shops(customers(8, returns=0.5, returns_window=3, zones=["north"])))
    rec, topo = result.records, result.network.topology
    a, b = topo.position_of("a", "w"), topo.position_of("b", "w")
    assert rec.pos_returned[a] == rec.total_returned[a] == 7.5
    assert rec.pos_returned[b] == rec.total_returned[b] == 0
    assert rec.series_on_hand[8, a] == 17.5
    assert rec.series_on_hand[8, b] == 10
    assert_balanced(result)


def test_units_come_back_once_and_only_from_their_own_window() -> None:
    # North buys 5 a day. Day 8: half of days 5-7 comes back (7.5), leaving 2.5 of each of
    # those days returnable. Day 9, a 6-day window: half of days 3 and 4 (5), of what is left
    # of days 5-7 (3.75) and of day 8 (2.5): 11.25.
    first = {**customers(8, returns=0.5, returns_window=3, zones=["north"]), "id": "first"}
    second = {**customers(9, returns=0.5, returns_window=6, zones=["north"]), "id": "second"}
    result = simulate(shops(first, second))
    rec, a = result.records, result.network.topology.position_of("a", "w")
    assert rec.pos_returned[a] == rec.total_returned[a] == 7.5 + 11.25
    assert rec.series_on_hand[8, a] == 10 + 7.5
    assert_balanced(result)


def test_returns_not_restocked_are_counted_but_not_shelved() -> None:
    change = {"returns": 0.5, "returns_window": 3, "restock": False}
    result = simulate(shops(customers(8, **change)))
    rec, a = result.records, result.network.topology.position_of("a", "w")
    assert rec.pos_returned[a] == 7.5
    assert rec.total_returned[a] == 0
    assert rec.series_on_hand[8, a] == 10
    assert_balanced(result)


def test_returned_perishables_are_never_shelved_again() -> None:
    change = {"returns": 0.5, "returns_window": 3, "zones": ["north"]}
    result = simulate(shops(customers(8, **change), skus=("w", "milk")))
    rec, topo = result.records, result.network.topology
    w, milk = topo.position_of("a", "w"), topo.position_of("a", "milk")
    assert rec.pos_returned[w] == rec.pos_returned[milk] == 7.5
    assert (rec.total_returned[w], rec.total_returned[milk]) == (7.5, 0)
    assert (rec.series_on_hand[8, w], rec.series_on_hand[8, milk]) == (17.5, 10)
    assert_balanced(result)


# --------------------------------------------------------------------------- loading errors

GOOD = """\
name: disrupted
horizon: 30
products:
  - {id: w, unit_cost: 1, price: 2}
nodes:
  - {id: sup, kind: supplier}
  - id: plant
    kind: plant
    production: {lead_time: 1}
    inventory: {policy: {type: base_stock, S: 50}}
  - {id: dc, kind: warehouse, inventory: {policy: {type: base_stock, S: 40}}}
  - {id: store, kind: retailer, inventory: {policy: {type: base_stock, S: 10}}}
  - {id: outlet, kind: retailer, inventory: {policy: {type: base_stock, S: 10}}}
lanes:
  - {id: inbound, from: sup, to: dc, lead_time: 2}
  - {id: outbound, from: dc, to: store, lead_time: 1}
  - {id: direct, from: plant, to: outlet, lead_time: 1}
demand:
  - {id: buyers, node: store, daily: 3}
disruptions:
  - id: storm
    type: weather
    region: {nodes: [dc]}
    when: {start: 5, duration: 2}
  - id: jam
    type: transport_delay
    lanes: [dc->store]
    closed: true
    when: {every: 20, duration: 1}
  - id: rush
    type: demand_shock
    multiplier: 2
    zones: [buyers]
    skus: [w]
    when: {after: storm, probability: 0.5, duration: 3}
  - {id: late, type: supplier_shortage, node: sup, capacity: 1, when: {start: 5, duration: 2}}
  - id: fire
    type: facility_outage
    nodes: [store]
    destroy_skus: [w]
    when: {start: 9, duration: 1}
"""


@dataclass(frozen=True)
class Bad:
    """An edit of GOOD, and the problem it must give: on the line holding ``marker``."""

    old: str
    new: str
    marker: str
    path: str
    message: str

    def text(self) -> str:
        assert GOOD.count(self.old) == 1, self.old
        return GOOD.replace(self.old, self.new)


VANS = (
    "\n  - {id: vans, type: vehicle_breakdowns, fleet: dc, out_of_service: 0.5,"
    " when: {start: 1, duration: 1}}"
)
ERRORS = {
    "unknown-region-node": Bad(
        "nodes: [dc]}", "nodes: [dcx]}", "[dcx]", "disruptions[0].region.nodes[0]", "'dcx'"
    ),
    "unknown-lane": Bad(
        "[dc->store]", "[dc->outlet]", "outlet]", "disruptions[1].lanes[0]", "unknown lane"
    ),
    "unknown-zone": Bad(
        "[buyers]", "[sellers]", "sellers", "disruptions[2].zones[0]", "unknown zone 'sellers'"
    ),
    "unknown-sku": Bad(
        "    skus: [w]", "    skus: [x]", " skus: [x]", "disruptions[2].skus[0]", "unknown SKU"
    ),
    "unknown-outage-node": Bad(
        "nodes: [store]", "nodes: [shop]", "[shop]", "disruptions[4].nodes[0]", "'shop'"
    ),
    "unknown-destroyed-sku": Bad(
        "destroy_skus: [w]", "destroy_skus: [x]", "[x]", "disruptions[4].destroy_skus[0]", "SKU"
    ),
    "unknown-fleet": Bad(
        "when: {start: 9, duration: 1}",
        "when: {start: 9, duration: 1}" + VANS,
        "id: vans",
        "disruptions[5].fleet",
        "no fleet has depot 'dc'",
    ),
    "unknown-trigger": Bad(
        "after: storm,", "after: stormy,", "stormy", "disruptions[2].when.after", "'stormy'"
    ),
    "trigger-cycle": Bad(
        "when: {start: 5, duration: 2}\n  - id: jam",
        "when: {after: rush, duration: 2}\n  - id: jam",
        "after: rush",
        "disruptions[0].when.after",
        "triggers form a cycle",
    ),
    "trigger-of-itself": Bad(
        "when: {start: 5, duration: 2}\n  - id: jam",
        "when: {after: storm, duration: 2}\n  - id: jam",
        "after: storm, duration",
        "disruptions[0].when.after",
        "cannot follow itself",
    ),
    "share-without-capacity": Bad(
        "node: sup, capacity: 1,",
        "node: plant, capacity_share: 0.5,",
        "capacity_share",
        "disruptions[3].capacity_share",
        "needs a plant with a production capacity",
    ),
    "shortage-at-a-warehouse": Bad(
        "node: sup, capacity: 1,",
        "node: dc, capacity: 1,",
        "node: dc,",
        "disruptions[3].node",
        "hits a plant or a supplier",
    ),
}


def test_the_disrupted_base_text_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert [d.id for d in load_scenario(path).disruptions] == [
        "storm",
        "jam",
        "rush",
        "late",
        "fire",
    ]


@pytest.mark.parametrize("case", ERRORS.values(), ids=ERRORS.keys())
def test_a_bad_disruption_is_reported_at_its_file_line_and_field(tmp_path: Path, case: Bad) -> None:
    text = case.text()
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (line,) = [n for n, row in enumerate(text.splitlines(), 1) if case.marker in row]
    hits = [
        p
        for p in caught.value.problems
        if p.file == str(path) and p.line == line and format_path(p.path) == case.path
    ]
    assert hits, f"nothing at {line}: {case.path}; got:\n{caught.value}"
    assert any(case.message in p.message for p in hits), [p.message for p in hits]
    assert f"{path}:{line}: {case.path}: " in str(caught.value)


def test_validate_exits_2_on_a_bad_disruption(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(ERRORS["trigger-cycle"].text(), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}:" in result.stderr
    assert "disruptions[0].when.after: triggers form a cycle" in result.stderr
