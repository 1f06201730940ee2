"""Lot traceability: the production lot of every unit of a recalled SKU, wherever it is, so that
a recall takes out exactly the units it names.

**Lots.** A unit's lot is the day it was made by a plant or bought in from an external supplier,
the day whose work shipped it (a line filled on day ``d`` is lot ``d``, although on the daily
path it leaves at time ``d + 1``), and, when some recall names a ``source``, the plant or
supplier it came from. Initial stock counts as made on day 0, before the run starts, by no
known source: a recall of lots from day 0 reaches it (even one on day 0), a recall naming a
source never does.

**What is tracked.** Only the positions of SKUs some recall names; a scenario without a recall
builds nothing and the engine skips every hook. Each tracked position holds its stock by lot,
and by lot the units it sold that are still with customers. Units in transit carry their lots
(:attr:`simulator.transport.shipment.Shipment.lots`), through depots and vehicles alike.

**Columns.** A position's lots are columns, oldest first: one per day some recall names, and
one per stretch of days between them, which no recall can tell apart; each is split by source
when recalls name sources (a column per named source, one for all others). Merging changes
nothing: the units of a stretch are all younger than those before it, older than those after.

**Movements.** Production and purchases add one lot. Every issue (a shipment, a sale) and all
waste take the oldest lots first; destroyed stock takes the same share of every lot; customer
returns give back the lots the position sold on the days they come from. For a perishable
position, oldest first is the FEFO of :mod:`simulator.engine.lots`: a SKU has one shelf life, so the
units made first expire first, and waste at expiry removes the oldest lots. Units made on the
same day leave source by source, in a fixed order (and on the event path, with a fractional
shelf life, may expire a day apart: that tie is the one place the two orders can differ).

**Recalls.** A recall acting at the start of day ``d`` names the lots of its days ``[from,
to]`` (from its ``source`` only, if given) made up to day ``d - 1``: lots made from day ``d``
on are never affected, even inside the range. At once, every affected unit in stock is
quarantined; affected units in transit are quarantined when they arrive (received, then
removed, so the conservation audit balances); of the affected units sold and still with
customers, ``return_rate`` come back to ``return_to`` after ``return_delay`` (one draw per
recall from the stream ``disruption/<id>/returns``) and are quarantined there, never restocked.
Returns due after the horizon are not counted. ``Records.recalls`` logs each step with its
cost: ``fixed_cost`` when the recall starts, ``cost_per_unit`` per unit quarantined or returned.
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np

from simulator.disruptions.kinds.recall import RecallParams
from simulator.engine.context import RunContext
from simulator.engine.lots import Lots, take_oldest
from simulator.network.topology import UNLIMITED
from simulator.transport.shipment import Shipment


class StockLedger(Protocol):
    """What tracing needs of the stock ledger: the stock, its lots, and quarantine."""

    on_hand: np.ndarray
    lots: Lots

    def quarantine(self, units: np.ndarray) -> None: ...


_EPS = 1e-9
_INITIAL = 0  # the column of initial stock: the day before day 0, no known source


class LotBook:
    """Units by lot column, oldest first, at the tracked positions: in stock, and sold.

    Args:
        tracked: Boolean mask over the engine's positions.
        width: Number of lot columns.
        memory: Days of sales to keep by lot for customer returns, today's included (0: none).
    """

    def __init__(self, tracked: np.ndarray, width: int, memory: int) -> None:
        self.positions = np.flatnonzero(tracked)
        self.row = np.full(len(tracked), -1, dtype=np.int64)
        self.row[self.positions] = np.arange(len(self.positions))
        shape = (len(self.positions), width)
        self.stock = np.zeros(shape)
        self.sold = np.zeros(shape)  # still with customers
        self.recent = np.zeros((memory, *shape))  # sold on each of the last days, newest last

    def add(self, pos: np.ndarray, lots: np.ndarray) -> None:
        """Put ``lots`` (a row per entry of ``pos``, which may repeat) into stock."""
        rows = self.row[pos]
        mine = rows >= 0
        np.add.at(self.stock, rows[mine], lots[mine])

    def take(self, pos: np.ndarray, qty: np.ndarray) -> np.ndarray:
        """Issue ``qty`` from each of ``pos`` (which may repeat, requests served in turn),
        oldest lots first; the lots taken, a row per request (zero where not tracked)."""
        out = np.zeros((len(pos), self.stock.shape[1]))
        rows = self.row[pos]
        mine = rows >= 0
        if mine.any():
            out[mine] = take_oldest(self.stock, rows[mine], qty[mine], slice(None))
        return out

    def sell(self, units: np.ndarray) -> None:
        """Customers take ``units`` (per position), oldest lots first."""
        rows, taken = self._take_per_position(units)
        self.sold[rows] += taken
        if len(self.recent):
            self.recent[-1, rows] += taken

    def waste(self, units: np.ndarray) -> None:
        """``units`` (per position) expired: the oldest lots."""
        self._take_per_position(units)

    def _take_per_position(self, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rows = np.flatnonzero(units[self.positions] > 0)
        return rows, take_oldest(self.stock, rows, units[self.positions[rows]], slice(None))

    def scale(self, pos: np.ndarray, keep: float) -> None:
        """Keep the share ``keep`` of every lot of ``pos``."""
        rows = self.row[pos]
        self.stock[rows[rows >= 0]] *= keep

    def take_back(self, back: np.ndarray, restocked: np.ndarray) -> None:
        """Customers bring back ``back[k, p]`` units bought at position ``p`` on the ``k``-th of
        the last ``len(back)`` days, in the lots it sold that day; positions ``restocked``
        (a mask) put them into stock again."""
        recent = self.recent[len(self.recent) - len(back) :]  # a view
        sold = recent.sum(axis=2)
        share = np.divide(back[:, self.positions], sold, out=np.zeros_like(sold), where=sold > 0)
        lots = np.einsum("kt,ktw->tw", share, recent)
        recent *= 1.0 - share[..., None]
        # Units a recall brought back already are not with customers twice.
        np.maximum(self.sold - lots, 0.0, out=self.sold)
        kept = restocked[self.positions]
        self.stock[kept] += lots[kept]

    def end_of_day(self) -> None:
        """Start a new day of remembered sales."""
        if len(self.recent):
            self.recent = np.roll(self.recent, -1, axis=0)
            self.recent[-1] = 0.0

    def quarantine(
        self, pos: np.ndarray, recalled: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Take every unit of the ``recalled`` columns (a mask) out of the stock of ``pos``
        (distinct positions).

        Returns:
            The tracked positions among ``pos``; per position and column, the units taken and
            the units ahead of the column (its rank, oldest first, before the taking).
        """
        rows = self.row[pos]
        rows = rows[rows >= 0]
        held = self.stock[rows]
        ahead = np.cumsum(held, axis=1) - held
        taken = held * recalled
        self.stock[rows] = held - taken
        return self.positions[rows], taken, ahead

    def withdraw_sold(self, recalled: np.ndarray, share: float) -> float:
        """Customers send back ``share`` of the units of the ``recalled`` columns they hold."""
        back = self.sold[:, recalled] * share
        self.sold[:, recalled] -= back
        return float(back.sum())


class Traceability:
    """The engine's lot tracing and recalls; :meth:`build` makes one only if a recall needs it.

    The engine calls :meth:`ship`, :meth:`receive` and :meth:`quarantine_arrived` as stock
    moves, :meth:`recall` and :meth:`returned` when disruptions act, and the :attr:`book`'s
    pure movements (sales, waste, destruction, the day's end) directly.
    """

    def __init__(
        self,
        ctx: RunContext,
        ledger: StockLedger,
        recalls: list[tuple[int, RecallParams]],
        returns_memory: int,
    ) -> None:
        topo = ctx.net.topology
        self.ctx = ctx
        self.ledger = ledger
        self.disruption = np.asarray([i for i, _ in recalls])
        self.specs = [spec for _, spec in recalls]
        named = sorted({s.source for s in self.specs if s.source is not None})
        self._n_classes = len(named) + 1  # class 0: any other source
        self._class = np.zeros(len(topo.node_ids), dtype=np.int64)
        for k, node in enumerate(named, start=1):
            self._class[topo.node_ids.index(node)] = k
        self._edges = _day_edges(self.specs, ctx.n_days)  # first day of each column's stretch
        width = len(self._edges) * self._n_classes
        skus = [topo.sku_ids.index(s.sku) for s in self.specs]
        self._sku = np.asarray(skus, dtype=np.int64)
        self._return_to = np.asarray([topo.node_ids.index(s.return_to) for s in self.specs])
        self._per_unit = np.asarray([s.cost_per_unit for s in self.specs])
        # Returns look back as far as the customers' purchases are remembered.
        self.book = LotBook(np.isin(topo.pos_sku, skus), width, returns_memory)
        self._owner = np.full(width, -1)  # the recall that took each column out of sale
        initial = np.zeros((len(self.book.positions), width))
        initial[:, _INITIAL] = ledger.on_hand[self.book.positions]
        self.book.add(self.book.positions, initial)

    @classmethod
    def build(
        cls, ctx: RunContext, ledger: StockLedger, returns_memory: int
    ) -> Traceability | None:
        """Tracing for the SKUs the scenario's recalls name; ``None`` if it has no recall."""
        recalls = [
            (i, d) for i, d in enumerate(ctx.scenario.disruptions) if isinstance(d, RecallParams)
        ]
        return cls(ctx, ledger, recalls, returns_memory) if recalls else None

    def _column(self, day: int, source: np.ndarray) -> np.ndarray:
        group = np.searchsorted(self._edges, day, side="right") - 1
        return group * self._n_classes + self._class[source]

    def ship(
        self, pos: np.ndarray, src: np.ndarray, lane: np.ndarray, qty: np.ndarray, now: float
    ) -> np.ndarray | None:
        """The lots of shipped lines: from the source's stock, oldest first, or made (bought)
        today by the plant (supplier). ``None`` if no line is traced."""
        traced = self.book.row[pos] >= 0
        if not traced.any():
            return None
        lots = np.zeros((len(pos), len(self._owner)))
        stock = traced & (src >= 0)
        lots[stock] = self.book.take(src[stock], qty[stock])
        fresh = np.flatnonzero(traced & (src < 0))
        if len(fresh):
            topo = self.ctx.net.topology
            maker = topo.pos_node[pos[fresh]]  # a plant makes its own stock
            bought = src[fresh] == UNLIMITED
            maker[bought] = topo.lane_origin[lane[fresh[bought]]]
            lots[fresh, self._column(_day(now), maker)] = qty[fresh]
        return lots

    def initial_lots(self, pos: np.ndarray, qty: np.ndarray) -> np.ndarray | None:
        """The lots of the initial pipeline's units: those of the initial stock."""
        traced = self.book.row[pos] >= 0
        if not traced.any():
            return None
        lots = np.zeros((len(pos), len(self._owner)))
        lots[traced, _INITIAL] = qty[traced]
        return lots

    def receive(self, shipped: Shipment) -> None:
        """Stock arrives with its lots (before any waste on arrival)."""
        if shipped.lots is not None:
            self.book.add(shipped.pos, shipped.lots)

    def quarantine_arrived(self, shipped: Shipment) -> None:
        """Quarantine the recalled units a shipment brought, once it is received."""
        recalled = self._owner >= 0
        if shipped.lots is not None and shipped.lots[:, recalled].any():
            self.quarantine(shipped.pos)

    def returned(self, units: np.ndarray, streams: np.ndarray, restocked: np.ndarray) -> None:
        """Customers of ``streams`` brought back ``units`` (per day, oldest first, and stream)
        into the positions' stock where ``restocked`` (a mask over positions)."""
        back = np.zeros((len(units), len(self.ledger.on_hand)))
        np.add.at(back.T, self.ctx.net.demand.stream_pos[streams], units.T)
        self.book.take_back(back, restocked)
        self.quarantine(np.flatnonzero(restocked))

    def recall(self, disruption: int) -> None:
        """Carry out recall ``disruption``: quarantine its lots, start its customers' returns."""
        r = int(np.flatnonzero(self.disruption == disruption)[0])
        spec = self.specs[r]
        ctx = self.ctx
        recalled = self._recalled(spec, _day(ctx.env.now))
        self._owner[recalled & (self._owner < 0)] = r
        self._log(r, self._return_to[r], fixed=spec.fixed_cost)
        self.quarantine(self.book.positions)
        back = self.book.withdraw_sold(recalled, spec.return_rate)
        delay = ctx.draws.draw(spec.return_delay, f"disruption/{spec.id}/returns")
        if back > 0:
            due = ctx.env.timeout(delay)
            due.callbacks.append(lambda _: self._log(r, self._return_to[r], returned=back))

    def _recalled(self, spec: RecallParams, today: int) -> np.ndarray:
        """The columns a recall acting at the start of ``today`` takes out of sale."""
        first, last = _lot_days(spec, self.ctx.n_days)
        days = (self._edges >= first) & (self._edges <= min(last, today - 1))
        sources = np.ones(self._n_classes, dtype=bool)
        if spec.source is not None:
            node = self.ctx.net.topology.node_ids.index(spec.source)
            sources = np.arange(self._n_classes) == self._class[node]
        return (days[:, None] & sources).ravel()

    def quarantine(self, positions: np.ndarray) -> None:
        """Take every unit of a recalled lot out of the stock of ``positions``."""
        recalled = self._owner >= 0
        if not recalled.any():
            return
        pos, taken, ahead = self.book.quarantine(np.unique(positions), recalled)
        units = taken.sum(axis=1)
        if not (units > 0).any():
            return
        per_position = np.zeros(len(self.ledger.on_hand))
        per_position[pos] = units
        self.ledger.lots.remove_ranked(pos, ahead, taken)
        self.ledger.quarantine(per_position)
        by_recall = taken @ (self._owner[:, None] == np.arange(len(self.specs)))
        at, r = np.nonzero(by_recall > 0)
        node = self.ctx.net.topology.pos_node[pos[at]]
        self._log(r, node, quarantined=by_recall[at, r])

    def _log(
        self,
        r: int | np.ndarray,
        node: int | np.ndarray,
        quarantined: float | np.ndarray = 0.0,
        returned: float | np.ndarray = 0.0,
        fixed: float = 0.0,
    ) -> None:
        """Write what recall(s) ``r`` did at ``node`` now, and its cost, to the records."""
        now = self.ctx.env.now
        self.ctx.records.recalls.append(
            recall=self.disruption[r],
            day=min(_day(now), self.ctx.n_days - 1),
            time=now,
            node=node,
            sku=self._sku[r],
            quarantined=quarantined,
            returned=returned,
            cost=fixed + self._per_unit[r] * (np.asarray(quarantined) + returned),
        )


def _day(now: float) -> int:
    """The day whose work happens at time ``now`` (a lot made then is that day's)."""
    return math.floor(now + _EPS)


def _lot_days(spec: RecallParams, n_days: int) -> tuple[int, int]:
    """First and last lot day a recall names; day -1 is initial stock, made before day 0."""
    first = math.ceil(spec.lots.first - _EPS)
    return (first if first > 0 else -1), min(math.floor(spec.lots.last + _EPS), n_days)


def _day_edges(specs: list[RecallParams], n_days: int) -> np.ndarray:
    """First day of each column's stretch: initial stock, then one per day a recall names and
    one per stretch of days between them (the last one open-ended)."""
    days = {-1, 0}
    for spec in specs:
        first, last = _lot_days(spec, n_days)
        days.update(range(first, last + 2))
    return np.asarray(sorted(days), dtype=np.int64)
