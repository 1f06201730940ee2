"""Pluggable decision policies for supplysim."""

from policies.forecasting import ExponentialSmoothing, Forecaster, MovingAverage
from policies.registry import (
    REPLENISHMENT,
    ParameterInfo,
    PolicyInfo,
    Registry,
    load_entry_points,
)
from policies.replenishment import (
    BaseStockParams,
    ForecastParams,
    ForecastPolicy,
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
)
from policies.view import InventoryView

__all__ = [
    "REPLENISHMENT",
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
    "load_entry_points",
]
