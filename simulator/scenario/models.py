"""The scenario schema: one frozen pydantic model per YAML section.

Every model forbids unknown fields, NaN and infinity, so a typo fails at load time instead of
silently taking a default. Cross-references between sections (a lane naming an unknown node, a
policy for a SKU a node does not carry) are checked in :mod:`simulator.scenario.references`, so
that one load reports every problem at once.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)

from policies.allocation import FcfsParams
from policies.registry import ALLOCATION, REPLENISHMENT, Registry
from simulator.scenario.distributions import (
    AnyDistribution,
    Constant,
    Days,
    Distribution,
    constant_shorthand,
)

Id = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]

NodeKind = Literal[
    "supplier", "plant", "warehouse", "wholesaler", "distributor", "retailer", "ecommerce"
]
"""``supplier`` is an external source with unlimited stock; ``plant`` produces; others stock."""

Channel = Literal["retail", "ecommerce", "wholesale", "distributor"]


class Section(BaseModel):
    """Base of every scenario section: frozen; rejects unknown fields and non-finite numbers."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, populate_by_name=True
    )


def _policy_union(registry: Registry[Any]) -> Any:
    """The discriminated union of every registered policy's parameters in one family."""
    models = tuple(registry.params_models())
    if len(models) == 1:
        return Annotated[models[0], Field(discriminator="type")]
    return Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007


if TYPE_CHECKING:
    PolicyParams = BaseModel
    AllocationParams = BaseModel
else:
    PolicyParams = _policy_union(REPLENISHMENT)
    AllocationParams = _policy_union(ALLOCATION)


class Location(Section):
    """Planar coordinates in km."""

    x: float
    y: float


class Product(Section):
    """A SKU. Money is in the scenario currency; ``holding_rate`` is a share of unit cost a year."""

    id: Id
    name: str | None = None
    unit_cost: NonNegative
    price: NonNegative
    holding_rate: NonNegative = 0.25
    volume: NonNegative = 0.0
    weight: NonNegative = 0.0
    shelf_life: Positive | None = Field(
        None,
        description="Days a unit stays sellable. Perishable stock is not simulated yet: a "
        "scenario that sets it is rejected rather than run as if stock never expired.",
    )
    backorder_cost: NonNegative = Field(0.0, description="Penalty per unit backordered per day.")
    lost_sale_cost: NonNegative = Field(0.0, description="Penalty per unit of lost sales.")


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
    order_cost: NonNegative | None = None
    case_pack: Positive | None = None
    min_order: NonNegative | None = None


class Inventory(Section):
    """How a node keeps stock: a default policy for every SKU it carries, with per-SKU overrides."""

    policy: PolicyParams
    initial: NonNegative = Field(0.0, description="Initial on-hand units per SKU.")
    order_cost: NonNegative = Field(0.0, description="Fixed cost per replenishment order line.")
    case_pack: Positive | None = Field(
        None, description="Order lines are whole multiples of this many units (a case or pallet)."
    )
    min_order: NonNegative = Field(0.0, description="Smallest order line, in units.")
    skus: dict[Id, StockRule] = Field(default_factory=dict)


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
        return self


class Lane(Section):
    """A transport link. Shipment cost = per shipment + per unit x units + per km x distance."""

    id: Id | None = None
    origin: Id = Field(alias="from")
    destination: Id = Field(alias="to")
    lead_time: Distribution = Field(description="Transit time in days.")
    cost_per_shipment: NonNegative = 0.0
    cost_per_unit: NonNegative = 0.0
    cost_per_km: NonNegative = 0.0
    distance: NonNegative | None = Field(
        None, description="km; omit for the straight-line distance between the node locations."
    )
    capacity: Positive | None = Field(None, description="Units per day; omit for unlimited.")


class Trace(Section):
    """Daily quantities read from a CSV file (columns ``day`` and one per SKU id, or ``quantity``).

    The path is relative to the scenario file. Days beyond the trace repeat it cyclically.
    """

    dist: Literal["trace"] = "trace"
    file: str


DailyModel = Annotated[
    Annotated[AnyDistribution | Trace, Field(discriminator="dist")],
    BeforeValidator(constant_shorthand),
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


class DemandZone(Section):
    """Customers of one channel served by one node."""

    id: Id
    node: Id
    channel: Channel = "retail"
    location: Location | None = None
    skus: list[Id] | dict[Id, NonNegative] | None = Field(
        None,
        description="SKUs demanded (all carried by the node if omitted); a mapping gives "
        "a multiplier on the mean per SKU.",
    )
    daily: DailyModel | None = Field(None, description="Fast path: daily quantity per SKU.")
    orders: OrderStream | None = Field(None, description="Event path: individual orders.")
    seasonality: Seasonality | None = None
    trend: float = Field(0.0, ge=-0.01, le=0.01, description="Linear growth of the mean per day.")
    promotions: list[Promotion] = Field(default_factory=list)
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
        return self


class Scenario(Section):
    """A complete, validated scenario. Immutable: make variants with :meth:`with_overrides`."""

    name: str
    description: str = ""
    currency: str = "EUR"
    horizon: Positive = Field(365.0, description="Simulated days.")
    warmup: NonNegative = Field(0.0, description="Days excluded from every KPI.")
    seed: int = Field(0, ge=0)
    templates: dict[str, Any] = Field(
        default_factory=dict,
        description="Free-form YAML blocks to define anchors (&name) once and reuse them (*name); "
        "the simulator ignores this section.",
    )
    products: list[Product] = Field(min_length=1)
    nodes: list[Node] = Field(min_length=1)
    lanes: list[Lane] = Field(default_factory=list)
    demand: list[DemandZone] = Field(min_length=1)

    _source: Path | None = PrivateAttr(default=None)

    @property
    def source(self) -> Path | None:
        """The file this scenario was loaded from (relative paths inside it resolve from there)."""
        return self._source

    def to_dict(self) -> dict[str, Any]:
        """The scenario as plain YAML-ready data (field names as written in files)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON form: equal scenarios have equal hashes."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """A new scenario with dotted-path overrides, e.g. ``{"nodes.dc-1.inventory.initial": 50}``.

        List items are addressed by their ``id``. The result is validated like a loaded file.
        """
        from simulator.scenario.loader import scenario_from_data
        from simulator.scenario.overrides import merge_overrides

        data = merge_overrides(self.to_dict(), overrides)
        return scenario_from_data(data, source=self._source)

    def product_ids(self) -> list[str]:
        return [p.id for p in self.products]

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)
