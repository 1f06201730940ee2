"""Order-desk KPIs: how long event-path customer orders queued at a node's desk, and how busy
every desk's servers were.

A node with ``processing`` serves its event-path customers' orders, and the replenishment lines
other nodes place with it, through a desk of ``servers`` servers, first come first served. The
customer-order log (``Records.customer_orders``) keeps each order's arrival and its wait for a
server; an order enters the log when its processing ends, so the orders still at the desk when
the run ends are not counted. The waits of replenishment lines are not recorded. Every desk's
busy time in the window, customer orders and lines alike, is in ``Records.node_desk_busy``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.metrics.catalogue import NETWORK_NODE

if TYPE_CHECKING:
    from simulator.metrics.context import KpiContext

_EPS = 1e-9  # a wait shorter than this is no wait (float noise of the clock)


def add_desk_kpis(ctx: KpiContext) -> None:
    """Add the desks' utilisation, and the mean wait and the probability of waiting at customer
    order desks, to ``ctx``.

    Args:
        ctx: The run's KPI context; nothing is added without a desk.
    """
    topo = ctx.topology
    servers = np.asarray([0 if p is None else p.servers for p in topo.node_processing])
    has_desk = servers > 0
    if not has_desk.any():
        return
    _add_customer_waits(ctx, has_desk)
    for scope in NETWORK_NODE:
        busy = ctx.sum("node", scope, ctx.records.node_desk_busy)
        capacity = ctx.sum("node", scope, servers) * ctx.days
        present = ctx.population("node", scope, has_desk)
        ctx.add(scope, "desk_utilisation", busy, capacity, present=present)


def _add_customer_waits(ctx: KpiContext, has_desk: np.ndarray) -> None:
    topo, dem = ctx.topology, ctx.demand
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
