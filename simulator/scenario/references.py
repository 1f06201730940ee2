"""Cross-reference checks between scenario sections, run on the raw document.

They run next to pydantic's field validation (not after it), so one load reports structural and
reference problems together. They run on the document with the values that failed their type
checks taken out (see :mod:`simulator.scenario.types_first`), and read it only through
:mod:`simulator.scenario.raw`, so a value of the wrong shape is left to pydantic's messages.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from simulator.scenario.disruption_checks import disruption_checks
from simulator.scenario.errors import DocPath
from simulator.scenario.raw import carried, cold_skus, ids, items, keys, names, text
from simulator.scenario.suggest import unknown
from simulator.scenario.transport_checks import fleet_checks

Issue = tuple[DocPath, str]

_NEEDS_SUPPLIER = {"warehouse", "wholesaler", "distributor", "retailer", "ecommerce"}


def _duplicates(data: dict[str, Any], key: str) -> list[Issue]:
    counts = Counter(ids(data, key))
    return [
        ((key, i, "id"), f"duplicate id '{item['id']}'")
        for i, item in items(data, key)
        if counts.get(text(item.get("id")) or "", 0) > 1
    ]


def _node_checks(data: dict[str, Any], skus: set[str]) -> list[Issue]:
    issues: list[Issue] = []
    for i, node in items(data, "nodes"):
        issues += [
            (("nodes", i, "carries", j), unknown("SKU", s, skus))
            for j, s in names(node.get("carries"))
            if s not in skus
        ]
        inventory = node.get("inventory")
        per_sku = inventory.get("skus") if isinstance(inventory, dict) else None
        if isinstance(per_sku, dict):
            stocked = carried(node, skus)
            issues += [
                (("nodes", i, "inventory", "skus", s), f"SKU '{s}' is not carried by this node")
                for s in keys(per_sku)
                if s not in stocked
            ]
    return issues


def _lane_checks(
    data: dict[str, Any], nodes: dict[str, dict[str, Any]], skus: set[str]
) -> list[Issue]:
    issues: list[Issue] = []
    inbound: dict[str, list[int]] = {}
    for i, lane in items(data, "lanes"):
        for end in ("from", "to"):
            if isinstance(lane.get(end), str) and lane[end] not in nodes:
                issues.append((("lanes", i, end), unknown("node", lane[end], nodes)))
        origin, dest = text(lane.get("from")), text(lane.get("to"))
        if dest in nodes:
            inbound.setdefault(dest, []).append(i)
        if origin in nodes and dest in nodes:
            if origin == dest:
                issues.append((("lanes", i), "a lane cannot start and end at the same node"))
            kind = nodes[dest].get("kind")
            if kind in ("supplier", "plant"):
                issues.append((("lanes", i, "to"), f"a {kind} is a source: no lane may end at it"))
            if nodes[origin].get("kind") not in ("supplier",):
                missing = carried(nodes[dest], skus) - carried(nodes[origin], skus)
                if missing:
                    issues.append(
                        (
                            ("lanes", i),
                            f"'{origin}' does not carry {sorted(missing)} needed by '{dest}'",
                        )
                    )
    issues += _sourcing_checks(data, inbound)
    # A lane whose destination could not be read may be the missing supply.
    readable = all(text(lane.get("to")) for _, lane in items(data, "lanes"))
    for i, node in items(data, "nodes"):
        node_id = text(node.get("id"))
        needs = node.get("kind") in _NEEDS_SUPPLIER
        if readable and node_id and needs and node_id not in inbound:
            issues.append((("nodes", i), f"'{node_id}' has no supplier: add a lane into it"))
    return issues + _cycles(data, nodes)


def _sourcing_checks(data: dict[str, Any], inbound: dict[str, list[int]]) -> list[Issue]:
    """Several suppliers need a sourcing rule; the rule may name only actual suppliers."""
    issues: list[Issue] = []
    lanes = dict(items(data, "lanes"))
    for i, node in items(data, "nodes"):
        node_id = node.get("id")
        found = [text(lanes[k].get("from")) for k in inbound.get(str(node_id), [])]
        suppliers = [s for s in found if s is not None]
        sourcing = node.get("sourcing")
        if len(suppliers) > 1 and not isinstance(sourcing, dict):
            message = (
                f"'{node_id}' has {len(suppliers)} suppliers {suppliers}: add a sourcing rule "
                "(primary, nearest, cheapest or split)"
            )
            issues.append((("nodes", i), message))
        if not isinstance(sourcing, dict):
            continue
        for key in ("order", "shares"):
            issues += [
                (("nodes", i, "sourcing", key, s), f"'{s}' is not a supplier of '{node_id}'")
                for s in keys(sourcing.get(key))
                if s not in suppliers
            ]
        shares = sourcing.get("shares")
        if sourcing.get("rule") == "split" and isinstance(shares, dict):
            issues += [
                (("nodes", i, "sourcing", "shares"), f"no share for supplier '{s}'")
                for s in suppliers
                if s not in shares
            ]
    return issues


def _cycles(data: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> list[Issue]:
    children: dict[str, list[str]] = {n: [] for n in nodes}
    for _, lane in items(data, "lanes"):
        origin, dest = text(lane.get("from")), text(lane.get("to"))
        if origin in nodes and dest in nodes:
            children[origin].append(dest)
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for child in children[node]:
            if state.get(child) == 1:
                path = [*trail, node]
                return [*path[path.index(child) :], child]  # just the loop, not the way in
            if child not in state and (found := visit(child, [*trail, node])):
                return found
        state[node] = 2
        return None

    for node in nodes:
        if node not in state and (cycle := visit(node, [])):
            return [(("lanes",), "lanes form a cycle: " + " -> ".join(cycle))]
    return []


def _demand_checks(
    data: dict[str, Any], nodes: dict[str, dict[str, Any]], skus: set[str]
) -> list[Issue]:
    issues: list[Issue] = []
    for i, zone in items(data, "demand"):
        node_id = text(zone.get("node"))
        if node_id is not None and node_id not in nodes:
            issues.append((("demand", i, "node"), unknown("node", node_id, nodes)))
            continue
        node = nodes.get(node_id) if node_id is not None else None
        if node is not None and node.get("kind") in ("supplier", "plant"):
            issues.append((("demand", i, "node"), f"customers cannot buy at a {node.get('kind')}"))
        stocked = carried(node, skus) if node else skus
        for s in keys(zone.get("skus")):
            if s not in stocked:
                issues.append((("demand", i, "skus", s), f"'{node_id}' does not carry SKU '{s}'"))
        issues += _promotion_checks(zone, ("demand", i), skus)
    return issues


def _cold_chain_checks(
    data: dict[str, Any], nodes: dict[str, dict[str, Any]], skus: set[str]
) -> list[Issue]:
    """Products that need refrigeration may only travel on cold-chain lanes."""
    cold = cold_skus(data)
    issues: list[Issue] = []
    for i, lane in items(data, "lanes"):
        dest = nodes.get(text(lane.get("to")) or "")
        if dest is None or lane.get("cold_chain") is True:
            continue
        needing = sorted(cold & carried(dest, skus))
        if needing:
            message = f"carries cold-chain products {needing}: set cold_chain: true"
            issues.append((("lanes", i, "cold_chain"), message))
    return issues


def _market_checks(
    data: dict[str, Any], market: dict[str, Any], nodes: dict[str, dict[str, Any]], skus: set[str]
) -> list[Issue]:
    """Outlets exist, stock and have a place; the online node sells online; ids are known."""
    issues: list[Issue] = []
    here = ("market",)
    listed = market.get("outlets")
    if isinstance(listed, list):
        outlets = keys(listed)
        for j, outlet in names(listed):
            kind = nodes.get(outlet, {}).get("kind")
            if outlet not in nodes:
                issues.append(((*here, "outlets", j), unknown("node", outlet, nodes)))
            elif kind in ("supplier", "plant"):
                issues.append(((*here, "outlets", j), f"a {kind} cannot be an outlet"))
    else:
        outlets = [n for n, node in nodes.items() if node.get("kind") == "retailer"]
        if not outlets:
            issues.append((here, "no retailer to serve the market: list its outlets"))
    issues += [
        ((*here, "outlets"), f"outlet '{o}' needs a location")
        for o in outlets
        if o in nodes and not isinstance(nodes[o].get("location"), dict)
    ]
    online = market.get("online")
    if isinstance(online, str) and nodes.get(online, {}).get("kind") != "ecommerce":
        issues.append(((*here, "online"), f"'{online}' is not an e-commerce node"))
    issues += [
        ((*here, "performance", o), f"'{o}' is not an outlet of the market")
        for o in keys(market.get("performance"))
        if o not in outlets
    ]
    strategies: list[tuple[tuple[str | int, ...], Any]] = [
        ((*here, "strategy"), market.get("strategy"))
    ]
    per_sku = market.get("sku_strategies")
    if isinstance(per_sku, dict):
        issues += [
            ((*here, "sku_strategies", s), unknown("SKU", s, skus))
            for s in keys(per_sku)
            if s not in skus
        ]
        strategies += [((*here, "sku_strategies", s), v) for s, v in per_sku.items()]
    for path, strategy in strategies:
        if isinstance(strategy, dict):
            for key in ("outlets", "partners"):
                issues += [
                    ((*path, key, j), f"'{o}' is not an outlet of the market")
                    for j, o in names(strategy.get(key))
                    if o not in outlets
                ]
    sellers = [*outlets, *([online] if isinstance(online, str) else [])]
    sold: set[str] = set()
    for seller in sellers:
        if isinstance(nodes.get(seller), dict):
            sold |= carried(nodes[seller], skus)
    for i, zone in items(market, "customers"):
        wanted = set(keys(zone["skus"])) if "skus" in zone else skus
        missing = sorted((wanted & skus) - sold)
        if missing:
            issues.append(
                (
                    (*here, "customers", i),
                    f"no outlet carries {', '.join(missing)} and nobody sells it online",
                )
            )
    taken = Counter([*ids(data, "demand"), *ids(market, "customers")])
    for i, zone in items(market, "customers"):
        path = (*here, "customers", i)
        if taken.get(text(zone.get("id")) or "", 0) > 1:
            issues.append(((*path, "id"), f"duplicate zone id '{zone.get('id')}'"))
        issues += [
            ((*path, "skus", s), unknown("SKU", s, skus))
            for s in keys(zone.get("skus"))
            if s not in skus
        ]
        issues += _promotion_checks(zone, path, skus)
    return issues


def _promotion_checks(zone: dict[str, Any], path: DocPath, skus: set[str]) -> list[Issue]:
    return [
        ((*path, "promotions", j, "skus", k), unknown("SKU", s, skus))
        for j, promo in items(zone, "promotions")
        for k, s in names(promo.get("skus"))
        if s not in skus
    ]


def check_references(data: Any) -> list[Issue]:
    """Every cross-section problem in a raw scenario document, with its document path."""
    if not isinstance(data, dict):
        return []
    issues: list[Issue] = []
    for key in ("products", "nodes", "lanes", "demand"):
        issues += _duplicates(data, key)
    skus = set(ids(data, "products"))
    nodes = {n["id"]: n for _, n in items(data, "nodes") if isinstance(n.get("id"), str)}
    issues += _node_checks(data, skus)
    issues += _lane_checks(data, nodes, skus)
    issues += _demand_checks(data, nodes, skus)
    issues += _cold_chain_checks(data, nodes, skus)
    market = data.get("market")
    if isinstance(market, dict):
        issues += _market_checks(data, market, nodes, skus)
    issues += fleet_checks(data, nodes)
    issues += disruption_checks(data, nodes)
    horizon, warmup = data.get("horizon", 365), data.get("warmup", 0)
    numbers = [v for v in (horizon, warmup) if type(v) in (int, float)]  # bool is no number
    if len(numbers) == 2 and warmup >= horizon:
        issues.append(
            (("warmup",), f"warmup ({warmup}) must be shorter than the horizon ({horizon})")
        )
    return issues
