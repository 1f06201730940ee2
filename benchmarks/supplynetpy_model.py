"""Reference model of the benchmark network written with SupplyNetPy.

The network and its parameters are described in ``network_spec.py``: one
infinite supplier, ``D`` distributors and ``R`` retailers running (s, S),
customers who take what is on the shelf (lost sales), random integer lead
times. Customers order once a day (the daily path) or as a Poisson stream
(the event path).

SupplyNetPy is an optional dependency (the ``bench`` extra), so it is only
imported when the model is built. Use :func:`supplynetpy_available` to check
whether it is installed.
"""

from __future__ import annotations

import importlib.util
import random
import time
from collections.abc import Callable
from typing import Any

from network_spec import (
    DEMAND_MAX,
    DEMAND_MIN,
    DISTRIBUTOR_LEAD_TIME,
    RETAILER_INITIAL_STOCK,
    RETAILER_ORDER_UP_TO,
    RETAILER_REORDER_POINT,
    SUPPLIER_LEAD_TIME,
    distributor_capacity,
)
from timing import timed

__all__ = ["build_and_run_supplynetpy", "supplynetpy_available"]


def supplynetpy_available() -> bool:
    """Tell whether SupplyNetPy can be imported.

    Returns:
        True if the ``SupplyNetPy`` package is installed, False otherwise.
    """
    return importlib.util.find_spec("SupplyNetPy") is not None


def _uniform_int(rng: random.Random, low: int, high: int) -> Callable[[], int]:
    """Make a zero-argument sampler of a discrete uniform on ``low..high``.

    Args:
        rng: Random number generator to draw from.
        low: Smallest value (inclusive).
        high: Largest value (inclusive).

    Returns:
        A function returning one integer draw per call.
    """

    def sample() -> int:
        return rng.randint(low, high)

    return sample


def _total(objects: list[Any], stat: str) -> float:
    """Sum the unit component of a ``[orders, units]`` statistic.

    Args:
        objects: SupplyNetPy nodes or demands that carry a ``stats`` object.
        stat: Name of the statistic, e.g. ``"lost_sales"``.

    Returns:
        The total number of units over all objects.
    """
    return float(sum(getattr(obj.stats, stat)[1] for obj in objects))


def build_and_run_supplynetpy(
    n_distributors: int,
    n_retailers: int,
    days: int = 365,
    seed: int = 0,
    order_rate: float | None = None,
) -> dict[str, float]:
    """Build the benchmark network in SupplyNetPy, simulate it and report totals.

    Mapping onto SupplyNetPy:

    * The supplier is a ``Supplier`` with ``node_type="infinite_supplier"``.
    * Distributors and retailers are ``InventoryNode`` objects with the
      ``SSReplenishment`` policy. SupplyNetPy reviews continuously (each time
      the inventory drops, and once at time 0) and orders ``S - IP`` when the
      inventory position ``IP <= s``, where IP is the inventory level plus
      units in transit minus units owed to waiting buyers. Retailer capacity is
      ``S`` = 80 and distributor capacity is ``cap`` (= its ``S``), so orders
      are never cut by the capacity check.
    * Customers are one ``Demand`` per retailer: an order every 1.0 day
      (the first at time 0, so ``days`` orders per retailer), or with
      ``order_rate`` exponential times between orders (a Poisson stream; its
      first order is also at time 0, one more than a Poisson count), of
      Uniform{5..15} integer units, with ``tolerance=0`` and
      ``consume_available=True``: the customer takes what is on the shelf and
      the rest is a lost sale.
    * Links carry integer lead times drawn per order: Uniform{2, 3, 4} days
      supplier -> distributor and Uniform{1, 2} days distributor -> retailer.
      SupplyNetPy would accept continuous draws as well; integers are used to
      match the whole-day demand clock.
    * A replenishment order a distributor cannot fill in full waits, first in
      first out, until it can be shipped whole (SupplyNetPy has no partial
      shipments between sites), so retailers may be backordered at their
      distributor. The infinite supplier always ships at once.

    All logging is switched off: every node is built with ``logging=False``
    (its logger drops records before they are created) and the library-wide
    logger is disabled for the duration of the call.

    Args:
        n_distributors: Number of distributors ``D`` (at least 1).
        n_retailers: Number of retailers ``R`` (at least ``D``).
        days: Length of the run in days.
        seed: Seed for demand sizes and lead times (and SupplyNetPy's own
            generator, which only drives disruptions and is unused here).
        order_rate: Customer orders per retailer per day as a Poisson
            stream; ``None`` for one order a day.

    Returns:
        Totals over the run: ``demand_units``, ``sold_units``,
        ``lost_sales_units``, ``fill_rate`` (sold / demand), ``customer_orders``,
        ``retailer_replenishment_orders``, ``distributor_replenishment_orders``,
        ``distributor_backorder_units`` (owed to retailers at the end),
        ``retailer_inventory_end``, ``distributor_inventory_end``,
        ``wall_s`` (wall-clock seconds for building and running), and
        ``run_s`` and ``run_cpu_s`` (wall and CPU seconds for running only).

    Raises:
        ImportError: If SupplyNetPy is not installed.
        ValueError: If the sizes or the horizon are not valid.
    """
    if n_distributors < 1 or n_retailers < n_distributors:
        raise ValueError("need n_distributors >= 1 and n_retailers >= n_distributors")
    if days <= 0:
        raise ValueError("days must be positive")

    import simpy
    import SupplyNetPy.Components as scm

    library_logger = scm.global_logger.logger
    was_disabled = library_logger.disabled
    scm.global_logger.disable_logging()

    demand_rng = random.Random(f"{seed}:demand")
    lead_rng = random.Random(f"{seed}:lead-time")
    dist_cap = distributor_capacity(n_distributors, n_retailers)
    arrival_rng = random.Random(f"{seed}:arrivals")

    def interval() -> float | Callable[[], float]:
        if order_rate is None:
            return 1.0
        rate = order_rate  # a float for the closure (mypy cannot narrow inside it)
        return lambda: arrival_rng.expovariate(rate)

    try:
        start = time.perf_counter()
        scm.set_seed(seed)
        env = simpy.Environment()
        supplier = scm.Supplier(
            env=env, ID="S0", name="S0", node_type="infinite_supplier", logging=False
        )
        distributors = [
            scm.InventoryNode(
                env=env,
                ID=f"D{d}",
                name=f"D{d}",
                node_type="distributor",
                capacity=dist_cap,
                initial_level=dist_cap / 2,
                inventory_holding_cost=0.0,
                replenishment_policy=scm.SSReplenishment,
                policy_param={"s": dist_cap / 3, "S": dist_cap},
                product_sell_price=0.0,
                product_buy_price=0.0,
                logging=False,
            )
            for d in range(n_distributors)
        ]
        retailers = [
            scm.InventoryNode(
                env=env,
                ID=f"R{r}",
                name=f"R{r}",
                node_type="retailer",
                capacity=RETAILER_ORDER_UP_TO,
                initial_level=RETAILER_INITIAL_STOCK,
                inventory_holding_cost=0.0,
                replenishment_policy=scm.SSReplenishment,
                policy_param={"s": RETAILER_REORDER_POINT, "S": RETAILER_ORDER_UP_TO},
                product_sell_price=0.0,
                product_buy_price=0.0,
                logging=False,
            )
            for r in range(n_retailers)
        ]
        for d, dist in enumerate(distributors):
            scm.Link(
                env=env,
                ID=f"L-S0-D{d}",
                source=supplier,
                sink=dist,
                cost=0.0,
                lead_time=_uniform_int(lead_rng, *SUPPLIER_LEAD_TIME),
            )
        for r, retailer in enumerate(retailers):
            scm.Link(
                env=env,
                ID=f"L-D{r % n_distributors}-R{r}",
                source=distributors[r % n_distributors],
                sink=retailer,
                cost=0.0,
                lead_time=_uniform_int(lead_rng, *DISTRIBUTOR_LEAD_TIME),
            )
        demands = [
            scm.Demand(
                env=env,
                ID=f"C{r}",
                name=f"C{r}",
                order_arrival_model=interval(),
                order_quantity_model=_uniform_int(demand_rng, DEMAND_MIN, DEMAND_MAX),
                demand_node=retailer,
                tolerance=0.0,
                consume_available=True,
                logging=False,
            )
            for r, retailer in enumerate(retailers)
        ]
        run, _ = timed(lambda: env.run(until=days))
        wall_s = time.perf_counter() - start
    finally:
        library_logger.disabled = was_disabled

    demand_units = _total(demands, "demand_placed")
    sold_units = _total(retailers, "demand_fulfilled")
    return {
        "demand_units": demand_units,
        "sold_units": sold_units,
        "lost_sales_units": _total(retailers, "lost_sales"),
        "fill_rate": sold_units / demand_units if demand_units else float("nan"),
        "customer_orders": float(sum(c.stats.demand_placed[0] for c in demands)),
        "retailer_replenishment_orders": float(sum(r.stats.demand_placed[0] for r in retailers)),
        "distributor_replenishment_orders": float(
            sum(d.stats.demand_placed[0] for d in distributors)
        ),
        "distributor_backorder_units": _total(distributors, "backorder"),
        "retailer_inventory_end": float(sum(r.inventory.level for r in retailers)),
        "distributor_inventory_end": float(sum(d.inventory.level for d in distributors)),
        "wall_s": wall_s,
        "run_s": run.wall,
        "run_cpu_s": run.cpu,
    }
