"""Order-desk KPIs against the queue's own recursion, from the orders' arrival times, and
desk utilisation by hand.

One server and a constant processing time D make the waits a function of the arrivals alone
(Lindley): the first order does not wait, and order n waits max(0, w[n-1] + D - (a[n] -
a[n-1])). The test recomputes that from the logged arrival times, independently of the waits
the engine logs, and compares the KPIs with it exactly.

Utilisation: on the daily path each shop of ``desk_dc`` places one line at the close of every
day (time d + 1 for day d), and the DC's desk processes the shops' lines in turn, so every
server's busy intervals follow by hand. The M/M/c case is in
tests/validation/test_engine_vs_theory.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from tiny_networks import desk_dc, desk_shop

from simulator import run, with_overrides

PROCESSING = 0.1  # days per order; with 8 orders a day the desk is 80 % busy


def lindley_waits(arrivals: np.ndarray, service: float) -> np.ndarray:
    waits = np.zeros(len(arrivals))
    for n in range(1, len(arrivals)):
        waits[n] = max(0.0, waits[n - 1] + service - (arrivals[n] - arrivals[n - 1]))
    return waits


@pytest.mark.parametrize("seed", [1, 2])
def test_desk_waits_follow_the_single_server_recursion(seed: int) -> None:
    result = desk_shop(rate=8.0, processing_time=PROCESSING, horizon=20, seed=seed)
    orders = result.records.customer_orders
    topo, dem = result.network.topology, result.network.demand
    node = topo.pos_node[dem.stream_pos[orders.column("stream")]]
    at_shop = node == topo.node_ids.index("shop")
    arrivals = np.sort(orders.column("time")[at_shop])
    assert len(arrivals) > 100
    # Orders still at the desk when the run ends are not logged: they are the last arrivals,
    # so the logged ones are a prefix and the recursion over them is exact.
    waits = lindley_waits(arrivals, PROCESSING)
    assert result.kpi("desk_wait_mean", "node", "shop") == pytest.approx(waits.mean(), rel=1e-9)
    assert result.kpi("desk_wait_probability", "node", "shop") == pytest.approx(
        np.mean(waits > 1e-9), rel=1e-12
    )
    # Only the shop has a desk: the network figures are the shop's, the kiosk has no row.
    assert result.kpi("desk_wait_mean") == result.kpi("desk_wait_mean", "node", "shop")
    rows = result.kpis[result.kpis.metric == "desk_wait_mean"]
    assert set(rows.id) == {"network", "shop"}
    # The server works from each logged order's start (arrival + wait) for D, clipped to the
    # horizon; the one order possibly in service at the end is not logged: at most D more.
    starts = arrivals + waits
    logged = np.minimum(starts + PROCESSING, 20.0).sum() - starts.sum()
    busy = result.kpi("desk_utilisation", "node", "shop") * 20.0
    assert logged - 1e-9 <= busy <= logged + PROCESSING + 1e-9
    rows = result.kpis[result.kpis.metric == "desk_utilisation"]
    assert set(rows.id) == {"network", "shop"}


@pytest.mark.parametrize(
    ("shops", "servers", "processing_time", "busy_per_close"),
    [
        (2, 1, 0.25, 0.5),  # at each close t: [t, t + 0.25], then [t + 0.25, t + 0.5]
        (2, 2, 0.75, 1.5),  # both servers at once: [t, t + 0.75] each
    ],
)
def test_utilisation_of_a_desk_processing_replenishment_lines(
    shops: int, servers: int, processing_time: float, busy_per_close: float
) -> None:
    # Window [2, 10] (warm-up 2, horizon 10): the closes at t = 2..9 put busy_per_close
    # server-days each in it; the close at t = 1 ends before it, the one at t = 10 starts at
    # the horizon.
    result = desk_dc(
        shops=shops, servers=servers, processing_time=processing_time, horizon=10, warmup=2
    )
    expected = 8 * busy_per_close / (servers * 8)
    assert result.kpi("desk_utilisation", "node", "dc") == pytest.approx(expected, rel=1e-12)
    assert result.kpi("desk_utilisation") == result.kpi("desk_utilisation", "node", "dc")
    rows = result.kpis[result.kpis.metric.str.startswith("desk_")]
    assert set(rows.metric) == {"desk_utilisation"}  # no customer orders at the desk
    assert set(rows.id) == {"network", "dc"}


def test_an_overloaded_desk_is_busy_all_the_window_clipped_at_both_ends() -> None:
    # One line a day taking 1.5 days: the server works without a break from t = 1, the first
    # line [1, 2.5] straddles the window's start (warm-up 1.5: window [2, 10]), and the line
    # started at 8.5 ends at the horizon; lines started later count nothing.
    result = desk_dc(shops=1, servers=1, processing_time=1.5, horizon=10, warmup=1.5)
    assert result.records.kpi_days == 8
    assert result.kpi("desk_utilisation") == pytest.approx(1.0, rel=1e-12)


def test_no_desk_no_rows() -> None:
    result = desk_shop(rate=8.0, processing_time=PROCESSING, horizon=5, seed=1)
    scenario = with_overrides(result.scenario, {"nodes.shop.processing": None})
    table = run(scenario).kpis
    assert not table.metric.str.startswith("desk_").any()
