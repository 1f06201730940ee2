"""Random draws of a run: one named stream per consumer, drawn in blocks.

Each consumer (a lane's lead times, a desk's service times, a zone's orders) owns a stream keyed
by a stable name (see :mod:`simulator.network.streams`), so adding an entity never shifts
another's draws and variants compared on one seed face the same randomness.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulator.network import Network
from simulator.network.streams import RandomStreams
from simulator.scenario.distributions import AnyDistribution, Constant

_FIRST_BLOCK = 16
_BLOCK = 256


class Draws:
    """Named random streams of one replication, with block sampling for low per-draw cost."""

    def __init__(self, net: Network, streams: RandomStreams) -> None:
        self.net = net
        self.streams = streams
        self._rngs: dict[str, np.random.Generator] = {}
        self._blocks: dict[str, tuple[list[float], list[int]]] = {}
        topo = net.topology
        self.lane_constant = np.asarray(
            [d.value if isinstance(d, Constant) else np.nan for d in topo.lane_lead_time]
        )
        self.lane_streams = [f"leadtime/{lane}" for lane in topo.lane_ids]  # by lane index

    def rng(self, name: str) -> np.random.Generator:
        """The generator of stream ``name`` (created once per run)."""
        rng = self._rngs.get(name)
        if rng is None:
            rng = self._rngs[name] = self.streams.stream(name)
        return rng

    def prepare(self, names: Sequence[str]) -> None:
        """Make the generators of streams ``names`` now, together (cheaper than one by one)."""
        missing = [name for name in dict.fromkeys(names) if name not in self._rngs]
        self._rngs.update(zip(missing, self.streams.streams(missing), strict=True))

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
        """Transit times by shipment key; constant lanes need no draw, random ones do."""
        lead = np.where(keys >= 0, self.lane_constant[np.maximum(keys, 0)], np.nan)
        drawn = np.flatnonzero(np.isnan(lead))
        lead[drawn] = [self.lead_time(key) for key in keys[drawn].tolist()]
        return lead

    def lead_time(self, key: int) -> float:
        """Transit time of a lane shipment (``key >= 0``) or production batch (``-1 - node``)."""
        topo = self.net.topology
        if key >= 0:
            return self.draw(topo.lane_lead_time[key], self.lane_streams[key])
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
