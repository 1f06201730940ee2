"""One-off actions of disruptions on a running simulation: the engine's side of
:class:`simulator.disruptions.World`.

Each action keeps the books: destroyed and quarantined stock is written down as removed (the
conservation audit counts it), cancelled orders as lost sales, and returns as units received
back from customers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulator.disruptions.kinds.customer_side import CustomerSideParams
from simulator.engine.backorders import CustomerBackorders
from simulator.engine.clock import Phase, at_phase
from simulator.engine.context import RunContext
from simulator.engine.stock import StockLedger
from simulator.transport.fleet import FleetRunner


def returns_memory(ctx: RunContext) -> int:
    """Whole days of purchases customers may still send back (0: no returns)."""
    memory = max(
        (
            d.returns_window
            for d in ctx.scenario.disruptions
            if isinstance(d, CustomerSideParams) and d.returns > 0
        ),
        default=0.0,
    )
    return int(np.ceil(memory)) + 1 if memory > 0 else 0


class Interventions:
    """Disruptions act on the run through these methods only."""

    def __init__(
        self,
        ctx: RunContext,
        ledger: StockLedger,
        backorders: CustomerBackorders,
        fleets: Sequence[FleetRunner],
    ) -> None:
        self.ctx = ctx
        self.ledger = ledger
        self.backorders = backorders
        self.fleets = fleets
        # Units served per stream on each of the last days, for customer returns: a row per
        # whole day of the longest returns window, then today's (so far), newest last.
        self.served = np.zeros((returns_memory(ctx), ctx.net.demand.n_streams))

    @property
    def now(self) -> float:
        return self.ctx.env.now

    def note_served(self, served: np.ndarray) -> None:
        if len(self.served):
            self.served[-1] += served

    def note_served_one(self, stream: int, units: float) -> None:
        if len(self.served):
            self.served[-1, stream] += units

    def end_of_day(self) -> None:
        if len(self.served):
            self.served = np.roll(self.served, -1, axis=0)
            self.served[-1] = 0.0
            if self.ledger.trace is not None:  # the lots sold, day by day alike
                self.ledger.trace.book.end_of_day()

    def destroy(self, positions: np.ndarray, share: float) -> None:
        self.ledger.destroy(positions, share)

    def quarantine(self, units: np.ndarray) -> None:
        """Take ``units`` (per position) of recalled stock out of sale."""
        self.ledger.quarantine(units)

    def cancel_backorders(self, streams: np.ndarray, share: float) -> None:
        cancelled = self.backorders.cancel(streams, share)
        if self.ctx.kpi(self.now):
            rec = self.ctx.records
            rec.stream_cancelled[streams] += cancelled
            rec.stream_lost[streams] += cancelled

    def return_sold(self, streams: np.ndarray, share: float, days: float, restock: bool) -> None:
        """Customers send back a share of what they bought in the last ``days`` days; kept
        stock is put back on the outlet's shelf, unless perishable (then scrapped)."""
        ctx, ledger = self.ctx, self.ledger
        window = self.served[len(self.served) - int(np.ceil(days)) - 1 :]  # a view
        recent = window[:, streams].sum(axis=0)
        back = np.zeros(len(ledger.on_hand))
        np.add.at(back, ctx.net.demand.stream_pos[streams], recent * share)
        if ctx.kpi(self.now):
            ctx.records.pos_returned += back
        sent = window[:, streams] * share  # per day, for the lots they were sold from
        window[:, streams] *= 1.0 - share  # the same units cannot come back twice
        if restock:
            ledger.restock(back)
        if ledger.trace is not None:
            ledger.trace.returned(sent, streams, np.logical_and(restock, back > 0))

    def redirect_home_deliveries(self, share: float, stream: str) -> None:
        """Customers correct the address of a share of the parcels waiting at the depots.

        Disruptions begin at the start of the day, before any parcel of the day waits, so the
        corrections apply once the day's customers have been served (before the waves leave).
        """
        rng = self.ctx.draws.rng(stream)

        def redirect(_event: object) -> None:
            for fleet in self.fleets:
                fleet.redirect(share, rng)

        at_phase(self.ctx.env, 0.0, Phase.REVIEW).callbacks.append(redirect)

    def recall(self, disruption: int) -> None:
        """Carry out recall ``disruption`` (see :mod:`simulator.engine.traceability`)."""
        assert self.ledger.trace is not None  # built whenever the scenario has a recall
        self.ledger.trace.recall(disruption)
