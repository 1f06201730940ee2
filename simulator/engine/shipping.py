"""Shipments on their way: by carrier with a lane lead time, or by a fleet's vehicles, until
they are received at their exact arrival time."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from simulator.engine.clock import Phase, at_phase
from simulator.engine.context import EPS, RunContext
from simulator.engine.orderbook import OrderBook
from simulator.engine.stock import StockLedger
from simulator.transport.consignment import Consignment
from simulator.transport.fleet import FleetRunner
from simulator.transport.shipment import Shipment

KG_PER_TONNE = 1000.0
_FEW = 16


def _distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)``; a day's few shipments are sorted in plain Python, far cheaper."""
    if len(values) > _FEW:
        return np.unique(values)
    return np.array(sorted(set(values.tolist())), dtype=values.dtype)


def _grouped(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` for integer keys: by counting, not sorting,
    where there are many."""
    if len(key) <= _FEW:
        keys = _distinct(key)
        return keys, np.searchsorted(keys, key)
    low = key.min()
    present = np.bincount(key - low) > 0
    index = np.cumsum(present) - 1
    return np.flatnonzero(present) + low, index[key - low]


class Shipping:
    """Sends shipped lines on their way and receives them when they arrive."""

    book: OrderBook  # set by fulfilment, which owns the order book

    def __init__(self, ctx: RunContext, ledger: StockLedger, fleets: Sequence[FleetRunner]) -> None:
        self.ctx = ctx
        self.ledger = ledger
        self.fleets = fleets
        self.lane_fleet = ctx.net.lane_fleet
        self.lane_planned = np.asarray([d.mean for d in ctx.net.topology.lane_lead_time])
        self.sku_cold = np.asarray([p.cold_chain for p in ctx.scenario.products])
        self.sku_tonnes = np.asarray([p.weight for p in ctx.scenario.products]) / KG_PER_TONNE
        # Called with the positions that received goods off the whole instants (whole
        # instants have their phases).
        self.on_receipt: Callable[[np.ndarray], None] = lambda _positions: None
        # The same for one position, told first whether anything waits on its goods.
        self.waits_on: Callable[[int], bool] = lambda _pos: False

    def send_initial(self) -> None:
        """The scenario's initial pipeline: units already on their way at the start, received
        at the start of each day they are due (``pos_arriving``, one column a day)."""
        arriving = self.ctx.net.topology.pos_arriving
        ledger = self.ledger
        for day in np.flatnonzero(arriving.any(axis=0)):
            pos = np.flatnonzero(arriving[:, day])
            qty = arriving[pos, day]
            ledger.in_transit[pos] += qty
            profile = np.zeros((len(pos), ledger.lots.horizon)) if ledger.perishable else None
            lots = None if ledger.trace is None else ledger.trace.initial_lots(pos, qty)
            made = np.ones(len(pos), dtype=bool)  # fresh lots, as if made the day they arrive
            shipment = Shipment(pos, qty, profile, made, taken_at=0.0, made=float(day), lots=lots)
            self._arrive_at(float(day), shipment)

    def send(self, rows: np.ndarray, shipped: Shipment) -> None:
        """Lines on fleet-driven lanes go to their depots; the rest by carrier."""
        if self.fleets:
            lane = self.book.lane[rows]
            driven = (lane >= 0) & (self.lane_fleet[np.maximum(lane, 0)] >= 0)
            if driven.any():
                self._consign(rows[driven], shipped.subset(driven))
                if driven.all():
                    return
                rows, shipped = rows[~driven], shipped.subset(~driven)
        self._send_by_carrier(rows, shipped)

    def _send_by_carrier(self, rows: np.ndarray, shipped: Shipment) -> None:
        """One shipment per lane (or production batch per plant) and moment, with one
        lead-time draw each."""
        ctx, book = self.ctx, self.book
        topo = ctx.net.topology
        lane = book.lane[rows]
        carried = lane >= 0  # else made: production batches are keyed by plant, negative
        key = lane if carried.all() else np.where(carried, lane, -1 - topo.pos_node[shipped.pos])
        keys, member = _grouped(key)
        units = np.bincount(member, weights=shipped.qty)
        tonnes_shipped = shipped.qty * self.sku_tonnes[topo.pos_sku[shipped.pos]]
        tonnes = np.bincount(member, weights=tonnes_shipped)
        lead = ctx.draws.lead_times(keys)
        depart = shipped.taken_at
        if ctx.disruptions is not None:
            lead = self._disrupted_transit(keys, depart, lead)
        by_lane = keys >= 0
        lanes = np.maximum(keys, 0)
        cost = np.where(
            by_lane,
            topo.lane_cost_per_shipment[lanes]
            + units * topo.lane_cost_per_unit[lanes]
            + topo.lane_distance[lanes] * topo.lane_cost_per_km[lanes],
            0.0,
        )
        node = np.where(by_lane, topo.lane_destination[lanes], -1 - keys)
        ctx.records.shipments.append(
            time=depart,
            day=ctx.today,
            lane=keys,
            node=node,
            units=units,
            tonnes=tonnes,
            cost=cost,
            arrival=depart + lead,
        )
        arrival = depart + lead[member]
        book.last_arrival[rows] = np.maximum(book.last_arrival[rows], arrival)
        for when in _distinct(depart + lead):  # the distinct arrivals, from the fewer keys
            self._arrive_at(float(when), shipped.subset(arrival == when))

    def _disrupted_transit(self, keys: np.ndarray, depart: float, lead: np.ndarray) -> np.ndarray:
        """Transit times under the disruptions: lanes advance at their speed and deliver once
        the destination is open; production batches take their plant's slowed lead time."""
        ctx = self.ctx
        assert ctx.disruptions is not None
        topo, timeline = ctx.net.topology, ctx.disruptions.timeline
        out = lead.copy()
        for i, key in enumerate(keys):
            if key >= 0:
                there = timeline.transit_end(int(key), depart, float(lead[i]))
                there = timeline.open_from(int(topo.lane_destination[key]), there)
                out[i] = there - depart
            else:
                out[i] *= timeline.at(depart).production_slowdown[-1 - key]
        # A shipment that never gets there stays in transit beyond the horizon.
        return np.where(np.isfinite(out), out, ctx.n_days + 1.0 - depart)

    def _consign(self, rows: np.ndarray, shipped: Shipment) -> None:
        """Leave lines on fleet-driven lanes at their depots: one consignment per lane."""
        ctx, book = self.ctx, self.book
        topo = ctx.net.topology
        lane = book.lane[rows]
        depart = shipped.taken_at
        book.undelivered[rows] += shipped.qty
        for k in np.unique(lane):
            members = lane == k
            part = shipped.subset(members)
            fleet = ctx.net.fleets[self.lane_fleet[k]]
            skus = topo.pos_sku[part.pos]
            # Shipped now, onto the fleet: the arrival is known only when a vehicle delivers
            # (see the deliveries), and the cost is the fleet's routes'.
            ctx.records.shipments.append(
                time=depart,
                day=ctx.today,
                lane=k,
                node=topo.lane_destination[k],
                units=part.qty.sum(),
                tonnes=part.qty @ self.sku_tonnes[skus],
                cost=0.0,
                arrival=np.nan,
            )
            self.fleets[fleet.index].consign(
                Consignment(
                    place=int(fleet.node_place[topo.lane_destination[k]]),
                    load=part.qty @ fleet.sku_load[skus],
                    cold=bool(self.sku_cold[skus].any()),
                    ready=depart,
                    due=depart + self.lane_planned[k],
                    day=ctx.today,
                    node=int(topo.lane_destination[k]),
                    lane=int(k),
                    stock=part,
                    line_ids=book.line_id[rows[members]],
                )
            )

    def deliver_stock(self, consignment: Consignment, time: float) -> None:
        """A vehicle hands a consignment of stock to its node: received at once."""
        stock, book = consignment.stock, self.book
        assert stock is not None and consignment.line_ids is not None
        rows = book.rows_of(consignment.line_ids)
        book.undelivered[rows] -= stock.qty
        book.last_arrival[rows] = np.maximum(book.last_arrival[rows], time)
        self._received(stock)

    def _arrive_at(self, when: float, shipped: Shipment) -> None:
        """Receive ``shipped`` at ``when``: in the ``ARRIVE`` phase of a whole instant."""
        event = at_phase(self.ctx.env, max(when - self.ctx.env.now, 0.0), Phase.ARRIVE)
        event.callbacks.append(lambda _event: self._received(shipped))

    def _received(self, shipped: Shipment) -> None:
        self.ledger.receive(shipped)
        self.received_at(shipped.pos)

    def received_at(self, positions: np.ndarray) -> None:
        """Goods just arrived at ``positions``: react now, unless a phase of this whole
        instant will."""
        if not self._whole_instant():
            self.on_receipt(positions)

    def received_one(self, pos: int) -> None:
        """:meth:`received_at` for one position, in plain Python while nothing waits on it."""
        if self.waits_on(pos) and not self._whole_instant():
            self.on_receipt(np.array([pos]))

    def _whole_instant(self) -> bool:
        now = self.ctx.env.now
        return abs(now - math.floor(now + EPS)) <= EPS
