"""Replenishment policy family: when and how much each inventory position orders.

One policy instance serves every position (one SKU at one node) that uses the same policy
type, with per-position parameters held as numpy arrays. Each policy has a pydantic params
model whose ``type`` field is the YAML name; ``from_params`` turns one model per position into
arrays once, so ``observe`` and ``order`` are pure array math. IP is the inventory position.

A policy that decides each position from its own IP alone may declare ``idle_above`` (an
array: a position orders nothing while its IP is above that level, exactly) and
``order_at(i, ip)`` (the orders of its positions ``i`` at IPs ``ip``, each at or below its
level, with exactly the arithmetic of ``order``). The daily review then decides only for the
few positions at or below their levels, and the per-order path skips a position until its IP
falls to its level. ``order_one(i, ip)`` is the same decision for one position in plain Python,
which the per-order path prefers to arrays.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property
from typing import Any, Literal, Protocol, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.view import InventoryView


class ReplenishmentPolicy(Protocol):
    """Vectorised replenishment decisions for n positions sharing one policy type."""

    @classmethod
    def from_params(cls, params: Sequence[Any]) -> Self:
        """Build one instance from the validated params of each position, in position order."""
        ...

    def observe(self, demand: np.ndarray) -> None:
        """Record the demand of each position in the period just ended (daily, before order).

        The demand is what the position was asked for (by customers and downstream nodes), or,
        where the position's params say ``forecast_from: customers`` (information sharing),
        what end customers asked for its SKU across the whole network. The array is the
        policy's to keep. A policy whose ``observe`` does nothing may say so with a class
        attribute ``ignores_demand = True``: the engine then does not call it.
        """
        ...

    def order(self, view: InventoryView) -> np.ndarray:
        """Order quantities (float64, >= 0, length n), zero where not ``view.due``."""
        ...


class ReviewParams(BaseModel):
    """Review schedule common to every replenishment policy; the engine derives ``due`` from it."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, use_attribute_docstrings=True
    )

    review_period: float | None = Field(default=None, gt=0)
    """Days between periodic reviews; None reviews at every opportunity (continuous review)."""
    review_offset: float = Field(default=0.0, ge=0)
    """Day of the first periodic review, taken modulo review_period."""

    @model_validator(mode="after")
    def _check_review(self) -> Self:
        if self.review_offset and self.review_period is None:
            raise ValueError("review_offset needs a review_period (continuous review has none)")
        return self


class BaseStockParams(ReviewParams):
    """Base stock: order S - IP whenever IP < S."""

    type: Literal["base_stock"] = "base_stock"
    S: float = Field(ge=0)
    """Base stock (order-up-to) level."""


class RSParams(ReviewParams):
    """Periodic order-up-to (R, S): every review_period days order (S - IP)^+."""

    type: Literal["RS"] = "RS"
    review_period: float = Field(gt=0)
    """Days between reviews (R); required."""
    S: float = Field(ge=0)
    """Order-up-to level."""


class SSParams(ReviewParams):
    """(s, S): when IP <= s, order S - IP."""

    type: Literal["sS"] = "sS"
    s: float = Field(ge=0)
    """Reorder point: order when IP <= s."""
    S: float = Field(ge=0)
    """Order-up-to level, > s."""

    @model_validator(mode="after")
    def _check_levels(self) -> Self:
        if self.s >= self.S:
            raise ValueError(f"s must be < S (got s={self.s:g}, S={self.S:g})")
        return self


class RQParams(ReviewParams):
    """(r, Q): when IP <= r, order the smallest multiple n*Q with IP + n*Q > r."""

    type: Literal["rQ"] = "rQ"
    r: float = Field(ge=0)
    """Reorder point: order when IP <= r."""
    Q: float = Field(gt=0)
    """Order quantity (lot size), > 0."""


class MinMaxParams(ReviewParams):
    """Min-max: when IP < min (strict), order max - IP.

    Unlike sS, which triggers at IP <= s, the trigger is strict: the common ERP convention,
    so IP == min does not order.
    """

    type: Literal["min_max"] = "min_max"
    min: float = Field(ge=0)
    """Order when IP < min."""
    max: float = Field(ge=0)
    """Order-up-to level, > min."""

    @model_validator(mode="after")
    def _check_levels(self) -> Self:
        if self.min >= self.max:
            raise ValueError(f"min must be < max (got min={self.min:g}, max={self.max:g})")
        return self


class TQParams(BaseModel):
    """(T, Q): order Q units every T days, whatever the inventory position."""

    model_config = ReviewParams.model_config

    type: Literal["TQ"] = "TQ"
    T: float = Field(gt=0)
    """Days between orders."""
    Q: float = Field(gt=0)
    """Units per order."""
    review_offset: float = Field(default=0.0, ge=0)
    """Day of the first order; then one every T days."""

    @property
    def review_period(self) -> float:
        """The review schedule the engine derives ``due`` from: one review every T days."""
        return self.T


class PassThroughParams(ReviewParams):
    """Lot-for-lot pass-through: order exactly the demand observed since the last review."""

    type: Literal["none"] = "none"


def as_floats(values: Sequence[float]) -> np.ndarray:
    """Per-position parameters as a float64 array."""
    return np.array(values, dtype=np.float64)


class _OrderPointPolicy:
    """Policies deciding from the inventory position (or the calendar) alone: ``order`` is
    ``order_at`` where a due position's IP is at or below its ``idle_above`` level."""

    idle_above: np.ndarray
    ignores_demand = True  # observe() does nothing: the engine may skip it

    def observe(self, demand: np.ndarray) -> None:
        """Ignore demand: the decision depends on the inventory position only."""

    def order(self, view: InventoryView) -> np.ndarray:
        """Orders of due positions at or below their levels, zero elsewhere."""
        ip = view.inventory_position
        out = np.zeros(len(ip))
        i = np.flatnonzero(view.due & (ip <= self.idle_above))
        out[i] = self.order_at(i, ip[i])
        return out

    def order_at(self, i: np.ndarray, ip: np.ndarray) -> np.ndarray:
        """Orders of positions ``i`` at IPs ``ip``, each at or below its level."""
        raise NotImplementedError


class OrderUpToPolicy(_OrderPointPolicy):
    """Order (S - IP)^+ at each due review; serves both ``base_stock`` and ``RS``."""

    def __init__(self, S: np.ndarray) -> None:
        self._S = S
        self.idle_above = np.nextafter(S, -math.inf)  # orders nothing while IP >= S

    @cached_property
    def _up_to(self) -> list[float]:
        """S per position for :meth:`order_one`, made at its first call (the per-order path)."""
        return self._S.tolist()

    @classmethod
    def from_params(cls, params: Sequence[BaseStockParams | RSParams]) -> Self:
        """Build from one params model per position."""
        return cls(as_floats([p.S for p in params]))

    def order_at(self, i: np.ndarray, ip: np.ndarray) -> np.ndarray:
        """Order up to S (IP < S)."""
        return self._S[i] - ip

    def order_one(self, i: int, ip: float) -> float:
        """Order of position ``i`` at inventory position ``ip``."""
        gap = self._up_to[i] - ip
        return gap if gap > 0.0 else 0.0


class SSPolicy(_OrderPointPolicy):
    """(s, S): when IP <= s, order S - IP."""

    def __init__(self, s: np.ndarray, S: np.ndarray) -> None:
        self._S = S
        self.idle_above = s

    @cached_property
    def _levels(self) -> list[tuple[float, float]]:
        """(s, S) per position for :meth:`order_one`, made at its first call."""
        return list(zip(self.idle_above.tolist(), self._S.tolist(), strict=True))

    @classmethod
    def from_params(cls, params: Sequence[SSParams]) -> Self:
        """Build from one params model per position."""
        return cls(as_floats([p.s for p in params]), as_floats([p.S for p in params]))

    def order_at(self, i: np.ndarray, ip: np.ndarray) -> np.ndarray:
        """Order up to S (IP <= s)."""
        return self._S[i] - ip

    def order_one(self, i: int, ip: float) -> float:
        """Order of position ``i`` at inventory position ``ip``."""
        s, S = self._levels[i]
        return S - ip if ip <= s else 0.0


class RQPolicy(_OrderPointPolicy):
    """(r, Q): when IP <= r, order the smallest multiple n*Q with IP + n*Q > r."""

    def __init__(self, r: np.ndarray, Q: np.ndarray) -> None:
        self._r = r
        self._Q = Q
        self.idle_above = r

    @cached_property
    def _levels(self) -> list[tuple[float, float]]:
        """(r, Q) per position for :meth:`order_one`, made at its first call."""
        return list(zip(self._r.tolist(), self._Q.tolist(), strict=True))

    @classmethod
    def from_params(cls, params: Sequence[RQParams]) -> Self:
        """Build from one params model per position."""
        return cls(as_floats([p.r for p in params]), as_floats([p.Q for p in params]))

    def order_at(self, i: np.ndarray, ip: np.ndarray) -> np.ndarray:
        """Order whole lots (IP <= r)."""
        Q = self._Q[i]
        return (np.floor((self._r[i] - ip) / Q) + 1.0) * Q

    def order_one(self, i: int, ip: float) -> float:
        """Order of position ``i`` at inventory position ``ip``."""
        r, Q = self._levels[i]
        return (math.floor((r - ip) / Q) + 1.0) * Q if ip <= r else 0.0


class MinMaxPolicy(_OrderPointPolicy):
    """Min-max: when IP < min (strict, unlike sS), order max - IP."""

    def __init__(self, low: np.ndarray, high: np.ndarray) -> None:
        self._low = low
        self._high = high
        self.idle_above = np.nextafter(low, -math.inf)  # orders nothing while IP >= min

    @cached_property
    def _levels(self) -> list[tuple[float, float]]:
        """(min, max) per position for :meth:`order_one`, made at its first call."""
        return list(zip(self._low.tolist(), self._high.tolist(), strict=True))

    @classmethod
    def from_params(cls, params: Sequence[MinMaxParams]) -> Self:
        """Build from one params model per position."""
        return cls(as_floats([p.min for p in params]), as_floats([p.max for p in params]))

    def order_at(self, i: np.ndarray, ip: np.ndarray) -> np.ndarray:
        """Order up to max (IP < min)."""
        return self._high[i] - ip

    def order_one(self, i: int, ip: float) -> float:
        """Order of position ``i`` at inventory position ``ip``."""
        low, high = self._levels[i]
        return high - ip if ip < low else 0.0


class TQPolicy(_OrderPointPolicy):
    """(T, Q): order Q at each due review, i.e. every T days."""

    def __init__(self, Q: np.ndarray) -> None:
        self._Q = Q
        self.idle_above = np.full(len(Q), math.inf)  # orders whatever the IP

    @classmethod
    def from_params(cls, params: Sequence[TQParams]) -> Self:
        """Build from one params model per position."""
        return cls(as_floats([p.Q for p in params]))

    def order_at(self, i: np.ndarray, ip: np.ndarray) -> np.ndarray:
        """Order Q."""
        return self._Q[i]


class PassThroughPolicy:
    """Lot-for-lot: order the demand accumulated since each position's last due review."""

    def __init__(self, n: int) -> None:
        self._pending = np.zeros(n)

    @classmethod
    def from_params(cls, params: Sequence[PassThroughParams]) -> Self:
        """Build from one params model per position."""
        return cls(len(params))

    def observe(self, demand: np.ndarray) -> None:
        """Accumulate demand until the next due review."""
        self._pending += demand

    def order(self, view: InventoryView) -> np.ndarray:
        """Order the accumulated demand where due and reset it there."""
        quantity = np.where(view.due, self._pending, 0.0)
        self._pending[view.due] = 0.0
        return quantity
