"""Customers: demand zones tied to one node, and a market of zones that choose their outlets.

A ``demand`` zone buys at the node it names. A ``market`` is the strategist's view: customer
zones with locations, candidate outlets, and a distribution strategy that decides which outlets
carry the products and which zones each may serve. Customers buy at the nearest outlet that
serves them and react to a stockout by trying the next outlet, buying online, or leaving.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, model_validator

from policies.distribution import MassParams
from policies.registry import DISTRIBUTION
from simulator.scenario.base import (
    Id,
    Location,
    NonNegative,
    Positive,
    Probability,
    Section,
    policy_union,
)
from simulator.scenario.distributions import (
    AnyDistribution,
    Constant,
    ConstantShorthand,
    Days,
    Distribution,
    constant_shorthand,
)

if TYPE_CHECKING:
    StrategyParams = BaseModel
else:
    StrategyParams = policy_union(DISTRIBUTION)

Channel = Literal["retail", "ecommerce", "wholesale", "distributor"]


class Trace(Section):
    """Daily quantities read from a CSV file (columns ``day`` and one per SKU id, or ``quantity``).

    The path is relative to the scenario file. Days beyond the trace repeat it cyclically.
    """

    dist: Literal["trace"] = "trace"
    file: str


DailyModel = Annotated[
    Annotated[AnyDistribution | Trace, Field(discriminator="dist")],
    BeforeValidator(
        constant_shorthand,
        json_schema_input_type=ConstantShorthand
        | Annotated[AnyDistribution | Trace, Field(discriminator="dist")],
    ),
]


class OrderStream(Section):
    """Event path: each SKU receives a Poisson stream of customer orders."""

    rate: Positive = Field(description="Orders per day per SKU.")
    size: Distribution = Field(
        default_factory=lambda: Constant(value=1.0), description="Units per order."
    )


class Seasonality(Section):
    """Multipliers on the mean: weekly profile (day 0 is a Monday) and an annual cosine wave."""

    weekly: list[NonNegative] | None = Field(None, min_length=7, max_length=7)
    annual_amplitude: Probability = 0.0
    annual_peak_day: NonNegative = 0.0


class Promotion(Section):
    """Multiplies demand by ``multiplier`` on days ``[start, end)`` (optionally only some SKUs)."""

    start: Days
    end: Days
    multiplier: NonNegative
    skus: list[Id] | None = None

    @model_validator(mode="after")
    def _window(self) -> Promotion:
        if self.end <= self.start:
            raise ValueError(f"end must be after start (got start={self.start}, end={self.end})")
        return self


class CustomerDemand(Section):
    """What every customer zone shares: its SKU mix and how its demand varies over time."""

    id: Id
    location: Location | None = None
    skus: list[Id] | dict[Id, NonNegative] | None = Field(
        None,
        description="SKUs demanded (all carried by the node if omitted); a mapping gives "
        "a multiplier on the mean per SKU.",
    )
    order_size: Distribution | None = Field(
        None,
        description="Units per customer order: the daily law then counts orders, and a day's "
        "demand is the sum of that many order sizes. Omit for the channel's profile, if any, "
        "else the daily law counts units.",
    )
    seasonality: Seasonality | None = None
    trend: float = Field(0.0, ge=-0.01, le=0.01, description="Linear growth of the mean per day.")
    promotions: list[Promotion] = Field(default_factory=list)


class DemandZone(CustomerDemand):
    """Customers of one channel served by one node."""

    node: Id
    channel: Channel | None = Field(
        None, description="The channel these customers buy through; omit for the node's."
    )
    daily: DailyModel | None = Field(None, description="Fast path: daily quantity per SKU.")
    orders: OrderStream | None = Field(None, description="Event path: individual orders.")
    unmet: Literal["backorder", "lost"] = "backorder"
    patience: Positive | None = Field(
        None, description="Days a backordered customer waits before the sale is lost."
    )

    @model_validator(mode="after")
    def _one_model(self) -> DemandZone:
        if (self.daily is None) == (self.orders is None):
            raise ValueError("give exactly one of 'daily' (fast path) or 'orders' (event path)")
        if self.patience is not None and self.unmet == "lost":
            raise ValueError("patience only applies when unmet demand is backordered")
        if self.orders is not None and self.order_size is not None:
            raise ValueError("event-path orders have their own size: drop order_size")
        return self


class MarketZone(CustomerDemand):
    """Customers at one place who choose where to buy (daily path)."""

    location: Location = Field(description="Where the customers are, to measure their reach.")
    territory: Id | None = Field(None, description="Region label, for territorial strategies.")
    daily: DailyModel = Field(description="Daily quantity per SKU (or orders, see order_size).")


class Reaction(Section):
    """What customers do when they cannot buy at their outlet: the rest of them leave."""

    uncovered_online: Probability = Field(
        0.0,
        description="Share of the demand of zones with no serving outlet within reach that "
        "buys online instead (the rest is lost: no coverage).",
    )
    next_outlet: Probability = Field(
        0.5, description="Share of a stockout's unmet demand that tries the next outlet."
    )
    online: Probability = Field(
        0.0, description="Share of a stockout's unmet demand that buys online instead."
    )

    @model_validator(mode="after")
    def _at_most_everyone(self) -> Reaction:
        if self.next_outlet + self.online > 1 + 1e-9:
            raise ValueError(
                f"next_outlet + online must be at most 1 (got {self.next_outlet + self.online:g})"
            )
        return self


class Market(Section):
    """Customer zones that pick outlets, and the distribution strategy that places products."""

    outlets: list[Id] | None = Field(
        None,
        description="Candidate outlets (stocking nodes with a location); omit for every retailer.",
    )
    online: Id | None = Field(None, description="The e-commerce node customers can buy from.")
    reach: Positive = Field(description="Farthest distance a customer travels to an outlet, km.")
    strategy: StrategyParams = Field(
        default_factory=MassParams,
        description="Distribution strategy for every SKU (mass, selective or exclusive).",
    )
    sku_strategies: dict[Id, StrategyParams] = Field(
        default_factory=dict, description="A strategy of its own for some SKUs."
    )
    performance: dict[Id, float] = Field(
        default_factory=dict,
        description="Past-performance score per outlet, for strategies ranking by score.",
    )
    reaction: Reaction = Field(default_factory=Reaction)
    customers: list[MarketZone] = Field(min_length=1)
