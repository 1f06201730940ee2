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
from typing import Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from simulator.scenario.base import Id, NonNegative, Positive, Section
from simulator.scenario.customers import Channel, CustomerDemand, DemandZone, Market, MarketZone
from simulator.scenario.disruptions import DisruptionParams
from simulator.scenario.distributions import AnyDistribution, Distribution
from simulator.scenario.nodes import Node
from simulator.scenario.transport import Fleet, Geography


class TradePrices(Section):
    """Unit prices along the chain. Omitted levels pass goods on at the level above's price."""

    manufacturer: NonNegative | None = Field(
        None, description="Charged by plants and warehouses to partners; default: unit cost."
    )
    wholesaler: NonNegative | None = Field(None, description="Charged by wholesalers.")
    distributor: NonNegative | None = Field(None, description="Charged by distributors.")


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
        description="Days a unit stays sellable from when it is made or bought from a "
        "supplier; stock is then held as lots, picked first-expired-first-out, and wasted at "
        "expiry. Omit for a product that keeps.",
    )
    disposal_cost: NonNegative = Field(
        0.0, description="Cost per unit wasted, on top of its value."
    )
    cold_chain: bool = Field(
        False, description="Needs refrigerated transport: cold-chain lanes only."
    )
    trade_prices: TradePrices = Field(
        default_factory=lambda: TradePrices(),
        description="Prices each level of the chain charges its buyers; `price` is the consumer's.",
    )
    backorder_cost: NonNegative = Field(0.0, description="Penalty per unit backordered per day.")
    lost_sale_cost: NonNegative = Field(0.0, description="Penalty per unit of lost sales.")


class Lane(Section):
    """A transport link. Shipment cost = per shipment + per unit x units + per km x distance."""

    id: Id | None = None
    origin: Id = Field(alias="from")
    destination: Id = Field(alias="to")
    lead_time: Distribution = Field(
        description="Transit time in days. On a lane a fleet drives, the planned transit: "
        "policies plan with it and deliveries later than it count as late."
    )
    cost_per_shipment: NonNegative = 0.0
    cost_per_unit: NonNegative = 0.0
    cost_per_km: NonNegative = 0.0
    distance: NonNegative | None = Field(
        None, description="km; omit for the straight-line distance between the node locations."
    )
    capacity: Positive | None = Field(None, description="Units per day; omit for unlimited.")
    cold_chain: bool = Field(False, description="Refrigerated: may carry cold-chain products.")
    # Both emission fields are left out of the written form when omitted, so the content hash
    # of a scenario that does not use them stays what it was.
    mode: Literal["road", "rail", "sea", "air"] | None = Field(
        None,
        description="Transport mode, for CO2: its default emission factor applies unless "
        "`co2_per_tonne_km` is given; omit for road (see docs/kpis.md, Emissions).",
    )
    co2_per_tonne_km: NonNegative | None = Field(
        None,
        description="kg CO2e per tonne-km carried (GLEC / ISO 14083 intensity); omit for the "
        "mode's default.",
    )


class ChannelProfile(Section):
    """How one channel orders: customers' order sizes and partners' replenishment lot sizes."""

    order_size: Distribution | None = Field(
        None, description="Units per customer order for zones of this channel (see order_size)."
    )
    min_order: NonNegative | None = Field(
        None, description="Smallest replenishment line of nodes buying for this channel."
    )
    case_pack: Positive | None = Field(
        None, description="Replenishment lines of those nodes are whole multiples of this."
    )


class Period(Section):
    """What one unit of simulation time stands for, as reports and run tables name it.

    The engine's clock does not change: one period is one step of the daily cycle. A game
    played in weeks names its period ``week`` and reads its lead times and costs per week.
    """

    name: str = Field("day", min_length=1, description="One period, e.g. `week`.")
    plural: str | None = Field(None, description="Several periods; default: `name` + `s`.")

    def count(self, n: float) -> str:
        """``n`` periods in words, e.g. ``36 weeks`` or ``1 week``."""
        return f"{n:g} {self.name if n == 1 else self.plural or self.name + 's'}"


class Scenario(Section):
    """A complete, validated scenario. Immutable: make variants with
    :func:`~simulator.scenario.loader.with_overrides`."""

    name: str
    description: str = ""
    currency: str = "EUR"
    horizon: Positive = Field(365.0, description="Simulated days.")
    warmup: NonNegative = Field(0.0, description="Days excluded from every KPI.")
    placement: Literal["end_of_day", "at_review"] = Field(
        "end_of_day",
        description="When orders leave: at the close of the day they were reviewed "
        "(continuous review means every day's close), or at the review instant, with "
        "continuous review at every customer order (as in continuous-time tools). "
        "See docs/concepts.md.",
    )
    period: Period = Field(
        default_factory=Period,
        description="The name of one time unit in reports (a day unless it says otherwise).",
        # Left out of the written form when it is the default day, so the content hash of a
        # scenario that does not name its period stays what it was.
        exclude_if=lambda period: period == Period(),
    )
    seed: int = Field(0, ge=0)
    detail: Literal["auto", "full", "summary"] = Field(
        "auto",
        description="What a run keeps besides its sums: `full` keeps every position's "
        "end-of-day series and every completed order line (`series.parquet`, "
        "`Records.series_*`, `Records.order_lines`); `summary` keeps the series per echelon "
        "and the lines as sums and per-node cycle-time counts; `auto` is `full` up to 20 "
        "million position-days (positions x horizon) and `summary` above. KPIs are the same "
        "either way.",
        # Left out of the written form when it is the default, so the content hash of a
        # scenario that does not set it stays what it was.
        exclude_if=lambda detail: detail == "auto",
    )
    templates: dict[str, Any] = Field(
        default_factory=dict,
        description="Free-form YAML blocks to define anchors (&name) once and reuse them (*name); "
        "the simulator ignores this section.",
    )
    products: list[Product] = Field(min_length=1)
    nodes: list[Node] = Field(min_length=1)
    lanes: list[Lane] = Field(default_factory=list)
    demand: list[DemandZone] = Field(default_factory=list)
    market: Market | None = Field(None, description="Customers who choose their outlets.")
    channels: dict[Channel, ChannelProfile] = Field(
        default_factory=dict, description="Order profile per channel."
    )
    geography: Geography = Field(
        default_factory=Geography, description="Coordinates and road distances."
    )
    fleets: list[Fleet] = Field(
        default_factory=list, description="Depots that deliver with their own vehicles."
    )
    disruptions: list[DisruptionParams] = Field(
        default_factory=list,
        description="What goes wrong and when (see `supplysim list disruptions`).",
    )

    _source: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _has_customers(self) -> Scenario:
        if not self.demand and self.market is None:
            raise ValueError("give customers: a demand section, a market section, or both")
        return self

    def __repr__(self) -> str:
        # One line for notebooks: the full field dump of a real network runs to pages.
        zones = len(self.customer_zones())
        return (
            f"Scenario({self.name!r}: {len(self.nodes)} nodes, {len(self.products)} SKUs, "
            f"{zones} zones, {self.horizon:g} days)"
        )

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

    def customer_zones(self) -> list[DemandZone | MarketZone]:
        """Every customer zone: the demand zones, then the market's."""
        return [*self.demand, *(self.market.customers if self.market else [])]

    def zone_skus(self, zone: DemandZone | MarketZone) -> list[str]:
        """The SKUs a zone asks for: its own list, else what its node carries (a demand zone)
        or every product (a market zone, whose outlets are decided by the strategy)."""
        if zone.skus is not None:
            return list(zone.skus)
        if isinstance(zone, DemandZone):
            carried = self.node(zone.node).carries
            if carried is not None:
                return list(carried)
        return self.product_ids()

    def order_size(self, zone: CustomerDemand, channel: str) -> AnyDistribution | None:
        """Units per customer order of a zone buying through ``channel``: its own law, else
        the channel's profile. ``None``: the daily law counts units."""
        if zone.order_size is not None:
            return zone.order_size
        profile = self.channels.get(channel)  # type: ignore[call-overload]
        return profile.order_size if profile is not None else None

    def product_ids(self) -> list[str]:
        return [p.id for p in self.products]

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)
