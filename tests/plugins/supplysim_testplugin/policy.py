"""A replenishment policy from outside: order the same quantity at every review."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Self

import numpy as np
from pydantic import Field

from policies import REPLENISHMENT, InventoryView, ReviewParams


class FixedParams(ReviewParams):
    """Order ``quantity`` units at every review."""

    type: Literal["fixed"] = "fixed"
    quantity: float = Field(gt=0)
    """Units per order."""


class FixedPolicy:
    """Orders ``quantity`` where a review is due."""

    def __init__(self, quantity: np.ndarray) -> None:
        self._quantity = quantity

    @classmethod
    def from_params(cls, params: Sequence[FixedParams]) -> Self:
        return cls(np.array([p.quantity for p in params], dtype=np.float64))

    def observe(self, demand: np.ndarray) -> None:
        """Demand does not matter to this policy."""

    def order(self, view: InventoryView) -> np.ndarray:
        return np.where(view.due, self._quantity, 0.0)


def register() -> None:
    """The entry point: called once, when supplysim loads its plug-ins."""
    REPLENISHMENT.register("fixed", FixedPolicy, FixedParams)
