"""Facilities in the scenario schema: a node's kind, stock, desks, production, sourcing and
delivery to customers (the ``nodes`` section).

Like every section model, these forbid unknown fields, NaN and infinity; what a node names
elsewhere (its SKUs, its suppliers) is checked in :mod:`simulator.scenario.references`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from policies.allocation import FcfsParams
from policies.registry import ALLOCATION, REPLENISHMENT
from simulator.scenario.base import (
    Id,
    Location,
    NonNegative,
    Positive,
    Probability,
    Section,
    policy_union,
    validated_once,
)
from simulator.scenario.distributions import Constant, Days, Distribution

NodeKind = Literal[
    "supplier", "plant", "warehouse", "wholesaler", "distributor", "retailer", "ecommerce"
]
"""``supplier`` is an external source with unlimited stock; ``plant`` produces; others stock."""

if TYPE_CHECKING:
    PolicyParams = BaseModel
    AllocationParams = BaseModel
else:
    PolicyParams = policy_union(REPLENISHMENT)
    AllocationParams = policy_union(ALLOCATION)


class Processing(Section):
    """Order-processing desk: orders queue for ``servers`` parallel servers (FCFS)."""

    servers: int = Field(1, ge=1)
    time: Distribution = Field(description="Processing time per order, in days.")


class Production(Section):
    """Production of a plant: ``capacity`` units per day over all SKUs, then ``lead_time`` days."""

    capacity: Positive | None = Field(None, description="Units per day; omit for unlimited.")
    lead_time: Distribution = Field(default_factory=lambda: Constant(value=0.0))


class StockRule(Section):
    """Per-SKU override of a node's inventory defaults."""

    policy: PolicyParams | None = None
    initial: NonNegative | None = None
    arriving: list[NonNegative] | None = None
    order_cost: NonNegative | None = None
    case_pack: Positive | None = None
    min_order: NonNegative | None = None


class Inventory(Section):
    """How a node keeps stock: a default policy for every SKU it carries, with per-SKU overrides."""

    policy: PolicyParams
    initial: NonNegative = Field(0.0, description="Initial on-hand units per SKU.")
    arriving: list[NonNegative] = Field(
        default_factory=list,
        description="The initial pipeline, per SKU: units already on their way at the start, "
        "the k-th number received at the start of period k (0 first), before that period's "
        "customers. A steady start has one number per period of the supply lead time plus one.",
    )
    order_cost: NonNegative = Field(0.0, description="Fixed cost per replenishment order line.")
    case_pack: Positive | None = Field(
        None,
        description="Order lines are whole multiples of this many units (a case or pallet); "
        "omit for the channel's profile, if any.",
    )
    min_order: NonNegative | None = Field(
        None, description="Smallest order line, in units; omit for the channel's profile, or 0."
    )
    skus: dict[Id, StockRule] = Field(default_factory=dict)

    # A program or a YAML alias often gives many nodes one set of per-SKU rules.
    _skus_once = field_validator("skus", mode="wrap")(validated_once)


class Sourcing(Section):
    """How a node with several inbound lanes picks the supplier of each order line.

    ``primary``: the first supplier in ``order`` (default: lane order), or the next one that has
    the stock when it does not; ``nearest``: always the supplier whose lane is shortest;
    ``cheapest``: always the one with the lowest cost per unit (ties: lowest cost per shipment,
    per km included); ``split``: every line is split among the suppliers by ``shares``.
    """

    rule: Literal["primary", "nearest", "cheapest", "split"]
    order: list[Id] | None = Field(None, description="Suppliers by preference (rule primary).")
    shares: dict[Id, Probability] | None = Field(
        None, description="Share of every line per supplier, summing to 1 (rule split)."
    )

    @model_validator(mode="after")
    def _complete(self) -> Sourcing:
        if self.rule == "split":
            if not self.shares:
                raise ValueError("rule split needs shares per supplier")
            if abs(sum(self.shares.values()) - 1) > 1e-9:
                raise ValueError(f"shares must sum to 1 (got {sum(self.shares.values()):g})")
        elif self.shares is not None:
            raise ValueError("shares apply to rule split only")
        if self.order is not None and self.rule != "primary":
            raise ValueError("order applies to rule primary only")
        return self


class Delivery(Section):
    """Delivery to the customers of a node: each customer order it fills travels to the
    customer (an e-commerce parcel, a distributor's delivery), at a cost per order."""

    lead_time: Distribution = Field(
        default_factory=lambda: Constant(value=1.0),
        description="Days from filling an order to the customer's door (one draw per day).",
    )
    promise: Days = Field(2.0, description="Promised time from order to delivery, e.g. 2 or '10h'.")
    cost_per_parcel: NonNegative = Field(
        0.0, description="Cost per customer order delivered (units / the zone's order size)."
    )
    patience: Positive | None = Field(
        None,
        description="Days a market customer waits for a backordered online order before "
        "cancelling (a sale lost to late delivery); omit to wait until delivered.",
    )


class Node(Section):
    """A facility. Its suppliers are the origins of the lanes that end at it."""

    id: Id
    kind: NodeKind
    name: str | None = None
    location: Location | None = None
    carries: list[Id] | None = Field(None, description="SKUs stocked here; omit for all products.")
    storage_capacity: Positive | None = Field(None, description="Units over all SKUs.")
    processing: Processing | None = None
    production: Production | None = None
    inventory: Inventory | None = None
    allocation: AllocationParams = Field(
        default_factory=FcfsParams,
        description="How this node shares scarce stock among the orders waiting for it.",
    )
    tier: int = Field(1, ge=1, description="Partner tier: 1 is served first by `priority` rules.")
    sourcing: Sourcing | None = Field(
        None, description="Needed when several lanes end at this node: how to pick a supplier."
    )
    territory: Id | None = Field(None, description="Region label, for territorial strategies.")
    node_class: str | None = Field(
        None,
        description="Behaviour class of the node: 'cross_dock' (ships what arrives at once, "
        "holds no stock) or a class registered by a plug-in (entry points 'supplysim.nodes').",
    )
    delivery: Delivery | None = Field(
        None,
        description="Delivery of the customer orders it fills (omit: customers take "
        "their goods at once).",
    )

    @model_validator(mode="after")
    def _kind_fits(self) -> Node:
        if self.kind == "supplier":
            if self.inventory is not None or self.production is not None:
                raise ValueError("a supplier has unlimited stock: remove inventory/production")
        elif self.inventory is None:
            raise ValueError(f"a {self.kind} needs an inventory section (its replenishment policy)")
        if self.kind == "plant" and self.production is None:
            raise ValueError("a plant needs a production section")
        if self.kind != "plant" and self.production is not None:
            raise ValueError("only plants have a production section")
        if self.kind == "supplier" and self.delivery is not None:
            raise ValueError("a supplier serves no customers: remove delivery")
        return self
