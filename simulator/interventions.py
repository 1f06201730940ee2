"""One-off actions of disruptions on a running simulation: the engine's side of
:class:`simulator.disruptions.World`.

Each action keeps the books: destroyed and quarantined stock is written down as removed (the
conservation audit counts it), cancelled orders as lost sales, and returns as units received
back from customers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.disruptions.kinds.customer_side import CustomerSideParams

if TYPE_CHECKING:
    from simulator.engine import Simulation


class Interventions:
    """Disruptions act on the run through these methods only."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        n_streams = sim.net.demand.n_streams
        memory = max(
            (
                d.returns_window
                for d in sim.scenario.disruptions
                if isinstance(d, CustomerSideParams) and d.returns > 0
            ),
            default=0.0,
        )
        # Units served per stream on each of the last days, for customer returns: a row per
        # whole day of the longest returns window, then today's (so far), newest last.
        rows = int(np.ceil(memory)) + 1 if memory > 0 else 0
        self.served = np.zeros((rows, n_streams))

    @property
    def now(self) -> float:
        return self.sim.env.now

    def note_served(self, served: np.ndarray) -> None:
        if len(self.served):
            self.served[-1] += served

    def end_of_day(self) -> None:
        if len(self.served):
            self.served = np.roll(self.served, -1, axis=0)
            self.served[-1] = 0.0
            if self.sim.trace is not None:  # the lots sold, day by day alike
                self.sim.trace.book.end_of_day()

    def destroy(self, positions: np.ndarray, share: float) -> None:
        sim = self.sim
        units = np.zeros(len(sim.on_hand))
        units[positions] = sim.on_hand[positions] * share
        sim.on_hand -= units
        sim.lots.scale(positions, 1.0 - share)
        if sim.trace is not None:
            sim.trace.book.scale(positions, 1.0 - share)
        self._removed(units, sim.records.pos_destroyed)

    def quarantine(self, units: np.ndarray) -> None:
        """Take ``units`` (per position) of recalled stock out of sale."""
        self.sim.on_hand -= units
        self._removed(units, self.sim.records.pos_quarantined)

    def _removed(self, units: np.ndarray, kpi: np.ndarray) -> None:
        rec = self.sim.records
        rec.total_removed += units
        if self.sim._kpi(self.now):
            kpi += units

    def cancel_backorders(self, streams: np.ndarray, share: float) -> None:
        sim = self.sim
        waiting = sim.backorders.units[:, streams]
        cancelled = (waiting * share).sum(axis=0)
        sim.backorders.units[:, streams] = waiting * (1.0 - share)
        if sim._kpi(self.now):
            rec = sim.records
            rec.stream_cancelled[streams] += cancelled
            rec.stream_lost[streams] += cancelled

    def return_sold(self, streams: np.ndarray, share: float, days: float, restock: bool) -> None:
        """Customers send back a share of what they bought in the last ``days`` days; kept
        stock is put back on the outlet's shelf, unless perishable (then scrapped)."""
        sim = self.sim
        window = self.served[len(self.served) - int(np.ceil(days)) - 1 :]  # a view
        recent = window[:, streams].sum(axis=0)
        back = np.zeros(len(sim.on_hand))
        np.add.at(back, sim.net.demand.stream_pos[streams], recent * share)
        if sim._kpi(self.now):
            sim.records.pos_returned += back
        sent = window[:, streams] * share  # per day, for the lots they were sold from
        window[:, streams] *= 1.0 - share  # the same units cannot come back twice
        if restock:
            back[sim.lots.positions] = 0.0  # perishables are never resold
            sim.on_hand += back
            sim.records.total_returned += back
        if sim.trace is not None:
            sim.trace.returned(sent, streams, np.logical_and(restock, back > 0))

    def redirect_home_deliveries(self, share: float, stream: str) -> None:
        for fleet in self.sim.fleets:
            fleet.redirect(share, self.sim._rng(stream))

    def recall(self, disruption: int) -> None:
        self.sim.recall(disruption)
