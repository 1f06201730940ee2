"""Cross-reference checks of the disruptions section, run on the raw document."""

from __future__ import annotations

from collections import Counter
from typing import Any

from simulator.scenario.errors import DocPath

Issue = tuple[DocPath, str]


def _ids(data: dict[str, Any], key: str) -> set[str]:
    items = data.get(key)
    if not isinstance(items, list):
        return set()
    return {i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)}


def _lane_names(data: dict[str, Any]) -> set[str]:
    lanes = data.get("lanes")
    names: set[str] = set()
    for lane in lanes if isinstance(lanes, list) else []:
        if isinstance(lane, dict):
            names.add(f"{lane.get('from')}->{lane.get('to')}")
            if isinstance(lane.get("id"), str):
                names.add(lane["id"])
    return names


def _zone_ids(data: dict[str, Any]) -> set[str]:
    market = data.get("market")
    return _ids(data, "demand") | (_ids(market, "customers") if isinstance(market, dict) else set())


def _unknown(
    path: DocPath, values: Any, known: set[str], what: str, one: bool = False
) -> list[Issue]:
    if one:
        return (
            [(path, f"unknown {what} '{values}'")]
            if isinstance(values, str) and values not in known
            else []
        )
    if not isinstance(values, list):
        return []
    return [((*path, j), f"unknown {what} '{v}'") for j, v in enumerate(values) if v not in known]


def _triggers(items: list[tuple[int, dict[str, Any]]]) -> list[Issue]:
    """``when.after`` names another disruption, and triggers form no cycle."""
    after: dict[str, str] = {}
    issues: list[Issue] = []
    ids = {d.get("id") for _, d in items}
    for i, d in items:
        when = d.get("when")
        cause = when.get("after") if isinstance(when, dict) else None
        if cause is None:
            continue
        if cause not in ids:
            issues.append((("disruptions", i, "when", "after"), f"unknown disruption '{cause}'"))
        elif cause == d.get("id"):
            issues.append(
                (("disruptions", i, "when", "after"), "a disruption cannot follow itself")
            )
        else:
            after[str(d.get("id"))] = cause
    for i, d in items:
        seen, at = {d.get("id")}, after.get(str(d.get("id")))
        while at is not None and at not in seen:
            seen.add(at)
            at = after.get(at)
        if at is not None and at == d.get("id"):
            issues.append((("disruptions", i, "when", "after"), "triggers form a cycle"))
    return issues


def _kind_checks(
    path: DocPath, d: dict[str, Any], data: dict[str, Any], nodes: dict[str, dict[str, Any]]
) -> list[Issue]:
    skus, kind = _ids(data, "products"), d.get("type")
    node_ids = set(nodes)
    issues: list[Issue] = []
    region = d.get("region")
    if isinstance(region, dict):
        issues += _unknown((*path, "region", "nodes"), region.get("nodes"), node_ids, "node")
    issues += _unknown((*path, "lanes"), d.get("lanes"), _lane_names(data), "lane")
    issues += _unknown((*path, "nodes"), d.get("nodes"), node_ids, "node")
    issues += _unknown((*path, "zones"), d.get("zones"), _zone_ids(data), "zone")
    issues += _unknown((*path, "skus"), d.get("skus"), skus, "SKU")
    issues += _unknown((*path, "destroy_skus"), d.get("destroy_skus"), skus, "SKU")
    issues += _unknown((*path, "sku"), d.get("sku"), skus, "SKU", one=True)
    for key in ("return_to", "source"):
        issues += _unknown((*path, key), d.get(key), node_ids, "node", one=True)
    if kind == "vehicle_breakdowns":
        fleets = {f.get("depot"): f for f in data.get("fleets") or [] if isinstance(f, dict)}
        fleet = fleets.get(d.get("fleet"))
        if fleet is None:
            issues.append(((*path, "fleet"), f"no fleet has depot '{d.get('fleet')}'"))
        elif d.get("vehicle") is not None:
            types = {str(v.get("id")) for v in fleet.get("vehicles") or [] if isinstance(v, dict)}
            issues += _unknown((*path, "vehicle"), d.get("vehicle"), types, "vehicle type", True)
    if kind == "supplier_shortage":
        node = nodes.get(d.get("node"))  # type: ignore[arg-type]
        if node is None:
            issues += _unknown((*path, "node"), d.get("node"), node_ids, "node", one=True)
        elif node.get("kind") not in ("plant", "supplier"):
            issues.append(((*path, "node"), "a supplier shortage hits a plant or a supplier"))
        elif d.get("capacity_share") is not None:
            production = node.get("production")
            if not isinstance(production, dict) or production.get("capacity") is None:
                issues.append(
                    ((*path, "capacity_share"), "needs a plant with a production capacity")
                )
    return issues


def disruption_checks(data: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> list[Issue]:
    """Every problem of the disruptions section, with its document path."""
    raw = data.get("disruptions")
    if not isinstance(raw, list):
        return []
    items = [(i, d) for i, d in enumerate(raw) if isinstance(d, dict)]
    counts = Counter(d.get("id") for _, d in items)
    issues: list[Issue] = [
        (("disruptions", i, "id"), f"duplicate id '{d['id']}'")
        for i, d in items
        if counts.get(d.get("id"), 0) > 1
    ]
    for i, d in items:
        issues += _kind_checks(("disruptions", i), d, data, nodes)
    return issues + _triggers(items)
