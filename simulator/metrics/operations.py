"""Inventory and replenishment KPIs: stock levels, service per position, order cycle, bullwhip.

Position KPIs read the end-of-day series (window rows only) and the ``pos_*`` accumulators;
order cycle times read the completed replenishment lines placed in the window; the bullwhip
ratio reads the daily orders and demand of each node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.metrics.cost import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulator.metrics import KpiContext, Scope

POSITION_SCOPES: tuple[Scope, ...] = ("network", "node", "sku", "echelon")
LINE_SCOPES: tuple[Scope, ...] = ("network", "node", "echelon")
# Network and SKU service levels describe what customers see, so they average only the
# positions customers buy from; a node or an echelon averages all of its positions.
CUSTOMER_AVERAGED: frozenset[Scope] = frozenset({"network", "sku"})
_EPS = 1e-9  # the engine's tolerance: stock below it counts as none
CYCLE_QUANTILE = 0.95
PERISHABLE_ONLY: frozenset[str] = frozenset({"waste_rate", "shelf_life_at_sale"})
"""KPIs with rows only where some position holds a perishable product."""

DEFINITIONS: dict[str, str] = {
    "cycle_service_level": "Share of position-days ending with no backorder (customer or "
    "downstream node) and no lost sale, averaged over positions (ratio, 0-1).",
    "ready_rate": "Share of position-days ending with stock on hand (ratio, 0-1).",
    "on_hand_mean": "Mean end-of-day on-hand stock, summed over the scope's positions (units).",
    "inventory_turns": "Units issued (to customers and downstream nodes) per year / "
    "on_hand_mean (1/year).",
    "days_of_supply": "on_hand_mean / mean units issued per day (days).",
    "order_cycle_time_mean": "Mean days from placing a replenishment line to receiving its last "
    "unit, over completed lines placed in the window (days).",
    "order_cycle_time_p95": "95th percentile (linear interpolation) of the same line cycle "
    "times (days).",
    "waste_units": "Perishable units that expired in stock or in transit to the scope (units).",
    "waste_rate": "waste_units / (waste_units + units issued) (ratio, 0-1; perishables only).",
    "shelf_life_at_sale": "Mean days of shelf life left on perishable units sold to customers "
    "(days; NaN without perishable sales).",
    "bullwhip": "Variance of the echelon's daily orders / variance of the daily demand it "
    "receives, both summed over its nodes (ratio; NaN if demand is constant).",
}


def add_operations_kpis(ctx: KpiContext) -> None:
    """Add inventory, position service, order cycle and bullwhip KPIs to ``ctx``.

    Args:
        ctx: The run's KPI context.
    """
    _inventory(ctx)
    _position_service(ctx)
    _order_cycle_times(ctx)
    _bullwhip(ctx)


def _inventory(ctx: KpiContext) -> None:
    rec = ctx.records
    perishable = np.isfinite(ctx.topology.pos_shelf_life)
    for scope in POSITION_SCOPES:
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


def _position_service(ctx: KpiContext) -> None:
    window = ctx.records.series_on_hand[ctx.start :]
    ready_days = np.count_nonzero(window > _EPS, axis=0)
    every = np.ones(ctx.topology.n_positions, dtype=bool)
    for scope in POSITION_SCOPES:
        members = ctx.customer_facing if scope in CUSTOMER_AVERAGED else every
        present = ctx.population("position", scope, members)
        position_days = ctx.sum("position", scope, members) * ctx.days
        ok = ctx.sum("position", scope, ctx.records.pos_ok_days * members)
        ready = ctx.sum("position", scope, ready_days * members)
        ctx.add(scope, "cycle_service_level", ok, position_days, present=present)
        ctx.add(scope, "ready_rate", ready, position_days, present=present)


def _order_cycle_times(ctx: KpiContext) -> None:
    lines = ctx.records.order_lines
    in_window = ctx.records.in_window(lines.column("day"))
    position = lines.column("position")[in_window]
    cycle = lines.column("cycle")[in_window].astype(np.float64)
    for scope in LINE_SCOPES:
        keys = ctx.keys("position", scope)[position]
        present = ctx.population("position", scope)
        n_lines = ctx.total(scope, keys, 1.0)
        p95 = grouped_quantile(keys, cycle, len(ctx.ids[scope]), CYCLE_QUANTILE)
        ctx.add(
            scope, "order_cycle_time_mean", ctx.total(scope, keys, cycle), n_lines, present=present
        )
        ctx.add(scope, "order_cycle_time_p95", p95, present=present)


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
