"""What the catalogue says about one KPI, and the vocabulary it says it in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["network", "node", "sku", "channel", "zone", "echelon", "lane"]
"""Scopes of the KPI table (``result.kpis``): the ids a KPI value is given for."""

Direction = Literal["higher", "lower", "neutral"]
"""Which way a KPI is better; ``neutral`` ones (demand, for example) rank nothing."""

Unit = Literal[
    "share",  # a ratio 0-1, shown as a percentage
    "ratio",  # a ratio that may exceed 1
    "units",
    "count",
    "rank",  # 1 = best
    "days",
    "hours",
    "per year",
    "km",
    "kg",
    "kg/unit",
    "tonne-km",
    "vehicle-days",
    "money",  # the scenario's currency
    "money/day",
    "money/unit",
    "money/stop",
]

Section = Literal[
    "service",
    "inventory",
    "replenishment",
    "desks",
    "cost",
    "fleet",
    "emissions",
    "trade",
    "scorecard",
]
"""The part of docs/kpis.md whose table lists the KPI."""

Feature = Literal["perishable", "fleet", "desk", "customer_desk", "daily_path"]
"""What a scenario must have for a KPI to get rows: a perishable product, a fleet, an order
desk, an order desk serving event-path customers, or only daily-path demand (no ``orders:``
zone)."""

CUSTOMER: tuple[Scope, ...] = ("network", "node", "sku", "channel", "zone")
"""Customer-side KPIs: per demand stream, summed by the stream's outlet, SKU, channel, zone."""
ZONE_VIEW: tuple[Scope, ...] = ("network", "sku", "zone")
"""Customer KPIs about a zone's own customers wherever they buy: no outlet scopes."""
POSITION: tuple[Scope, ...] = ("network", "node", "sku", "echelon")
"""Per inventory position (one SKU at one stocking node)."""
NODES: tuple[Scope, ...] = ("network", "node", "echelon")
"""Per node, not split by SKU."""
NETWORK_NODE: tuple[Scope, ...] = ("network", "node")
"""For the network and per node that runs the thing measured (a fleet's depot, a desk)."""
EMISSION_SCOPES: tuple[Scope, ...] = ("network", "node", "lane")
"""For the network, per shipping node (a lane's origin, a fleet's depot) and per carrier lane."""
TRADE: tuple[Scope, ...] = ("node", "echelon")
"""Per selling node: a network total would count a unit at every step of the chain."""


@dataclass(frozen=True, slots=True)
class Kpi:
    """One KPI, declared once: everything docs, reports and rankings need to know about it.

    Attributes:
        name: The metric name in the KPI table (or the scorecard column).
        definition: One sentence saying exactly what is counted or divided.
        unit: What the value is measured in; ``money`` is the scenario's currency.
        direction: Whether a higher or a lower value is better, or neither.
        scopes: The scopes that have rows for it.
        section: Where docs/kpis.md lists it.
        label: Short name for headings and axes (default: the name, spaced).
        needs: What a scenario must have for the KPI to get rows (None: every scenario).
        accrues: For an amount of money, when it is booked (DESIGN: say which, per metric).
    """

    name: str
    definition: str
    unit: Unit
    direction: Direction
    scopes: tuple[Scope, ...]
    section: Section
    label: str = ""
    needs: Feature | None = None
    accrues: str = ""

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " "))
