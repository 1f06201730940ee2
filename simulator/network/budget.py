"""Resource guards: what a scenario would take to run, estimated before anything is allocated.

A run keeps daily arrays over inventory positions, nodes and daily demand streams, and starts a
process per event-path order and per disruption occurrence. A scenario can validate and still
ask for more than a machine has (a horizon of 10^9 days, a recurring disruption every minute)
or hold quantities its number types cannot (a level of 1e40 units). :func:`check_budget`
estimates memory and events from the scenario alone and refuses such a scenario with a
:class:`ScenarioError` naming the field and the estimate, or returns warnings.

Where the engine uses float32 (so where quantities must stay in range): the daily position
series (``Records.series_on_hand``, ``series_backlog``, ``series_pipeline``, and the sums made
from them), the pre-drawn daily demand (``network.demand.draw_daily_demand``, unless its counts
fit a smaller integer type) and the order lines' ``quantity`` and ``cycle``. float32 counts
whole units exactly up to 2**24 and overflows to inf past 3.4e38; a quantity that large is
refused, one past 2**24 gets a warning.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.scenario.customers import DemandZone
from simulator.scenario.disruptions import Recurring
from simulator.scenario.distributions import Poisson
from simulator.scenario.errors import DocPath, Problem, ScenarioError
from simulator.scenario.matrix import read_matrix
from simulator.scenario.models import Product, Scenario
from simulator.scenario.transport import Capacity
from simulator.scenario.yamlio import LineIndex, load_yaml

Finding = tuple[DocPath, str]
"""A field and what is wrong with it."""
GIB = 2**30
FLOAT32_EXACT = 2.0**24
"""Largest count of whole units float32 holds exactly."""
QUANTITY_FIELDS = frozenset(
    {"S", "s", "r", "Q", "min", "max", "initial", "capacity", "storage_capacity", "case_pack",
     "min_order", "warmup_level", "mean", "value", "high", "mode", "rate"}
)  # fmt: skip
"""Fields that hold units (or a law of units); distributions are checked wherever they are."""


AUTO_DETAIL_CELLS = 20_000_000
"""Position-days up to which ``detail: auto`` keeps every position's series (240 MB)."""


def keeps_detail(detail: str, n_positions: int, n_days: int) -> bool:
    """Whether a run with scenario setting ``detail`` keeps every position's daily series and
    every completed order line (else sums of them; see :mod:`simulator.records`)."""
    if detail == "auto":
        return n_positions * n_days <= AUTO_DETAIL_CELLS
    return detail == "full"


@dataclass(frozen=True)
class Limits:
    """What a run may take: refused above, warned above ``warn_share`` of it."""

    memory: float = 8 * GIB
    events: float = 2e8
    occurrences: float = 5000
    """Starts of recurring disruptions in a run; each costs more the more there are (a run
    of 6,000 takes seconds where 600 take a fraction of one)."""
    quantity: float = 1e12
    warn_share: float = 0.25


@dataclass(frozen=True)
class Estimate:
    """Memory (bytes) and simulation events one run of a scenario needs, roughly."""

    memory: float
    events: float
    biggest_event_source: tuple[DocPath, float]  # (field, events it makes)
    occurrences: float
    busiest_disruption: tuple[DocPath, float]  # (its ``every``, its expected starts)


def estimate(scenario: Scenario) -> Estimate:
    """Memory and events of one run: linear in the horizon times positions, nodes and streams,
    plus event-path orders and disruption occurrences."""
    days = math.ceil(scenario.horizon) + 1
    products = len(scenario.products)
    stocking = [n for n in scenario.nodes if n.kind != "supplier"]
    positions = sum(len(n.carries) if n.carries is not None else products for n in stocking)
    zones = scenario.customer_zones()
    daily_streams = sum(
        len(scenario.zone_skus(z)) for z in zones if not isinstance(z, DemandZone) or z.daily
    )
    # Per day: with the detail kept, three float32 position series and the order-line log
    # (~32 bytes a line, at most a line per position); seven node series, pre-drawn demand and
    # order counts (float32 at most). Without the detail, what is kept per position does not
    # grow with the horizon and is left out.
    detail = keeps_detail(scenario.detail, positions, days)
    per_day = positions * (3 * 4 + 32 if detail else 0)
    per_day += len(scenario.nodes) * 7 * 8 + daily_streams * 2 * 4
    sources: list[tuple[DocPath, float]] = [(("horizon",), days * len(scenario.nodes))]
    for i, zone in enumerate(scenario.demand):
        if zone.orders is not None:
            orders = zone.orders.rate * len(scenario.zone_skus(zone)) * scenario.horizon
            sources.append((("demand", i, "orders", "rate"), orders))
    recurring: list[tuple[DocPath, float]] = [((), 0.0)]
    for i, disruption in enumerate(scenario.disruptions):
        if isinstance(disruption.when, Recurring):
            starts = max(scenario.horizon - disruption.when.first, 0) / disruption.when.every
            recurring.append((("disruptions", i, "when", "every"), starts))
    orders = sum(count for path, count in sources if path[0] == "demand")
    return Estimate(
        memory=days * per_day + orders * 200,  # an order process lives a while: ~200 bytes
        events=sum(count for _, count in sources),
        biggest_event_source=max(sources, key=lambda s: s[1]),
        occurrences=sum(count for _, count in recurring),
        busiest_disruption=max(recurring, key=lambda s: s[1]),
    )


def check_budget(scenario: Scenario, limits: Limits = Limits()) -> list[str]:
    """Refuse a scenario that cannot run within ``limits``; warn about one that comes close.

    Args:
        scenario: A validated scenario.
        limits: What a run may take.

    Returns:
        Warnings, each naming the field and the estimate.

    Raises:
        ScenarioError: Every refusal, as ``file:LINE: field: message``.
    """
    refusals, warnings = _over_budget(estimate(scenario), limits)
    for path, value in _quantities(scenario.to_dict()):
        if value >= limits.quantity:
            refusals.append((path, f"{value:g} units is too large (limit {limits.quantity:g})"))
        elif value > FLOAT32_EXACT:
            warnings.append((path, f"{value:g} units: past {FLOAT32_EXACT:,.0f}, the daily "
                             "series no longer count single units exactly"))  # fmt: skip
    refusals += _peak_poisson_means(scenario, limits.quantity)
    refusals += _units_no_vehicle_carries(scenario)
    lines = _lines(scenario)
    problems = [_problem(scenario, lines, path, message) for path, message in refusals]
    problems += _unknown_matrix_places(scenario)
    if problems:
        raise ScenarioError(problems)
    return [str(_problem(scenario, lines, path, message)) for path, message in warnings]


def _over_budget(found: Estimate, limits: Limits) -> tuple[list[Finding], list[Finding]]:
    """Refusals and warnings about the memory, events and disruption starts of a run."""
    events_path, events_here = found.biggest_event_source
    starts_path, _ = found.busiest_disruption
    checks = [
        (
            ("horizon",),
            found.memory,
            limits.memory,
            f"one run needs about {found.memory / GIB:.3g} GiB of memory (the horizon times "
            "positions, nodes and daily demand streams)",
            f"the {limits.memory / GIB:g} GiB limit",
        ),
        (
            events_path,
            found.events,
            limits.events,
            f"one run makes about {found.events:.3g} events, {events_here:.3g} of them from here",
            f"the limit of {limits.events:.3g}",
        ),
        (
            starts_path,
            found.occurrences,
            limits.occurrences,
            f"recurring disruptions start about {found.occurrences:.3g} times in a run",
            f"the limit of {limits.occurrences:g}",
        ),
    ]
    refusals: list[Finding] = []
    warnings: list[Finding] = []
    for path, value, limit, estimated, cap in checks:
        if value > limit:
            refusals.append((path, f"{estimated}, over {cap}"))
        elif value > limits.warn_share * limit:
            warnings.append((path, estimated))
    return refusals, warnings


def _quantities(data: Any, path: DocPath = ()) -> Iterator[tuple[DocPath, float]]:
    """Every number a quantity field holds, with its path."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in QUANTITY_FIELDS and type(value) in (int, float):  # not a bool
                yield (*path, key), abs(float(value))
            else:
                yield from _quantities(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _quantities(value, (*path, i))


def _peak_poisson_means(scenario: Scenario, limit: float) -> list[Finding]:
    """Poisson laws whose mean, at the zone's seasonal and promotional peak and under the
    largest demand shock, is too large to draw (numpy refuses means past about 9e18)."""
    out: list[Finding] = []
    shock = max([1.0, *(getattr(d, "multiplier", 1.0) for d in scenario.disruptions)])
    n_demand = len(scenario.demand)
    for i, zone in enumerate(scenario.customer_zones()):
        daily = getattr(zone, "daily", None)
        if not isinstance(daily, Poisson):
            continue
        season = zone.seasonality
        weekly = max(season.weekly) if season and season.weekly else 1.0
        annual = 1 + season.annual_amplitude if season else 1.0
        promotion = max([1.0, *(p.multiplier for p in zone.promotions)])
        weight = max(zone.skus.values(), default=1.0) if isinstance(zone.skus, dict) else 1.0
        peak = daily.mu * weekly * annual * promotion * shock * weight
        if peak >= limit:
            where = ("demand", i) if i < n_demand else ("market", "customers", i - n_demand)
            message = f"a Poisson mean peaking at {peak:.3g} a day is too large (limit {limit:g})"
            out.append(((*where, "daily", "mean"), message))
    return out


def _units_no_vehicle_carries(scenario: Scenario) -> list[Finding]:
    """Products that a fleet's depot stocks but one unit of which fits in none of its vehicles."""
    out: list[Finding] = []
    for f, fleet in enumerate(scenario.fleets):
        carried = scenario.node(fleet.depot).carries or scenario.product_ids()
        for i, product in enumerate(scenario.products):
            if product.id in carried and not any(
                _fits(product, v.capacity) for v in fleet.vehicles
            ):
                message = (
                    f"one unit (volume {product.volume:g}, weight {product.weight:g}) fits in no "
                    f"vehicle of fleets[{f}] at {fleet.depot!r}"
                )
                out.append((("products", i), message))
    return out


def _fits(product: Product, capacity: Capacity) -> bool:
    return (
        (capacity.units is None or capacity.units >= 1)
        and (capacity.volume is None or product.volume <= capacity.volume)
        and (capacity.weight is None or product.weight <= capacity.weight)
    )


def _unknown_matrix_places(scenario: Scenario) -> list[Problem]:
    """Matrix rows naming a place that is neither a node nor a customer zone."""
    matrix = scenario.geography.matrix
    if not matrix:
        return []
    base = scenario.source.parent if scenario.source else None
    known = {n.id for n in scenario.nodes} | {z.id for z in scenario.customer_zones()}
    named = {place for pair in read_matrix(matrix, base) for place in pair}
    file = str(Path(matrix) if base is None else base / matrix)
    return [
        Problem(file, None, (), f"{place!r} is neither a node nor a customer zone")
        for place in sorted(named - known)
    ]


def _lines(scenario: Scenario) -> LineIndex:
    """Where each field of the scenario's own file is, to name lines in messages."""
    if scenario.source is None or not scenario.source.is_file():
        return {}
    return load_yaml(scenario.source)[1]


def _problem(scenario: Scenario, lines: LineIndex, path: DocPath, message: str) -> Problem:
    """A problem at the line of the innermost part of ``path`` the file has."""
    for cut in range(len(path), -1, -1):
        hit = lines.get(path[:cut])
        if hit is not None:
            return Problem(hit[0], hit[1], path, message)
    return Problem(str(scenario.source) if scenario.source else None, None, path, message)
