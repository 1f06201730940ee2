"""Sourcing: the suppliers a node can order from, in the order its sourcing rule prefers them.

Each inventory position gets its candidate supply lanes as a row of a padded array; column 0
is the preferred one, so single-supplier nodes need nothing else. ``nearest`` and ``cheapest``
are settled here, once: they always use column 0. ``primary`` falls back down the row when a
supplier lacks the stock; ``split`` divides every line by ``shares``.
"""

from __future__ import annotations

from collections.abc import Callable

from simulator.scenario.models import Lane
from simulator.scenario.nodes import Node

SINGLE, PRIMARY, SPLIT = 0, 1, 2
"""Rule codes: always column 0 / column 0 unless short, then the next / split by share."""


def ranked_lanes(
    node: Node, inbound: list[tuple[int, Lane]], distance: Callable[[Lane], float]
) -> tuple[list[tuple[int, Lane]], int, list[float]]:
    """The node's inbound lanes, preferred first, its rule code, and each lane's share."""
    sourcing = node.sourcing
    if sourcing is None or len(inbound) == 1:
        return inbound, SINGLE, [1.0] * len(inbound)
    if sourcing.rule == "split":
        shares = sourcing.shares or {}
        return inbound, SPLIT, [shares[lane.origin] for _, lane in inbound]
    if sourcing.rule == "nearest":
        ranked = sorted(inbound, key=lambda kl: distance(kl[1]))
        return ranked, SINGLE, [1.0] * len(ranked)
    if sourcing.rule == "cheapest":
        # Per unit first; the per-shipment part breaks ties (it does not depend on the units).
        ranked = sorted(
            inbound,
            key=lambda kl: (
                kl[1].cost_per_unit,
                kl[1].cost_per_shipment + kl[1].cost_per_km * distance(kl[1]),
            ),
        )
        return ranked, SINGLE, [1.0] * len(ranked)
    preference = sourcing.order or [lane.origin for _, lane in inbound]
    ranked = sorted(inbound, key=lambda kl: preference.index(kl[1].origin))
    return ranked, PRIMARY, [1.0] * len(ranked)
