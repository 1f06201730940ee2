"""Facilities as processes: one SimPy process per tier runs the day's phases for its nodes,
with each node's behaviour open to replacement by a registered node class.

A tier's nodes are batched in arrays (one vectorised review and fill per tier); a node whose
scenario entry names a ``node_class`` gets that class's hooks on top, without touching the
loop. Node classes register under the entry-point group ``supplysim.nodes``.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import numpy as np

from simulator.engine.fulfilment import Fulfilment
from simulator.engine.replenishment import Replenishment


class NodeBehaviour:
    """What a stocking node does beyond the tier's batched work: nothing, by default.

    Subclasses override hooks; the engine calls them for the nodes that name the class.
    """

    def __init__(self, node: int, fulfilment: Fulfilment) -> None:
        self.node = node
        self.fulfilment = fulfilment

    def received(self, positions: np.ndarray) -> None:
        """Goods arrived at ``positions`` (any node's); by default they wait for the close."""


class CrossDock(NodeBehaviour):
    """A cross-dock holds no stock: what arrives leaves at once for the lines waiting on it."""

    def received(self, positions: np.ndarray) -> None:
        mine = positions[self.fulfilment.ctx.net.topology.pos_node[positions] == self.node]
        if len(mine):
            self.fulfilment.fill(self.fulfilment.lines_waiting_on(np.unique(mine)))


def node_classes() -> dict[str, type[NodeBehaviour]]:
    """Registered node classes by name: the built-in ones and those of installed plug-ins."""
    found: dict[str, type[NodeBehaviour]] = {"stock": NodeBehaviour, "cross_dock": CrossDock}
    for entry in entry_points(group="supplysim.nodes"):
        cls = entry.load()
        if not (isinstance(cls, type) and issubclass(cls, NodeBehaviour)):
            raise TypeError(f"node class {entry.name!r} is not a NodeBehaviour subclass")
        found[entry.name] = cls
    return found


def build_behaviours(
    names: tuple[str | None, ...], fulfilment: Fulfilment
) -> dict[int, NodeBehaviour]:
    """The behaviour object of each node that names a node class."""
    if not any(names):
        return {}
    classes = node_classes()
    return {n: classes[name](n, fulfilment) for n, name in enumerate(names) if name is not None}


class Facilities:
    """The stocking tiers' daily work, most downstream first: ship the lines they must fill,
    review their positions and place orders, ship their lines to outside sources."""

    def __init__(self, fulfilment: Fulfilment, replenishment: Replenishment) -> None:
        self.fulfilment = fulfilment
        self.replenishment = replenishment
        self.n_tiers = len(fulfilment.ctx.net.topology.tiers)

    def work(self) -> None:
        """One pass over the tiers, most downstream first."""
        fulfilment = self.fulfilment
        for k in range(self.n_tiers):
            fulfilment.fill(fulfilment.lines_sourced_in(k))
            self.replenishment.review_tier(k)
            # Old and new lines to outside sources leave together: one shipment per lane.
            fulfilment.fill(fulfilment.lines_to_outside(k))
