"""The ``disruptions:`` section: what goes wrong, where, and when.

Each item names its kind with ``type`` (see ``supplysim list disruptions``) and its timing with
``when``: scheduled (``start`` and ``duration``), random (``every``: the mean time between starts,
and a ``duration`` law) or triggered (``after`` another disruption starts, with a ``probability``
and a ``delay``). This module holds what every kind shares and the registry of kinds; each kind
is a :class:`DisruptionKind` in a module of its own: the built-in ones in
:mod:`simulator.disruptions.kinds`, others in plug-ins of the ``supplysim.disruptions``
entry-point group. Both load when the registry is first read.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, get_args

from pydantic import Discriminator, Field, Tag

from policies.registry import Registry, load_entry_points
from simulator.scenario.base import Id, OneOf, Positive, Probability, Section
from simulator.scenario.distributions import Constant, Days, Distribution
from simulator.scenario.errors import DocPath


class Scheduled(Section):
    """Once, at a known time."""

    start: Days = Field(description="Day it starts, e.g. 30 or '30d'.")
    duration: Days = Field(description="How long it lasts; 0 for a one-off event such as a recall.")


class Recurring(Section):
    """At random: starts form a Poisson process, each lasting a random time."""

    every: Positive = Field(description="Mean days between starts (the MTBF of the event).")
    duration: Distribution = Field(description="Days each occurrence lasts.")
    first: Days = Field(0.0, description="No occurrence starts before this day.")


class Triggered(Section):
    """Follows another disruption: each time that one starts, this one may follow."""

    after: Id = Field(description="The disruption whose starts trigger this one.")
    probability: Probability = Field(1.0, description="Chance that a start triggers this one.")
    delay: Distribution = Field(
        default_factory=lambda: Constant(value=0.0), description="Days from that start to this."
    )
    duration: Distribution = Field(description="Days each occurrence lasts.")


def _timing_tag(value: Any) -> str:
    if isinstance(value, dict):
        return "triggered" if "after" in value else "recurring" if "every" in value else "scheduled"
    if isinstance(value, Triggered):
        return "triggered"
    return "recurring" if isinstance(value, Recurring) else "scheduled"


When = Annotated[
    Annotated[Scheduled, Tag("scheduled")]
    | Annotated[Recurring, Tag("recurring")]
    | Annotated[Triggered, Tag("triggered")],
    Discriminator(_timing_tag),
]
"""``{start, duration}``, ``{every, duration}`` or ``{after, duration, ...}``."""


class DisruptionCommon(Section):
    """What every kind has: its name, its timing and a note; a kind adds its ``type`` (a
    ``Literal`` of its name) and its own parameters."""

    type: str
    id: Id
    when: When
    description: str = ""


Issue = tuple[DocPath, str]
"""A problem found by a check: where in the document, and what."""


@dataclass(frozen=True)
class Document:
    """The raw scenario document as the checks of a kind read it: it may be invalid, so
    every value is as written (check its type before use).

    Attributes:
        data: The whole document.
        nodes: Each node's mapping by id.
        skus: Product ids.
        lanes: Lane names: each lane's id, and ``from->to``.
        zones: Customer zone ids, of the demand section and the market.
    """

    data: dict[str, Any]
    nodes: dict[str, dict[str, Any]]
    skus: set[str]
    lanes: set[str]
    zones: set[str]


Checks = Callable[[DocPath, dict[str, Any], Document], list[Issue]]
"""Cross-reference checks of one disruption: its path, its raw mapping, the document."""


def no_checks(path: DocPath, item: dict[str, Any], doc: Document) -> list[Issue]:
    """For a kind whose parameters name nothing else in the scenario."""
    return []


@dataclass(frozen=True)
class DisruptionKind:
    """A disruption kind as the scenario layer knows it.

    Attributes:
        params: Its parameters; ``type`` is ``Literal`` of its name.
        effect: Where its effect is, as ``"module:Class"`` (a subclass of
            :class:`simulator.disruptions.Disruption`). The simulation imports it when a run
            needs it; the scenario layer never does.
        checks: What :class:`params` cannot check alone: references to nodes, lanes, zones...
    """

    params: type[DisruptionCommon]
    effect: str
    checks: Checks = no_checks

    @property
    def name(self) -> str:
        """The kind's ``type`` in scenario files."""
        return str(get_args(self.params.model_fields["type"].annotation)[0])


BUILT_IN_KINDS = "simulator.disruptions.kinds"
PLUGIN_GROUP = "supplysim.disruptions"


def _load_kinds() -> None:
    """Register the built-in kinds (every module of :data:`BUILT_IN_KINDS` defining ``KIND``)
    and the plug-ins (each entry point of :data:`PLUGIN_GROUP` names a :class:`DisruptionKind`).

    Raises:
        RuntimeError: If an entry point names something else.
    """
    package = importlib.import_module(BUILT_IN_KINDS)
    prefix = f"{package.__name__}."
    modules = [
        importlib.import_module(m.name) for m in pkgutil.iter_modules(package.__path__, prefix)
    ]
    kinds = [module.KIND for module in modules if hasattr(module, "KIND")]
    for kind in kinds + load_entry_points(PLUGIN_GROUP):
        if not isinstance(kind, DisruptionKind):
            raise RuntimeError(f"{PLUGIN_GROUP} entry points name a DisruptionKind, not {kind!r}")
        KINDS.register(kind.name, kind, kind.params)


KINDS: Registry[DisruptionKind] = Registry("disruption", noun="kind", load=_load_kinds)
"""Every disruption kind by its ``type``."""

DisruptionParams = Annotated[DisruptionCommon, OneOf(KINDS)]
"""One disruption of any kind, told apart by ``type``."""
