"""What each node earns on what it sells: trade revenue and margin along the chain.

Every stocking node sells at its level's price (``Product.trade_prices``; consumers pay
``price``) and buys at its preferred supplier's. These figures make partners without customers
of their own (wholesalers, distributors, DCs) comparable with stores on a scorecard; the
customer-side ``revenue`` and ``gross_margin`` stay the consumer view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.metrics.catalogue import TRADE

if TYPE_CHECKING:
    from simulator.metrics.context import KpiContext


def add_trade_kpis(ctx: KpiContext) -> None:
    """Add each node's and echelon's trade revenue and margin to ``ctx``.

    Args:
        ctx: The run's KPI context.
    """
    topo, issued = ctx.topology, ctx.records.pos_shipped
    revenue = issued * topo.pos_sell_price
    margin = issued * (topo.pos_sell_price - topo.pos_buy_price)
    for scope in TRADE:
        present = ctx.population("position", scope)
        ctx.add(scope, "trade_revenue", ctx.sum("position", scope, revenue), present=present)
        ctx.add(scope, "trade_margin", ctx.sum("position", scope, margin), present=present)
