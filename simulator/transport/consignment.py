"""Goods waiting at a depot or riding a vehicle: replenishment stock for a node, or the day's
home deliveries to a customer zone."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from simulator.transport.shipment import Shipment


@dataclass(frozen=True, slots=True)
class HomeDelivery:
    """Units served to a zone's demand streams, to be taken to the customers' doors.

    ``orders_full`` are the customer orders among them that were filled in full: they count
    as on time and in full if the vehicle arrives by the promise.
    """

    streams: np.ndarray
    units: np.ndarray
    orders_full: np.ndarray

    def part(self, share: float) -> HomeDelivery:
        return HomeDelivery(self.streams, self.units * share, self.orders_full * share)


@dataclass(frozen=True, slots=True)
class Consignment:
    """What one place gets from a depot, with the times it is judged by.

    Attributes:
        place: Index of the destination among the fleet's places.
        load: Load in each of the fleet's dimensions.
        cold: Needs a refrigerated vehicle.
        ready: Time it may leave the depot (days).
        due: Latest on-time arrival (days); inf where nothing was promised.
        day: The day whose work produced it (its KPI window).
        node: Destination node of a stock consignment; -1 for home deliveries.
        lane: Lane of a stock consignment; -1 for home deliveries.
        stock: The stock for the destination node's positions, or None.
        line_ids: Order lines the stock belongs to, one per row of ``stock``.
        home: The home deliveries, or None.
    """

    place: int
    load: np.ndarray
    cold: bool
    ready: float
    due: float
    day: int
    node: int = -1
    lane: int = -1
    stock: Shipment | None = None
    line_ids: np.ndarray | None = None
    home: HomeDelivery | None = None

    @property
    def units(self) -> float:
        if self.stock is not None:
            return float(self.stock.qty.sum())
        assert self.home is not None
        return float(self.home.units.sum())

    def split(self, share: float) -> tuple[Consignment, Consignment]:
        """The first ``share`` of everything, and the rest (for loads over a vehicle's size)."""
        parts = []
        for s in (share, 1.0 - share):
            parts.append(
                replace(
                    self,
                    load=self.load * s,
                    stock=None if self.stock is None else self.stock.part(s),
                    home=None if self.home is None else self.home.part(s),
                )
            )
        return parts[0], parts[1]
