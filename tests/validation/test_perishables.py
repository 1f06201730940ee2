"""Perishable products: waste, shelf life at sale, cold chain and conservation with lots.

Every case but one is deterministic (constant demand) and its numbers are derived by hand from
the engine's conventions for perishables on the daily path:

- day ``d`` runs at time ``d``: shipments due arrive, customers are served first-expired-first-out
  (FEFO), then every lot with expiry day ``E <= d + 1`` is wasted (it could not be sold at the
  next daily step), then positions review and order;
- orders and shipments of day ``d`` leave at the end of the day, time ``d + 1``; on a lane with
  lead time ``L`` they are usable from the daily step ``ceil(d + 1 + L)``;
- a unit made (or bought from an outside supplier) at time ``t`` expires on day
  ``floor(t + shelf_life)``, and can be sold at any time before that day; bought units are made
  when they leave the supplier (``d + 1``); initial stock is made at time 0;
- lots shipped between stocking nodes keep their expiry days, and a lot that expires on the way
  is wasted at the receiving position when it arrives;
- ``shelf_life_at_sale`` averages ``E - d`` over the units sold on day ``d``.

The newsvendor case checks the waste, lost sales and fill rate of random (Poisson) demand against
their exact values, with the Student t interval of ``stats_ci`` over independent replications.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy.stats import poisson
from stats_ci import mean_ci

from simulator import Result, ScenarioError, run
from simulator.scenario import scenario_from_data

UNIT_COST = 2.0
DISPOSAL_COST = 0.5
CONFIDENCE = 0.999


# --------------------------------------------------------------------------- scenarios


def _milk(shelf_life: float, **extra: Any) -> dict[str, Any]:
    return {
        "id": "milk",
        "unit_cost": UNIT_COST,
        "price": 5.0,
        "shelf_life": shelf_life,
        "disposal_cost": DISPOSAL_COST,
        **extra,
    }


def _constant(value: float) -> dict[str, Any]:
    return {"dist": "constant", "value": value}


def _shop(
    policy: dict[str, Any],
    *,
    initial: float,
    demand: dict[str, Any],
    shelf_life: float,
    horizon: float,
    warmup: float = 0,
    seed: int = 0,
) -> dict[str, Any]:
    """An outside supplier feeding one shop over a lane of lead time 0; unmet demand is lost."""
    return {
        "name": "perishable-shop",
        "horizon": horizon,
        "warmup": warmup,
        "seed": seed,
        "products": [_milk(shelf_life)],
        "nodes": [
            {"id": "sup", "kind": "supplier"},
            {"id": "shop", "kind": "retailer", "inventory": {"policy": policy, "initial": initial}},
        ],
        "lanes": [{"from": "sup", "to": "shop", "lead_time": 0}],
        "demand": [{"id": "town", "node": "shop", "daily": demand, "unmet": "lost"}],
    }


def _chain(
    *,
    dc_level: float,
    shop_level: float,
    dc_initial: float,
    shop_initial: float,
    demand: float,
    shelf_life: float,
    horizon: float,
    warmup: float = 0,
) -> dict[str, Any]:
    """supplier -> dc (lead 1) -> shop (lead 1), daily base-stock reviews, lost sales."""

    def inventory(level: float, initial: float) -> dict[str, Any]:
        return {"policy": {"type": "base_stock", "S": level}, "initial": initial}

    return {
        "name": "perishable-chain",
        "horizon": horizon,
        "warmup": warmup,
        "products": [_milk(shelf_life)],
        "nodes": [
            {"id": "sup", "kind": "supplier"},
            {"id": "dc", "kind": "warehouse", "inventory": inventory(dc_level, dc_initial)},
            {"id": "shop", "kind": "retailer", "inventory": inventory(shop_level, shop_initial)},
        ],
        "lanes": [
            {"from": "sup", "to": "dc", "lead_time": 1},
            {"from": "dc", "to": "shop", "lead_time": 1},
        ],
        "demand": [{"id": "town", "node": "shop", "daily": _constant(demand), "unmet": "lost"}],
    }


def _kpis(result: Result, *metrics: str, scope: str = "network", id: str = "network") -> dict:
    return {m: result.kpi(m, scope, id) for m in metrics}


def _per_day(data: dict[str, Any], days: int) -> dict[str, np.ndarray]:
    """Day-by-day counters of a deterministic scenario, ``(days, positions)`` each.

    The run of horizon ``h`` is the first ``h`` days of any longer run, so the counters of day
    ``h - 1`` are the differences between the whole-run totals of horizons ``h`` and ``h - 1``.
    ``life`` is unit-days of shelf life left at sale; ``lost`` is per demand stream.
    """
    totals: dict[str, list[np.ndarray]] = {"wasted": [], "sold": [], "life": [], "lost": []}
    for h in range(1, days + 1):
        rec = run(scenario_from_data({**data, "horizon": h, "warmup": 0})).records
        totals["wasted"].append(rec.total_wasted.copy())
        totals["sold"].append(rec.pos_sold.copy())
        totals["life"].append(rec.pos_life_sold.copy())
        totals["lost"].append(rec.stream_lost.copy())
    return {
        name: np.diff(np.asarray(values), axis=0, prepend=np.zeros((1, len(values[0]))))
        for name, values in totals.items()
    }


# --------------------------------------------------------------------------- 1. newsvendor, exact


def _one_day_shelf_life(demand: float, horizon: int, warmup: int) -> Result:
    """Shelf life 1, base stock 10, 10 on hand, ``demand`` asked a day, lead time 0."""
    data = _shop(
        {"type": "base_stock", "S": 10},
        initial=10,
        demand=_constant(demand),
        shelf_life=1,
        horizon=horizon,
        warmup=warmup,
    )
    return run(scenario_from_data(data))


@pytest.mark.parametrize("warmup", [0, 5])
def test_one_day_shelf_life_wastes_what_is_left_each_day(warmup: int) -> None:
    """7 asked a day. The initial stock (made at 0) expires on day 1. Each day d the shop holds
    10 units expiring on day d + 1: it sells 7 of them with 1 day of life left, wastes the other
    3 that evening (E = d + 1 <= d + 1) and, its inventory position being 0, orders 10, bought
    at d + 1, which expire on day d + 2 and arrive at the step of day d + 1.
    """
    horizon = 20
    days = horizon - warmup
    result = _one_day_shelf_life(7, horizon, warmup)
    expected = {
        "waste_units": 3 * days,
        "waste_rate": 3 / 10,
        "waste_cost": 3 * days * (UNIT_COST + DISPOSAL_COST),
        "shelf_life_at_sale": 1.0,
        "lost_sales": 0.0,
        "fill_rate": 1.0,
        "units_sold": 7 * days,
        "demand": 7 * days,
    }
    assert _kpis(result, *expected) == pytest.approx(expected, rel=1e-12)
    rec = result.records
    assert rec.pos_wasted.tolist() == [3 * days]
    assert rec.total_wasted.tolist() == [3 * horizon]  # the whole run, warm-up included
    assert rec.pos_sold.tolist() == [7 * days]
    assert rec.pos_life_sold.tolist() == [7 * days]
    assert np.all(rec.series_on_hand == 0.0)  # sold or wasted by the end of every day


def test_one_day_shelf_life_under_stocked_loses_sales_and_wastes_nothing() -> None:
    """12 asked a day: the shop sells its 10 units (1 day left) and loses 2 every day."""
    horizon, warmup = 20, 5
    days = horizon - warmup
    result = _one_day_shelf_life(12, horizon, warmup)
    expected = {
        "waste_units": 0.0,
        "waste_rate": 0.0,
        "waste_cost": 0.0,
        "shelf_life_at_sale": 1.0,
        "lost_sales": 2 * days,
        "fill_rate": 10 / 12,
        "units_sold": 10 * days,
    }
    assert _kpis(result, *expected) == pytest.approx(expected, rel=1e-12)
    assert result.records.total_wasted.tolist() == [0.0]


# --------------------------------------------------------------------------- 2. periodic, FEFO

# Expected counters per day, derived in the docstring of the test: (sold, life, wasted, lost).
Pattern = dict[str, list[float]]


def _short_life_pattern(days: int) -> Pattern:
    """Shelf life 2, review every 3 days, S = 10, 4 asked a day, 4 on hand at the start."""
    out: Pattern = {"sold": [], "life": [], "wasted": [], "lost": []}
    for d in range(days):
        if d == 0:
            row = (4, 4 * 2, 0, 0)  # the initial lot, expiring on day 2
        elif d % 3 == 1:
            row = (4, 4 * 2, 0, 0)  # the day's delivery, expiring on day d + 2
        elif d % 3 == 2:
            row = (4, 4 * 1, 2, 0)  # its last day: 2 left over are wasted
        else:
            row = (0, 0, 0, 4)  # review day with an empty shelf
        for name, value in zip(out, row, strict=True):
            out[name].append(value)
    return out


def _overlapping_lots_pattern(days: int) -> Pattern:
    """Shelf life 4, review every 3 days, S = 10, 2 asked a day, nothing on hand at the start."""
    out: Pattern = {"sold": [], "life": [], "wasted": [], "lost": []}
    for d in range(days):
        if d == 0:
            row = (0, 0, 0, 2)
        elif d <= 3:
            row = (2, 2 * (5 - d), 0, 0)  # the first delivery, expiring on day 5
        else:
            life = {1: 1, 2: 3, 0: 2}[d % 3]
            row = (2, 2 * life, 2 if d % 6 == 4 else 0, 0)
        for name, value in zip(out, row, strict=True):
            out[name].append(value)
    return out


PERIODIC_CASES = {
    "life-2": (dict(shelf_life=2, demand=4, initial=4), _short_life_pattern),
    "life-4-fefo": (dict(shelf_life=4, demand=2, initial=0), _overlapping_lots_pattern),
}


@pytest.mark.parametrize("case", list(PERIODIC_CASES))
def test_periodic_review_waste_and_fefo_day_by_day(case: str) -> None:
    """Order-up-to S = 10 every 3 days (reviews on days 0, 3, 6, ...), lead time 0, lost sales.

    A review on day r orders 10 - (units left after the evening's expiry); they are bought at
    r + 1, arrive at the step of day r + 1 and expire on day r + 1 + shelf life.

    **life-2** (4 asked a day, 4 on hand expiring on day 2). Day 0 sells the initial lot (2 days
    left) and orders 10, expiring on day 3. A delivery arriving on day a = r + 1 sells 4 on day a
    (2 days left) and 4 on day a + 1 (1 day left); that evening E = a + 2 <= (a + 1) + 1, so the
    other 2 are wasted. On the review day a + 2 the shelf is empty: 4 sales are lost, and 10 more
    are ordered. Per 3-day cycle: 8 sold, 2 wasted, 4 lost, mean life at sale 12 / 8 = 1.5.

    **life-4-fefo** (2 asked a day, nothing on hand). Day 0 loses 2 and orders 10 (E = 5), sold
    on days 1, 2, 3 with 4, 3, 2 days left. The review of day 3 finds 4 units (E = 5) and orders
    6 (E = 8). Day 4 holds both lots; FEFO sells the 2 older units (1 day left) and the other 2
    older ones expire that evening (5 <= 4 + 1): 2 wasted. Days 5 and 6 sell from E = 8 (3 and
    2 days left); the review of day 6 finds 2 (E = 8) and orders 8 (E = 11). Day 7 sells the last
    2 older units (1 day left): nothing is wasted. Days 8 and 9 sell from E = 11; the review of
    day 9 finds 4 units and orders 6, as on day 3. So from day 4 on the days of a cycle sell 2
    units with 1, 3 and 2 days left, and 2 units are wasted every other cycle (days 4, 10, 16,
    ...). Taking the newest units first would have wasted 4 units on day 4, not 2.
    """
    params, pattern = PERIODIC_CASES[case]
    days = 16
    data = _shop(
        {"type": "RS", "review_period": 3, "S": 10},
        initial=params["initial"],
        demand=_constant(params["demand"]),
        shelf_life=params["shelf_life"],
        horizon=days,
    )
    expected = pattern(days)
    got = _per_day(data, days)
    for name, values in expected.items():
        np.testing.assert_array_equal(got[name][:, 0], values, err_msg=name)

    # The KPIs of one run over a window that starts on day 3.
    warmup = 3
    result = run(scenario_from_data({**data, "warmup": warmup}))
    sold = sum(expected["sold"][warmup:])
    wasted = sum(expected["wasted"][warmup:])
    assert _kpis(
        result, "waste_units", "waste_rate", "shelf_life_at_sale", "lost_sales", "units_sold"
    ) == pytest.approx(
        {
            "waste_units": wasted,
            "waste_rate": wasted / (wasted + sold),
            "shelf_life_at_sale": sum(expected["life"][warmup:]) / sold,
            "lost_sales": sum(expected["lost"][warmup:]),
            "units_sold": sold,
        },
        rel=1e-12,
    )


# --------------------------------------------------------------------------- 3. lots through a DC


@pytest.mark.parametrize(
    ("dc_level", "shop_level", "life_left"),
    [(10, 10, 3), (15, 10, 2), (10, 15, 2), (15, 15, 1), (20, 10, 1), (10, 20, 1)],
)
def test_lots_keep_their_expiry_through_a_dc(
    dc_level: float, shop_level: float, life_left: float
) -> None:
    """supplier -> dc -> shop, lead time 1 on both lanes, shelf life 6, 5 asked a day.

    In steady state every node orders 5 a day and the DC ships the shop's line on the day it is
    placed. A lot the DC orders on day d is bought at d + 1, expires on day d + 7 and arrives at
    the DC on day a = d + 2, so it expires on day a + 5. With base stock S each node ends every
    day with S - 10 units on hand (two days of orders, 10 units, are on their way), i.e.
    m = S_dc / 5 - 2 days of stock at the DC and n = S_shop / 5 - 2 at the shop. FEFO ships the
    lot on day a + m; it reaches the shop on day a + m + 2 and is sold n days later, with
    5 - m - 2 - n = 3 - m - n days left. Nothing is wasted while that is at least 1 day.
    """
    warmup, horizon = 20, 40
    result = run(
        scenario_from_data(
            _chain(
                dc_level=dc_level,
                shop_level=shop_level,
                dc_initial=dc_level,
                shop_initial=shop_level,
                demand=5,
                shelf_life=6,
                horizon=horizon,
                warmup=warmup,
            )
        )
    )
    assert 3 - (dc_level / 5 - 2) - (shop_level / 5 - 2) == life_left
    assert _kpis(
        result, "shelf_life_at_sale", "waste_units", "lost_sales", "units_sold"
    ) == pytest.approx(
        {
            "shelf_life_at_sale": life_left,
            "waste_units": 0.0,
            "lost_sales": 0.0,
            "units_sold": 5 * (horizon - warmup),
        },
        rel=1e-12,
    )
    topo = result.network.topology
    dc, shop = topo.position_of("dc", "milk"), topo.position_of("shop", "milk")
    on_hand = result.records.series_on_hand[warmup:]
    np.testing.assert_array_equal(on_hand[:, dc], dc_level - 10)
    np.testing.assert_array_equal(on_hand[:, shop], shop_level - 10)


def test_dc_holding_one_day_too_much_ships_only_lots_that_expire_on_the_way() -> None:
    """As above with S_dc = 25 (m = 3), S_shop = 10 (n = 0): 3 - m - n = 0 days left.

    FEFO hands out the oldest lot, which leaves the DC on day a + 3 and reaches the shop on day
    a + 5, its expiry day: it is wasted at the shop on arrival (expired in transit to it). In
    steady state the shop sells nothing and loses its 5 sales a day, receives and wastes 5 a
    day, and the DC, which ships 5 a day, wastes nothing itself.
    """
    warmup, horizon = 20, 40
    days = horizon - warmup
    result = run(
        scenario_from_data(
            _chain(
                dc_level=25,
                shop_level=10,
                dc_initial=25,
                shop_initial=10,
                demand=5,
                shelf_life=6,
                horizon=horizon,
                warmup=warmup,
            )
        )
    )
    assert _kpis(result, "waste_units", "lost_sales", "units_sold") == pytest.approx(
        {"waste_units": 5 * days, "lost_sales": 5 * days, "units_sold": 0.0}
    )
    assert math.isnan(result.kpi("shelf_life_at_sale"))
    assert result.kpi("waste_units", "node", "shop") == 5 * days
    assert result.kpi("waste_units", "node", "dc") == 0.0


def test_dc_overstock_expires_at_the_dc_and_on_the_way() -> None:
    """S_dc = S_shop = 10 (3 days left at sale in steady state), but 30 units at the DC and 10
    at the shop at the start, all expiring on day 6. Day by day:

    - days 0-5: the shop sells 5 a day (6, 5, ..., 1 days left): its own 10 on days 0-1, then
      what the DC shipped two days before. The DC ships 5 a day from its initial lot, whose
      inventory position only falls below 10 on day 4: it orders 5 (expiring on day 11);
    - day 5: the DC's last 5 initial units expire (6 <= 5 + 1): 5 wasted at the DC, which
      cannot ship the shop's line of day 5 and orders 10 (position 0 + 5 - 5);
    - day 6: the 5 units the DC shipped on day 4 reach the shop on their expiry day: 5 wasted
      at the shop, 5 sales lost. The DC receives 5, ships them on the shop's day-5 line;
    - day 7: nothing arrives, 5 sales lost; the shop's position (5 + 5) is at S: no order;
    - days 8, 9: the shop sells, with 3 days left, the lots the DC shipped on days 6 and 7
      (expiring on days 11 and 12); days 10, 11: lots the DC held one day (2 days left);
    - from day 12: the steady state, 3 days left.
    """
    days = 16
    data = _chain(
        dc_level=10,
        shop_level=10,
        dc_initial=30,
        shop_initial=10,
        demand=5,
        shelf_life=6,
        horizon=days,
    )
    got = _per_day(data, days)
    result = run(scenario_from_data(data))
    topo = result.network.topology
    dc, shop = topo.position_of("dc", "milk"), topo.position_of("shop", "milk")
    wasted_dc, wasted_shop = np.zeros(days), np.zeros(days)
    wasted_dc[5], wasted_shop[6] = 5, 5
    lost = np.zeros(days)
    lost[[6, 7]] = 5
    life = np.array([6, 5, 4, 3, 2, 1, 0, 0, 3, 3, 2, 2, 3, 3, 3, 3], dtype=float)
    np.testing.assert_array_equal(got["wasted"][:, dc], wasted_dc)
    np.testing.assert_array_equal(got["wasted"][:, shop], wasted_shop)
    np.testing.assert_array_equal(got["lost"][:, 0], lost)
    np.testing.assert_array_equal(got["sold"][:, shop], 5 - lost)
    np.testing.assert_array_equal(got["life"][:, shop], 5 * life)
    assert result.kpi("waste_units", "node", "dc") == 5
    assert result.kpi("waste_units", "node", "shop") == 5
    assert result.kpi("waste_cost") == pytest.approx(10 * (UNIT_COST + DISPOSAL_COST))
    assert result.kpi("shelf_life_at_sale") == pytest.approx(5 * life.sum() / (5 * days - 10))


# --------------------------------------------------------------------------- 4. newsvendor, theory

NEWSVENDOR_MEAN = 8.0
NEWSVENDOR_LEVEL = 10
NEWSVENDOR_SEEDS = (11, 12, 13, 14, 15, 16)
NEWSVENDOR_COPIES = 8  # identical SKUs per run, each an independent replication
NEWSVENDOR_DAYS = 365


def newsvendor_theory(mean: float, level: int) -> dict[str, float]:
    """Daily waste E[(S - D)+], lost sales E[(D - S)+] and fill rate E[min(D, S)] / mu for
    D ~ Poisson(mean), exactly."""
    k = np.arange(level + 1)
    left = float(np.sum((level - k) * poisson.pmf(k, mean)))  # E[(S - D)+]
    sold = level - left  # E[min(D, S)]
    return {"waste": left, "lost": mean - sold, "fill": sold / mean}


def newsvendor_replications() -> dict[str, np.ndarray]:
    """Daily waste, daily lost sales and fill rate of every replication (SKU copy and seed)."""
    samples: dict[str, list[np.ndarray]] = {"waste": [], "lost": [], "fill": []}
    for seed in NEWSVENDOR_SEEDS:
        data = _shop(
            {"type": "base_stock", "S": NEWSVENDOR_LEVEL},
            initial=NEWSVENDOR_LEVEL,
            demand={"dist": "poisson", "mean": NEWSVENDOR_MEAN},
            shelf_life=1,
            horizon=NEWSVENDOR_DAYS,
            seed=seed,
        )
        milk = data["products"][0]
        data["products"] = [{**milk, "id": f"milk-{i}"} for i in range(NEWSVENDOR_COPIES)]
        result = run(scenario_from_data(data))
        rec, topo, dem = result.records, result.network.topology, result.network.demand
        assert len(dem.stream_pos) == NEWSVENDOR_COPIES
        pos = dem.stream_pos  # the position each stream buys at, stream by stream
        samples["waste"].append(rec.pos_wasted[pos] / rec.kpi_days)
        samples["lost"].append(rec.stream_lost / rec.kpi_days)
        samples["fill"].append(rec.stream_filled_now / rec.stream_demand)
        # Every day's units are sold or wasted, and sold units have 1 day of life left.
        np.testing.assert_array_equal(
            rec.pos_sold + rec.pos_wasted,
            np.full(topo.n_positions, NEWSVENDOR_LEVEL * rec.kpi_days),
        )
        np.testing.assert_array_equal(rec.pos_life_sold, rec.pos_sold)
    return {name: np.concatenate(values) for name, values in samples.items()}


@pytest.mark.slow
def test_newsvendor_waste_lost_sales_and_fill_rate_match_theory() -> None:
    """Shelf life 1, lead time 0, base stock S = 10, Poisson(8) demand, lost sales.

    Every day starts with S fresh units expiring the next day (the initial stock too), so the
    days are independent newsvendor periods: waste (S - D)+, lost (D - S)+, sold min(D, S).
    Replications: each run carries ``NEWSVENDOR_COPIES`` identical SKUs, whose demands come
    from their own named random streams, and there is one run per seed; 48 replications of 365
    days. The theory value must lie in the 99.9 % t interval of the replication means.
    """
    theory = newsvendor_theory(NEWSVENDOR_MEAN, NEWSVENDOR_LEVEL)
    samples = newsvendor_replications()
    for name, value in theory.items():
        mean, half_width = mean_ci(samples[name], CONFIDENCE)
        assert abs(mean - value) <= half_width, (
            f"{name}: simulated {mean:.5f} +- {half_width:.5f}, theory {value:.5f}"
        )


# --------------------------------------------------------------------------- 5. cold chain


def _cold_chain_data(*, cold_lane: bool) -> dict[str, Any]:
    """Chilled milk (cold chain) to one shop, rice (ambient) to another, from one supplier.

    Both shops sell 4 a day and keep base stock 8 (lead time 1 + 1 day of review) with 8 on
    hand, so each lane carries one shipment of 4 units every day.
    """

    def shop(node_id: str, sku: str) -> dict[str, Any]:
        inventory = {"policy": {"type": "base_stock", "S": 8}, "initial": 8}
        return {"id": node_id, "kind": "retailer", "carries": [sku], "inventory": inventory}

    chilled = {"id": "chilled", "from": "sup", "to": "deli", "lead_time": 1}
    chilled.update(cost_per_shipment=3.0, cost_per_unit=0.5, cost_per_km=0.2, distance=10)
    if cold_lane:
        chilled["cold_chain"] = True
    return {
        "name": "cold-chain",
        "horizon": 12,
        "warmup": 2,
        "products": [
            _milk(3, cold_chain=True),
            {"id": "rice", "unit_cost": 1.0, "price": 2.0},
        ],
        "nodes": [{"id": "sup", "kind": "supplier"}, shop("grocer", "rice"), shop("deli", "milk")],
        "lanes": [
            {"id": "ambient", "from": "sup", "to": "grocer", "lead_time": 1, "cost_per_unit": 1.5},
            chilled,
        ],
        "demand": [
            {"id": "g-town", "node": "grocer", "daily": _constant(4)},
            {"id": "d-town", "node": "deli", "daily": _constant(4)},
        ],
    }


def test_cold_chain_product_on_an_ordinary_lane_is_a_load_error() -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data(_cold_chain_data(cold_lane=False))
    message = str(caught.value)
    assert "lanes[1].cold_chain" in message
    assert "milk" in message
    assert "lanes[0]" not in message  # the ambient lane carries only rice


def test_cold_chain_cost_is_the_transport_cost_of_the_cold_lanes() -> None:
    """10 window days (12 - 2 of warm-up), one shipment a day on each lane: the chilled lane
    costs 3 + 0.5 x 4 + 0.2 x 10 = 7 a shipment, the ambient one 1.5 x 4 = 6."""
    result = run(scenario_from_data(_cold_chain_data(cold_lane=True)))
    days = 10
    assert result.kpi("cold_chain_cost") == pytest.approx(7 * days, rel=1e-12)
    assert result.kpi("transport_cost") == pytest.approx((7 + 6) * days, rel=1e-12)
    assert result.kpi("cold_chain_cost", "node", "deli") == pytest.approx(7 * days, rel=1e-12)
    assert result.kpi("cold_chain_cost", "node", "grocer") == 0.0
    # The milk sells at once and wastes nothing.
    assert result.kpi("waste_units") == 0.0
    assert result.kpi("fill_rate") == 1.0


# --------------------------------------------------------------------------- 6. conservation

CONSERVATION_CASES = {
    # one shop, fractional shelf life, random demand: much of the stock expires
    "shop": _shop(
        {"type": "base_stock", "S": 30},
        initial=40,
        demand={"dist": "poisson", "mean": 6},
        shelf_life=2.5,
        horizon=60,
        warmup=10,
        seed=7,
    ),
    # a DC holding more than its lots live: waste at the DC and on the way to the shop
    "chain": _chain(
        dc_level=40,
        shop_level=15,
        dc_initial=60,
        shop_initial=20,
        demand=5,
        shelf_life=6,
        horizon=60,
        warmup=10,
    ),
}
# the same chain with random demand on the event path
CONSERVATION_CASES["chain-events"] = {
    **CONSERVATION_CASES["chain"],
    "seed": 3,
    "demand": [{"id": "town", "node": "shop", "orders": {"rate": 5}, "unmet": "lost"}],
}


@pytest.mark.parametrize("case", list(CONSERVATION_CASES))
def test_units_are_conserved_with_waste(case: str) -> None:
    """initial + received == issued + wasted + final on hand, per position, whole run."""
    result = run(scenario_from_data(CONSERVATION_CASES[case]))
    audit = result.audit()
    positions = audit[audit.node != "network"]
    assert (positions.wasted >= 0).all()
    assert positions.wasted.sum() > 0, "the case should waste something"
    np.testing.assert_allclose(positions.imbalance.to_numpy(dtype=float), 0.0, atol=1e-9)
    network = audit[audit.node == "network"].iloc[0]
    assert network.transit_imbalance == pytest.approx(0.0, abs=1e-9)
    assert network.wasted == pytest.approx(float(result.records.total_wasted.sum()))
    # The KPI window's waste is part of the whole run's.
    rec = result.records
    assert np.all(rec.pos_wasted <= rec.total_wasted + 1e-9)


# --------------------------------------------------------------------------- regressions


def _tiny(shelf_life: float, demand: list[dict[str, Any]], **shop: Any) -> dict[str, Any]:
    inventory = {"policy": {"type": "base_stock", "S": shop.pop("level", 5)}, **shop}
    return {
        "name": "tiny",
        "horizon": 5,
        "products": [_milk(shelf_life)],
        "nodes": [
            {"id": "sup", "kind": "supplier"},
            {"id": "shop", "kind": "retailer", "inventory": inventory},
        ],
        "lanes": [{"from": "sup", "to": "shop", "lead_time": 0}],
        "demand": demand,
    }


REGRESSIONS = {
    # a DC shipping perishable stock on the daily path
    "dc-ships-on-the-daily-path": _chain(
        dc_level=10,
        shop_level=5,
        dc_initial=10,
        shop_initial=0,
        demand=1,
        shelf_life=5,
        horizon=3,
    ),
    # initial stock with less than a day of shelf life was never sellable
    "shelf-life-under-a-day": _tiny(
        0.5, [{"id": "town", "node": "shop", "daily": _constant(1)}], level=1, initial=1
    ),
    # event path: an order made on the last day arrives at the end of the run, on its expiry day
    "event-path-arrival-at-the-end": {
        **_tiny(1, [{"id": "town", "node": "shop", "orders": {"rate": 20}}]),
        "horizon": 3.5,
        "lanes": [{"from": "sup", "to": "shop", "lead_time": 1}],
    },
    # event path with a daily zone too: the daily step sells after removing what expires then
    "event-path-with-a-daily-zone": _tiny(
        1,
        [
            {"id": "online", "node": "shop", "orders": {"rate": 1}},
            {"id": "walk-in", "node": "shop", "daily": _constant(1)},
        ],
        initial=5,
    ),
}


@pytest.mark.parametrize("case", list(REGRESSIONS))
def test_perishable_edge_cases_run_and_conserve_units(case: str) -> None:
    """Cases that once raised ValueError from the lots (stock counted on hand but not sellable,
    or taken after its day had been expired); each must run and balance its units."""
    result = run(scenario_from_data(REGRESSIONS[case]))
    audit = result.audit()
    np.testing.assert_allclose(audit.imbalance.to_numpy(dtype=float), 0.0, atol=1e-9)
    assert result.records.total_wasted.min() >= 0.0
