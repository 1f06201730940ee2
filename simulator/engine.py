"""The simulation: a SimPy environment driving vectorised inventory flows.

Time is in days. Each day ``d`` the :meth:`Simulation._days` process runs, at time ``d``:

1. receive shipments due (available before the day's demand);
2. serve customers of daily demand streams: oldest backorders first, then the day's demand;
   unmet demand is backordered or lost per zone;
3. tier by tier, most downstream first: ship open order lines sourced at the tier from its stock
   (first come, first served), then review the tier's positions and place new order lines
   (lines to external suppliers and to production ship at once, within lane and plant capacity);
4. end-of-day accounting: snapshots and KPI accumulators; backorders older than the zone's
   patience are lost.

Ordering and shipping in step 3 happen at the *end* of day ``d``, time ``d + 1``: a shipment with
lead time ``L`` leaves then and is usable from the first daily step at or after ``d + 1 + L``. So
an order-up-to level protects against ``L + R`` days of demand, as in the textbooks, and a lead
time means the same on the daily path as on the event path.

Event-path demand (Poisson orders) runs as one SimPy process per stream between the daily
steps; its continuous-review positions order at each order event and shipments arrive at their
exact times. Order-processing desks are SimPy resources: an order waits for a server, then for
its processing time, before its lines can ship.
"""

from __future__ import annotations

import math
import time as wallclock
from collections import defaultdict
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy
from simpy.core import URGENT

from policies.allocation import AllocationRequest, AllocationRule, grant_in_order
from policies.registry import ALLOCATION
from policies.view import InventoryView
from simulator.arrival import Arrival
from simulator.backorders import CustomerBackorders
from simulator.disruptions import Conditions, DisruptionPlan
from simulator.interventions import Interventions
from simulator.lots import Lots
from simulator.network import Network, compile_network
from simulator.network.demand import draw_daily_demand, multipliers
from simulator.network.sourcing import PRIMARY, SPLIT
from simulator.network.topology import PRODUCTION, UNLIMITED
from simulator.orderbook import OrderBook
from simulator.random import RandomStreams
from simulator.records import Records
from simulator.result import Result
from simulator.review import PolicyGroup, build_policy_groups
from simulator.scenario.customers import CustomerDemand
from simulator.scenario.distributions import AnyDistribution, Constant
from simulator.scenario.models import Scenario
from simulator.traceability import Traceability
from simulator.transport.consignment import Consignment, HomeDelivery
from simulator.transport.fleet import FleetRunner

_EPS = 1e-9


class _DayBoundary(simpy.Event):
    """Fires one day later, before any other event due at that moment.

    The end-of-day snapshot of day ``d`` is taken at time ``d + 1`` ahead of the event path's
    arrivals at that instant, so both paths snapshot the same state: everything that happened
    during day ``d`` and nothing after. SimPy's ``Timeout`` always has normal priority, hence
    this small urgent variant (set up as ``Timeout.__init__`` does).
    """

    def __init__(self, env: simpy.Environment) -> None:
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, URGENT, 1.0)


class Simulation:
    """One replication of a scenario. Build, then :meth:`run` once."""

    def __init__(self, scenario: Scenario, seed: int | None = None, days: float | None = None):
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else seed
        self.horizon = float(days if days is not None else scenario.horizon)
        self.net: Network = compile_network(scenario)
        self.streams = RandomStreams(self.seed)
        self.env = simpy.Environment()
        self.n_days = math.ceil(self.horizon)
        topo, dem = self.net.topology, self.net.demand
        P, S = topo.n_positions, dem.n_streams
        self.continuous = len(dem.event) > 0
        # Daily path: orders and shipments of day d happen at its end, time d + 1.
        self.end_of_day = 0.0 if self.continuous else 1.0
        self.records = Records(self.n_days, scenario.warmup, P, S, len(topo.node_ids))

        self.on_hand = topo.pos_initial.copy()
        self.lots = Lots(np.isfinite(topo.pos_shelf_life), topo.pos_shelf_life, P)
        self.perishable = len(self.lots.positions) > 0
        self.lots.add_fresh(np.arange(P), topo.pos_initial, made=0.0)
        self.in_transit = np.zeros(P)
        self.open_order = np.zeros(P)  # ordered, not yet shipped by the source
        self.owed = np.zeros(P)  # open lines other positions have on this one
        promises = [d.promise for d in topo.node_delivery if d is not None]
        self.backorders = CustomerBackorders(
            dem.stream_pos, dem.stream_patience, P, track_days=max(promises, default=0.0)
        )
        self.book = OrderBook()
        self.calendar: dict[int, list[Arrival]] = defaultdict(list)
        self.lane_left = topo.lane_capacity.copy()
        self.production_left = topo.production_capacity.copy()
        self.demand_received = np.zeros(P)  # since the last daily review
        self.lost_today = np.zeros(P)
        self.pos_tier = np.empty(P, dtype=np.int64)
        for k, tier in enumerate(topo.tiers):
            self.pos_tier[tier.positions] = k
        self.groups = build_policy_groups(topo, self.pos_tier)
        # One rule instance per distinct allocation setting; nodes point at theirs.
        settings = list(dict.fromkeys(topo.node_allocation))
        self.rules: list[AllocationRule] = [
            ALLOCATION.get(s.type).from_params(s)  # type: ignore[attr-defined]
            for s in settings
        ]
        self.node_rule = np.asarray([settings.index(a) for a in topo.node_allocation])
        self.group_of = np.empty(P, dtype=np.int64)
        for g, group in enumerate(self.groups):
            self.group_of[group.positions] = g
        self.desks = {
            n: simpy.Resource(self.env, capacity=proc.servers)
            for n, proc in enumerate(topo.node_processing)
            if proc is not None
        }
        self.has_desk = np.zeros(len(topo.node_ids), dtype=bool)
        self.has_desk[list(self.desks)] = True
        self._rngs: dict[str, np.random.Generator] = {}
        self._blocks: dict[str, list[Any]] = {}
        self.lane_constant = np.asarray(
            [d.value if isinstance(d, Constant) else np.nan for d in topo.lane_lead_time]
        )
        self.daily_demand, self.daily_orders = draw_daily_demand(
            scenario, topo, dem, self.streams, self.n_days
        )
        # Disruptions: every occurrence is drawn now, so conditions are known ahead.
        self.disruptions: DisruptionPlan | None = None
        if scenario.disruptions:
            self.disruptions = DisruptionPlan(scenario, self.net, self.streams, self.horizon)
            self._shock_daily_demand()
        self.interventions = Interventions(self)
        # Lots of the SKUs recalls name, from initial stock on; None without a recall.
        self.trace = Traceability.build(self)
        self._spoil()  # initial stock whose shelf life is shorter than a day
        n_nodes = len(topo.node_ids)
        self.supplier_left = np.full(n_nodes, np.inf)  # what suppliers may ship today
        # Home delivery: per stream, the node whose delivery it uses (index N: none, 0 days).
        stream_node = topo.pos_node[dem.stream_pos]
        has_delivery = np.asarray([d is not None for d in topo.node_delivery] + [False])
        self.stream_delivery_node = np.where(has_delivery[stream_node], stream_node, n_nodes)
        self.stream_promise = np.asarray(
            [d.promise if d is not None else 0.0 for d in topo.node_delivery] + [0.0]
        )[self.stream_delivery_node]
        self.delivery_days = np.zeros(n_nodes + 1)  # today's delivery time per node
        self.delivers = bool(has_delivery.any())
        # Market routing, fixed at compile time: the share of a first stream's demand that
        # reaches its outlet, and the links a stockout's customers follow.
        self.reach = np.maximum(dem.stream_reach, 0.0)
        self.has_next = dem.stream_next >= 0
        self.has_online = dem.stream_online >= 0
        self.redirects = bool(self.has_next.any() or self.has_online.any())
        # Fleets: the lanes they drive, and the streams whose home deliveries they make.
        timeline = self.disruptions.timeline if self.disruptions is not None else None
        self.fleets = [
            FleetRunner(
                self.env, f, self.streams, self.records, self._deliver, self.n_days, timeline
            )
            for f in self.net.fleets
        ]
        self.lane_fleet = self.net.lane_fleet
        node_fleet = np.full(n_nodes + 1, -1, dtype=np.int64)
        for f in self.net.fleets:
            node_fleet[f.depot] = f.index
        self.stream_fleet = node_fleet[self.stream_delivery_node]
        self.home_fleet = np.flatnonzero(self.stream_fleet >= 0)
        self.sku_cold = np.asarray([p.cold_chain for p in scenario.products])
        self.lane_planned = np.asarray([d.mean for d in topo.lane_lead_time])

    # ----------------------------------------------------------------- set-up

    def _rng(self, name: str) -> np.random.Generator:
        rng = self._rngs.get(name)
        if rng is None:
            rng = self._rngs[name] = self.streams.stream(name)
        return rng

    def _draw(self, dist: AnyDistribution, name: str) -> float:
        """Next value of the named stream ``name``, drawn in blocks to keep per-draw cost low."""
        if isinstance(dist, Constant):
            return dist.value
        block = self._blocks.get(name)
        if block is None or block[1] == len(block[0]):
            block = self._blocks[name] = [dist.sample(self._rng(name), 256), 0]
        value = float(block[0][block[1]])
        block[1] += 1
        return value

    def _shock_daily_demand(self) -> None:
        """Scale each day's drawn demand by the disruptions' multipliers: the draws stay those
        of the undisrupted run (common random numbers), only scaled where a shock applies."""
        assert self.disruptions is not None
        days = np.arange(self.n_days)
        factor = self.disruptions.timeline.demand_factors(days, self.net.demand.daily)
        if factor is not None:
            self.daily_demand = (self.daily_demand * factor).astype(np.float32)
            if self.daily_orders is not None:
                self.daily_orders = (self.daily_orders * factor).astype(np.float32)

    def _lead_times(self, keys: np.ndarray) -> np.ndarray:
        """Transit times of shipments by key; constant lanes need no draw, random ones do."""
        lead = np.where(keys >= 0, self.lane_constant[np.maximum(keys, 0)], np.nan)
        for i in np.flatnonzero(np.isnan(lead)):
            lead[i] = self._lead_time(int(keys[i]))
        return lead

    def _lead_time(self, key: int) -> float:
        """Transit time of a lane shipment (``key >= 0``) or production batch (``-1 - node``)."""
        topo = self.net.topology
        if key >= 0:
            return self._draw(topo.lane_lead_time[key], f"leadtime/{topo.lane_ids[key]}")
        node = -1 - key
        dist = topo.production_lead_time[node]
        assert dist is not None
        return self._draw(dist, f"production/{topo.node_ids[node]}")

    # ----------------------------------------------------------------- running

    def run(self) -> Result:
        """Simulate the horizon and return the :class:`Result`."""
        started = wallclock.perf_counter()
        days = self.env.process(self._days())
        for fleet in self.fleets:
            fleet.start()
        for s in self.net.demand.event:
            self.env.process(self._order_arrivals(int(s)))
        self.env.run(until=days)
        self._record_closed_lines()
        return Result(
            scenario=self.scenario,
            seed=self.seed,
            network=self.net,
            records=self.records,
            final_on_hand=self.on_hand.copy(),
            final_in_transit=self.in_transit.copy(),
            wall_time=wallclock.perf_counter() - started,
        )

    def _days(self) -> Generator[simpy.Event, Any, None]:
        topo = self.net.topology
        for day in range(self.n_days):
            if day:
                yield _DayBoundary(self.env)
                self._account(day - 1)
            now = float(day)
            self.lane_left[:] = topo.lane_capacity
            self.production_left[:] = topo.production_capacity
            if self.disruptions is not None:
                self._disrupt(now)
            self._spoil()
            self._receive_due(day)
            self._draw_delivery_days()
            self._serve_daily_demand(day)
            self._expire(day)
            for k, tier in enumerate(topo.tiers):
                self._fill(self._lines_sourced_in(k))
                self._review_tier(k, tier.positions, now)
                # Old and new lines to outside sources leave together: one shipment per lane.
                self._fill(self._lines_to_outside(k))
        yield _DayBoundary(self.env)
        self._account(self.n_days - 1)

    def _disrupt(self, now: float) -> None:
        """Start the disruptions due, then take the day's conditions: production and supply
        capacities for the day, and what facilities can do."""
        assert self.disruptions is not None
        self.disruptions.begin_due(self.interventions, now)
        c = self.disruptions.timeline.at(now)
        self.records.cost_factor[int(now)] = c.cost
        work = c.work()
        open_share = np.where(work > 0, c.production_share * work, 1.0)  # inf x 0 is NaN
        scaled = self.net.topology.production_capacity * open_share
        self.production_left[:] = np.minimum(np.where(work > 0, scaled, 0.0), c.supply_cap)
        self.supplier_left[:] = np.where(work > 0, c.supply_cap, 0.0)

    def recall(self, disruption: int) -> None:
        """Carry out recall ``disruption`` (see :mod:`simulator.traceability`)."""
        assert self.trace is not None  # built whenever the scenario has a recall
        self.trace.recall(disruption)

    # ----------------------------------------------------------------- customers

    def _draw_delivery_days(self) -> None:
        """Today's home-delivery time of each e-commerce node: one draw per node and day."""
        topo = self.net.topology
        for n, delivery in enumerate(topo.node_delivery):
            if delivery is not None:
                self.delivery_days[n] = self._draw(
                    delivery.lead_time, f"delivery/{topo.node_ids[n]}"
                )

    def _share(self, need: np.ndarray) -> np.ndarray:
        """Serve ``need`` (per stream) from on-hand stock, proportionally within a position."""
        pos = self.net.demand.stream_pos
        need_pos = np.bincount(pos, weights=need, minlength=len(self.on_hand))
        issued = np.minimum(self.on_hand, need_pos)
        conditions = self._conditions_now()
        if conditions is not None:  # a closed or short-handed outlet sells less
            issued *= conditions.work()[self.net.topology.pos_node]
        ratio = np.divide(issued, need_pos, out=np.ones_like(need_pos), where=need_pos > 0)
        served = need * ratio[pos]
        self._sell(issued)
        return served

    def _sell(self, units: np.ndarray) -> None:
        """Issue ``units`` (per position) to customers: oldest lots first where perishable."""
        self.on_hand -= units
        if self.trace is not None:
            self.trace.book.sell(units)
        kpi = self._kpi(self.env.now)
        self._issued(units, kpi)
        if kpi:
            self.records.pos_sold += units
        if self.perishable:
            at = np.flatnonzero(units > 0)
            taken = self.lots.take(at, units[at], self.env.now)
            if kpi:
                self.records.pos_life_sold[at] += self.lots.remaining_life(taken, self.env.now)

    def _issued(self, units: np.ndarray, kpi: bool) -> None:
        self.records.total_issued += units
        if kpi:
            self.records.pos_shipped += units

    def _serve_backlog(self) -> None:
        rec = self.records
        kpi = self._kpi(self.env.now)
        for age, waiting in self.backorders.oldest_first():
            served = self._share(waiting)
            waiting -= served
            if kpi:
                rec.stream_served_late += served
            self._hand_over(served, age, None, kpi)

    def _serve_daily_demand(self, day: int) -> None:
        dem = self.net.demand
        self._serve_backlog()
        if len(dem.daily) == 0:
            return
        need = np.zeros(dem.n_streams)
        need[dem.daily] = self.daily_demand[day]
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
        self._unmet(asked, served, day, sent)
        if self._kpi(day):
            rec = self.records
            rec.stream_demand += need
            rec.stream_lost_coverage += uncovered
            rec.stream_lost += uncovered
            counted = need[dem.daily] > 0
            orders = counted if self.daily_orders is None else self.daily_orders[day]
            rec.stream_orders[dem.daily] += orders
            # Proportional rationing gives every order of a stream-day the same share.
            full = np.zeros(dem.n_streams)
            full[dem.daily] = orders * (counted & (served[dem.daily] >= need[dem.daily] - _EPS))
            rec.stream_orders_full += full
            self._hand_over(served, 0.0, full, True)
        else:
            self._hand_over(served, 0.0, None, False)

    def _hand_over(
        self, served: np.ndarray, waited: float, orders_full: np.ndarray | None, kpi: bool
    ) -> None:
        """Customers get what was served ``waited`` days after ordering: at once in a store,
        after today's delivery time online, or by a fleet's vehicle, which judges on-time
        delivery when it arrives. ``orders_full``: orders filled in full, per stream."""
        self.interventions.note_served(served)
        if not self.delivers:  # stores only: on time exactly when served at once
            if kpi and waited == 0:
                self.records.stream_on_time += served
                if orders_full is not None:
                    self.records.stream_orders_otif += orders_full
            return
        delivered_in = waited + self.delivery_days[self.stream_delivery_node]
        in_time = delivered_in <= self.stream_promise + _EPS
        if len(self.home_fleet):
            in_time[self.home_fleet] = False
            self._consign_home(served, waited, orders_full)
        if kpi:
            rec = self.records
            rec.stream_on_time += np.where(in_time, served, 0.0)
            if orders_full is not None:
                rec.stream_orders_otif += np.where(in_time, orders_full, 0.0)

    def _consign_home(
        self, served: np.ndarray, waited: float, orders_full: np.ndarray | None
    ) -> None:
        """One home-delivery consignment per fleet and customer zone with goods served."""
        dem = self.net.demand
        streams = self.home_fleet[served[self.home_fleet] > _EPS]
        if len(streams) == 0:
            return
        now = self.env.now
        day = min(int(now + _EPS), self.n_days - 1)
        full = np.zeros(len(served)) if orders_full is None else orders_full
        key = self.stream_fleet[streams] * len(dem.zone_ids) + dem.stream_zone[streams]
        for k in np.unique(key):
            members = streams[key == k]
            fleet = self.net.fleets[self.stream_fleet[members[0]]]
            skus = dem.stream_sku[members]
            units = served[members]
            self.fleets[fleet.index].consign(
                Consignment(
                    place=int(fleet.zone_place[dem.stream_zone[members[0]]]),
                    load=units @ fleet.sku_load[skus],
                    cold=bool(self.sku_cold[skus].any()),
                    ready=now,
                    due=now - waited + float(self.stream_promise[members[0]]),
                    day=day,
                    home=HomeDelivery(members, units, full[members]),
                )
            )

    def _unmet(
        self, asked: np.ndarray, served: np.ndarray, day: int, sent: np.ndarray | None = None
    ) -> None:
        """Book what customers asked of each stream's outlet: served now, sent elsewhere,
        backordered (age 0) or lost."""
        dem, rec, topo = self.net.demand, self.records, self.net.topology
        short = asked - served if sent is None else asked - served - sent
        lost = np.where(dem.stream_lost, short, 0.0)
        self.backorders.add(short - lost)
        self.lost_today += np.bincount(dem.stream_pos, weights=lost, minlength=topo.n_positions)
        asked_pos = np.bincount(dem.stream_pos, weights=asked, minlength=topo.n_positions)
        self.demand_received += asked_pos
        rec.node_demand[day] += np.bincount(
            topo.pos_node, weights=asked_pos, minlength=len(topo.node_ids)
        )
        stream_node = topo.pos_node[dem.stream_pos]
        rec.node_asked[day] += np.bincount(stream_node, weights=asked, minlength=len(topo.node_ids))
        rec.node_filled[day] += np.bincount(
            stream_node, weights=served, minlength=len(topo.node_ids)
        )
        if self._kpi(day):
            rec.stream_asked += asked
            rec.stream_filled_now += served
            rec.stream_lost += lost

    def _order_arrivals(self, s: int) -> Generator[simpy.Event, Any, None]:
        """Event path: Poisson customer orders for stream ``s`` (thinned for time-varying mean)."""
        dem, topo = self.net.demand, self.net.topology
        zone = dem.zones[dem.stream_zone[s]]
        sku = topo.sku_ids[dem.stream_sku[s]]
        assert zone.orders is not None
        rng = self._rng(f"orders/{zone.id}/{sku}")
        horizon_days = np.arange(self.n_days + 1, dtype=float)
        profile = multipliers(zone, sku, horizon_days)
        if self.disruptions is not None:
            shocks = self.disruptions.timeline.demand_factors(horizon_days, np.array([s]))
            if shocks is not None:
                profile = profile * shocks[:, 0]
        peak = float(profile.max())
        rate = zone.orders.rate * dem.stream_weight[s] * peak
        if rate <= 0:
            return  # a SKU weighted 0, or a zone switched off all horizon: no orders
        varying = not np.allclose(profile, 1.0)
        while True:
            yield self.env.timeout(rng.exponential(1.0 / rate))
            now = self.env.now
            if varying and rng.random() * peak > self._event_multiplier(zone, sku, s, now):
                continue
            size = float(zone.orders.size.sample(rng, 1)[0])
            node = int(topo.pos_node[dem.stream_pos[s]])
            if node in self.desks:
                self.env.process(self._customer_desk(node, s, size, now))
            else:
                self._customer_order(s, size, now, 0.0)

    def _event_multiplier(self, zone: CustomerDemand, sku: str, s: int, now: float) -> float:
        m = float(multipliers(zone, sku, np.array([now]))[0])
        if self.disruptions is not None:
            m *= float(self.disruptions.timeline.at(now).demand[s])
        return m

    def _conditions_now(self) -> Conditions | None:
        """The disruptions' conditions at this moment; ``None`` without disruptions."""
        return None if self.disruptions is None else self.disruptions.timeline.at(self.env.now)

    def _work_now(self, pos: int) -> float:
        """Share of its work the position's node can do now (1 without disruptions)."""
        conditions = self._conditions_now()
        if conditions is None:
            return 1.0
        return float(conditions.work()[self.net.topology.pos_node[pos]])

    def _customer_desk(
        self, node: int, s: int, size: float, arrived: float
    ) -> Generator[simpy.Event, Any, None]:
        processing = self.net.topology.node_processing[node]
        assert processing is not None
        with self.desks[node].request() as request:
            yield request
            wait = self.env.now - arrived
            yield self.env.timeout(
                self._draw(processing.time, f"processing/{self.net.topology.node_ids[node]}")
            )
        self._customer_order(s, size, arrived, wait)

    def _customer_order(self, s: int, size: float, arrived: float, wait: float) -> None:
        dem, rec = self.net.demand, self.records
        pos = int(dem.stream_pos[s])
        day = min(int(self.env.now), self.n_days - 1)
        queued = self.backorders.per_position()[pos] > _EPS  # FIFO behind backorders
        need = np.zeros(dem.n_streams)
        need[s] = size
        served = np.zeros(dem.n_streams)
        if not queued:
            served[s] = min(size, self.on_hand[pos]) * self._work_now(pos)
            issued = np.zeros(len(self.on_hand))
            issued[pos] = served[s]
            self._sell(issued)
        self._unmet(need, served, day)
        if self._kpi(arrived):
            rec.stream_demand[s] += size
            rec.stream_orders[s] += 1
            full = np.zeros(dem.n_streams)
            full[s] = served[s] >= size - _EPS
            rec.stream_orders_full += full
            rec.customer_orders.append(
                time=arrived, stream=s, quantity=size, filled_now=served[s], wait=wait
            )
            self._hand_over(served, wait, full, True)
        else:
            self._hand_over(served, wait, None, False)
        group = self.groups[self.group_of[pos]]
        if group.continuous[group.positions == pos][0]:
            idx = group.positions
            backlog = self.backorders.per_position()  # this order may have added to it
            orders = self._order_sizes(self._decide(group, idx == pos, self.env.now, backlog), idx)
            self._place(orders, idx, self.env.now)

    # ----------------------------------------------------------------- replenishment

    def _view(
        self, group: PolicyGroup, due: np.ndarray, now: float, customer_backlog: np.ndarray
    ) -> InventoryView:
        idx = group.positions
        backlog = self.owed[idx] + customer_backlog[idx]
        return InventoryView(
            time=now,
            on_hand=self.on_hand[idx],
            on_order=self.open_order[idx] + self.in_transit[idx],
            backlog=backlog,
            due=due,
            lead_time=self.net.topology.pos_lead_time[idx],
        )

    def _decide(
        self, group: PolicyGroup, due: np.ndarray, now: float, customer_backlog: np.ndarray
    ) -> np.ndarray:
        """Orders of the group's due positions; ``customer_backlog`` per position, precomputed
        because it is a pass over every demand stream and reviews do not change it."""
        quantities = group.policy.order(self._view(group, due, now, customer_backlog))
        return np.where(due, np.maximum(quantities, 0.0), 0.0)

    def _review_tier(self, tier: int, positions: slice, now: float) -> None:
        topo = self.net.topology
        orders = np.zeros(topo.n_positions)
        customer_backlog = self.backorders.per_position()
        for group in self.groups:
            if group.tier != tier:
                continue
            idx = group.positions
            group.policy.observe(self.demand_received[idx])
            self.demand_received[idx] = 0.0
            due = group.due(now)
            if due.any():
                orders[idx] = self._decide(group, due, now, customer_backlog)
        span = np.arange(positions.start, positions.stop)
        self._place(self._order_sizes(orders[span], span), span, now)

    def _order_sizes(self, orders: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Lot sizing: at least the minimum order, whole case packs, within storage capacity.

        Orders are rounded up first; if storage then cuts an order, it is rounded down to whole
        packs (storage capacity wins over the minimum order).
        """
        topo = self.net.topology
        pack = topo.pos_case_pack[idx]
        packed = pack > 0
        wanted = orders > _EPS
        sized = np.where(wanted, np.maximum(orders, topo.pos_min_order[idx]), 0.0)
        if packed.any():
            whole = np.ceil(sized[packed] / pack[packed] - _EPS) * pack[packed]
            sized[packed] = whole
        fitted = self._within_storage(sized, idx)
        if packed.any():
            cut = packed & (fitted < sized - _EPS)
            fitted[cut] = np.floor(fitted[cut] / pack[cut] + _EPS) * pack[cut]
        return fitted

    def _within_storage(self, orders: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Scale a node's orders down so stock plus pipeline stays within storage capacity."""
        topo = self.net.topology
        nodes = topo.pos_node[idx]
        capacity = topo.node_capacity[nodes]
        if np.isinf(capacity).all():
            return orders
        n = len(topo.node_ids)
        held = np.bincount(
            nodes,
            weights=self.on_hand[idx] + self.open_order[idx] + self.in_transit[idx],
            minlength=n,
        )
        wanted = np.bincount(nodes, weights=orders, minlength=n)
        room = np.maximum(topo.node_capacity - held, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(wanted > room, room / wanted, 1.0)
        return orders * scale[nodes]

    def _place(self, orders: np.ndarray, idx: np.ndarray, now: float) -> None:
        topo, rec = self.net.topology, self.records
        mask = orders > _EPS
        if not mask.any():
            return
        pos, qty = idx[mask], orders[mask]
        day = min(int(now), self.n_days - 1)
        stamp = now + self.end_of_day
        n_nodes = len(topo.node_ids)
        self.open_order[pos] += qty
        rec.node_orders[day] += np.bincount(topo.pos_node[pos], weights=qty, minlength=n_nodes)
        if self._kpi(now):
            np.add.at(rec.pos_order_lines, pos, 1.0)
        pos, qty, src, lane = self._choose_suppliers(pos, qty)
        stock = src >= 0
        np.add.at(self.owed, src[stock], qty[stock])
        np.add.at(self.demand_received, src[stock], qty[stock])
        rec.node_demand[day] += np.bincount(
            topo.pos_node[src[stock]], weights=qty[stock], minlength=n_nodes
        )
        source_node = np.where(stock, topo.pos_node[np.maximum(src, 0)], -1)
        desk = stock & self.has_desk[np.maximum(source_node, 0)]
        ids = self.book.add(pos, qty, src, lane, stamp, np.where(desk, math.inf, stamp))
        for supplier in np.unique(source_node[desk]):
            from_supplier = source_node == supplier
            for requester in np.unique(topo.pos_node[pos[from_supplier]]):
                lines = ids[from_supplier & (topo.pos_node[pos] == requester)]
                self.env.process(self._desk(int(supplier), lines))
        if self.continuous:  # event path: lines ship the moment they are placed
            self._fill(self.book.rows_of(ids[~desk]))

    def _choose_suppliers(
        self, pos: np.ndarray, qty: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each line's supplier and lane by its node's sourcing rule; split lines multiply.

        ``primary`` takes the first candidate whose spare stock (on hand less what it already
        owes) covers the line, judged line by line at the time of ordering.
        """
        topo = self.net.topology
        rule = topo.pos_rule[pos]
        column = np.zeros(len(pos), dtype=np.int64)
        backup = np.flatnonzero(rule == PRIMARY)
        if len(backup):
            candidates = topo.pos_sources[pos[backup]]
            at = np.maximum(candidates, 0)
            spare = np.where(
                candidates >= 0,
                self.on_hand[at] - self.owed[at],
                np.where(candidates == UNLIMITED, math.inf, -math.inf),
            )
            enough = spare >= qty[backup, None] - _EPS
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

    def _desk(self, node: int, ids: np.ndarray) -> Generator[simpy.Event, Any, None]:
        """A replenishment order queues for a server at its supplier's order desk."""
        processing = self.net.topology.node_processing[node]
        assert processing is not None
        if self.end_of_day:
            yield self.env.timeout(self.end_of_day)  # the order reaches the desk at day's end
        with self.desks[node].request() as request:
            yield request
            service = self._draw(processing.time, f"processing/{self.net.topology.node_ids[node]}")
            self.book.ready[self.book.rows_of(ids)] = self.env.now + service
            yield self.env.timeout(service)
        if self.continuous:
            self._fill(self.book.rows_of(ids))

    def _lines_sourced_in(self, tier: int) -> np.ndarray:
        """Open lines this tier must fill from its own stock."""
        src = self.book.source
        tier_of_source = np.where(src >= 0, self.pos_tier[np.maximum(src, 0)], -1)
        return np.flatnonzero(tier_of_source == tier)

    def _lines_to_outside(self, tier: int) -> np.ndarray:
        """Open lines of this tier to external suppliers or to its plants' production."""
        book = self.book
        return np.flatnonzero((book.source < 0) & (self.pos_tier[book.position] == tier))

    def _fill(self, rows: np.ndarray) -> None:
        """Ship what sources can give to ready open lines, first come first served."""
        topo, book = self.net.topology, self.book
        now = self.env.now
        ready = book.ready[rows] <= now + self.end_of_day + _EPS
        rows = rows[ready & (book.open[rows] > _EPS)]
        if len(rows) == 0:
            return
        src = book.source[rows]
        pos = book.position[rows]
        grant = book.open[rows].copy()
        stock = src >= 0
        if stock.any():
            grant[stock] = self._allocate(src[stock], pos[stock], grant[stock])
        conditions = self._conditions_now()
        if conditions is not None:
            self._within_conditions(conditions, grant, src, book.lane[rows])
        made = src == PRODUCTION
        if made.any():
            grant[made] = grant_in_order(
                topo.pos_node[pos[made]], grant[made], self.production_left
            )
        lane = book.lane[rows]
        carried = lane >= 0
        if carried.any() and np.isfinite(topo.lane_capacity).any():
            grant[carried] = grant_in_order(lane[carried], grant[carried], self.lane_left)
        moving = grant > _EPS
        if moving.any():
            self._ship(rows[moving], grant[moving], now)

    def _within_conditions(
        self, conditions: Conditions, grant: np.ndarray, src: np.ndarray, lane: np.ndarray
    ) -> None:
        """Cut grants to what disrupted sources can do: a stocking node its share of work (none
        when closed), an external supplier its remaining supply today."""
        topo = self.net.topology
        stock = src >= 0
        work = conditions.work()
        grant[stock] *= work[topo.pos_node[src[stock]]]
        bought = src == UNLIMITED
        if bought.any():
            supplier = topo.lane_origin[lane[bought]]
            grant[bought] *= work[supplier]
            grant[bought] = grant_in_order(supplier, grant[bought], self.supplier_left)

    def _allocate(
        self, sources: np.ndarray, requesters: np.ndarray, wanted: np.ndarray
    ) -> np.ndarray:
        """Share each source position's stock among its lines by its node's allocation rule."""
        topo = self.net.topology
        rule_of = self.node_rule[topo.pos_node[sources]]
        requester = topo.pos_node[requesters]
        granted = np.empty(len(wanted))
        for r in np.unique(rule_of):
            mine = rule_of == r
            granted[mine] = self.rules[r].allocate(
                AllocationRequest(
                    supplier=sources[mine],
                    quantity=wanted[mine],
                    tier=topo.node_tier[requester[mine]],
                    channel=topo.node_channel[requester[mine]],
                    available=self.on_hand,
                )
            )
        return granted

    def _ship(self, rows: np.ndarray, qty: np.ndarray, now: float) -> None:
        topo, book = self.net.topology, self.book
        pos, src = book.position[rows], book.source[rows]
        n_pos = topo.n_positions
        stock = src >= 0
        taken = np.bincount(src[stock], weights=qty[stock], minlength=n_pos)
        self.on_hand -= taken
        self.owed -= taken
        self._issued(taken, self._kpi(now))
        made = src == PRODUCTION
        np.subtract.at(self.production_left, topo.pos_node[pos[made]], qty[made])
        lane = book.lane[rows]
        np.subtract.at(self.lane_left, lane[lane >= 0], qty[lane >= 0])
        if self.disruptions is not None:
            bought = src == UNLIMITED
            np.subtract.at(self.supplier_left, topo.lane_origin[lane[bought]], qty[bought])
        book.open[rows] -= qty
        # A position may have several open lines (an old partial one and today's): accumulate.
        moved = np.bincount(pos, weights=qty, minlength=n_pos)
        self.open_order -= moved
        self.in_transit += moved
        depart = now + self.end_of_day
        profile = None
        if self.perishable:  # the lots each line takes travel with it, expiry dates and all
            profile = np.zeros((len(rows), self.lots.horizon))
            profile[stock] = self.lots.take(src[stock], qty[stock], depart)
        lots = None if self.trace is None else self.trace.ship(pos, src, lane, qty, now)
        shipped = Arrival(pos, qty, profile, ~stock, taken_at=depart, made=depart, lots=lots)
        if self.fleets:
            driven = (lane >= 0) & (self.lane_fleet[np.maximum(lane, 0)] >= 0)
            if driven.any():
                self._consign(rows[driven], shipped.subset(driven), depart, int(now))
                if driven.all():
                    return
                rows, shipped = rows[~driven], shipped.subset(~driven)
        self._send_by_carrier(rows, shipped, int(now))

    def _send_by_carrier(self, rows: np.ndarray, shipped: Arrival, day: int) -> None:
        """Shipments with a lane lead time: one per lane (or production batch per plant) and
        moment, with one lead-time draw each."""
        topo, book = self.net.topology, self.book
        lane = book.lane[rows]
        key = np.where(lane >= 0, lane, -1 - topo.pos_node[shipped.pos])
        keys, member = np.unique(key, return_inverse=True)
        units = np.bincount(member, weights=shipped.qty)
        lead = self._lead_times(keys)
        depart = shipped.taken_at
        if self.disruptions is not None:
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
        self.records.shipments.append(
            time=depart,
            day=day,
            lane=keys,
            node=node,
            units=units,
            cost=cost,
            arrival=depart + lead,
        )
        arrival = depart + lead[member]
        if not self.continuous:
            arrival = np.ceil(arrival - _EPS)  # daily path: usable from the next daily step
        book.last_arrival[rows] = np.maximum(book.last_arrival[rows], arrival)
        for when in np.unique(arrival):
            self._schedule_arrival(float(when), shipped.subset(arrival == when))

    def _disrupted_transit(self, keys: np.ndarray, depart: float, lead: np.ndarray) -> np.ndarray:
        """Transit times under the disruptions: lanes advance at their speed and deliver once
        the destination is open; production batches take their plant's slowed lead time."""
        assert self.disruptions is not None
        topo, timeline = self.net.topology, self.disruptions.timeline
        out = lead.copy()
        for i, key in enumerate(keys):
            if key >= 0:
                there = timeline.transit_end(int(key), depart, float(lead[i]))
                there = timeline.open_from(int(topo.lane_destination[key]), there)
                out[i] = there - depart
            else:
                out[i] *= timeline.at(depart).production_slowdown[-1 - key]
        # A shipment that never gets there stays in transit beyond the horizon.
        return np.where(np.isfinite(out), out, self.n_days + 1.0 - depart)

    def _consign(self, rows: np.ndarray, shipped: Arrival, depart: float, day: int) -> None:
        """Leave lines on fleet-driven lanes at their depots: one consignment per lane."""
        topo, book = self.net.topology, self.book
        lane = book.lane[rows]
        book.undelivered[rows] += shipped.qty
        for k in np.unique(lane):
            members = lane == k
            part = shipped.subset(members)
            fleet = self.net.fleets[self.lane_fleet[k]]
            skus = topo.pos_sku[part.pos]
            # Shipped now, onto the fleet: the arrival is known only when a vehicle delivers
            # (see the deliveries), and the cost is the fleet's routes'.
            self.records.shipments.append(
                time=depart,
                day=day,
                lane=k,
                node=topo.lane_destination[k],
                units=part.qty.sum(),
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
                    day=day,
                    node=int(topo.lane_destination[k]),
                    lane=int(k),
                    stock=part,
                    line_ids=book.line_id[rows[members]],
                )
            )

    def _deliver(self, consignment: Consignment, time: float) -> None:
        """A vehicle hands over a consignment: stock to the node's positions, or goods to
        customers, on time if by the due time."""
        if consignment.stock is not None:
            self._deliver_stock(consignment, time)
            return
        home = consignment.home
        assert home is not None
        if self._kpi(consignment.day) and time <= consignment.due + _EPS:
            rec = self.records
            np.add.at(rec.stream_on_time, home.streams, home.units)
            np.add.at(rec.stream_orders_otif, home.streams, home.orders_full)

    def _deliver_stock(self, consignment: Consignment, time: float) -> None:
        stock, book = consignment.stock, self.book
        assert stock is not None and consignment.line_ids is not None
        # Daily path: usable from the next daily step (this instant's step has run).
        usable = time if self.continuous else float(math.floor(time + _EPS) + 1)
        rows = book.rows_of(consignment.line_ids)
        book.undelivered[rows] -= stock.qty
        book.last_arrival[rows] = np.maximum(book.last_arrival[rows], usable)
        if self.continuous:
            self._receive_now(stock)
        else:
            self.calendar[int(usable)].append(stock)

    def _schedule_arrival(self, when: float, shipped: Arrival) -> None:
        if when <= self.env.now + _EPS:
            self._receive(shipped)
            self._serve_backlog()  # waiting customers take stock that arrives at once
        elif self.continuous:
            event = self.env.timeout(when - self.env.now)
            event.callbacks.append(lambda _event: self._receive_now(shipped))
        else:
            self.calendar[int(when)].append(shipped)

    def _receive(self, shipped: Arrival) -> None:
        units = np.bincount(
            shipped.pos, weights=shipped.qty, minlength=self.net.topology.n_positions
        )
        self.on_hand += units
        self.in_transit -= units
        self.records.total_received += units
        if self.trace is not None:
            self.trace.receive(shipped)
        if shipped.profile is not None:
            made, bought = shipped.made_fresh, ~shipped.made_fresh
            spoiled = self.lots.add_fresh(shipped.pos[made], shipped.qty[made], shipped.made)
            spoiled += self.lots.add_lots(
                shipped.pos[bought], shipped.profile[bought], shipped.taken_at
            )
            self._waste(spoiled)
            self._spoil()
        if self.trace is not None:  # recalled units in it are received, then taken out
            self.trace.quarantine_arrived(shipped)

    def _receive_now(self, shipped: Arrival) -> None:
        """Event path: stock arriving between daily steps serves waiting demand at once."""
        self._receive(shipped)
        self._serve_backlog()
        waiting = np.flatnonzero(np.isin(self.book.source, shipped.pos))
        self._fill(waiting)

    def _receive_due(self, day: int) -> None:
        for shipped in self.calendar.pop(day, []):
            self._receive(shipped)

    def _expire(self, day: int) -> None:
        """Daily path, after the day's sales: remove the lots that cannot be sold at the next
        daily step, so that reviews do not count them."""
        if self.perishable and self.end_of_day:
            self._waste(self.lots.expire(day))

    def _spoil(self) -> None:
        """Remove the lots that cannot be sold now (expiry day at or before the current time):
        at each daily step, and when stock with little shelf life left arrives."""
        if self.perishable:
            self._waste(self.lots.expire(math.floor(self.env.now + _EPS) - 1))

    def _waste(self, units: np.ndarray) -> None:
        self.on_hand -= units
        if self.trace is not None:
            self.trace.book.waste(units)
        self.records.total_wasted += units
        if self._kpi(self.env.now):
            self.records.pos_wasted += units

    # ----------------------------------------------------------------- accounting

    def _kpi(self, time: float) -> bool:
        return time >= self.scenario.warmup - _EPS

    def _account(self, day: int) -> None:
        rec = self.records
        customer_backlog = self.backorders.per_position()
        backlog = customer_backlog + self.owed
        rec.series_on_hand[day] = self.on_hand
        rec.series_backlog[day] = backlog
        rec.series_pipeline[day] = self.open_order + self.in_transit
        if self._kpi(day):
            waiting = self.backorders.per_stream()
            rec.stream_backlog_days += waiting
            np.maximum(rec.stream_backlog_max, waiting, out=rec.stream_backlog_max)
            rec.pos_ok_days += (backlog <= _EPS) & (self.lost_today <= _EPS)
        topo = self.net.topology
        rec.node_lost[day] = np.bincount(
            topo.pos_node, weights=self.lost_today, minlength=len(topo.node_ids)
        )
        self.lost_today[:] = 0.0
        self.interventions.end_of_day()
        self._age_backlog(day)
        self._record_closed_lines()

    def _age_backlog(self, day: int) -> None:
        """Backorders get one day older; those older than the zone's patience are lost (too
        late)."""
        lost = self.backorders.age_one_day()
        if self._kpi(day):
            self.records.stream_lost += lost
            self.records.stream_lost_late += lost

    def _record_closed_lines(self) -> None:
        closed = self.book.pop_closed()
        if len(closed["position"]):
            self.records.order_lines.append(
                position=closed["position"],
                lane=closed["lane"],
                day=np.floor(closed["placed"] - self.end_of_day + _EPS).astype(np.int64),
                quantity=closed["quantity"],
                cycle=closed["last_arrival"] - closed["placed"],
            )
