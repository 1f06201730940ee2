"""Replenishment KPIs: lines and units ordered, their cycle times, and purchases.

Lines placed and units ordered read the ``pos_order_lines`` accumulator and the daily orders of
each node. Cycle times read the sums of the completed lines (``Records.lines``): the lines
placed in the window and fully shipped by the end of the run, summed per position, with their
cycle times counted per node (exact quantiles on the daily path; see
:mod:`simulator.records.quantiles` for the bound where a node's times are too varied).
Purchases are what external suppliers shipped in the window (``pos_purchased``), whether or
not the line is complete: a supplier charges the unit cost for what it ships (docs/kpis.md,
"Trade revenue and margin").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.metrics.catalogue import NODES, POSITION

if TYPE_CHECKING:
    from simulator.metrics.context import KpiContext

CYCLE_QUANTILE = 0.95


def add_replenishment_kpis(ctx: KpiContext) -> None:
    """Add order lines, units ordered, order cycle times and purchases to ``ctx``.

    Args:
        ctx: The run's KPI context.
    """
    rec, topo = ctx.records, ctx.topology
    ordered = rec.node_orders[ctx.start :].sum(axis=0)
    lines = rec.lines
    spend = rec.pos_purchased * ctx.product("unit_cost")[topo.pos_sku]
    for scope in POSITION:
        present = ctx.population("position", scope)
        placed = ctx.sum("position", scope, rec.pos_order_lines)
        ctx.add(scope, "order_lines", placed, present=present)
        bought = ctx.sum("position", scope, rec.pos_purchased)
        ctx.add(scope, "purchased_units", bought, present=present)
        ctx.add(scope, "purchases", ctx.sum("position", scope, spend), present=present)
        if scope not in NODES:  # daily orders are kept per node, not per SKU
            continue
        ctx.add(scope, "units_ordered", ctx.sum("node", scope, ordered), present=present)
        n_lines = ctx.sum("position", scope, lines.lines)
        keys = ctx.keys("node", scope)
        p95 = lines.cycles.quantile(keys, len(ctx.ids[scope]), CYCLE_QUANTILE)
        mean = ctx.sum("position", scope, lines.cycle_days)
        ctx.add(scope, "order_cycle_time_mean", mean, n_lines, present=present)
        ctx.add(scope, "order_cycle_time_p95", p95, present=present)
