"""Inventory KPIs: stock levels and their value, service per position, bullwhip.

Position KPIs read the end-of-day snapshots' sums (``Records.stock``) and the ``pos_*``
accumulators; the bullwhip ratio reads the daily orders and demand of each node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.metrics.catalogue import POSITION, Scope
from simulator.metrics.cost import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulator.metrics.context import KpiContext

# Network and SKU service levels describe what customers see, so they average only the
# positions customers buy from; a node or an echelon averages all of its positions.
CUSTOMER_AVERAGED: frozenset[Scope] = frozenset({"network", "sku"})
_EPS = 1e-9  # the engine's tolerance: stock below it counts as none


def add_operations_kpis(ctx: KpiContext) -> None:
    """Add inventory, position service and bullwhip KPIs to ``ctx``.

    Args:
        ctx: The run's KPI context.
    """
    _inventory(ctx)
    _stock_held(ctx)
    _position_service(ctx)
    _bullwhip(ctx)


def _inventory(ctx: KpiContext) -> None:
    rec = ctx.records
    perishable = np.isfinite(ctx.topology.pos_shelf_life)
    for scope in POSITION:
        present = ctx.population("position", scope)
        held = ctx.sum("position", scope, ctx.on_hand_days)  # unit-days
        issued = ctx.sum("position", scope, rec.pos_shipped)
        ctx.add(scope, "on_hand_mean", held, ctx.days, present=present)
        ctx.add(scope, "inventory_turns", issued * DAYS_PER_YEAR, held, present=present)
        ctx.add(scope, "days_of_supply", held, issued, present=present)
        fresh = ctx.population("position", scope, perishable)
        wasted = ctx.sum("position", scope, rec.pos_wasted)
        fresh_issued = ctx.sum("position", scope, rec.pos_shipped * perishable)
        ctx.add(scope, "waste_units", wasted, present=present)
        ctx.add(scope, "waste_rate", wasted, wasted + fresh_issued, present=fresh)
        sold = ctx.sum("position", scope, rec.pos_sold * perishable)
        life = ctx.sum("position", scope, rec.pos_life_sold)
        ctx.add(scope, "shelf_life_at_sale", life, sold, present=fresh)


def _stock_held(ctx: KpiContext) -> None:
    """Stock at the horizon, and on hand averaged over time where the day's timing allows."""
    rec = ctx.records
    at_end = rec.stock.on_hand_end.astype(np.float64)
    value = at_end * ctx.product("unit_cost")[ctx.topology.pos_sku]
    # On the daily path a day's stock changes only at its start (arrivals, sales) and its
    # end (shipments downstream), so between them it is the end-of-day stock plus what left
    # downstream. The event path moves stock at any instant, and the records keep no
    # integral of it, so it gets no time average.
    daily_path = len(ctx.demand.event) == 0
    downstream = rec.pos_shipped - rec.pos_sold
    for scope in POSITION:
        present = ctx.population("position", scope)
        ctx.add(scope, "on_hand_end", ctx.sum("position", scope, at_end), present=present)
        ctx.add(scope, "stock_value_end", ctx.sum("position", scope, value), present=present)
        if daily_path:
            held = ctx.sum("position", scope, ctx.on_hand_days + downstream)
            ctx.add(scope, "on_hand_time_mean", held, ctx.days, present=present)


def _position_service(ctx: KpiContext) -> None:
    ready_days = ctx.records.stock.ready_days
    every = np.ones(ctx.topology.n_positions, dtype=bool)
    for scope in POSITION:
        members = ctx.customer_facing if scope in CUSTOMER_AVERAGED else every
        present = ctx.population("position", scope, members)
        position_days = ctx.sum("position", scope, members) * ctx.days
        ok = ctx.sum("position", scope, ctx.records.pos_ok_days * members)
        ready = ctx.sum("position", scope, ready_days * members)
        ctx.add(scope, "cycle_service_level", ok, position_days, present=present)
        ctx.add(scope, "ready_rate", ready, position_days, present=present)


def grouped_quantile(keys: np.ndarray, values: np.ndarray, n_groups: int, q: float) -> np.ndarray:
    """Quantile ``q`` of ``values`` within each group, as ``np.quantile``'s linear method.

    Args:
        keys: Group index (0 .. n_groups-1) of each value.
        values: The values.
        n_groups: Number of groups.
        q: Quantile in [0, 1].

    Returns:
        One quantile per group; NaN for a group without values.
    """
    order = np.lexsort((values, keys))
    sorted_values = values[order]
    counts = np.bincount(keys, minlength=n_groups)
    starts = np.cumsum(counts) - counts
    rank = q * (counts - 1)
    low = np.floor(rank).astype(np.int64)
    high = np.ceil(rank).astype(np.int64)
    out = np.full(n_groups, np.nan)
    has = counts > 0
    below = sorted_values[starts[has] + low[has]]
    above = sorted_values[starts[has] + high[has]]
    out[has] = below + (rank[has] - low[has]) * (above - below)
    return out


def _bullwhip(ctx: KpiContext) -> None:
    rec = ctx.records
    n_tiers = len(ctx.ids["echelon"])
    # (nodes x tiers) membership matrix: daily node totals become daily tier totals.
    member = (ctx.node_tier[:, None] == np.arange(n_tiers)[None, :]).astype(np.float64)
    orders = rec.node_orders[ctx.start :] @ member
    demand = rec.node_demand[ctx.start :] @ member
    demand_var = demand.var(axis=0)
    # Constant fractional demand leaves rounding noise in its variance: treat it as zero.
    constant = demand_var <= _EPS * np.maximum(demand.mean(axis=0) ** 2, 1.0)
    ctx.add("echelon", "bullwhip", orders.var(axis=0), np.where(constant, 0.0, demand_var))
