"""One replication: the parts of a run wired together, the day's phases as SimPy processes,
and stepping (run to any time, look at the state, give orders from outside).

See :mod:`simulator.engine.clock` for the day's sequence of events.
"""

from __future__ import annotations

import math
import time as wallclock
from collections.abc import Generator
from typing import Any

import numpy as np
import pandas as pd
import simpy

from simulator.disruptions import DisruptionPlan
from simulator.engine.clock import Phase, at_phase
from simulator.engine.context import RunContext
from simulator.engine.customers import Customers
from simulator.engine.draws import Draws
from simulator.engine.facilities import Facilities, build_behaviours
from simulator.engine.fulfilment import Fulfilment
from simulator.engine.interventions import returns_memory
from simulator.engine.memory import built_objects_frozen, keep_freed_heap
from simulator.engine.orders import OrderStreams
from simulator.engine.replenishment import Replenishment
from simulator.engine.shipping import Shipping
from simulator.engine.state import snapshot
from simulator.engine.stock import StockLedger
from simulator.metrics.layout import record_layout
from simulator.metrics.result import Result
from simulator.network import Network, compile_network
from simulator.network.streams import RandomStreams
from simulator.records import Records, keeps_detail
from simulator.scenario.models import Scenario
from simulator.transport.consignment import Consignment
from simulator.transport.fleet import FleetRunner


class Simulation:
    """One replication of a scenario.

    Build it, then either :meth:`run` it to the end, or step it: ``run(until=t)`` pauses at
    instant ``t`` (before the close of day ``t - 1``), :meth:`state` shows every position, and
    :meth:`order` gives orders to ``manual`` positions, placed at that close.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int | None = None,
        days: float | None = None,
        detail: str | None = None,
    ):
        """``detail`` overrides the scenario's ``detail`` (``auto``, ``full``, ``summary``)."""
        keep_freed_heap()
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else seed
        self.horizon = float(days if days is not None else scenario.horizon)
        self.net: Network = compile_network(scenario)
        self.n_days = math.ceil(self.horizon)
        topo, dem = self.net.topology, self.net.demand
        self.env = simpy.Environment()
        streams = RandomStreams(self.seed)
        keep = keeps_detail(detail or scenario.detail, topo.n_positions, self.n_days)
        records = Records(
            self.n_days,
            scenario.warmup,
            topo.n_positions,
            dem.n_streams,
            len(topo.node_ids),
            detail=keep,
            layout=record_layout(self.net),
        )
        # Disruptions: every occurrence is drawn now, so conditions are known ahead.
        plan = None
        if scenario.disruptions:
            plan = DisruptionPlan(scenario, self.net, streams, self.horizon)
        self.ctx = ctx = RunContext(
            scenario, self.net, self.env, records, Draws(self.net, streams), self.n_days, plan
        )
        self.at_review = scenario.placement == "at_review"
        self.ledger = StockLedger(ctx, returns_memory(ctx))
        timeline = plan.timeline if plan is not None else None
        self.fleets = [
            FleetRunner(self.env, f, streams, records, self._delivered, self.n_days, timeline)
            for f in self.net.fleets
        ]
        self.shipping = Shipping(ctx, self.ledger, self.fleets)
        self.fulfilment = Fulfilment(ctx, self.ledger, self.shipping, self.at_review)
        self.customers = Customers(ctx, self.ledger, self.fleets, np.zeros(topo.n_positions))
        self.replenishment = Replenishment(
            ctx, self.ledger, self.customers, self.fulfilment, self.at_review
        )
        self.orders = OrderStreams(
            ctx, self.ledger, self.customers, self.fulfilment, self.replenishment
        )
        self.facilities = Facilities(self.fulfilment, self.replenishment)
        node_class = {n.id: n.node_class for n in scenario.nodes}
        self.behaviours = build_behaviours(
            tuple(node_class.get(n) for n in topo.node_ids), self.fulfilment
        )
        self.shipping.on_receipt = self._received
        self.shipping.waits_on = self._waits_on
        self.shipping.send_initial()
        self.interventions = self.customers.interventions
        self.ledger.spoil()  # initial stock whose shelf life is shorter than a day
        self._started = False
        self._wall = 0.0

    # ----------------------------------------------------------------- the day

    def _days(self) -> Generator[simpy.Event, Any, None]:
        """The day's phases at each whole instant (see :mod:`simulator.engine.clock`)."""
        env, ctx = self.env, self.ctx
        for day in range(self.n_days):
            if day:
                yield at_phase(env, 1.0, Phase.CLOSE)
                self._close(day - 1)
                yield at_phase(env, 0.0, Phase.OPEN)
            self._open(day)
            yield at_phase(env, 0.0, Phase.SERVE)
            self.customers.draw_delivery_days()
            self.customers.serve_day(day)
            if self.at_review:
                yield at_phase(env, 0.0, Phase.REVIEW)
                self.facilities.work()
        yield at_phase(env, 1.0, Phase.CLOSE)
        self._close(self.n_days - 1)
        ctx.check()

    def _open(self, day: int) -> None:
        """Start of ``day``: the disruptions due begin, capacities reset, old lots go."""
        plan = self.ctx.disruptions
        if plan is not None:
            plan.begin_due(self.interventions, float(day))
            self.ctx.records.cost_factor[day] = plan.timeline.at(float(day)).cost
        self.fulfilment.open_day(self.ctx.conditions())
        self.ledger.spoil()

    def _close(self, day: int) -> None:
        """End of ``day`` (at instant ``day + 1``): the tiers' work, then the books."""
        ctx = self.ctx
        ctx.closing = True
        try:
            self.orders.count(day)  # the day's customer orders, before the reviews read them
            self.ledger.spoil()
            if not self.at_review:  # else the tiers work after the day's demand (REVIEW)
                self.facilities.work()
        finally:
            ctx.closing = False
        self._account(day)

    def _account(self, day: int) -> None:
        """End-of-day snapshot of ``day`` and its KPI accumulators."""
        ctx, ledger = self.ctx, self.ledger
        rec = ctx.records
        self.orders.count(day)
        customer_backlog = self.customers.backorders.at_position
        backlog = customer_backlog + ledger.owed
        pipeline = ledger.open_order + ledger.in_transit
        rec.stock.record(day, ledger.on_hand, backlog, pipeline, rec.cost_factor[day])
        if ctx.kpi(day):
            streams, waiting = self.customers.backorders.waiting()
            rec.stream_backlog_days[streams] += waiting
            rec.stream_backlog_max[streams] = np.maximum(rec.stream_backlog_max[streams], waiting)
            ok = backlog <= 1e-9
            if self.customers.lost_any:
                ok &= self.customers.lost_today <= 1e-9
            rec.pos_ok_days += ok
        self.customers.end_of_day(day)
        self._record_closed_lines()

    def _record_closed_lines(self) -> None:
        closed = self.fulfilment.book.pop_closed()
        if closed is not None:
            rec = self.ctx.records
            rec.lines.add(
                position=closed["position"],
                lane=closed["lane"],
                day=closed["day"],
                quantity=closed["quantity"],
                cycle=closed["last_arrival"] - closed["placed"],
                in_window=rec.in_window(closed["day"]),
            )

    def _received(self, positions: np.ndarray) -> None:
        """Stock arrived between phases: waiting customers take it at once; with review-instant
        placement, lines waiting on it ship at once; node classes react."""
        if self.customers.backorders.at_position[positions].any():
            self.customers.serve_backlog()
        if self.at_review and self.ledger.owed[positions].any():
            rows = self.fulfilment.lines_waiting_on(positions)
            single = self.replenishment.single
            if single is None or not single.fill_waiting(rows):
                self.fulfilment.fill(rows)
        for behaviour in self.behaviours.values():
            behaviour.received(positions)

    def _waits_on(self, pos: int) -> bool:
        """Whether goods arriving at ``pos`` may be taken at once (see :meth:`_received`)."""
        return bool(
            self.customers.backorders.at_position.item(pos) != 0
            or (self.at_review and self.ledger.owed.item(pos) != 0)
            or self.behaviours
        )

    def _delivered(self, consignment: Consignment, time: float) -> None:
        """A vehicle hands over a consignment: stock to a node, or goods to customers."""
        if consignment.stock is not None:
            self.shipping.deliver_stock(consignment, time)
        else:
            self.customers.deliver_home(consignment, time)

    # ----------------------------------------------------------------- running

    def _start(self) -> None:
        if self._started:
            return
        self._started = True
        self.ctx.start(self._days(), "the day's phases")
        for fleet in self.fleets:
            fleet.start()
        self.orders.start()

    def run(self, until: float | None = None) -> Result:
        """Simulate to instant ``until`` (default: the horizon) and return the results so far.

        A stepped run pauses before anything at ``until`` happens; call again to go on.
        """
        self._start()
        started = wallclock.perf_counter()
        end = float(self.n_days) if until is None else min(float(until), float(self.n_days))
        if end < self.env.now:
            raise ValueError(f"cannot run back in time: now {self.env.now:g}, until {end:g}")
        phase = Phase.END if end >= self.n_days else Phase.PAUSE
        try:
            with built_objects_frozen():
                self.env.run(until=at_phase(self.env, end - self.env.now, phase))
        finally:
            self._wall += wallclock.perf_counter() - started
        self.ctx.check()
        if end >= self.n_days:
            self._record_closed_lines()
            self.orders.count(self.n_days - 1)
            self.ledger.audit()
        return self.result()

    @property
    def now(self) -> float:
        """Simulation time in days."""
        return float(self.env.now)

    def result(self) -> Result:
        """The results of what has been simulated so far."""
        # What the tally holds belongs to the day before the instant reached (a pause on
        # instant t comes before the close of day t - 1), or to the day under way.
        self.orders.count(math.ceil(self.env.now) - 1)
        plan = self.ctx.disruptions
        return Result(
            scenario=self.scenario,
            seed=self.seed,
            network=self.net,
            records=self.ctx.records,
            final_on_hand=self.ledger.on_hand.copy(),
            final_in_transit=self.ledger.in_transit.copy(),
            wall_time=self._wall,
            disruption_windows=tuple((w.start, w.end) for w in plan.windows) if plan else (),
        )

    def state(self) -> pd.DataFrame:
        """Read-only state of every position now: on hand, backlog, pipeline, incoming orders
        and the last day's demand."""
        return snapshot(
            self.net.topology,
            self.ledger,
            self.customers.backorders.at_position,
            self.fulfilment.book,
            self.replenishment.last_demand,
        )

    def order(self, node: str, sku: str, quantity: float) -> None:
        """Give an order to the ``manual`` position ``node``/``sku``; placed at its next
        review (the close of the current day)."""
        topo = self.net.topology
        pos = topo.position_of(node, sku)
        self.replenishment.queue_manual(pos, float(quantity))
