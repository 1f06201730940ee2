"""The stock ledger: every unit that moves goes through here.

Selling, shipping out, receiving, wasting, destroying, quarantining and restocking each update,
in one place, the position's stock, its lots (perishables), the recall tracing and the records,
so conservation (initial + received + returned = issued + wasted + removed + on hand) holds by
construction and is checked once, at the end of every run.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.engine.context import EPS, RunContext
from simulator.engine.group_sums import run_sums
from simulator.engine.lots import Lots
from simulator.engine.traceability import Traceability
from simulator.transport.shipment import Shipment


class ConservationError(RuntimeError):
    """The books do not balance at the end of a run: a bug, never a user error."""


class StockLedger:
    """Stock, pipeline and obligations of every inventory position (arrays over positions)."""

    def __init__(self, ctx: RunContext, returns_memory: int) -> None:
        topo = ctx.net.topology
        n = topo.n_positions
        self.ctx = ctx
        self.initial = topo.pos_initial.copy()
        self.on_hand = topo.pos_initial.copy()
        self.in_transit = np.zeros(n)
        self.open_order = np.zeros(n)  # ordered, not yet shipped by the source
        self.owed = np.zeros(n)  # open lines other positions have on this one
        self.lots = Lots(np.isfinite(topo.pos_shelf_life), topo.pos_shelf_life, n)
        self.perishable = len(self.lots.positions) > 0
        self.lots.add_fresh(np.arange(n), topo.pos_initial, made=0.0)
        # Lots of the SKUs recalls name, from initial stock on; None without a recall.
        self.trace = Traceability.build(ctx, self, returns_memory)

    # ----------------------------------------------------------------- out of stock

    def sell(self, units: np.ndarray) -> None:
        """Issue ``units`` (per position) to customers: oldest lots first where perishable."""
        ctx, rec = self.ctx, self.ctx.records
        self.on_hand -= units
        if self.trace is not None:
            self.trace.book.sell(units)
        kpi = ctx.kpi(ctx.now)
        self._issued(slice(None), units, kpi)
        if kpi:
            rec.pos_sold += units
        if self.perishable:
            at = np.flatnonzero(units > 0)
            taken = self.lots.take(at, units[at], ctx.now)
            if kpi:
                rec.pos_life_sold[at] += self.lots.remaining_life(taken, ctx.now)

    def sell_at(self, positions: slice | np.ndarray, units: np.ndarray) -> None:
        """Issue ``units`` of ``positions`` (distinct) to customers, the other positions none:
        what :meth:`sell` does, where no lots are kept (no perishables, no recall)."""
        assert not self.perishable and self.trace is None
        rec = self.ctx.records
        self.on_hand[positions] -= units
        rec.total_issued[positions] += units
        if self.ctx.kpi(self.ctx.now):
            rec.pos_shipped[positions] += units
            rec.pos_sold[positions] += units

    def sell_one(self, pos: int, units: float, kpi: bool) -> None:
        """Issue ``units`` of one position to a customer (the per-order path)."""
        if self.perishable or self.trace is not None:
            sold = np.zeros(len(self.on_hand))
            sold[pos] = units
            self.sell(sold)
            return
        self.on_hand[pos] -= units
        rec = self.ctx.records
        rec.total_issued[pos] += units
        if kpi:
            rec.pos_shipped[pos] += units
            rec.pos_sold[pos] += units

    def ship_out(self, src: np.ndarray, qty: np.ndarray, depart: float) -> np.ndarray | None:
        """Take shipped lines' units from their sources' stock; returns the lots they carry
        (rows per line) where perishable, else ``None``."""
        at, taken = run_sums(src, qty)
        self.on_hand[at] -= taken
        self.owed[at] -= taken
        self._issued(at, taken, self.ctx.kpi(self.ctx.now))
        return self.lots.take(src, qty, depart) if self.perishable else None

    def _issued(self, at: slice, units: np.ndarray, kpi: bool) -> None:
        self.ctx.records.total_issued[at] += units
        if kpi:
            self.ctx.records.pos_shipped[at] += units

    # ----------------------------------------------------------------- into stock

    def dispatch(self, pos: np.ndarray, qty: np.ndarray) -> None:
        """Lines leave their sources: ordered units become units in transit."""
        at, moved = run_sums(pos, qty)
        self.open_order[at] -= moved
        self.in_transit[at] += moved

    def receive(self, shipped: Shipment) -> None:
        """A shipment arrives: its units join stock (with their lots) and leave transit."""
        at, units = run_sums(shipped.pos, shipped.qty)
        self.on_hand[at] += units
        self.in_transit[at] -= units
        self.ctx.records.total_received[at] += units
        if self.trace is not None:
            self.trace.receive(shipped)
        if shipped.profile is not None:
            made, bought = shipped.made_fresh, ~shipped.made_fresh
            spoiled = self.lots.add_fresh(shipped.pos[made], shipped.qty[made], shipped.made)
            spoiled += self.lots.add_lots(
                shipped.pos[bought], shipped.profile[bought], shipped.taken_at
            )
            self.waste(spoiled)
            self.spoil()
        if self.trace is not None:  # recalled units in it are received, then taken out
            self.trace.quarantine_arrived(shipped)

    def restock(self, back: np.ndarray) -> None:
        """Customers' returns put back on the shelf (never perishables)."""
        back[self.lots.positions] = 0.0
        self.on_hand += back
        self.ctx.records.total_returned += back

    # ----------------------------------------------------------------- removed

    def waste(self, units: np.ndarray) -> None:
        """Perishable units past their expiry leave stock."""
        self.on_hand -= units
        if self.trace is not None:
            self.trace.book.waste(units)
        self.ctx.records.total_wasted += units
        if self.ctx.kpi(self.ctx.now):  # waste found at a close is that day's
            self.ctx.records.pos_wasted += units

    def spoil(self) -> None:
        """Waste the lots that cannot be sold now (expiry day at or before the current time)."""
        if self.perishable:
            self.waste(self.lots.expire(math.floor(self.ctx.env.now + EPS) - 1))

    def destroy(self, positions: np.ndarray, share: float) -> None:
        """A disruption destroys ``share`` of the stock of ``positions``."""
        units = np.zeros(len(self.on_hand))
        units[positions] = self.on_hand[positions] * share
        self.on_hand -= units
        self.lots.scale(positions, 1.0 - share)
        if self.trace is not None:
            self.trace.book.scale(positions, 1.0 - share)
        self._removed(units, self.ctx.records.pos_destroyed)

    def quarantine(self, units: np.ndarray) -> None:
        """Take ``units`` (per position) of recalled stock out of sale."""
        self.on_hand -= units
        self._removed(units, self.ctx.records.pos_quarantined)

    def _removed(self, units: np.ndarray, kpi_total: np.ndarray) -> None:
        self.ctx.records.total_removed += units
        if self.ctx.kpi(self.ctx.env.now):
            kpi_total += units

    # ----------------------------------------------------------------- books

    def audit(self) -> None:
        """Raise :class:`ConservationError` unless every position's books balance."""
        rec = self.ctx.records
        expected = (
            self.initial
            + rec.total_received
            + rec.total_returned
            - rec.total_issued
            - rec.total_wasted
            - rec.total_removed
        )
        scale = np.maximum(1.0, np.abs(expected) + np.abs(rec.total_received))
        wrong = np.flatnonzero(np.abs(expected - self.on_hand) > 1e-6 * scale)
        negative = np.flatnonzero(self.on_hand < -1e-6 * scale)
        if len(wrong) or len(negative):
            topo = self.ctx.net.topology
            p = int(wrong[0] if len(wrong) else negative[0])
            raise ConservationError(
                f"the books of {topo.node_ids[topo.pos_node[p]]}/{topo.sku_ids[topo.pos_sku[p]]}"
                f" do not balance: on hand {self.on_hand[p]:.6g}, expected {expected[p]:.6g}"
            )
