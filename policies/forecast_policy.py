"""Forecast-driven order-up-to: the level follows a demand forecast and its error.

A position orders up to ``cover * forecast + z * sigma_err * sqrt(cover)`` at each due review,
with the forecast from a moving average or exponential smoothing of its daily demand (see
:mod:`policies.forecasting`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Self

import numpy as np
from pydantic import Field, model_validator

from policies.forecasting import ExponentialSmoothing, Forecaster, MovingAverage
from policies.replenishment import ReviewParams, as_floats
from policies.view import InventoryView


class ForecastParams(ReviewParams):
    """Forecast order-up-to: level = cover * forecast + z * sigma_err * sqrt(cover)."""

    type: Literal["forecast"] = "forecast"
    method: Literal["moving_average", "exp_smoothing"]
    """Forecasting method of daily demand."""
    window: int | None = Field(default=None, ge=1)
    """Moving-average window p in days (moving_average only)."""
    alpha: float | None = Field(default=None, gt=0, le=1)
    """Smoothing constant in (0, 1] (exp_smoothing only)."""
    cover: float | None = Field(default=None, gt=0)
    """Days of demand covered; None = lead time + review_period (1 when continuous)."""
    safety_factor: float = Field(default=0.0, ge=0)
    """Safety factor z applied to the forecast-error standard deviation."""
    warmup_level: float | None = Field(default=None, ge=0)
    """Forecast before any observation (None = 0); exp_smoothing smooths from it."""

    @model_validator(mode="after")
    def _check_method(self) -> Self:
        needed, other = (
            ("window", "alpha") if self.method == "moving_average" else ("alpha", "window")
        )
        if getattr(self, needed) is None:
            raise ValueError(f"method {self.method!r} needs {needed}")
        if getattr(self, other) is not None:
            raise ValueError(f"{other} does not apply to method {self.method!r}")
        return self


class ForecastPolicy:
    """Order up to cover * forecast + z * sigma_err * sqrt(cover) at each due review.

    Args:
        parts: (positions, forecaster over exactly those positions) pairs covering each
            position once; positions is an index array or ``slice(None)`` for all.
        cover: Days of demand covered per position; NaN selects lead time + review period.
        review_period: Review period per position (1 for continuous review).
        safety_factor: Safety factor z per position.
    """

    def __init__(
        self,
        parts: Sequence[tuple[np.ndarray | slice, Forecaster]],
        cover: np.ndarray,
        review_period: np.ndarray,
        safety_factor: np.ndarray,
    ) -> None:
        self._parts = list(parts)
        self._cover = cover
        self._default_cover = np.isnan(cover)
        self._review_period = review_period
        self._z = safety_factor
        self._mean = np.zeros(cover.shape)
        self._error_sd = np.zeros(cover.shape)
        self._refresh()

    @classmethod
    def from_params(cls, params: Sequence[ForecastParams]) -> Self:
        """Build from one params model per position, grouping positions by method."""
        moving = np.array([p.method == "moving_average" for p in params], dtype=bool)
        ma, es = np.flatnonzero(moving), np.flatnonzero(~moving)
        windows = np.array([p.window or 1 for p in params], dtype=np.int64)
        alphas = as_floats([p.alpha or 1.0 for p in params])
        warmup = as_floats([np.nan if p.warmup_level is None else p.warmup_level for p in params])
        candidates: list[tuple[np.ndarray, Forecaster]] = [
            (ma, MovingAverage(windows[ma], ma.size, np.nan_to_num(warmup[ma]))),
            (es, ExponentialSmoothing(alphas[es], es.size, warmup[es])),
        ]
        # A part spanning every position uses a slice so the hot path indexes without copying.
        parts: list[tuple[np.ndarray | slice, Forecaster]] = [
            (slice(None) if idx.size == len(params) else idx, forecaster)
            for idx, forecaster in candidates
            if idx.size
        ]
        return cls(
            parts,
            as_floats([np.nan if p.cover is None else p.cover for p in params]),
            as_floats([p.review_period or 1.0 for p in params]),
            as_floats([p.safety_factor for p in params]),
        )

    def observe(self, demand: np.ndarray) -> None:
        """Update the forecasts with the demand of the period just ended."""
        for positions, forecaster in self._parts:
            forecaster.update(demand[positions])
        self._refresh()

    def order(self, view: InventoryView) -> np.ndarray:
        """Order (level - IP)^+ where due."""
        cover = np.where(self._default_cover, view.lead_time + self._review_period, self._cover)
        level = cover * self._mean + self._z * self._error_sd * np.sqrt(cover)
        gap = level - view.inventory_position
        return np.where(view.due & (gap > 0.0), gap, 0.0)

    def _refresh(self) -> None:
        for positions, forecaster in self._parts:
            self._mean[positions] = forecaster.forecast
            self._error_sd[positions] = forecaster.error_sd
