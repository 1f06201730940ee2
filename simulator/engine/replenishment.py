"""Replenishment: reviews of inventory positions and the placement of order lines.

A tier's positions are reviewed together, one vectorised policy call per policy group; the
orders are sized (minimum order, case packs, storage), split among suppliers by each node's
sourcing rule and written to the order book, from which :mod:`simulator.engine.fulfilment`
ships them.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from policies.manual import ManualPolicy
from policies.view import InventoryView, inventory_position
from simulator.engine.context import EPS, RunContext
from simulator.engine.customers import Customers
from simulator.engine.fulfilment import Fulfilment
from simulator.engine.group_sums import add_at
from simulator.engine.policy_groups import build_policy_groups
from simulator.engine.single_line import SingleLine, simple_positions
from simulator.engine.stock import StockLedger
from simulator.engine.tally import Tally
from simulator.network.demand import consecutive_run
from simulator.network.sourcing import PRIMARY, SPLIT
from simulator.network.topology import UNLIMITED


class Replenishment:
    """Reviews positions by their policies and places the resulting order lines."""

    def __init__(
        self,
        ctx: RunContext,
        ledger: StockLedger,
        customers: Customers,
        fulfilment: Fulfilment,
        at_review: bool,
    ) -> None:
        topo = ctx.net.topology
        self.ctx = ctx
        self.ledger = ledger
        self.customers = customers
        self.fulfilment = fulfilment
        self.book = fulfilment.book
        self.at_review = at_review  # orders leave at the review instant, lines ship at once
        self.demand_received = customers.demand_received
        self.last_demand = np.zeros(topo.n_positions)  # seen in the period before a review
        # Positions that forecast from end customers' demand (information sharing), and the
        # customers' demand for their SKU, network-wide, up to their last review.
        # Positions share their policy objects: each object is asked once.
        policies = {id(p): p for p in topo.pos_policy}
        shares = {
            k: getattr(p, "forecast_from", "orders") == "customers" for k, p in policies.items()
        }
        self.from_customers = np.array([shares[id(p)] for p in topo.pos_policy], dtype=bool)
        self.customers_seen = np.zeros(topo.n_positions)
        self.groups = build_policy_groups(topo, fulfilment.pos_tier)
        # Each group's positions as a slice where they run consecutively (views, not gathers).
        runs = [consecutive_run(group.positions) for group in self.groups]
        self.group_at = [
            group.positions if run is None else run
            for group, run in zip(self.groups, runs, strict=True)
        ]
        # Without a storage capacity anywhere, no order is ever cut to fit.
        self.limited = not np.isinf(topo.node_capacity).all()
        # Where no node splits its lines or falls back to another source, every line goes to
        # its position's first source by its first lane.
        self.one_source = not np.isin(topo.pos_rule, (PRIMARY, SPLIT)).any()
        self.group_of = np.empty(topo.n_positions, dtype=np.int64)
        self.index_in_group = np.empty(topo.n_positions, dtype=np.int64)
        for g, group in enumerate(self.groups):
            self.group_of[group.positions] = g
            self.index_in_group[group.positions] = np.arange(len(group.positions))
        # Positions reviewed at every customer order of the event path (review-instant
        # placement and continuous review), the level above which they order nothing, and
        # who decides for one of them alone: (policy.order_one, index) where the policy
        # offers it, else None (its group decides, only that position due).
        self.tally = Tally(ctx.records, ctx.n_days)  # the per-order path's counts
        self.single: SingleLine | None = None  # the scalar path of simple positions' lines
        self.simple = [False] * topo.n_positions
        self.per_order = [False] * topo.n_positions
        self.idle_above = [-math.inf] * topo.n_positions
        self._one: list[tuple[Callable[[int, float], float], int] | None] = [None] * len(
            self.simple
        )
        if at_review:
            for group in self.groups:
                level = getattr(group.policy, "idle_above", None)
                order_one = getattr(group.policy, "order_one", None)
                continuous = group.continuous.tolist()
                levels = [math.inf] * len(continuous) if level is None else level.tolist()
                for i, pos in enumerate(group.positions.tolist()):
                    self.per_order[pos] = continuous[i]
                    self.idle_above[pos] = levels[i]
                    self._one[pos] = None if order_one is None else (order_one, i)
            simple = simple_positions(ctx, ledger, fulfilment)
            self.single = SingleLine(ctx, ledger, fulfilment, self.tally, simple)
            self.simple = self.single.simple
        self._backlog = customers.backorders.at_position

    # ----------------------------------------------------------------- reviews

    def review_tier(self, tier: int) -> None:
        """Review the tier's positions that are due and place their orders."""
        now = self.ctx.now
        customer_backlog = self.customers.backorders.at_position
        decided: list[tuple[np.ndarray, np.ndarray]] = []
        for g, group in enumerate(self.groups):
            if group.tier != tier:
                continue
            idx, at = group.positions, self.group_at[g]
            if not getattr(group.policy, "ignores_demand", False):
                seen = self.demand_received[at].copy()  # the policy may keep it
                if self.from_customers[at].any():
                    seen = np.where(self.from_customers[at], self._customer_demand(idx), seen)
                group.policy.observe(seen)
            self.last_demand[at] = self.demand_received[at]
            self.demand_received[at] = 0.0
            due = group.due(now)
            if due.any():
                decided.append(self._ordering(g, due, now, customer_backlog))
        if not decided:
            return
        idx = np.concatenate([positions for positions, _ in decided])
        orders = np.concatenate([quantities for _, quantities in decided])
        if len(decided) > 1:  # lines in position order, as one pass over the tier writes them
            by_position = np.argsort(idx, kind="stable")
            idx, orders = idx[by_position], orders[by_position]
        if len(idx):
            self.place(self._order_sizes(orders, idx), idx)

    def _ordering(
        self, g: int, due: np.ndarray, now: float, customer_backlog: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The positions of group ``g`` that order at this review, and their orders.

        A policy with ``order_at`` decides only for the due positions at or below its levels:
        the inventory positions are the only full-length arrays of the review."""
        group = self.groups[g]
        policy = group.policy
        order_at = getattr(policy, "order_at", None)
        levels = getattr(policy, "idle_above", None)
        if order_at is None or levels is None:
            quantities = self._decide(g, due, now, customer_backlog)
            i = np.flatnonzero(quantities > EPS)
            return group.positions[i], quantities[i]
        at, ledger = self.group_at[g], self.ledger
        ip = inventory_position(
            ledger.on_hand[at],
            ledger.open_order[at] + ledger.in_transit[at],
            ledger.owed[at] + customer_backlog[at],
        )
        i = np.flatnonzero(due & (ip <= levels))
        quantities = np.maximum(order_at(i, ip[i]), 0.0)
        ordering = quantities > EPS
        return group.positions[i[ordering]], quantities[ordering]

    def _customer_demand(self, idx: np.ndarray) -> np.ndarray:
        """End customers' demand for each position's SKU, network-wide, since its last review."""
        topo = self.ctx.net.topology
        asked = np.bincount(topo.pos_sku, weights=self.customers.asked, minlength=len(topo.sku_ids))
        total = asked[topo.pos_sku[idx]]
        since = total - self.customers_seen[idx]
        self.customers_seen[idx] = total
        return since

    def review_one(self, pos: int) -> None:
        """Event path: review one position (after a line was placed on it), if it may order."""
        ledger = self.ledger
        position = (
            ledger.on_hand.item(pos) + (ledger.open_order.item(pos) + ledger.in_transit.item(pos))
        ) - (ledger.owed.item(pos) + self._backlog.item(pos))
        if position <= self.idle_above[pos]:
            self.decide_one(pos, position)

    def decide_one(self, pos: int, position: float) -> None:
        """Event path: decide for ``pos`` alone at inventory position ``position`` and place
        its order. A policy with ``order_one`` decides in plain Python; any other decides for
        its whole group, with only ``pos`` due."""
        one = self._one[pos]
        quantities, idx = None, None
        if one is not None:
            order_one, i = one
            quantity = order_one(i, position)
        else:
            g = int(self.group_of[pos])
            group = self.groups[g]
            due = np.zeros(len(group.positions), dtype=bool)
            due[self.index_in_group[pos]] = True
            quantities = self._decide(g, due, self.ctx.now, self._backlog)
            quantity = float(quantities[self.index_in_group[pos]])
            idx = group.positions
        single = self.single
        if (
            single is not None
            and self.simple[pos]
            and (quantity <= EPS or single.place(pos, quantity, self.demand_received))
        ):
            self._review_source(single.source[pos])
            return
        if quantities is None or idx is None:
            quantities, idx = np.array([quantity]), np.array([pos])
        self.place(self._order_sizes(quantities, idx), idx)

    def _review_source(self, src: int) -> None:
        """Review-instant placement: a source with continuous review reviews at each line."""
        if src >= 0 and self.per_order[src]:
            self.review_one(src)

    def _decide(
        self, g: int, due: np.ndarray, now: float, customer_backlog: np.ndarray
    ) -> np.ndarray:
        """Orders of group ``g``'s due positions (zero elsewhere)."""
        at = self.group_at[g]
        ledger = self.ledger
        view = InventoryView(  # copies: the policy may keep them
            time=now,
            on_hand=ledger.on_hand[at].copy(),
            on_order=ledger.open_order[at] + ledger.in_transit[at],
            backlog=ledger.owed[at] + customer_backlog[at],
            due=due,
            lead_time=self.ctx.net.topology.pos_lead_time[at].copy(),
        )
        quantities = self.groups[g].policy.order(view)
        return np.where(due, np.maximum(quantities, 0.0), 0.0)

    def queue_manual(self, pos: int, quantity: float) -> None:
        """An order given from outside for a ``manual`` position, placed at its next review."""
        policy = self.groups[self.group_of[pos]].policy
        if not isinstance(policy, ManualPolicy):
            raise ValueError("only positions whose policy is 'manual' take orders from outside")
        policy.queue(int(self.index_in_group[pos]), quantity)

    # ----------------------------------------------------------------- sizing

    def _order_sizes(self, orders: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Lot sizing: at least the minimum order, whole case packs, within storage capacity.

        Orders are rounded up first; if storage then cuts an order, it is rounded down to whole
        packs (storage capacity wins over the minimum order).
        """
        topo = self.ctx.net.topology
        pack = topo.pos_case_pack[idx]
        packed = pack > 0
        wanted = orders > EPS
        sized = np.where(wanted, np.maximum(orders, topo.pos_min_order[idx]), 0.0)
        if packed.any():
            whole = np.ceil(sized[packed] / pack[packed] - EPS) * pack[packed]
            sized[packed] = whole
        fitted = self._within_storage(sized, idx)
        if packed.any():
            cut = packed & (fitted < sized - EPS)
            fitted[cut] = np.floor(fitted[cut] / pack[cut] + EPS) * pack[cut]
        return fitted

    def _within_storage(self, orders: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Scale a node's orders down so stock plus pipeline (of all its positions, ordering
        or not) stays within storage capacity."""
        topo = self.ctx.net.topology
        if not self.limited:
            return orders
        nodes = topo.pos_node[idx]
        if np.isinf(topo.node_capacity[nodes]).all():
            return orders
        ledger = self.ledger
        n = len(topo.node_ids)
        held = ledger.on_hand + ledger.open_order + ledger.in_transit
        held_at = np.bincount(topo.pos_node, weights=held, minlength=n)
        wanted = np.bincount(nodes, weights=orders, minlength=n)
        room = np.maximum(topo.node_capacity - held_at, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(wanted > room, room / wanted, 1.0)
        return orders * scale[nodes]

    # ----------------------------------------------------------------- placement

    def place(self, orders: np.ndarray, idx: np.ndarray) -> None:
        """Write order lines for ``orders`` (per position of ``idx``, each once) to the book;
        they leave now (at the close, or at the review instant)."""
        ctx, ledger = self.ctx, self.ledger
        topo, rec = ctx.net.topology, ctx.records
        mask = orders > EPS
        if not mask.any():
            return
        pos, qty = idx[mask], orders[mask]
        day = ctx.today
        stamp = ctx.env.now
        n_nodes = len(topo.node_ids)
        ledger.open_order[pos] += qty
        rec.node_orders[day] += np.bincount(topo.pos_node[pos], weights=qty, minlength=n_nodes)
        if ctx.kpi(ctx.now):
            rec.pos_order_lines[pos] += 1.0  # a line per position (idx holds each once)
        pos, qty, src, lane = self._choose_suppliers(pos, qty)
        crumbs = qty <= EPS  # a split's share too small to be a line: not ordered after all
        if crumbs.any():
            np.subtract.at(ledger.open_order, pos[crumbs], qty[crumbs])
            pos, qty, src, lane = pos[~crumbs], qty[~crumbs], src[~crumbs], lane[~crumbs]
        stock = src >= 0
        self._asked_of_sources(src[stock], qty[stock], day)
        fulfilment = self.fulfilment
        source_node = np.where(stock, topo.pos_node[np.maximum(src, 0)], -1)
        desk = stock & fulfilment.has_desk[np.maximum(source_node, 0)]
        ids = self.book.add(pos, qty, src, lane, stamp, day, np.where(desk, math.inf, stamp))
        for supplier in np.unique(source_node[desk]):
            from_supplier = source_node == supplier
            for requester in np.unique(topo.pos_node[pos[from_supplier]]):
                lines = ids[from_supplier & (topo.pos_node[pos] == requester)]
                fulfilment.to_desk(int(supplier), lines)
        if self.at_review:  # lines ship the moment they are placed
            fulfilment.fill(self.book.rows_of(ids[~desk]))
            for source in np.unique(src[stock]).tolist():
                self._review_source(source)

    def _asked_of_sources(self, src: np.ndarray, qty: np.ndarray, day: int) -> None:
        """Lines become their sources' demand: owed, asked since the source's review, and its
        node's demand of ``day`` (a tier's many lines ask few sources: summed per source)."""
        topo = self.ctx.net.topology
        n_nodes = len(topo.node_ids)
        per_source = add_at((self.ledger.owed, self.demand_received), src, qty)
        if per_source is None:
            by_node = np.bincount(topo.pos_node[src], weights=qty, minlength=n_nodes)
        else:  # whole numbers: the same sums from the sources' totals
            run, sums = per_source
            by_node = np.bincount(topo.pos_node[run], weights=sums, minlength=n_nodes)
        self.ctx.records.node_demand[day] += by_node

    def _choose_suppliers(
        self, pos: np.ndarray, qty: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each line's supplier and lane by its node's sourcing rule; split lines multiply.

        ``primary`` takes the first candidate whose spare stock (on hand less what it already
        owes) covers the line, judged line by line at the time of ordering.
        """
        topo, ledger = self.ctx.net.topology, self.ledger
        if self.one_source:
            return pos, qty, topo.pos_source[pos], topo.pos_lane[pos]
        rule = topo.pos_rule[pos]
        column = np.zeros(len(pos), dtype=np.int64)
        backup = np.flatnonzero(rule == PRIMARY)
        if len(backup):
            candidates = topo.pos_sources[pos[backup]]
            at = np.maximum(candidates, 0)
            spare = np.where(
                candidates >= 0,
                ledger.on_hand[at] - ledger.owed[at],
                np.where(candidates == UNLIMITED, math.inf, -math.inf),
            )
            enough = spare >= qty[backup, None] - EPS
            column[backup] = np.where(enough.any(axis=1), enough.argmax(axis=1), 0)
        split = np.flatnonzero(rule == SPLIT)
        if len(split):
            row, col = np.nonzero(topo.pos_shares[pos[split]] > 0)
            keep = rule != SPLIT
            parts = qty[split][row] * topo.pos_shares[pos[split][row], col]
            pos = np.concatenate([pos[keep], pos[split][row]])
            qty = np.concatenate([qty[keep], parts])
            column = np.concatenate([column[keep], col])
        return pos, qty, topo.pos_sources[pos, column], topo.pos_lanes[pos, column]
