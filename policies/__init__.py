"""Pluggable decision policies for supplysim."""

from policies.allocation import AllocationRequest, AllocationRule, grant_in_order
from policies.forecast_policy import ForecastParams, ForecastPolicy
from policies.forecasting import ExponentialSmoothing, Forecaster, MovingAverage
from policies.registry import (
    ALLOCATION,
    REPLENISHMENT,
    ParameterInfo,
    PolicyInfo,
    Registry,
    load_entry_points,
)
from policies.replenishment import (
    BaseStockParams,
    MinMaxParams,
    MinMaxPolicy,
    OrderUpToPolicy,
    PassThroughParams,
    PassThroughPolicy,
    ReplenishmentPolicy,
    ReviewParams,
    RQParams,
    RQPolicy,
    RSParams,
    SSParams,
    SSPolicy,
    TQParams,
    TQPolicy,
)
from policies.sterman import StermanParams, StermanPolicy
from policies.view import InventoryView

__all__ = [
    "ALLOCATION",
    "REPLENISHMENT",
    "AllocationRequest",
    "AllocationRule",
    "BaseStockParams",
    "ExponentialSmoothing",
    "ForecastParams",
    "ForecastPolicy",
    "Forecaster",
    "InventoryView",
    "MinMaxParams",
    "MinMaxPolicy",
    "MovingAverage",
    "OrderUpToPolicy",
    "ParameterInfo",
    "PassThroughParams",
    "PassThroughPolicy",
    "PolicyInfo",
    "RQParams",
    "RQPolicy",
    "RSParams",
    "Registry",
    "ReplenishmentPolicy",
    "ReviewParams",
    "SSParams",
    "SSPolicy",
    "StermanParams",
    "StermanPolicy",
    "TQParams",
    "TQPolicy",
    "grant_in_order",
    "load_entry_points",
]
