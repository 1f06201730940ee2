"""The benchmark network run by supplysim: one timed run and its outcome totals."""

from __future__ import annotations

import math
import time
from typing import Any

from timing import timed

from simulator import Result, Simulation
from simulator.scenario import scenario_from_data


def our_outcomes(result: Result) -> dict[str, float]:
    """Totals comparable with the other models of the network (no warm-up, so whole run)."""
    rec, topo = result.records, result.network.topology
    kinds = [topo.node_kind[n] for n in topo.pos_node]
    retail = [k == "retailer" for k in kinds]
    dist = [k == "distributor" for k in kinds]
    demand = float(rec.stream_demand.sum())
    sold = float(rec.stream_filled_now.sum() + rec.stream_served_late.sum())
    waits = rec.customer_orders.column("wait")  # event path only; zero without a desk
    return {
        "customer_orders": float(rec.stream_orders.sum()),
        "demand_units": demand,
        "sold_units": sold,
        "lost_sales_units": float(rec.stream_lost.sum()),
        "fill_rate": sold / demand if demand else math.nan,
        "retailer_replenishment_orders": float(rec.pos_order_lines[retail].sum()),
        "distributor_replenishment_orders": float(rec.pos_order_lines[dist].sum()),
        "retailer_inventory_end": float(result.final_on_hand[retail].sum()),
        "distributor_inventory_end": float(result.final_on_hand[dist].sum()),
        "wait_mean": float(waits.mean()) if len(waits) else math.nan,
    }


def run_supplysim(data: dict[str, Any]) -> tuple[dict[str, float], str | None]:
    """Validate ``data``, compile, run and compute the KPI table, timing the run on its own.

    Returns:
        The outcome totals plus ``run_s`` and ``run_cpu_s`` (wall and CPU seconds in
        ``Simulation.run``) and ``kpis_s``
        (seconds in ``result.kpis``, NaN when it failed), and the KPI layer's error message,
        if any: a failure there is a defect to report, not a reason to stop timing the run.
    """
    simulation = Simulation(scenario_from_data(data))
    run, result = timed(simulation.run)
    error = None
    started = time.perf_counter()
    try:
        _ = result.kpis
    except Exception as failure:  # reported with the figures, whatever it is
        error = f"{type(failure).__name__}: {failure}"
    kpis_s = math.nan if error else time.perf_counter() - started
    outcomes = {**our_outcomes(result), "run_s": run.wall, "run_cpu_s": run.cpu}
    return {**outcomes, "kpis_s": kpis_s}, error
