"""Random draws of a run: one named stream per consumer, drawn in blocks.

Each consumer (a lane's lead times, a desk's service times, a zone's orders) owns a stream keyed
by a stable name (see :mod:`simulator.network.streams`), so adding an entity never shifts
another's draws and variants compared on one seed face the same randomness.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.lane_draws import LaneDraws
from simulator.network import Network
from simulator.network.streams import RandomStreams
from simulator.scenario.distributions import AnyDistribution, Constant

_FIRST_BLOCK = 16
_BLOCK = 256
_FEW = 8  # shipments whose transit times are taken one by one


class Draws:
    """Named random streams of one replication, with block sampling for low per-draw cost."""

    def __init__(self, net: Network, streams: RandomStreams) -> None:
        self.net = net
        self.streams = streams
        self._rngs: dict[str, np.random.Generator] = {}
        self._blocks: dict[str, tuple[list[float], list[int]]] = {}
        topo = net.topology
        lane_streams = [f"leadtime/{lane}" for lane in topo.lane_ids]  # by lane index
        self.lanes = LaneDraws(topo.lane_lead_time, lane_streams, streams.streams)

    def rng(self, name: str) -> np.random.Generator:
        """The generator of stream ``name`` (created once per run)."""
        rng = self._rngs.get(name)
        if rng is None:
            rng = self._rngs[name] = self.streams.stream(name)
        return rng

    def draw(self, dist: AnyDistribution, name: str) -> float:
        """Next value of ``dist`` on stream ``name``."""
        if isinstance(dist, Constant):
            return dist.value
        block = self._blocks.get(name)
        if block is None or block[1][0] == len(block[0]):
            # Blocks start small and double: a stream drawn a few times costs a few draws.
            size = _FIRST_BLOCK if block is None else min(2 * len(block[0]), _BLOCK)
            block = self._blocks[name] = (dist.sample(self.rng(name), size).tolist(), [0])
        values, cursor = block
        value = values[cursor[0]]
        cursor[0] += 1
        return float(value)

    def lead_times(self, keys: np.ndarray) -> np.ndarray:
        """Transit times by shipment key: a lane (``key >= 0``) or a production batch
        (``-1 - node``)."""
        if len(keys) <= _FEW:  # one by one: the same values, without the array set-up
            return np.array([self.lead_time(key) for key in keys.tolist()])
        by_lane = keys >= 0
        if by_lane.all():
            return self.lanes.take(keys)
        lead = np.empty(len(keys))
        lead[by_lane] = self.lanes.take(keys[by_lane])
        lead[~by_lane] = [self.lead_time(key) for key in keys[~by_lane].tolist()]
        return lead

    def lead_time(self, key: int) -> float:
        """Transit time of a lane shipment (``key >= 0``) or production batch (``-1 - node``)."""
        if key >= 0:
            return self.lanes.take_one(key)
        topo = self.net.topology
        node = -1 - key
        dist = topo.production_lead_time[node]
        assert dist is not None
        return self.draw(dist, f"production/{topo.node_ids[node]}")

    def processing_time(self, node: int) -> float:
        """Service time of one order at ``node``'s desk."""
        topo = self.net.topology
        processing = topo.node_processing[node]
        assert processing is not None
        return self.draw(processing.time, f"processing/{topo.node_ids[node]}")
