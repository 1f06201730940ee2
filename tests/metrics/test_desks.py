"""Order-desk KPIs against the queue's own recursion, from the orders' arrival times.

One server and a constant processing time D make the waits a function of the arrivals alone
(Lindley): the first order does not wait, and order n waits max(0, w[n-1] + D - (a[n] -
a[n-1])). The test recomputes that from the logged arrival times, independently of the waits
the engine logs, and compares the KPIs with it exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
from tiny_networks import desk_shop

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


def test_no_desk_no_rows() -> None:
    result = desk_shop(rate=8.0, processing_time=PROCESSING, horizon=5, seed=1)
    scenario = with_overrides(result.scenario, {"nodes.shop.processing": None})
    table = run(scenario).kpis
    assert not table.metric.str.startswith("desk_").any()
