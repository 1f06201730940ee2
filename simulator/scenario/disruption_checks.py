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
from simulator.scenario.raw import ids, items, names, text
from simulator.scenario.suggest import unknown


def unknown_ids(path: DocPath, values: Any, known: set[str], what: str) -> list[Issue]:
    """A problem for each id in the list ``values`` that is not in ``known`` (a wrong shape is
    the schema's to report)."""
    return [((*path, j), unknown(what, v, known)) for j, v in names(values) if v not in known]


def unknown_id(path: DocPath, value: Any, known: set[str], what: str) -> list[Issue]:
    """A problem if the id ``value`` is not in ``known``."""
    name = text(value)
    return [(path, unknown(what, name, known))] if name and name not in known else []


def _lane_names(data: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for _, lane in items(data, "lanes"):
        found.add(f"{lane.get('from')}->{lane.get('to')}")
        if isinstance(lane.get("id"), str):
            found.add(lane["id"])
    return found


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


def disruption_checks(data: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> list[Issue]:
    """Every problem of the disruptions section, with its document path."""
    listed = items(data, "disruptions")
    counts = Counter(ids(data, "disruptions"))
    issues: list[Issue] = [
        (("disruptions", i, "id"), f"duplicate id '{d['id']}'")
        for i, d in listed
        if counts.get(text(d.get("id")) or "", 0) > 1
    ]
    doc = Document(
        data,
        nodes,
        skus=set(ids(data, "products")),
        lanes=_lane_names(data),
        zones={*ids(data, "demand"), *ids(data.get("market"), "customers")},
    )
    kinds = set(KINDS.names())
    for i, d in listed:
        if d.get("type") in kinds:  # an unknown kind is the schema's to report
            issues += KINDS.get(d["type"]).checks(("disruptions", i), d, doc)
    return issues + _triggers(listed)
