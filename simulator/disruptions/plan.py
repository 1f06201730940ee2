"""The disruptions of one run: their occurrences, and the conditions they make over time."""

from __future__ import annotations

from simulator.disruptions.base import Disruption, Window, World
from simulator.disruptions.registry import effect
from simulator.disruptions.timeline import Timeline, draw_windows
from simulator.network import Network
from simulator.network.streams import RandomStreams
from simulator.scenario.models import Scenario


class DisruptionPlan:
    """Built once per replication, before the run; :meth:`begin_due` acts as time passes."""

    def __init__(
        self, scenario: Scenario, net: Network, streams: RandomStreams, horizon: float
    ) -> None:
        self.disruptions: list[Disruption] = [
            effect(params.type)(i, params, net) for i, params in enumerate(scenario.disruptions)
        ]
        self.windows: list[Window] = draw_windows(self.disruptions, streams, horizon)
        self.timeline = Timeline(self.disruptions, self.windows, net)
        self._begun = 0

    def begin_due(self, world: World, now: float) -> None:
        """Start every occurrence due by ``now`` that has not started yet, in order."""
        while self._begun < len(self.windows) and self.windows[self._begun].start <= now + 1e-9:
            window = self.windows[self._begun]
            self._begun += 1
            self.disruptions[window.disruption].begin(world, window)
