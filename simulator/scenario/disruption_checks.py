"""Cross-reference checks of the disruptions section, run on the raw document.

What every disruption shares is checked here (unique ids, triggers naming another disruption,
no cycle of triggers); what a kind names (nodes, lanes, a fleet...) is checked by the kind's
own checks, with the helpers below.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from simulator.scenario.disruptions import KINDS, Document, Issue
from simulator.scenario.errors import DocPath


def unknown_ids(path: DocPath, values: Any, known: set[str], what: str) -> list[Issue]:
    """A problem for each item of the list ``values`` that is not in ``known``."""
    if not isinstance(values, list):
        return []
    return [((*path, j), f"unknown {what} '{v}'") for j, v in enumerate(values) if v not in known]


def unknown_id(path: DocPath, value: Any, known: set[str], what: str) -> list[Issue]:
    """A problem if the id ``value`` is not in ``known``."""
    return (
        [(path, f"unknown {what} '{value}'")]
        if isinstance(value, str) and value not in known
        else []
    )


def _ids(data: Any, key: str) -> set[str]:
    items = data.get(key) if isinstance(data, dict) else None
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
    doc = Document(
        data,
        nodes,
        skus=_ids(data, "products"),
        lanes=_lane_names(data),
        zones=_ids(data, "demand") | _ids(data.get("market"), "customers"),
    )
    kinds = set(KINDS.names())
    for i, d in items:
        if d.get("type") in kinds:  # an unknown kind is the schema's to report
            issues += KINDS.get(d["type"]).checks(("disruptions", i), d, doc)
    return issues + _triggers(items)
