"""What the effect of every disruption kind provides, and what the engine offers them.

A kind's effect is a class built from its scenario parameters and the compiled network; the
kind itself (parameters, checks, and where this class is) is a
:class:`~simulator.scenario.disruptions.DisruptionKind`. While one of its
occurrences (a :class:`Window`) lasts, :meth:`Disruption.affect` changes the
:class:`~simulator.disruptions.conditions.Conditions` the engine reads; when an occurrence starts,
:meth:`Disruption.begin` may act once on the run's state (destroy stock, quarantine lots, cancel
orders) through the narrow :class:`World` interface, never through the engine's internals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import numpy as np

from simulator.disruptions.conditions import Conditions
from simulator.network import Network
from simulator.scenario.disruptions import DisruptionCommon

P = TypeVar("P", bound=DisruptionCommon)


@dataclass(frozen=True, slots=True)
class Window:
    """One occurrence of a disruption: active on ``[start, end)``, in days."""

    disruption: int  # index in the scenario's list
    start: float
    end: float

    def active(self, t: float) -> bool:
        return self.start <= t < self.end


class World(Protocol):
    """The run's state, as far as a disruption's one-off actions may touch it."""

    @property
    def now(self) -> float:
        """The current simulation time, in days."""

    def destroy(self, positions: np.ndarray, share: float) -> None:
        """Destroy ``share`` of the on-hand stock of ``positions``."""

    def cancel_backorders(self, streams: np.ndarray, share: float) -> None:
        """Customers of ``streams`` cancel ``share`` of their waiting orders."""

    def return_sold(self, streams: np.ndarray, share: float, days: float, restock: bool) -> None:
        """``share`` of what ``streams`` sold in the last ``days`` comes back to its outlets."""

    def redirect_home_deliveries(self, share: float, stream: str) -> None:
        """``share`` of the home deliveries waiting at depots get a new address."""

    def recall(self, disruption: int) -> None:
        """Carry out recall ``disruption``: quarantine its lots and start the returns."""


class Disruption(Generic[P]):
    """Base of every kind's effect: neutral unless overridden; ``params`` are the kind's own."""

    def __init__(self, index: int, params: P, net: Network) -> None:
        self.index = index
        self.params = params
        self.net = net

    def affect(self, conditions: Conditions) -> None:
        """Change ``conditions`` while an occurrence lasts."""

    def begin(self, world: World, window: Window) -> None:
        """Act once, when an occurrence starts."""
