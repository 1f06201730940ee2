"""A disruption kind from outside: one node closes while it lasts.

A plug-in may keep the kind and its effect in one module; the scenario layer only imports it
through the entry point, when it first reads the registry of kinds.
"""

from __future__ import annotations

from typing import Any, Literal

from simulator.disruptions import Conditions, Disruption
from simulator.network import Network
from simulator.scenario.base import Id
from simulator.scenario.disruption_checks import unknown_id
from simulator.scenario.disruptions import DisruptionCommon, DisruptionKind, Document, Issue
from simulator.scenario.errors import DocPath


class ClosureParams(DisruptionCommon):
    """One node closes: it neither ships, receives, sells nor produces."""

    type: Literal["closure"]
    node: Id


def checks(path: DocPath, item: dict[str, Any], doc: Document) -> list[Issue]:
    """The node exists."""
    return unknown_id((*path, "node"), item.get("node"), set(doc.nodes), "node")


class Closure(Disruption[ClosureParams]):
    def __init__(self, index: int, params: ClosureParams, net: Network) -> None:
        super().__init__(index, params, net)
        self.node = net.topology.node_ids.index(params.node)

    def affect(self, conditions: Conditions) -> None:
        conditions.node_open[self.node] = False


KIND = DisruptionKind(ClosureParams, effect="supplysim_testplugin.closure:Closure", checks=checks)
