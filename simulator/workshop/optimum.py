"""The least cost of a beer game with foresight: a linear programme over every stage's orders.

A team that knew every week's customer demand in advance could still not avoid all cost: stock
is needed ahead of the demand and beer takes weeks to arrive. :func:`minimum_cost` finds the
least total cost any team could reach on a given demand, with the engine's timing, which is
what the debrief's leaderboard ranks the teams and the bots against.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog

from simulator.network.topology import compile_topology
from simulator.scenario import Scenario
from simulator.workshop.board import ROLES

_VARIABLES = ("order", "ship", "stock", "backlog")


def minimum_cost(
    demand: Sequence[float] | np.ndarray,
    leads: Sequence[int],
    initial: Sequence[float],
    h: float,
    b: float,
    arriving: Sequence[Sequence[float]] | None = None,
) -> tuple[float, np.ndarray]:
    """Least team cost with perfect foresight of the customers' demand, by linear programming.

    Stage k (retailer first) receives at the start of period t what its supplier shipped at the
    end of period ``t - leads[k] - 1`` (the factory: what it asked to brew then), plus its
    initial pipeline ``arriving[k][t]``; it ships within what it has and owes the rest; its
    supplier sees its order the period it is placed, as in the engine. Variables per stage and
    period: order, shipment, end stock, end backlog.

    Args:
        demand: The end customers' demand of each period.
        leads: Lead time of each stage's supply (the engine's lane or production lead time).
        initial: Stock on hand at each stage at the start.
        h: Holding cost per unit and period, on end-of-period stock.
        b: Backlog cost per unit and period, on end-of-period backlog, at every stage.
        arriving: Per stage, the units already on their way, received at the start of periods
            0, 1, ... (the scenario's initial pipeline); none by default.

    Returns:
        The minimum over all orders of the sum over stages and periods of
        ``h * stock + b * backlog``, and the optimal orders (stages x periods).
    """
    demand = np.asarray(demand, dtype=float)
    n, weeks = len(leads), len(demand)
    block = n * weeks
    start = {name: i * block for i, name in enumerate(_VARIABLES)}

    def var(name: str, k: int, t: int) -> int:
        return start[name] + k * weeks + t

    pipeline = np.zeros((n, weeks))
    for k, units in enumerate(arriving or []):
        head = list(units)[:weeks]
        pipeline[k, : len(head)] = head
    rows, rhs = [], []
    for k in range(n):
        for t in range(weeks):
            stock = np.zeros(4 * block)  # stock(t-1) + received + ... = stock(t) + shipped
            owed = np.zeros(4 * block)  # backlog(t-1) + asked = backlog(t) + shipped
            stock[var("stock", k, t)], owed[var("backlog", k, t)] = 1.0, 1.0
            stock[var("ship", k, t)], owed[var("ship", k, t)] = 1.0, 1.0
            if t:
                stock[var("stock", k, t - 1)], owed[var("backlog", k, t - 1)] = -1.0, -1.0
            sent = t - leads[k] - 1
            if sent >= 0:
                source = "ship" if k + 1 < n else "order"
                stock[var(source, min(k + 1, n - 1), sent)] -= 1.0
            if k:
                owed[var("order", k - 1, t)] = -1.0
            rows += [stock, owed]
            rhs += [pipeline[k, t] + (initial[k] if t == 0 else 0.0), demand[t] if k == 0 else 0.0]
    cost = np.zeros(4 * block)
    cost[start["stock"] : start["stock"] + block] = h
    cost[start["backlog"] : start["backlog"] + block] = b
    solved = linprog(cost, A_eq=np.array(rows), b_eq=np.array(rhs), method="highs")
    if not solved.success:
        raise RuntimeError(f"the linear programme failed: {solved.message}")
    return float(solved.fun), solved.x[: start["ship"]].reshape(n, weeks)


def game_minimum(game: Scenario, demand: Sequence[float] | np.ndarray) -> tuple[float, np.ndarray]:
    """:func:`minimum_cost` of a beer game scenario (stages :data:`ROLES`) on ``demand``: its
    lead times, initial stock and pipeline, and the game's holding and backlog costs."""
    topo = compile_topology(game)
    pos = [topo.node_positions[topo.node_ids.index(role)].start for role in ROLES]
    (product,) = game.products
    h, b = product.unit_cost * product.holding_rate / 365.0, product.backorder_cost
    leads = [round(float(topo.pos_lead_time[p])) for p in pos]
    initial = [float(topo.pos_initial[p]) for p in pos]
    arriving = [topo.pos_arriving[p].tolist() for p in pos]
    return minimum_cost(demand, leads, initial, h, b, arriving)
