"""Cross-reference checks between scenario sections, run on the raw document.

They run next to pydantic's field validation (not after it), so one load reports structural and
reference problems together. The checks are defensive about shape: anything malformed is left to
pydantic's messages.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from simulator.scenario.disruption_checks import disruption_checks
from simulator.scenario.errors import DocPath
from simulator.scenario.transport_checks import fleet_checks

Issue = tuple[DocPath, str]

_NEEDS_SUPPLIER = {"warehouse", "wholesaler", "distributor", "retailer", "ecommerce"}


def _items(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    items = data.get(key)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _ids(value: Any) -> list[str]:
    """The string ids of a list (or the keys of a mapping); anything else has none."""
    if isinstance(value, dict | list):
        return [v for v in value if isinstance(v, str)]
    return []


def _duplicates(data: dict[str, Any], key: str) -> list[Issue]:
    counts = Counter(item.get("id") for _, item in _items(data, key) if "id" in item)
    return [
        ((key, i, "id"), f"duplicate id '{item['id']}'")
        for i, item in _items(data, key)
        if counts.get(item.get("id"), 0) > 1
    ]


def _node_checks(data: dict[str, Any], skus: set[str]) -> list[Issue]:
    issues: list[Issue] = []
    for i, node in _items(data, "nodes"):
        carries = node.get("carries")
        if isinstance(carries, list):
            issues += [
                (("nodes", i, "carries", j), f"unknown SKU '{s}'")
                for j, s in enumerate(carries)
                if s not in skus
            ]
        inventory = node.get("inventory")
        per_sku = inventory.get("skus") if isinstance(inventory, dict) else None
        if isinstance(per_sku, dict):
            carried = set(carries) if isinstance(carries, list) else skus
            issues += [
                (("nodes", i, "inventory", "skus", s), f"SKU '{s}' is not carried by this node")
                for s in per_sku
                if s not in carried
            ]
    return issues


def _lane_checks(
    data: dict[str, Any], nodes: dict[str, dict[str, Any]], skus: set[str]
) -> list[Issue]:
    issues: list[Issue] = []
    inbound: dict[str, list[int]] = {}
    for i, lane in _items(data, "lanes"):
        for end in ("from", "to"):
            if isinstance(lane.get(end), str) and lane[end] not in nodes:
                issues.append((("lanes", i, end), f"unknown node '{lane[end]}'"))
        origin, dest = lane.get("from"), lane.get("to")
        if dest in nodes:
            inbound.setdefault(dest, []).append(i)
        if origin in nodes and dest in nodes:
            if origin == dest:
                issues.append((("lanes", i), "a lane cannot start and end at the same node"))
            kind = nodes[dest].get("kind")
            if kind in ("supplier", "plant"):
                issues.append((("lanes", i, "to"), f"a {kind} is a source: no lane may end at it"))
            if nodes[origin].get("kind") not in ("supplier",):
                source_carries = set(nodes[origin].get("carries") or skus)
                missing = set(nodes[dest].get("carries") or skus) - source_carries
                if missing:
                    issues.append(
                        (
                            ("lanes", i),
                            f"'{origin}' does not carry {sorted(missing)} needed by '{dest}'",
                        )
                    )
    issues += _sourcing_checks(data, inbound)
    for i, node in _items(data, "nodes"):
        if node.get("kind") in _NEEDS_SUPPLIER and node.get("id") not in inbound:
            issues.append((("nodes", i), f"'{node.get('id')}' has no supplier: add a lane into it"))
    return issues + _cycles(data, nodes)


def _sourcing_checks(data: dict[str, Any], inbound: dict[str, list[int]]) -> list[Issue]:
    """Several suppliers need a sourcing rule; the rule may name only actual suppliers."""
    issues: list[Issue] = []
    lanes = dict(_items(data, "lanes"))
    for i, node in _items(data, "nodes"):
        node_id = node.get("id")
        suppliers = [lanes[k].get("from") for k in inbound.get(str(node_id), [])]
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
                for s in sourcing.get(key) or []
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
    for _, lane in _items(data, "lanes"):
        if lane.get("from") in nodes and lane.get("to") in nodes:
            children[lane["from"]].append(lane["to"])
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
    for i, zone in _items(data, "demand"):
        node_id = zone.get("node")
        if isinstance(node_id, str) and node_id not in nodes:
            issues.append((("demand", i, "node"), f"unknown node '{node_id}'"))
            continue
        node = nodes.get(node_id) if isinstance(node_id, str) else None
        if node is not None and node.get("kind") in ("supplier", "plant"):
            issues.append((("demand", i, "node"), f"customers cannot buy at a {node.get('kind')}"))
        wanted = zone.get("skus")
        carried = set(node.get("carries") or skus) if node else skus
        for s in wanted or []:
            if s not in carried:
                issues.append((("demand", i, "skus", s), f"'{node_id}' does not carry SKU '{s}'"))
        issues += _promotion_checks(zone, ("demand", i), skus)
    return issues


def _cold_chain_checks(
    data: dict[str, Any], nodes: dict[str, dict[str, Any]], skus: set[str]
) -> list[Issue]:
    """Products that need refrigeration may only travel on cold-chain lanes."""
    cold = {p["id"] for _, p in _items(data, "products") if p.get("cold_chain") is True}
    issues: list[Issue] = []
    for i, lane in _items(data, "lanes"):
        dest = nodes.get(lane.get("to"))  # type: ignore[arg-type]
        if dest is None or lane.get("cold_chain") is True:
            continue
        needing = sorted(cold & set(dest.get("carries") or skus))
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
        outlets = [o for o in listed if isinstance(o, str)]
        for j, outlet in enumerate(outlets):
            kind = nodes.get(outlet, {}).get("kind")
            if outlet not in nodes:
                issues.append(((*here, "outlets", j), f"unknown node '{outlet}'"))
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
        for o in market.get("performance") or {}
        if o not in outlets
    ]
    strategies: list[tuple[tuple[str | int, ...], Any]] = [
        ((*here, "strategy"), market.get("strategy"))
    ]
    per_sku = market.get("sku_strategies")
    if isinstance(per_sku, dict):
        issues += [
            ((*here, "sku_strategies", s), f"unknown SKU '{s}'") for s in per_sku if s not in skus
        ]
        strategies += [((*here, "sku_strategies", s), v) for s, v in per_sku.items()]
    for path, strategy in strategies:
        if isinstance(strategy, dict):
            for key in ("outlets", "partners"):
                issues += [
                    ((*path, key, j), f"'{o}' is not an outlet of the market")
                    for j, o in enumerate(strategy.get(key) or [])
                    if o not in outlets
                ]
    zone_ids = [z.get("id") for _, z in _items(data, "demand")]
    customers = [(i, z) for i, z in enumerate(market.get("customers") or []) if isinstance(z, dict)]
    sellers = [*outlets, *([online] if isinstance(online, str) else [])]
    carried: set[str] = set()
    for seller in sellers:
        listed_skus = nodes.get(seller, {}).get("carries")
        carried |= skus if listed_skus is None else set(_ids(listed_skus))
    for i, zone in customers:
        wanted = skus if zone.get("skus") is None else set(_ids(zone.get("skus")))
        missing = sorted((wanted & skus) - carried)
        if missing:
            issues.append(
                (
                    (*here, "customers", i),
                    f"no outlet carries {', '.join(missing)} and nobody sells it online",
                )
            )
    taken = Counter([*zone_ids, *(z.get("id") for _, z in customers)])
    for i, zone in customers:
        path = (*here, "customers", i)
        if taken.get(zone.get("id"), 0) > 1:
            issues.append(((*path, "id"), f"duplicate zone id '{zone.get('id')}'"))
        issues += [
            ((*path, "skus", s), f"unknown SKU '{s}'")
            for s in zone.get("skus") or []
            if s not in skus
        ]
        issues += _promotion_checks(zone, path, skus)
    return issues


def _promotion_checks(zone: dict[str, Any], path: DocPath, skus: set[str]) -> list[Issue]:
    return [
        ((*path, "promotions", j, "skus", k), f"unknown SKU '{s}'")
        for j, promo in enumerate(zone.get("promotions") or [])
        if isinstance(promo, dict)
        for k, s in enumerate(promo.get("skus") or [])
        if s not in skus
    ]


def check_references(data: Any) -> list[Issue]:
    """Every cross-section problem in a raw scenario document, with its document path."""
    if not isinstance(data, dict):
        return []
    issues: list[Issue] = []
    for key in ("products", "nodes", "lanes", "demand"):
        issues += _duplicates(data, key)
    skus = {p["id"] for _, p in _items(data, "products") if isinstance(p.get("id"), str)}
    nodes = {n["id"]: n for _, n in _items(data, "nodes") if isinstance(n.get("id"), str)}
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
    if isinstance(horizon, int | float) and isinstance(warmup, int | float) and warmup >= horizon:
        issues.append(
            (("warmup",), f"warmup ({warmup}) must be shorter than the horizon ({horizon})")
        )
    return issues
