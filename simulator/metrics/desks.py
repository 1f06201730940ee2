"""Order-desk KPIs: how long event-path customer orders queued at a node's desk.

A node with ``processing`` serves its event-path customers' orders through a desk of
``servers`` servers, first come first served. The customer-order log
(``Records.customer_orders``) keeps each order's arrival and its wait for a server; an order
enters the log when its processing ends, so the orders still at the desk when the run ends
are not counted. Replenishment lines queue at supplier desks too, but their waits are not
recorded, and neither is any desk's busy time: ``desk_utilisation`` stays in the catalogue
without rows (see its ``missing_record``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.metrics.catalogue import NETWORK_NODE

if TYPE_CHECKING:
    from simulator.metrics.context import KpiContext

_EPS = 1e-9  # a wait shorter than this is no wait (float noise of the clock)


def add_desk_kpis(ctx: KpiContext) -> None:
    """Add the mean wait and the probability of waiting at customer order desks to ``ctx``.

    Args:
        ctx: The run's KPI context; nothing is added without a desk serving customers.
    """
    topo, dem = ctx.topology, ctx.demand
    has_desk = np.asarray([p is not None for p in topo.node_processing], dtype=bool)
    served = np.zeros(len(topo.node_ids), dtype=bool)
    served[topo.pos_node[dem.stream_pos[dem.event]]] = True
    desks = has_desk & served
    if not desks.any():
        return
    orders = ctx.records.customer_orders
    node = topo.pos_node[dem.stream_pos[orders.column("stream")]]
    at_desk = desks[node]
    node, wait = node[at_desk], orders.column("wait")[at_desk]
    for scope in NETWORK_NODE:
        keys = ctx.keys("node", scope)[node]
        present = ctx.total(scope, ctx.keys("node", scope), desks) > 0
        n_orders = ctx.total(scope, keys, 1.0)
        ctx.add(scope, "desk_wait_mean", ctx.total(scope, keys, wait), n_orders, present=present)
        waited = ctx.total(scope, keys, wait > _EPS)
        ctx.add(scope, "desk_wait_probability", waited, n_orders, present=present)
