"""Cross-reference checks of the disruptions section, run on the raw document."""

from __future__ import annotations

from collections import Counter
from typing import Any

from simulator.scenario.errors import DocPath
from simulator.scenario.raw import ids, items, names, text
from simulator.scenario.suggest import did_you_mean, unknown

Issue = tuple[DocPath, str]


def _lane_names(data: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for _, lane in items(data, "lanes"):
        found.add(f"{lane.get('from')}->{lane.get('to')}")
        if isinstance(lane.get("id"), str):
            found.add(lane["id"])
    return found


def _zone_ids(data: dict[str, Any]) -> set[str]:
    return {*ids(data, "demand"), *ids(data.get("market"), "customers")}


def _unknown(
    path: DocPath, values: Any, known: set[str], what: str, one: bool = False
) -> list[Issue]:
    if one:
        value = text(values)
        return [(path, unknown(what, value, known))] if value and value not in known else []
    return [((*path, j), unknown(what, v, known)) for j, v in names(values) if v not in known]


def _triggers(listed: list[tuple[int, dict[str, Any]]]) -> list[Issue]:
    """``when.after`` names another disruption, and triggers form no cycle."""
    after: dict[str, str] = {}
    issues: list[Issue] = []
    known = {d["id"] for _, d in listed if isinstance(d.get("id"), str)}
    for i, d in listed:
        when = d.get("when")
        cause = text(when.get("after")) if isinstance(when, dict) else None
        if cause is None:
            continue
        if cause not in known:
            message = unknown("disruption", cause, known)
            issues.append((("disruptions", i, "when", "after"), message))
        elif cause == d.get("id"):
            issues.append(
                (("disruptions", i, "when", "after"), "a disruption cannot follow itself")
            )
        else:
            after[str(d.get("id"))] = cause
    for i, d in listed:
        seen, at = {str(d.get("id"))}, after.get(str(d.get("id")))
        while at is not None and at not in seen:
            seen.add(at)
            at = after.get(at)
        if at is not None and at == d.get("id"):
            issues.append((("disruptions", i, "when", "after"), "triggers form a cycle"))
    return issues


def _kind_checks(
    path: DocPath, d: dict[str, Any], data: dict[str, Any], nodes: dict[str, dict[str, Any]]
) -> list[Issue]:
    skus, kind = set(ids(data, "products")), d.get("type")
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
        fleets = {text(f.get("depot")): f for _, f in items(data, "fleets")}
        fleet = fleets.get(text(d.get("fleet")))
        if fleet is None:
            depot = text(d.get("fleet"))
            hint = did_you_mean(depot, [f for f in fleets if f]) if depot else ""
            issues.append(((*path, "fleet"), f"no fleet has depot '{d.get('fleet')}'{hint}"))
        elif d.get("vehicle") is not None:
            types = {str(v.get("id")) for _, v in items(fleet, "vehicles")}
            issues += _unknown((*path, "vehicle"), d.get("vehicle"), types, "vehicle type", True)
    if kind == "supplier_shortage":
        node = nodes.get(text(d.get("node")) or "")
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
    listed = items(data, "disruptions")
    counts = Counter(ids(data, "disruptions"))
    issues: list[Issue] = [
        (("disruptions", i, "id"), f"duplicate id '{d['id']}'")
        for i, d in listed
        if counts.get(text(d.get("id")) or "", 0) > 1
    ]
    for i, d in listed:
        issues += _kind_checks(("disruptions", i), d, data, nodes)
    return issues + _triggers(listed)
