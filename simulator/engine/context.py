"""What every part of a running simulation shares: the compiled network, the SimPy
environment, the records, the random draws and the clock's notion of "today".
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import simpy

from simulator.disruptions import Conditions, DisruptionPlan
from simulator.engine.draws import Draws
from simulator.network import Network
from simulator.records import Records
from simulator.scenario.models import Scenario

EPS = 1e-9
"""Tolerance for comparing quantities and times (units, days)."""


@dataclass
class RunContext:
    """The shared parts of one replication, handed to each engine component."""

    scenario: Scenario
    net: Network
    env: simpy.Environment
    records: Records
    draws: Draws
    n_days: int
    disruptions: DisruptionPlan | None
    closing: bool = field(default=False)
    """True while the ``CLOSE`` phase runs: work done then belongs to the day just ended."""
    failures: list[ProcessFailure] = field(default_factory=list)

    @property
    def now(self) -> float:
        """The time whose work is being done: during ``CLOSE`` at instant ``t``, the day
        ``t - 1`` (its orders and shipments leave at ``t``); otherwise the clock's time."""
        return self.env.now - 1.0 if self.closing else self.env.now

    @property
    def today(self) -> int:
        """The day whose work is being done (clamped to the horizon's last day)."""
        return min(math.floor(self.now + EPS), self.n_days - 1)

    def kpi(self, time: float) -> bool:
        """Whether something that happened at ``time`` counts in the KPIs (after warm-up)."""
        return time >= self.scenario.warmup - EPS

    def conditions(self) -> Conditions | None:
        """The disruptions' conditions for the work being done; ``None`` without them."""
        return None if self.disruptions is None else self.disruptions.timeline.at(self.now)

    def node_name(self, node: int) -> str:
        return self.net.topology.node_ids[node]

    def start(self, process: Generator[simpy.Event, Any, None], what: str) -> simpy.Process:
        """Start a SimPy process whose failure fails the run, naming ``what`` failed and when
        (SimPy would otherwise drop a failure that happens at the instant the run stops)."""
        return self.env.process(self._watched(process, what))

    def _watched(
        self, process: Generator[simpy.Event, Any, None], what: str
    ) -> Generator[simpy.Event, Any, None]:
        try:
            yield from process
        except Exception as error:
            failure = ProcessFailure(f"{what} failed at t={self.env.now:g}: {error!r}")
            self.failures.append(failure)
            raise failure from error

    def check(self) -> None:
        """Raise the first process failure, if any (called whenever the run pauses or ends)."""
        if self.failures:
            raise self.failures[0]


class ProcessFailure(RuntimeError):
    """A process of the simulation raised: the run fails, naming which and when."""
