"""The partner scorecard on a tiny deterministic network, derived by hand, and on the quickstart.

The tiny network: an external supplier feeds a distributor ("dist": base stock 40, 40 on hand),
which feeds two retailers over lanes of lead time 1. One SKU ("widget": unit cost 2, the
distributor's trade price 2.5, consumer price 5); each retailer's customers ask for a constant
5 units a day. "north" is well stocked (base stock
15, 15 on hand); "south" is under-stocked (base stock 15, 5 on hand) and its lane carries at
most 10 units a day. Timing as in tests/metrics/test_kpis_exact.py: a line ordered on day d
that ships at once arrives at the start of day d + 2, a cycle time of 1 day, the nominal one.

north sells 5 a day from stock (ending days with 10, then 5 units) and orders 5 a day, every
line on time. south, with backorders:
- day 0: sells its 5 units (shelf empty, nobody waiting) and orders 15; the lane carries 10,
  which arrive on day 2.
- day 1: backorders 5 and orders 5; the lane carries the other 5 of day 0's line and day 1's 5,
  which arrive on day 3: day 0's line takes 2 days (late), day 1's 1 day (on time).
- day 2: receives 10, serves the 5 backorders late, sells 5 from stock and orders 5.
- day 3 on: receives what it ordered two days before, sells 5, orders 5, ends with 5 on hand.
The distributor never runs short, and its own lines all arrive in 1 day.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from simulator import Result, load_scenario, run
from simulator.metrics.scorecard import PARTNER_KINDS, SCORECARD_DEFINITIONS, rank_partners
from simulator.scenario import scenario_from_data

QUICKSTART = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml"


def partners(*, warmup: int = 0, south_unmet: str = "backorder") -> Result:
    def inventory(S: float, initial: float) -> dict[str, Any]:
        return {"policy": {"type": "base_stock", "S": S}, "initial": initial, "order_cost": 1.0}

    data = {
        "name": "partners",
        "horizon": 10,
        "warmup": warmup,
        "seed": 0,
        "products": [
            {
                "id": "widget",
                "unit_cost": 2.0,
                "price": 5.0,
                "trade_prices": {"distributor": 2.5},
            }
        ],
        "nodes": [
            {"id": "supplier", "kind": "supplier"},
            {"id": "dist", "kind": "distributor", "inventory": inventory(40, 40)},
            {"id": "north", "kind": "retailer", "inventory": inventory(15, 15)},
            {"id": "south", "kind": "retailer", "inventory": inventory(15, 5)},
        ],
        "lanes": [
            {"from": "supplier", "to": "dist", "lead_time": 1},
            {"from": "dist", "to": "north", "lead_time": 1},
            {"from": "dist", "to": "south", "lead_time": 1, "capacity": 10},
        ],
        "demand": [
            {"id": "n-town", "node": "north", "daily": {"dist": "constant", "value": 5}},
            {
                "id": "s-town",
                "node": "south",
                "daily": {"dist": "constant", "value": 5},
                "unmet": south_unmet,
            },
        ],
    }
    return run(scenario_from_data(data))


def rows(result: Result) -> dict[str, dict[str, Any]]:
    card = result.scorecard()
    return {str(row["node"]): row for row in card.to_dict(orient="records")}


def assert_row(got: dict[str, Any], expected: dict[str, float]) -> None:
    for column, value in expected.items():
        assert got[column] == pytest.approx(value, rel=1e-12, nan_ok=True), column


def test_hand_derived_scorecard() -> None:
    result = partners()
    card = result.scorecard()
    assert list(card.node) == ["north", "south", "dist"]
    assert list(card.columns) == ["node", "kind", *SCORECARD_DEFINITIONS]
    got = rows(result)
    assert_row(
        got["north"],
        {
            "sales_units": 50,
            "revenue": 250,
            "gross_margin": 50 * (5 - 2.5),
            "fill_rate_given": 1.0,
            "fill_rate_received": 1.0,
            "on_time_delivery": 1.0,
            "stockout_days": 0,
            "rank": 1,
        },
    )
    # 10 lines: day 0's 15 units late, then 5 a day on time; 45 of 50 units sold from stock;
    # customers waited at the end of day 1 only (day 0 sold out exactly: not a stockout).
    assert_row(
        got["south"],
        {
            "sales_units": 50,
            "revenue": 250,
            "gross_margin": 50 * (5 - 2.5),
            "fill_rate_given": 45 / 50,
            "fill_rate_received": 45 / 60,
            "on_time_delivery": 9 / 10,
            "stockout_days": 1,
            "rank": 2,
        },
    )
    # No customers: it gave what its retailers received on time, 50 + 45 of 50 + 60 units.
    # It sells at its trade price and buys from the supplier at unit cost.
    assert_row(
        got["dist"],
        {
            "sales_units": 110,
            "revenue": 110 * 2.5,
            "gross_margin": 110 * (2.5 - 2),
            "fill_rate_given": 95 / 110,
            "fill_rate_received": 1.0,
            "on_time_delivery": 1.0,
            "stockout_days": np.nan,
            "rank": 3,
        },
    )


def test_figures_already_in_the_kpi_table_are_read_from_it() -> None:
    result = partners()
    for node, row in rows(result).items():
        assert row["inventory_turns"] == result.kpi("inventory_turns", "node", node)
    assert rows(result)["south"]["fill_rate_given"] == result.kpi("fill_rate", "node", "south")


def test_the_kpi_window_applies() -> None:
    # Without day 0: south's late line and its 5 units sold from stock on day 0 drop out, and
    # north and dist tie on fill rate (every unit on time): north's margin puts it first.
    got = rows(partners(warmup=1))
    assert_row(
        got["south"],
        {
            "sales_units": 45,
            "fill_rate_given": 40 / 45,
            "fill_rate_received": 1.0,
            "on_time_delivery": 1.0,
            "stockout_days": 1,
            "rank": 3,
        },
    )
    assert_row(got["dist"], {"sales_units": 95, "fill_rate_given": 1.0, "rank": 2})
    assert got["north"]["rank"] == 1


def test_a_day_with_a_lost_sale_is_a_stockout_day() -> None:
    # south now loses unmet demand. Day 0 sells out exactly; day 1 loses 5 and, with 15 units
    # on the way, orders nothing; day 2 receives 10. Lines: day 0's (late), days 2-9 (on time).
    # Only day 1 lost a sale: selling out exactly on day 0 is not a stockout.
    got = rows(partners(south_unmet="lost"))
    assert_row(
        got["south"],
        {
            "sales_units": 45,
            "fill_rate_given": 45 / 50,
            "fill_rate_received": 40 / 55,
            "on_time_delivery": 8 / 9,
            "stockout_days": 1,
        },
    )


def test_rank_by_fill_rate_then_margin_then_id() -> None:
    card = pd.DataFrame(
        {
            "node": ["a", "b", "c", "d", "e"],
            "fill_rate_given": [0.9, np.nan, 0.95, 0.9, 0.9],
            "gross_margin": [10.0, 99.0, 1.0, 20.0, 10.0],
        }
    )
    ranked = rank_partners(card)
    assert list(ranked.node) == ["c", "d", "a", "e", "b"]
    assert list(ranked["rank"]) == [1, 2, 3, 4, 5]


def test_quickstart_smoke() -> None:
    result = run(load_scenario(QUICKSTART), days=90)
    card = result.scorecard()
    topo = result.network.topology
    retailers = {
        n for n, kind in zip(topo.node_ids, topo.node_kind, strict=True) if kind == "retailer"
    }
    assert set(card.node) == retailers
    assert set(card.kind) <= set(PARTNER_KINDS)
    assert list(card["rank"]) == list(range(1, len(card) + 1))
    for column in ("fill_rate_given", "fill_rate_received", "on_time_delivery"):
        assert card[column].between(0, 1).all(), column
    assert card.revenue.sum() == pytest.approx(result.kpi("revenue"))
    assert (card.stockout_days <= result.records.kpi_days).all()


def test_split_lines_are_judged_by_their_own_lane_and_credit_their_supplier() -> None:
    # The store splits every line between two distributors, one 1 day away and one 3 days
    # away. Each part is on time by its own lane, and each distributor gets the credit.
    stock = {"policy": {"type": "base_stock", "S": 500}, "initial": 500}
    data = {
        "name": "split",
        "horizon": 20,
        "products": [
            {
                "id": "widget",
                "unit_cost": 2.0,
                "price": 5.0,
                "trade_prices": {"distributor": 2.5},
            }
        ],
        "nodes": [
            {"id": "supplier", "kind": "supplier"},
            {"id": "west", "kind": "distributor", "inventory": stock},
            {"id": "east", "kind": "distributor", "inventory": stock},
            {
                "id": "store",
                "kind": "retailer",
                "inventory": {"policy": {"type": "base_stock", "S": 40}, "initial": 40},
                "sourcing": {"rule": "split", "shares": {"west": 0.5, "east": 0.5}},
            },
        ],
        "lanes": [
            {"from": "supplier", "to": "west", "lead_time": 1},
            {"from": "supplier", "to": "east", "lead_time": 1},
            {"from": "west", "to": "store", "lead_time": 1},
            {"from": "east", "to": "store", "lead_time": 3},
        ],
        "demand": [{"id": "town", "node": "store", "daily": {"dist": "constant", "value": 10}}],
    }
    got = rows(run(scenario_from_data(data)))
    assert_row(got["store"], {"on_time_delivery": 1.0, "fill_rate_received": 1.0})
    for dc in ("west", "east"):
        assert got[dc]["sales_units"] == 100  # half of 10 a day for 20 days
        assert got[dc]["fill_rate_given"] == pytest.approx(1.0)
