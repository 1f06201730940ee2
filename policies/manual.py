"""Manual replenishment: orders given from outside the simulation (a person, a notebook, an
agent) through ``Simulation.order``, placed at the position's next review."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Self

import numpy as np

from policies.replenishment import ReviewParams
from policies.view import InventoryView


class ManualParams(ReviewParams):
    """Manual: order what was given from outside since the last review (nothing otherwise)."""

    type: Literal["manual"] = "manual"


class ManualPolicy:
    """Holds the quantities given from outside until each position's next due review."""

    def __init__(self, n: int) -> None:
        self._queued = np.zeros(n)

    @classmethod
    def from_params(cls, params: Sequence[ManualParams]) -> Self:
        """Build from one params model per position."""
        return cls(len(params))

    def queue(self, index: int, quantity: float) -> None:
        """Add ``quantity`` to what position ``index`` (in this group) orders next."""
        if not quantity >= 0:
            raise ValueError(f"an order quantity must be >= 0 (got {quantity!r})")
        self._queued[index] += quantity

    def observe(self, demand: np.ndarray) -> None:
        """Nothing to learn: a person decides."""

    def order(self, view: InventoryView) -> np.ndarray:
        """Order what was queued where due, and clear it there."""
        quantity = np.where(view.due, self._queued, 0.0)
        self._queued[view.due] = 0.0
        return quantity
