"""Recalls and lot tracing: hand-computed cases on tiny deterministic networks.

The chain: plant -> dc -> store, one SKU "widget" recalled (and "gadget", never recalled, on
the same flows). Base stock everywhere, started full (initial = S), so every position orders
each day what it issued that day: 10 units, the store's constant demand. The plant makes in no
time (usable at the next step), both lanes take 1 day (a shipment of day d is usable on day
d + 2). Stock is issued oldest lot first. Lot k is what production makes on day k; "init" is
initial stock (plant 10, dc 40, store 30). Tracing lot k, k >= 0, through the days:

    day k      made at the end of the day (it leaves at time k + 1)
    day k + 1  at the plant, shipped on to the dc at once (the plant holds nothing overnight)
    day k + 3  at the dc, which holds 20 units overnight: lots k - 1 and k at the end of day k + 3
    day k + 5  the dc's oldest lot: shipped to the store
    day k + 7  at the store, which holds 10 units overnight: lot k at the end of day k + 7
    day k + 8  sold (all 10 units)

(init: the store sells it on days 0 to 7, 80 units = 10 + 40 + 30.) A recall acting at the
start of day 12 therefore finds, before that day's arrivals, lot k:
    k = 11       on its way from production to the plant (arrives day 12)
    k = 10, 9    on the lane plant -> dc (arriving days 13 and 12)
    k = 8, 7     in the dc's stock
    k = 6, 5     on the lane dc -> store (arriving days 13 and 12)
    k = 4        in the store's stock
    k = 3, 2     sold (days 11 and 10); earlier lots and init, sold too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from simulator import Result, Simulation
from simulator.scenario import scenario_from_data


def chain(*disruptions: dict[str, Any], warmup: float = 0.0) -> Simulation:
    def stocked(S: float) -> dict[str, Any]:
        return {"policy": {"type": "base_stock", "S": S}, "initial": S}

    data = {
        "name": "chain",
        "horizon": 20,
        "warmup": warmup,
        "seed": 0,
        "products": [
            {"id": "widget", "unit_cost": 2.0, "price": 5.0},
            {"id": "gadget", "unit_cost": 2.0, "price": 5.0},
        ],
        "nodes": [
            {
                "id": "plant",
                "kind": "plant",
                "production": {"lead_time": 0},
                "inventory": stocked(10),
            },
            {"id": "dc", "kind": "warehouse", "inventory": stocked(40)},
            {"id": "store", "kind": "retailer", "inventory": stocked(30)},
        ],
        "lanes": [
            {"from": "plant", "to": "dc", "lead_time": 1},
            {"from": "dc", "to": "store", "lead_time": 1},
        ],
        "demand": [{"id": "town", "node": "store", "daily": {"dist": "constant", "value": 10}}],
        "disruptions": list(disruptions),
    }
    return Simulation(scenario_from_data(data))


def recall(**changes: Any) -> dict[str, Any]:
    return {
        "id": "bad-batch",
        "type": "recall",
        "sku": "widget",
        "lots": {"from": 2, "to": 14},  # lots 12 to 14 are made after the recall: untouched
        "return_to": "dc",
        "return_rate": 0.5,
        "return_delay": 3,
        "cost_per_unit": 2.0,
        "fixed_cost": 100.0,
        "when": {"start": 12, "duration": 0},
        **changes,
    }


def steps(result: Result) -> pd.DataFrame:
    """The recall log, in order, with node names."""
    rows = pd.DataFrame(result.records.recalls.as_dict())
    rows["node"] = np.asarray(result.network.topology.node_ids)[rows.node]
    return rows


def log(result: Result) -> pd.DataFrame:
    """The recall log summed per (day, node): units and cost."""
    return steps(result).groupby(["day", "node"])[["quarantined", "returned", "cost"]].sum()


def assert_balanced(result: Result) -> None:
    audit = result.audit()
    assert np.abs(audit.imbalance).max() == pytest.approx(0.0, abs=1e-9)
    assert audit.transit_imbalance.iloc[-1] == pytest.approx(0.0, abs=1e-9)


@pytest.fixture(scope="module")
def result() -> Result:
    return chain(recall()).run()


def test_stock_of_the_recalled_lots_is_quarantined_at_once(result: Result) -> None:
    rows = steps(result)
    # The recall logs its fixed cost, then what it found in stock before the day's arrivals:
    # the store's lot 4 (10 units) and the dc's lots 7 and 8 (20 units), nothing at the plant.
    assert list(rows.loc[0, ["day", "node", "quarantined", "cost"]]) == [12, "dc", 0.0, 100.0]
    at_once = rows.iloc[1:3].set_index("node").quarantined.to_dict()
    assert at_once == {"store": 10.0, "dc": 20.0}


def test_units_in_transit_are_quarantined_when_they_arrive(result: Result) -> None:
    quarantined = log(result).quarantined
    # Day 12: the stock above (dc 20, store 10), then the arrivals: lot 11 at the plant, lot 9
    # at the dc, lot 5 at the store. Day 13: lot 10 at the dc, lot 6 at the store. Nothing
    # after: lots 12 to 14 are made after the recall started.
    expected = {
        (12, "plant"): 10.0,
        (12, "dc"): 30.0,
        (12, "store"): 20.0,
        (13, "dc"): 10.0,
        (13, "store"): 10.0,
    }
    assert quarantined[quarantined > 0].to_dict() == expected
    topo, rec = result.network.topology, result.records
    by_position = {
        node: rec.pos_quarantined[topo.position_of(node, "widget")]
        for node in ("plant", "dc", "store")
    }
    assert by_position == {"plant": 10.0, "dc": 40.0, "store": 30.0}  # lots 4 to 11
    assert rec.pos_quarantined[topo.pos_sku == topo.sku_ids.index("gadget")].sum() == 0.0


def test_sold_units_come_back_to_return_to_after_the_delay(result: Result) -> None:
    rows = steps(result)
    back = rows[rows.returned > 0]
    # Lots 2 and 3 were sold (20 units); half come back 3 days after day 12, to the dc.
    assert back[["time", "node", "returned"]].values.tolist() == [[15.0, "dc", 10.0]]


def test_recall_cost_and_the_audit(result: Result) -> None:
    # 100 fixed + 2 x (80 quarantined + 10 returned); per node: plant 2 x 10, store 2 x 30,
    # dc 2 x (40 + 10) + 100.
    assert result.kpi("recall_cost") == pytest.approx(280.0)
    assert result.kpi("recall_cost", "node", "plant") == pytest.approx(20.0)
    assert result.kpi("recall_cost", "node", "dc") == pytest.approx(200.0)
    assert result.kpi("recall_cost", "node", "store") == pytest.approx(60.0)
    assert result.kpi("recall_cost", "sku", "widget") == pytest.approx(280.0)
    assert result.kpi("recall_cost", "sku", "gadget") == 0.0
    without = chain().run()
    assert without.kpi("recall_cost") == 0.0
    assert_balanced(result)
    assert result.records.total_removed.sum() == pytest.approx(80.0)


def test_a_recall_before_the_warm_up_ends_costs_nothing() -> None:
    result = chain(recall(), warmup=16).run()
    assert result.kpi("recall_cost") == 0.0  # every step was on days 12 to 15
    assert result.records.pos_quarantined.sum() == 0.0
    assert result.records.total_removed.sum() == pytest.approx(80.0)


def test_initial_stock_is_lot_zero_of_no_known_source() -> None:
    # Lots 0 to 3 at day 12: all sold, with the 80 units of init; none in stock or in transit.
    everything = chain(recall(lots={"from": 0, "to": 3}, return_rate=1.0)).run()
    rows = everything.records.recalls.as_dict()
    assert rows["quarantined"].sum() == 0.0
    assert rows["returned"].sum() == pytest.approx(80.0 + 40.0)
    # From the plant only: its lots 0 to 3, not the initial stock.
    plant = chain(recall(lots={"from": 0, "to": 3}, return_rate=1.0, source="plant")).run()
    assert plant.records.recalls.column("returned").sum() == pytest.approx(40.0)


def test_a_recall_on_day_0_reaches_the_initial_stock() -> None:
    # At the start of day 0 init is all there is: 10 + 40 + 30 units, nothing sold yet. The
    # chain then refills from production, which is never affected.
    result = chain(recall(lots={"from": 0, "to": 5}, when={"start": 0, "duration": 0})).run()
    assert log(result).quarantined.sum() == pytest.approx(80.0)
    assert result.records.recalls.column("returned").sum() == 0.0
    assert_balanced(result)


def test_customer_returns_put_their_lots_back_on_the_shelf() -> None:
    """Customers bring back half of day 10's sales (lot 2) on day 11, before the recall.

    Day 11 at the store: 5 of lot 2 back, 10 of lot 3, 10 of lot 4 arriving; the oldest sell,
    so 5 of lot 2 and 5 of lot 3 go. The store orders only 5 (25 in stock and transit, S = 30),
    so the dc ships 5 of lot 6 and keeps 5 of lot 6 and lots 7, 8; it orders 5 as well, so the
    plant ships 5 of lot 10, keeps 5, and makes only 5 of lot 11.

    The recall on day 12 then quarantines: in stock, store 15 (5 of lot 3, 10 of lot 4), dc 25,
    plant 5; arriving on day 12, store 10 (lot 5), dc 10 (lot 9), plant 5 (lot 11); on day 13,
    store 5 (lot 6), dc 5 (lot 10). With customers: lot 2, 10 sold - 5 back + 5 sold again;
    lot 3, 5. Half of those 15 come back.
    """
    returns = {
        "id": "returns",
        "type": "customer_side",
        "returns": 0.5,
        "returns_window": 1,
        "when": {"start": 11, "duration": 0},
    }
    result = chain(returns, recall()).run()
    expected = {
        (12, "plant"): 5.0 + 5.0,
        (12, "dc"): 25.0 + 10.0,
        (12, "store"): 15.0 + 10.0,
        (13, "dc"): 5.0,
        (13, "store"): 5.0,
    }
    quarantined = log(result).quarantined
    assert quarantined[quarantined > 0].to_dict() == expected
    assert result.records.recalls.column("returned").sum() == pytest.approx(7.5)
    assert_balanced(result)


def fresh(*disruptions: dict[str, Any]) -> Simulation:
    """A shop buys milk (shelf life 3 days) from a dairy: base stock 20, started full, 5 sold
    a day, lead time 0 (usable the next day)."""
    data = {
        "name": "fresh",
        "horizon": 10,
        "seed": 0,
        "products": [{"id": "milk", "unit_cost": 1.0, "price": 2.0, "shelf_life": 3}],
        "nodes": [
            {"id": "dairy", "kind": "supplier"},
            {
                "id": "shop",
                "kind": "retailer",
                "inventory": {"policy": {"type": "base_stock", "S": 20}, "initial": 20},
            },
        ],
        "lanes": [{"from": "dairy", "to": "shop", "lead_time": 0}],
        "demand": [{"id": "town", "node": "shop", "daily": {"dist": "constant", "value": 5}}],
        "disruptions": list(disruptions),
    }
    return Simulation(scenario_from_data(data))


def test_a_perishable_recall_takes_the_lots_fefo_would_have_sold_later() -> None:
    """Lot k (bought on day k, leaving at time k + 1) expires on day k + 4; init on day 3.

    Stock after the day's sale and waste (a lot expiring by the next day is wasted):
        day 0: 15 init; order 5 (lot 0)       day 1: 10 init, 5 L0; order 5
        day 2: 5 init wasted; 5 L0, 5 L1;     order 10 (lot 2)
        day 3: 5 L1, 10 L2; order 5           day 4: 10 L2, 5 L3; order 5
        day 5: 5 L2 wasted; 5 L3, 5 L4;       order 10 (lot 5)
        day 6: 5 L4, 10 L5 (expiring days 8 and 9); order 5 (lot 6)
    The recall of lot 5 at the start of day 7 takes the 10 younger units, not the 5 older
    ones. Then day 7: 5 L6 arrive, 5 L4 sold (1 day left each), order 15; day 8: 15 L7 arrive,
    5 L6 sold (2 days left); day 9: 5 L8 arrive, 5 L7 sold (2 days left): 10 L7 and 5 L8 remain.

    Shelf life left at sale: 5 x (3 + 2 + 1) for init, 5 x 1 on days 3 to 7, 5 x 2 on days 8
    and 9: 75 unit-days. Taking the oldest 10 instead would sell lot 5 on day 7 (80).
    """
    sim = fresh(
        recall(
            sku="milk",
            lots={"from": 5, "to": 5},
            return_to="shop",
            when={"start": 7, "duration": 0},
        )
    )
    result = sim.run()
    rec = result.records
    assert rec.recalls.column("quarantined").tolist() == [0.0, 10.0]
    assert rec.recalls.column("day").tolist() == [7, 7]
    assert rec.total_wasted.sum() == pytest.approx(10.0)
    assert rec.pos_life_sold.sum() == pytest.approx(75.0)
    lots = sim.ledger.lots
    days = lots.first_day + np.arange(lots.horizon)
    left = dict(zip(days.tolist(), lots.units[0, days % lots.horizon].tolist(), strict=True))
    assert {day: units for day, units in left.items() if units} == {11: 10.0, 12: 5.0}
    assert sim.ledger.trace is not None
    assert sim.ledger.trace.book.stock.sum() == pytest.approx(15.0)
    assert_balanced(result)


def test_without_a_recall_nothing_is_traced() -> None:
    sim = chain()
    assert sim.ledger.trace is None
    result = sim.run()
    assert len(result.records.recalls) == 0
    traced = chain(recall())
    assert traced.ledger.trace is not None
    topo = traced.net.topology
    widget = np.flatnonzero(topo.pos_sku == topo.sku_ids.index("widget"))
    assert traced.ledger.trace.book.positions.tolist() == widget.tolist()


def fleet_network(**zone: Any) -> dict[str, Any]:
    """A dc buys from a supplier and feeds six shops by two small trucks (loads split across
    vehicles); random demand. Recall of every unit bought on days 5 to 15, on day 20."""
    return {
        "name": "dc-fleet",
        "horizon": 30,
        "seed": 5,
        "products": [{"id": "a", "unit_cost": 1, "price": 2}],
        "nodes": [
            {"id": "maker", "kind": "supplier", "location": {"x": 0, "y": -50}},
            {
                "id": "dc",
                "kind": "warehouse",
                "location": {"x": 0, "y": 0},
                "inventory": {"policy": {"type": "base_stock", "S": 300}, "initial": 300},
            },
            *(
                {
                    "id": f"shop-{i}",
                    "kind": "retailer",
                    "location": {"x": 10 * np.cos(i), "y": 10 * np.sin(i)},
                    "inventory": {"policy": {"type": "base_stock", "S": 40}, "initial": 30},
                }
                for i in range(6)
            ),
        ],
        "lanes": [
            {
                "from": "maker",
                "to": "dc",
                "lead_time": {"dist": "uniform_int", "low": 1, "high": 3},
            },
            *({"from": "dc", "to": f"shop-{i}", "lead_time": 1} for i in range(6)),
        ],
        "demand": [{"id": f"z{i}", "node": f"shop-{i}", **zone} for i in range(6)],
        "fleets": [
            {
                "depot": "dc",
                "vehicles": [{"id": "truck", "count": 2, "capacity": {"units": 45}, "speed": 40}],
                "dispatch": {"times": ["4h"]},
            }
        ],
        "disruptions": [
            recall(
                sku="a",
                lots={"from": 5, "to": 15},
                return_rate=1.0,
                return_delay=2,
                when={"start": 20, "duration": 0},
            )
        ],
    }


@pytest.mark.parametrize(
    "zone",
    [
        {"daily": {"dist": "poisson", "mean": 6}},
        {"orders": {"rate": 4, "size": {"dist": "uniform_int", "low": 1, "high": 3}}},
    ],
    ids=["daily", "event"],
)
def test_every_unit_of_the_recalled_lots_is_quarantined_or_returned(zone: dict[str, Any]) -> None:
    """On day 20 every unit bought on days 5 to 15 is in stock, on its way (arriving long
    before day 30, on a truck or not) or sold: with every sold unit back on day 22, quarantined
    + returned units are exactly the units bought in those days."""
    sim = Simulation(scenario_from_data(fleet_network(**zone)))
    result = sim.run()
    shipped = result.records.shipments.as_dict()
    inbound = shipped["lane"] == result.network.topology.lane_ids.index("maker->dc")
    in_range = inbound & (shipped["day"] >= 5) & (shipped["day"] <= 15)
    bought = shipped["units"][in_range].sum()
    assert bought > 0
    rows = result.records.recalls.as_dict()
    assert rows["quarantined"].sum() + rows["returned"].sum() == pytest.approx(bought)
    assert_balanced(result)
    assert sim.ledger.trace is not None
    held = sim.ledger.trace.book.stock.sum(axis=1)
    assert held == pytest.approx(sim.ledger.on_hand[sim.ledger.trace.book.positions])
