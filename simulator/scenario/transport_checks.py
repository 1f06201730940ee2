"""Cross-reference checks of the geography and fleet sections, run on the raw document."""

from __future__ import annotations

from collections import Counter
from typing import Any

from simulator.scenario.errors import DocPath
from simulator.scenario.raw import carried, cold_skus, items, text
from simulator.scenario.suggest import unknown

Issue = tuple[DocPath, str]

_LANE_COSTS = ("cost_per_shipment", "cost_per_unit", "cost_per_km")


def _places(data: dict[str, Any]) -> list[tuple[DocPath, dict[str, Any]]]:
    """Every node and customer zone, with its document path."""
    out: list[tuple[DocPath, dict[str, Any]]] = []
    for key in ("nodes", "demand"):
        out += [((key, i), p) for i, p in items(data, key)]
    out += [(("market", "customers", i), z) for i, z in items(data.get("market"), "customers")]
    return out


def _coordinate_checks(data: dict[str, Any]) -> list[Issue]:
    """Every location uses the coordinates the geography section declares."""
    geography = data.get("geography")
    kind = geography.get("coordinates") if isinstance(geography, dict) else None
    wanted = ("lat", "lon") if kind == "latlon" else ("x", "y")
    return [
        (
            (*path, "location"),
            f"give {wanted[0]} and {wanted[1]}: geography.coordinates is {kind or 'planar'}",
        )
        for path, place in _places(data)
        if isinstance(place.get("location"), dict)
        and not all(k in place["location"] for k in wanted)
    ]


def fleet_checks(data: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> list[Issue]:
    """Depots exist once each, their lanes leave costs to the vehicles, what they drive to can
    be located, and cold-chain products have refrigerated vehicles."""
    issues = _coordinate_checks(data)
    geography = data.get("geography")
    has_matrix = isinstance(geography, dict) and bool(geography.get("matrix"))
    fleets = items(data, "fleets")
    depots = Counter(text(f.get("depot")) for _, f in fleets)
    lanes = items(data, "lanes")
    cold = cold_skus(data)
    for f, fleet in fleets:
        depot = text(fleet.get("depot"))
        if depot is None:
            continue
        path: DocPath = ("fleets", f, "depot")
        if depot not in nodes:
            issues.append((path, unknown("node", depot, nodes)))
            continue
        if depots[depot] > 1:
            issues.append((path, f"'{depot}' has more than one fleet"))
        leaving = [(i, lane) for i, lane in lanes if lane.get("from") == depot]
        for i, lane in leaving:
            issues += [
                (
                    ("lanes", i, cost),
                    f"the fleet of '{depot}' drives this lane: its cost comes "
                    "from the vehicles, remove this field",
                )
                for cost in _LANE_COSTS
                if lane.get(cost)
            ]
        homes = (
            [
                (path_, z)
                for path_, z in _places(data)
                if path_[0] == "demand" and z.get("node") == depot
            ]
            if nodes[depot].get("kind") == "ecommerce"
            else []
        )
        if not leaving and not homes:
            issues.append((path, f"no lane leaves '{depot}' and it makes no home deliveries"))
        if not has_matrix:
            located: list[tuple[DocPath, dict[str, Any]]] = [(path, nodes[depot])]
            located += [
                (("lanes", i, "to"), nodes.get(str(lane.get("to")), {})) for i, lane in leaving
            ]
            issues += [
                (
                    where,
                    f"'{place.get('id')}' needs a location: the fleet of '{depot}' drives there",
                )
                for where, place in [*located, *homes]
                if place and not isinstance(place.get("location"), dict)
            ]
        has_cold = any(v.get("cold_chain") is True for _, v in items(fleet, "vehicles"))
        shipped = carried(nodes[depot], cold) & cold
        if shipped and not has_cold:
            message = f"'{depot}' ships cold-chain products {sorted(shipped)}: add a vehicle "
            issues.append((("fleets", f, "vehicles"), message + "type with cold_chain: true"))
    return issues
