"""Customers of the daily demand path, and what every customer sale books.

Each day's demand per stream is served at once from the outlet's stock (proportionally within
a position when it is short), oldest backorders first; customers a stockout turns away try the
next outlet or the online shop where the market says so, and the rest are backordered or lost
per zone. Goods reach customers at once in a store, after the day's delivery time where the
node delivers (online or from any node with a ``delivery`` section), or by a fleet's vehicle.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulator.engine.backorders import CustomerBackorders
from simulator.engine.context import EPS, RunContext
from simulator.engine.group_sums import GroupSums
from simulator.engine.interventions import Interventions
from simulator.engine.stock import StockLedger
from simulator.network.daily_demand import draw_daily_demand
from simulator.network.demand import own_positions
from simulator.transport.consignment import Consignment, HomeDelivery
from simulator.transport.fleet import FleetRunner


class Customers:
    """Demand service of every stream: the daily path, backorders, delivery to customers."""

    def __init__(
        self,
        ctx: RunContext,
        ledger: StockLedger,
        fleets: Sequence[FleetRunner],
        demand_received: np.ndarray,
    ) -> None:
        topo, dem = ctx.net.topology, ctx.net.demand
        self.ctx = ctx
        self.ledger = ledger
        self.fleets = fleets
        self.demand_received = demand_received  # per position, since its last review
        self.lost_today = np.zeros(topo.n_positions)
        self.lost_any = False  # whether lost_today may hold anything
        self.asked = np.zeros(topo.n_positions)  # customers' demand of each position, in all
        promises = [d.promise for d in topo.node_delivery if d is not None]
        self.backorders = CustomerBackorders(
            dem.stream_pos,
            dem.stream_patience,
            topo.n_positions,
            track_days=max(promises, default=0.0),
        )
        self.interventions = Interventions(ctx, ledger, self.backorders, fleets)
        self.daily_demand, self.daily_orders = draw_daily_demand(
            ctx.scenario, topo, dem, ctx.draws.streams, ctx.n_days
        )
        if ctx.disruptions is not None:
            self._shock_daily_demand()
        n_nodes = len(topo.node_ids)
        # Home delivery: per stream, the node whose delivery it uses (index N: none, 0 days).
        self.stream_node = stream_node = topo.pos_node[dem.stream_pos]
        self.per_node = GroupSums(stream_node, n_nodes)  # per-stream values summed per node
        self.pos_per_node = GroupSums(topo.pos_node, n_nodes)  # per-position values
        has_delivery = np.asarray([d is not None for d in topo.node_delivery] + [False])
        self.stream_delivery_node = np.where(has_delivery[stream_node], stream_node, n_nodes)
        self.stream_promise = np.asarray(
            [d.promise if d is not None else 0.0 for d in topo.node_delivery] + [0.0]
        )[self.stream_delivery_node]
        self.delivery_days = np.zeros(n_nodes + 1)  # today's delivery time per node
        self.delivering = {  # per node that delivers: its delivery and random stream
            n: (delivery, f"delivery/{topo.node_ids[n]}")
            for n, delivery in enumerate(topo.node_delivery)
            if delivery is not None
        }
        self.delivers = bool(has_delivery.any())
        # Market routing, fixed at compile time: the share of a first stream's demand that
        # reaches its outlet, and the links a stockout's customers follow.
        self.reach = np.maximum(dem.stream_reach, 0.0)
        self.all_reach = bool((self.reach == 1.0).all())  # every stream's demand reaches it
        self.loses = bool(dem.stream_lost.any())  # some streams' unmet demand is lost
        # Shortcuts of a plain network (the same numbers): every stream draws daily, and
        # each position has one stream (sums per position are the streams' values).
        every = len(dem.daily) == dem.n_streams
        self.daily_at: slice | np.ndarray = slice(None) if every else dem.daily
        self.own = own_positions(dem.stream_pos)
        # One stream a position and no lots kept: streams sell from their positions directly;
        # waiting customers are few, and in stores only they are served where someone waits.
        self.sells_own = self.own is not None and not ledger.perishable and ledger.trace is None
        self.sparse_backlog = self.sells_own and not self.delivers
        self.has_next = dem.stream_next >= 0
        self.has_online = dem.stream_online >= 0
        self.redirects = bool(self.has_next.any() or self.has_online.any())
        node_fleet = np.full(n_nodes + 1, -1, dtype=np.int64)
        for f in ctx.net.fleets:
            node_fleet[f.depot] = f.index
        self.stream_fleet = node_fleet[self.stream_delivery_node]
        self.home_fleet = np.flatnonzero(self.stream_fleet >= 0)
        self.sku_cold = np.asarray([p.cold_chain for p in ctx.scenario.products])

    def _shock_daily_demand(self) -> None:
        """Scale each day's drawn demand by the disruptions' multipliers: the draws stay those
        of the undisrupted run (common random numbers), only scaled where a shock applies."""
        ctx = self.ctx
        assert ctx.disruptions is not None
        days = np.arange(ctx.n_days)
        factor = ctx.disruptions.timeline.demand_factors(days, ctx.net.demand.daily)
        if factor is not None:  # scaled counts are fractions: single precision, as drawn ones
            self.daily_demand = (self.daily_demand * factor).astype(np.float32)
            if self.daily_orders is not None:
                self.daily_orders = (self.daily_orders * factor).astype(np.float32)

    # ----------------------------------------------------------------- the day's service

    def draw_delivery_days(self) -> None:
        """Today's home-delivery time of each e-commerce node: one draw per node and day."""
        for n, (delivery, stream) in self.delivering.items():
            self.delivery_days[n] = self.ctx.draws.draw(delivery.lead_time, stream)

    def serve_day(self, day: int) -> None:
        """Serve the backorders, then the day's demand of the daily streams."""
        dem = self.ctx.net.demand
        self.serve_backlog()
        if len(dem.daily) == 0:
            return
        daily = self.daily_at
        if isinstance(daily, slice):  # every stream draws daily
            need = self.daily_demand[day].astype(np.float64)
        else:
            need = np.zeros(dem.n_streams)
            need[daily] = self.daily_demand[day]
        if self.all_reach:  # need x 1, and nothing uncovered
            asked, uncovered = need.copy() if self.redirects else need, None
        else:
            asked = need * self.reach
            uncovered = need - asked  # no outlet within reach: lost (first streams only draw)
        served = self._share(asked)
        sent = None
        if self.redirects:
            # Customers a stockout turns away try the next outlet or the online shop, or leave.
            short = asked - served
            to_next, to_online = short * dem.stream_p_next, short * dem.stream_p_online
            sent = to_next + to_online
            redirected = np.zeros(dem.n_streams)
            np.add.at(redirected, dem.stream_next[self.has_next], to_next[self.has_next])
            np.add.at(redirected, dem.stream_online[self.has_online], to_online[self.has_online])
            asked += redirected
            served += self._share(redirected)
        self.book_unmet(asked, served, day, sent)
        if self.ctx.kpi(day):
            rec = self.ctx.records
            rec.stream_demand += need
            if uncovered is not None:
                rec.stream_lost_coverage += uncovered
                rec.stream_lost += uncovered
            counted = need[daily] > 0
            orders = counted if self.daily_orders is None else self.daily_orders[day]
            rec.stream_orders[daily] += orders
            # Proportional rationing gives every order of a stream-day the same share.
            filled = orders * (counted & (served[daily] >= need[daily] - EPS))
            if isinstance(daily, slice):
                full = filled
            else:
                full = np.zeros(dem.n_streams)
                full[daily] = filled
            rec.stream_orders_full += full
            self.hand_over(served, 0.0, full, True)
        else:
            self.hand_over(served, 0.0, None, False)

    def serve_backlog(self) -> None:
        """Waiting customers take what stock there is, oldest first."""
        backorders = self.backorders
        kpi = self.ctx.kpi(self.ctx.env.now)
        if self.sparse_backlog:  # only where customers wait
            assert self.own is not None
            candidates = backorders.waiting_streams()
            if not backorders.at_position[candidates + self.own.start].any():
                return
            waited = [
                self._serve_waiting(age, row, candidates, kpi)
                for age, row in backorders.oldest_first(candidates)
            ]
            if waited:
                backorders.recount(np.unique(np.concatenate(waited)))
            return
        if not backorders.at_position.any():
            return
        rec = self.ctx.records
        for age, waiting in backorders.oldest_first():
            served = self._share(waiting)
            waiting -= served
            if kpi:
                rec.stream_served_late += served
            self.hand_over(served, age, None, kpi)
        self.backorders.refresh()

    def _serve_waiting(
        self, age: int, waiting: np.ndarray, candidates: np.ndarray, kpi: bool
    ) -> np.ndarray:
        """What :meth:`_share` and :meth:`hand_over` do for one age of backorders, for the
        streams that wait only (of ``candidates``; each its position's one stream; stores
        only). Returns those streams."""
        assert self.own is not None
        streams = candidates[waiting[candidates] != 0]
        served = self._share_own(streams + self.own.start, waiting[streams])
        waiting[streams] -= served
        rec = self.ctx.records
        if kpi:
            rec.stream_served_late[streams] += served
            if age == 0:  # on time exactly when served at once
                rec.stream_on_time[streams] += served
        if len(self.interventions.served):  # sales remembered for returns
            every = np.zeros(len(waiting))
            every[streams] = served
            self.interventions.note_served(every)
        return streams

    def _share(self, need: np.ndarray) -> np.ndarray:
        """Serve ``need`` (per stream) from on-hand stock, proportionally within a position."""
        if self.sells_own:
            assert self.own is not None
            return self._share_own(self.own, need)
        on_hand = self.ledger.on_hand
        need_pos = self._per_position(need)
        issued = np.minimum(on_hand, need_pos)
        conditions = self.ctx.conditions()
        if conditions is not None:  # a closed or short-handed outlet sells less
            issued *= conditions.work()[self.ctx.net.topology.pos_node]
        ratio = np.divide(issued, need_pos, out=np.ones_like(need_pos), where=need_pos > 0)
        own = self.own
        served = need * (ratio[own] if own is not None else ratio[self.ctx.net.demand.stream_pos])
        self.ledger.sell(issued)
        return served

    def _share_own(self, positions: slice | np.ndarray, need: np.ndarray) -> np.ndarray:
        """:meth:`_share` where each stream is its position's only one: ``need`` of the streams
        of ``positions`` (distinct), the other streams none."""
        issued = np.minimum(self.ledger.on_hand[positions], need)
        conditions = self.ctx.conditions()
        if conditions is not None:  # a closed or short-handed outlet sells less
            issued *= conditions.work()[self.ctx.net.topology.pos_node[positions]]
        self.ledger.sell_at(positions, issued)
        # need x (issued / need), as _share has it; where all is issued, issued is the need.
        short = np.flatnonzero(issued < need)
        asked = need[short] > 0
        issued[short[~asked]] = need[short[~asked]]  # nothing asked, nothing served
        short = short[asked]
        issued[short] = need[short] * (issued[short] / need[short])
        return issued

    def _per_position(self, values: np.ndarray) -> np.ndarray:
        """Per-stream ``values`` summed per position."""
        n_pos = self.ctx.net.topology.n_positions
        if self.own is None:
            return np.bincount(self.ctx.net.demand.stream_pos, weights=values, minlength=n_pos)
        out = np.zeros(n_pos)
        out[self.own] = values
        return out

    def book_unmet(
        self, asked: np.ndarray, served: np.ndarray, day: int, sent: np.ndarray | None = None
    ) -> None:
        """Book what customers asked of each stream's outlet: served now, sent elsewhere,
        backordered (age 0) or lost."""
        ctx = self.ctx
        short = asked - served if sent is None else asked - served - sent
        if not self.loses:  # all backordered, nothing lost
            self.backorders.add(short)
            lost = None
        else:
            lost = np.where(ctx.net.demand.stream_lost, short, 0.0)
            self.backorders.add(short - lost)
        self.count(asked, served, lost, day)
        if ctx.kpi(day):
            self.count_in_window(asked, served, lost)

    def count(
        self, asked: np.ndarray, served: np.ndarray, lost: np.ndarray | None, day: int
    ) -> None:
        """Count, per stream, what customers asked of their outlets, got at once and were
        lost to (None: nothing), on ``day``: each position's demand since its review and each
        node's day."""
        rec = self.ctx.records
        own = self.own
        if lost is not None:
            self.lost_any = True
        if own is None:
            if lost is not None:
                self.lost_today += self._per_position(lost)
            asked_pos = self._per_position(asked)
            self.demand_received += asked_pos
            self.asked += asked_pos
            rec.node_demand[day] += self.pos_per_node(asked_pos)
            asked_node = self.per_node(asked)
        else:  # each stream its position's one, in order: the streams' sums are the positions'
            if lost is not None:
                self.lost_today[own] += lost
            self.demand_received[own] += asked
            self.asked[own] += asked
            asked_node = self.per_node(asked)
            rec.node_demand[day] += asked_node
        rec.node_asked[day] += asked_node
        rec.node_filled[day] += self.per_node(served)

    def count_in_window(
        self, asked: np.ndarray, served: np.ndarray, lost: np.ndarray | None
    ) -> None:
        """The same, per stream, for the KPIs (inside the KPI window)."""
        rec = self.ctx.records
        rec.stream_asked += asked
        rec.stream_filled_now += served
        if lost is not None:
            rec.stream_lost += lost

    # ----------------------------------------------------------------- to the customer

    def hand_over(
        self, served: np.ndarray, waited: float, orders_full: np.ndarray | None, kpi: bool
    ) -> None:
        """Customers get what was served ``waited`` days after ordering: at once in a store,
        after today's delivery time where the node delivers, or by a fleet's vehicle, which
        judges on-time delivery when it arrives. ``orders_full``: orders filled in full, per
        stream; those still on their way at the end of the run are counted undelivered."""
        self.interventions.note_served(served)
        rec = self.ctx.records
        if not self.delivers:  # stores only: on time exactly when served at once
            if kpi and waited == 0:
                rec.stream_on_time += served
                if orders_full is not None:
                    rec.stream_orders_otif += orders_full
            return
        travel = self.delivery_days[self.stream_delivery_node]
        in_time = waited + travel <= self.stream_promise + EPS
        # As every arrival: one due at the horizon itself is still on its way at the end.
        after_end = self.ctx.env.now + travel > self.ctx.n_days - EPS
        if len(self.home_fleet):
            in_time[self.home_fleet] = False
            after_end[self.home_fleet] = True  # until a vehicle hands them over
            self._consign_home(served, waited, orders_full)
        if kpi:
            rec.stream_on_time += np.where(in_time, served, 0.0)
            if orders_full is not None:
                rec.stream_orders_otif += np.where(in_time, orders_full, 0.0)
                rec.stream_orders_undelivered += np.where(after_end, orders_full, 0.0)

    def _consign_home(
        self, served: np.ndarray, waited: float, orders_full: np.ndarray | None
    ) -> None:
        """One home-delivery consignment per fleet and customer zone with goods served."""
        ctx = self.ctx
        dem = ctx.net.demand
        streams = self.home_fleet[served[self.home_fleet] > EPS]
        if len(streams) == 0:
            return
        now = ctx.env.now
        full = np.zeros(len(served)) if orders_full is None else orders_full
        key = self.stream_fleet[streams] * len(dem.zone_ids) + dem.stream_zone[streams]
        for k in np.unique(key):
            members = streams[key == k]
            fleet = ctx.net.fleets[self.stream_fleet[members[0]]]
            skus = dem.stream_sku[members]
            units = served[members]
            self.fleets[fleet.index].consign(
                Consignment(
                    place=int(fleet.zone_place[dem.stream_zone[members[0]]]),
                    load=units @ fleet.sku_load[skus],
                    cold=bool(self.sku_cold[skus].any()),
                    ready=now,
                    due=now - waited + float(self.stream_promise[members[0]]),
                    day=ctx.today,
                    home=HomeDelivery(members, units, full[members]),
                )
            )

    def deliver_home(self, consignment: Consignment, time: float) -> None:
        """A vehicle hands goods to customers: on time if by the due time."""
        home = consignment.home
        assert home is not None
        if not self.ctx.kpi(consignment.day):
            return
        rec = self.ctx.records
        np.subtract.at(rec.stream_orders_undelivered, home.streams, home.orders_full)
        if time <= consignment.due + EPS:
            np.add.at(rec.stream_on_time, home.streams, home.units)
            np.add.at(rec.stream_orders_otif, home.streams, home.orders_full)

    # ----------------------------------------------------------------- end of day

    def end_of_day(self, day: int) -> None:
        """Backorders get one day older; those older than the zone's patience are lost."""
        rec = self.ctx.records
        if self.lost_any:  # else the day's row stays zero
            rec.node_lost[day] = self.pos_per_node(self.lost_today)
            self.lost_today[:] = 0.0
            self.lost_any = False
        self.interventions.end_of_day()
        lost = self.backorders.age_one_day()
        if lost is not None and self.ctx.kpi(day):
            rec.stream_lost += lost
            rec.stream_lost_late += lost
