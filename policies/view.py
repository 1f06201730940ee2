"""The read-only inventory snapshot the engine hands to replenishment policies."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class InventoryView:
    """Read-only snapshot of the positions a policy instance manages (arrays of equal length n).

    A position is one SKU at one node. The engine owns the arrays; policies must not mutate them.

    Attributes:
        time: Simulation time in days.
        on_hand: Physical stock (float64, >= 0).
        on_order: Ordered but not yet received: open at the supplier plus in transit (float64).
        backlog: Quantity owed to customers or downstream nodes (float64, >= 0).
        due: Positions whose review is due now (bool); policies return 0 elsewhere.
        lead_time: Mean replenishment lead time in days of each position's supply lane (float64).
    """

    time: float
    on_hand: np.ndarray
    on_order: np.ndarray
    backlog: np.ndarray
    due: np.ndarray
    lead_time: np.ndarray

    @property
    def inventory_position(self) -> np.ndarray:
        """Inventory position: on hand + on order - backlog."""
        return inventory_position(self.on_hand, self.on_order, self.backlog)


def inventory_position(
    on_hand: np.ndarray, on_order: np.ndarray, backlog: np.ndarray
) -> np.ndarray:
    """On hand + on order - backlog, in that order (the engine's reviews compute it this way
    too, so a policy and the review agree to the last bit)."""
    return on_hand + on_order - backlog
