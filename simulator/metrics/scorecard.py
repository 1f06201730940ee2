"""Partner scorecard: one ranked row per distributor, wholesaler, retailer and e-commerce node.

Figures the KPI table already holds (trade revenue and margin, customers' fill rate, inventory
turns) are read from its ``node`` scope. The rest come from the run's records over the same KPI
window: units issued, end-of-day backorders, completed replenishment lines and daily orders. The
columns are declared in the KPI catalogue (``simulator.metrics.catalogue.SCORECARD``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.metrics.catalogue import SCORECARD
from simulator.metrics.context import KpiContext
from simulator.metrics.operations import _EPS
from simulator.metrics.run import ScoredRun

PARTNER_KINDS: tuple[str, ...] = ("distributor", "wholesaler", "retailer", "ecommerce")
"""Node kinds that get a scorecard row."""

SCORECARD_DEFINITIONS: dict[str, str] = {name: kpi.definition for name, kpi in SCORECARD.items()}
"""Scorecard column -> one-sentence definition (a view of the catalogue's ``SCORECARD``)."""

_RANK_KEYS = ("fill_rate_given", "gross_margin")
"""Columns that rank partners, in order, each in its catalogue direction; node id breaks ties."""


def scorecard(result: ScoredRun) -> pd.DataFrame:
    """One row per partner node, ranked, over the run's KPI window.

    Args:
        result: A finished run.

    Returns:
        Columns ``node, kind`` and those of ``SCORECARD_DEFINITIONS``, one row per node whose
        kind is in ``PARTNER_KINDS``, sorted by ``rank``. NaN marks a figure that is undefined
        for the node (see the definitions).
    """
    ctx = KpiContext(result)
    topo = ctx.topology
    partners = np.flatnonzero(np.isin(topo.node_kind, PARTNER_KINDS))
    ids = [topo.node_ids[n] for n in partners]
    table = result.kpis
    kpis = table[table.scope == "node"].pivot(index="id", columns="metric", values="value")
    kpis = kpis.reindex(
        index=ids, columns=["trade_revenue", "trade_margin", "fill_rate", "inventory_turns"]
    )

    on_time_units, ordered, on_time_lines, lines, given_on_time = _replenishment(ctx)
    # What a node without customers gives: its buyers' lines on time in full, over all they
    # ordered from it.
    downstream = _share(given_on_time, ctx.records.node_demand[ctx.start :].sum(axis=0))
    has_customers = ctx.population("stream", "node")
    card = pd.DataFrame(
        {
            "node": ids,
            "kind": [topo.node_kind[n] for n in partners],
            "sales_units": ctx.sum("position", "node", ctx.records.pos_shipped)[partners],
            "revenue": kpis["trade_revenue"].fillna(0.0).to_numpy(),
            "gross_margin": kpis["trade_margin"].fillna(0.0).to_numpy(),
            "fill_rate_given": np.where(
                has_customers[partners], kpis["fill_rate"].to_numpy(), downstream[partners]
            ),
            "fill_rate_received": _share(on_time_units, ordered)[partners],
            "on_time_delivery": _share(on_time_lines, lines)[partners],
            "stockout_days": _stockout_days(ctx, partners),
            "inventory_turns": kpis["inventory_turns"].to_numpy(),
        }
    )
    return rank_partners(card)


def rank_partners(card: pd.DataFrame) -> pd.DataFrame:
    """Sort scorecard rows best first and number them in a ``rank`` column (1 = best).

    Args:
        card: Rows with at least ``node``, ``fill_rate_given`` and ``gross_margin``.

    Returns:
        The rows by ``fill_rate_given`` descending (NaN last), then ``gross_margin`` descending,
        then ``node`` ascending, so every rank is unique and the order is reproducible.
    """
    ascending = [SCORECARD[key].direction == "lower" for key in _RANK_KEYS]
    ordered = card.sort_values(
        [*_RANK_KEYS, "node"], ascending=[*ascending, True], na_position="last", kind="stable"
    ).reset_index(drop=True)
    return ordered.assign(rank=np.arange(1, len(ordered) + 1))


def _replenishment(
    ctx: KpiContext,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per node: units on time in full, units ordered, lines on time, completed lines, and,
    per supplying node, units it delivered on time in full.

    A line is on time when its cycle (the time to its last unit, so it is also complete) is at
    most its nominal lead time (:func:`simulator.metrics.layout.nominal_lead_times`)."""
    rec = ctx.records
    lines = rec.lines
    ordered = rec.node_orders[ctx.start :].sum(axis=0)
    supplier = ctx.topology.lane_origin
    return (
        ctx.sum("position", "node", lines.on_time_units),
        ordered,
        ctx.sum("position", "node", lines.on_time_lines),
        ctx.sum("position", "node", lines.lines),
        ctx.total("node", supplier, lines.lane_on_time_units),
    )


def _share(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` capped at 1 (line quantities are float32), NaN where ``den`` is 0."""
    share = np.divide(num, den, out=np.full(num.shape, np.nan), where=den > _EPS)
    return np.minimum(share, 1.0)


def _stockout_days(ctx: KpiContext, partners: np.ndarray) -> np.ndarray:
    """Window days on which the node left customers short: a backorder at day's end or a sale
    lost that day. NaN for a node without customers."""
    rec = ctx.records
    window = slice(ctx.start, None)
    short = rec.stock.node_short[window, partners] | (rec.node_lost[window, partners] > _EPS)
    facing = ctx.sum("position", "node", ctx.customer_facing)[partners] > 0
    return np.where(facing, np.count_nonzero(short, axis=0), np.nan)
