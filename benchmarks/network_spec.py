"""The benchmark network, shared by every model of it (supplysim, SupplyNetPy, bare SimPy).

One external supplier feeds ``D`` distributors, which feed ``R`` retailers (retailer ``i`` is
served by distributor ``i % D``). Unmet customer demand is lost. Retailers run
(s, S) = (30, 80) from 50 units; distributors hold ``cap = 80 R / D`` units at most and run
(s, S) = (cap / 3, cap) from ``cap / 2``. Lead times are Uniform{2, 3, 4} days supplier ->
distributor and Uniform{1, 2} days distributor -> retailer.

Customers order Uniform{5..15} units, either once a day (the daily path of
``bench_vs_supplynetpy``) or as a Poisson stream of ``ORDER_RATE`` orders a day per retailer
(the event path of ``bench_event_path``), so both give 10 units a day on average. On the event
path each retailer may have an order-processing desk: ``DESK_SERVERS`` servers with
exponential processing times, loaded at ``DESK_UTILISATION`` (an M/M/2 queue).

This module gives the parameters and the supplysim scenario document.
"""

from __future__ import annotations

from typing import Any

RETAILER_REORDER_POINT = 30
RETAILER_ORDER_UP_TO = 80
RETAILER_INITIAL_STOCK = 50
DISTRIBUTOR_CAPACITY_PER_RETAILER = 80
DEMAND_MIN, DEMAND_MAX = 5, 15
SUPPLIER_LEAD_TIME = (2, 4)
DISTRIBUTOR_LEAD_TIME = (1, 2)
ORDER_RATE = 1.0  # event path: customer orders per retailer per day
DESK_SERVERS = 2
DESK_UTILISATION = 0.8
SEED = 0


def desk_time_mean(rate: float) -> float:
    """Mean processing time (days) that loads a desk fed ``rate`` orders a day at
    ``DESK_UTILISATION``."""
    return DESK_SERVERS * DESK_UTILISATION / rate


def distributor_capacity(n_distributors: int, n_retailers: int) -> float:
    """Storage capacity (and order-up-to level) of each distributor."""
    return DISTRIBUTOR_CAPACITY_PER_RETAILER * n_retailers / n_distributors


def uniform_int(low: int, high: int) -> dict[str, Any]:
    """A supplysim discrete uniform distribution on ``low..high``."""
    return {"dist": "uniform_int", "low": low, "high": high}


def scenario_data(
    n_distributors: int,
    n_retailers: int,
    days: int,
    *,
    aligned: bool = False,
    event_path: bool = False,
    desks: bool = False,
    order_rate: float = ORDER_RATE,
) -> dict[str, Any]:
    """The benchmark network as a supplysim scenario document.

    Args:
        n_distributors: Number of distributors ``D``.
        n_retailers: Number of retailers ``R`` (retailer ``i`` buys from distributor ``i % D``).
        days: Horizon in days.
        aligned: Use lead times that reproduce SupplyNetPy's timing on the daily path (see
            ``bench_vs_supplynetpy``) instead of the nominal ones.
        event_path: Customers as a Poisson stream of orders instead of one order a day, and
            orders placed at the review instant (``placement: at_review``).
        desks: Give every retailer an M/M/2 order-processing desk (event path only).
        order_rate: Customer orders a day per retailer on the event path (the desks are
            sized for ``ORDER_RATE`` whatever it is).

    Returns:
        A plain dict accepted by ``scenario_from_data``.
    """
    cap = distributor_capacity(n_distributors, n_retailers)
    nodes: list[dict[str, Any]] = [{"id": "S0", "kind": "supplier"}]
    nodes += [
        {
            "id": f"D{d}",
            "kind": "distributor",
            "storage_capacity": cap,
            "inventory": {"policy": {"type": "sS", "s": cap / 3, "S": cap}, "initial": cap / 2},
        }
        for d in range(n_distributors)
    ]
    retailer: dict[str, Any] = {
        "kind": "retailer",
        "inventory": {
            "policy": {"type": "sS", "s": RETAILER_REORDER_POINT, "S": RETAILER_ORDER_UP_TO},
            "initial": RETAILER_INITIAL_STOCK,
        },
    }
    if desks:
        time = {"dist": "exponential", "mean": desk_time_mean(ORDER_RATE)}
        retailer["processing"] = {"servers": DESK_SERVERS, "time": time}
    nodes += [{"id": f"R{r}", **retailer} for r in range(n_retailers)]
    low, high = SUPPLIER_LEAD_TIME
    inbound = uniform_int(low - 1, high - 1) if aligned else uniform_int(low, high)
    lanes: list[dict[str, Any]] = [
        {"from": "S0", "to": f"D{d}", "lead_time": inbound} for d in range(n_distributors)
    ]
    outbound: dict[str, Any] | int = 1 if aligned else uniform_int(*DISTRIBUTOR_LEAD_TIME)
    lanes += [
        {"from": f"D{r % n_distributors}", "to": f"R{r}", "lead_time": outbound}
        for r in range(n_retailers)
    ]
    size = uniform_int(DEMAND_MIN, DEMAND_MAX)
    customers = {"orders": {"rate": order_rate, "size": size}} if event_path else {"daily": size}
    demand = [
        {"id": f"C{r}", "node": f"R{r}", **customers, "unmet": "lost"} for r in range(n_retailers)
    ]
    # The event path orders at the review instant, as SupplyNetPy and the bare model do.
    timing = {"placement": "at_review"} if event_path else {}
    return {
        "name": f"bench-{n_distributors}x{n_retailers}",
        "horizon": days,
        "seed": SEED,
        **timing,
        "products": [{"id": "item", "unit_cost": 1.0, "price": 2.0}],
        "nodes": nodes,
        "lanes": lanes,
        "demand": demand,
    }
