"""The day's explicit order of events, and the timing bugs it removed (each case fails on an
engine whose day depended on which demand paths a scenario had)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import Simulation
from tests.engine.scenarios import chain


def _shop_kpis(result, zone: str = "z0") -> dict[str, float]:
    table = result.kpis
    mine = table[(table.scope == "zone") & (table.id == zone)]
    return dict(zip(mine.metric, mine.value, strict=True))


def test_an_idle_event_zone_changes_nothing_for_daily_customers() -> None:
    """(r, Q) = (0, 120) with 60 a day, lead time 2, lost sales: adding an event-path zone that
    never orders (rate 1e-12, at another shop) leaves every daily KPI as it was."""
    policy = {"type": "rQ", "r": 0, "Q": 120}
    daily = {"daily": 60, "unmet": "lost"}
    base = chain(store_policy=policy, store_initial=120, demand=daily)
    idle = {"id": "idle", "node": "s0", "orders": {"rate": 1e-12, "size": 1}}
    mixed = chain(store_policy=policy, store_initial=120, demand=daily, extra_zones=(idle,))
    alone, together = Simulation(base).run(), Simulation(mixed).run()
    assert _shop_kpis(together) == _shop_kpis(alone)
    # IP reaches r = 0 at the close of day 1; that order leaves at 2 and arrives at 4, for
    # day 4's customers; and so on: sold on days 0-1, 4-5 and 8-9, the other days are lost.
    assert alone.kpi("units_sold", "zone", "z0") == pytest.approx(60 * 6)
    assert np.array_equal(alone.records.series_on_hand[:, 0], together.records.series_on_hand[:, 0])


def test_a_fast_desk_on_the_daily_path_delays_lines_by_its_processing_time() -> None:
    """A DC whose two-server desk takes 0.01 day feeds two stores (lead time 1, base stock,
    5 a day): a store's line leaves the DC 0.01 after it is placed and arrives 1.01 later, for
    the next day's customers; with stock for that one day more, no customer waits."""
    dc = {"processing": {"servers": 2, "time": 0.01}, "inventory": {"initial": 1e6}}
    dc["inventory"]["policy"] = {"type": "base_stock", "S": 1e6}
    scenario = chain(
        stores=2,
        dc=dc,
        lead_time=1,
        store_policy={"type": "base_stock", "S": 15},
        store_initial=15,
        horizon=30,
    )
    result = Simulation(scenario).run()
    lines = result.records.order_lines.as_dict()
    stores = np.isin(lines["position"], [0, 1])  # positions are numbered downstream first
    assert lines["cycle"][stores] == pytest.approx(1.01, abs=1e-6)
    for zone in ("z0", "z1"):
        assert result.kpi("fill_rate", "zone", zone) == pytest.approx(1.0)


@pytest.mark.parametrize("warmup", [20.5, 20.0])
@pytest.mark.parametrize("desk", [False, True])
def test_warm_up_counts_demand_and_fill_by_the_same_instant(warmup: float, desk: bool) -> None:
    """Unlimited stock: every customer order is filled, so the fill rate is exactly 1 whatever
    the warm-up cuts (demand and fills of an order are counted by its arrival time)."""
    extra = {"processing": {"servers": 2, "time": {"dist": "exponential", "mean": 0.02}}}
    scenario = chain(
        store_policy={"type": "base_stock", "S": 1e7},
        store_initial=1e7,
        demand={"orders": {"rate": 50, "size": 1}},
        horizon=40,
        warmup=warmup,
    )
    if desk:
        data = scenario.model_dump(by_alias=True, exclude_none=True)
        data["nodes"][1].update(extra)
        scenario = type(scenario).model_validate(data)
    result = Simulation(scenario, seed=3).run()
    assert result.kpi("fill_rate") == pytest.approx(1.0, abs=1e-12)
    orders = result.records.customer_orders.as_dict()
    assert (orders["time"] >= warmup).sum() == result.records.stream_orders.sum()


def test_review_instant_placement_honours_fractional_lead_times() -> None:
    """With ``placement: at_review`` an order leaves at its review and arrives exactly L
    later: base stock 10, 5 a day, lead time 0.5: daily orders of 5 arrive at d + 0.5."""
    scenario = chain(lead_time=0.5, store_initial=10, placement="at_review")
    result = Simulation(scenario).run()
    shipments = result.records.shipments.as_dict()
    assert shipments["time"][:3] == pytest.approx([0.0, 1.0, 2.0])
    assert shipments["arrival"][:3] == pytest.approx([0.5, 1.5, 2.5])
    assert result.kpi("fill_rate") == pytest.approx(1.0)


def test_end_of_day_placement_leaves_at_the_close() -> None:
    """The default: the order of day d leaves at d + 1 and arrives at d + 1 + L."""
    result = Simulation(chain(lead_time=0.5, store_initial=10)).run()
    shipments = result.records.shipments.as_dict()
    assert shipments["time"][:3] == pytest.approx([1.0, 2.0, 3.0])
    assert shipments["arrival"][:3] == pytest.approx([1.5, 2.5, 3.5])
