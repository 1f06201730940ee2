"""The effect of each disruption kind, imported from where the kind says it is."""

from __future__ import annotations

from functools import cache
from pkgutil import resolve_name
from typing import Any

from simulator.disruptions.base import Disruption
from simulator.scenario.disruptions import KINDS


@cache
def effect(kind: str) -> type[Disruption[Any]]:
    """The effect class of the kind named ``kind``.

    Raises:
        KeyError: If no such kind is registered.
        TypeError: If the kind's ``effect`` names something other than a :class:`Disruption`.
    """
    found = resolve_name(KINDS.get(kind).effect)
    if not (isinstance(found, type) and issubclass(found, Disruption)):
        raise TypeError(f"disruption kind {kind!r}: effect {found!r} is not a Disruption class")
    return found
