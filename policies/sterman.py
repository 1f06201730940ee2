"""Sterman's anchoring-and-adjustment ordering rule: how people order in the beer game.

Sterman (1989, "Modeling managerial behavior: misperceptions of feedback in a dynamic decision
making experiment", Management Science 35(3)) fitted this rule to the orders of beer-game
players. Each period a player

1. updates the demand they expect by exponential smoothing:
   ``L̂ ← L̂ + θ (demand of the period just ended − L̂)``;
2. orders ``max(0, L̂ + α_S (S' − S − β SL))``, where ``S`` is the effective stock (on hand
   minus backlog), ``SL`` the supply line (ordered, not yet received) and ``S'`` the desired
   stock plus ``β`` times the desired supply line.

``β < 1`` means the supply line is partly forgotten: orders already on their way are ordered
again, which is what makes the bullwhip grow upstream. The defaults are the means of the fitted
parameters over Sterman's subjects: θ = 0.36, α_S = 0.26, β = 0.34, S' = 17.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Self

import numpy as np
from pydantic import Field

from policies.forecasting import ExponentialSmoothing
from policies.replenishment import ReviewParams
from policies.view import InventoryView


class StermanParams(ReviewParams):
    """Sterman's anchoring and adjustment: expected demand plus shares of the stock gap."""

    type: Literal["sterman"] = "sterman"
    theta: float = Field(default=0.36, gt=0, le=1)
    """Weight θ of the latest demand in the expected demand, in (0, 1]."""
    alpha_s: float = Field(default=0.26, ge=0, le=1)
    """Share α_S of the gap between desired and actual stock ordered each period, in [0, 1]."""
    beta: float = Field(default=0.34, ge=0, le=1)
    """Weight β given to the supply line, in [0, 1]: 1 counts every unit on order."""
    desired_stock: float = Field(default=17.0, ge=0)
    """S': desired effective stock plus β times the desired supply line (units)."""
    expected_demand: float | None = Field(default=None, ge=0)
    """Expected demand before any observation; None starts from the first demand seen."""
    forecast_from: Literal["orders", "customers"] = "orders"
    """What the expected demand smooths: the orders the stage receives, or (information
    sharing) the end customers' demand for the SKU, which the engine then hands to observe."""


class StermanPolicy:
    """Sterman's rule over n positions, with per-position parameters."""

    def __init__(
        self,
        theta: np.ndarray,
        alpha_s: np.ndarray,
        beta: np.ndarray,
        desired_stock: np.ndarray,
        expected_demand: np.ndarray,
    ) -> None:
        self._expected = ExponentialSmoothing(theta, theta.size, expected_demand)
        self._alpha_s = alpha_s
        self._beta = beta
        self._desired = desired_stock

    @classmethod
    def from_params(cls, params: Sequence[StermanParams]) -> Self:
        """Build from one params model per position."""

        def floats(values: list[float | None]) -> np.ndarray:
            return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

        return cls(
            floats([p.theta for p in params]),
            floats([p.alpha_s for p in params]),
            floats([p.beta for p in params]),
            floats([p.desired_stock for p in params]),
            floats([p.expected_demand for p in params]),
        )

    @property
    def expected_demand(self) -> np.ndarray:
        """The demand each position expects next period, L̂ (read-only)."""
        return self._expected.forecast

    def observe(self, demand: np.ndarray) -> None:
        """Smooth the demand of the period just ended into the expected demand."""
        self._expected.update(demand)

    def order(self, view: InventoryView) -> np.ndarray:
        """``max(0, L̂ + α_S (S' − S − β SL))`` where due, 0 elsewhere."""
        stock = view.on_hand - view.backlog
        gap = self._desired - stock - self._beta * view.on_order
        quantity = self.expected_demand + self._alpha_s * gap
        return np.where(view.due & (quantity > 0.0), quantity, 0.0)
