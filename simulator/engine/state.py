"""A read-only picture of a running simulation, per inventory position."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.engine.orderbook import OrderBook
from simulator.engine.stock import StockLedger
from simulator.network.topology import Topology


def snapshot(
    topo: Topology,
    ledger: StockLedger,
    customer_backlog: np.ndarray,
    book: OrderBook,
    last_demand: np.ndarray,
) -> pd.DataFrame:
    """One row per position at the current time (copies: changing the frame changes nothing).

    ``backlog`` is owed to customers and downstream nodes; ``pipeline`` is ordered and not yet
    received; ``incoming_orders`` are the open lines other positions have on this one;
    ``last_demand`` is the demand the position saw in the period before its last review.
    """
    stock = book.source >= 0
    incoming = np.bincount(book.source[stock], weights=book.open[stock], minlength=topo.n_positions)
    return pd.DataFrame(
        {
            "node": [topo.node_ids[n] for n in topo.pos_node],
            "sku": [topo.sku_ids[k] for k in topo.pos_sku],
            "on_hand": ledger.on_hand.copy(),
            "backlog": ledger.owed + customer_backlog,
            "pipeline": ledger.open_order + ledger.in_transit,
            "incoming_orders": incoming,
            "last_demand": last_demand.copy(),
        }
    )
