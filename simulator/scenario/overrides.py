"""Dotted-path overrides: how programs and study files change a scenario document.

``{"nodes.dc-1.inventory.initial": 50}`` addresses list items by ``id``;
``nodes[kind=retailer]`` selects every item with that field value; ``*`` selects every item of
a list or key of a mapping, e.g. ``nodes[kind=retailer].inventory.skus.*.policy.s``. A path
that reaches nothing is an error naming it.
"""

from __future__ import annotations

import copy
import re
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from simulator.scenario.errors import DocPath, Problem, ScenarioError, format_path
from simulator.scenario.overlay import is_id_list


def merge_overrides(
    data: Mapping[str, Any], overrides: Mapping[str, Any], *, create: bool = False
) -> dict[str, Any]:
    """Apply programmatic overrides addressed by dotted paths (see :func:`set_override`).

    ``{"nodes.dc-1.policy.s": 40, "horizon": 100}`` sets ``s`` in the policy of the node whose
    id is ``dc-1``, and the horizon; ``{"nodes[kind=retailer].inventory.policy.s": 10}`` sets
    ``s`` at every retailer.

    Args:
        data: The document to start from; not modified.
        overrides: Dotted path -> new value (copied into the result), applied in order.
        create: Allow the last step of a path to add a key to an existing mapping, e.g. to
            set an optional field a dump left out. Typos then surface as validation errors.

    Returns:
        A new document with every override applied.

    Raises:
        ScenarioError: Listing every path that does not apply to ``data``.
    """
    result = copy.deepcopy(dict(data))
    problems: list[Problem] = []
    for dotted, value in overrides.items():
        try:
            set_override(result, dotted, value, create=create)
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError(problems)
    return result


WILDCARD = "*"
"""The path step that matches every item of a list or every key of a mapping."""

_Target = tuple[Any, str | int, DocPath]
"""A place a path step reaches: the container, the key or index in it, its document path."""


@dataclass(frozen=True)
class _Step:
    """One dotted segment: a key, an id (or part of a dotted one) or ``*``, and its filters."""

    name: str
    filters: tuple[tuple[str, Any], ...] = ()

    @property
    def selects(self) -> bool:
        """Whether the step may match any number of items rather than exactly one."""
        return self.name == WILDCARD or bool(self.filters)

    def __str__(self) -> str:
        return self.name + "".join(f"[{key}={value}]" for key, value in self.filters)


class _NoMatch(Exception):
    """A path that does not apply: why, and the document path the walk had reached."""

    def __init__(self, reason: str, walked: DocPath = ()) -> None:
        super().__init__(reason)
        self.reason, self.walked = reason, walked


def set_override(
    document: dict[str, Any], dotted: str, value: Any, *, create: bool = False
) -> list[DocPath]:
    """Set one dotted-path override in ``document``, in place.

    Steps are separated by dots:

    * a mapping key, or the ``id`` of a list item (``nodes.dc-1.inventory.policy.s``). Ids and
      keys that contain dots work (the longest matching name wins). Items of lists without
      ids can be addressed by index (``lanes.0``);
    * ``*``: every item of a list or every key of a mapping (``inventory.skus.*.initial``);
    * a key whose value is a list, followed by filters, keeps the items whose field equals
      the value, read as a YAML scalar: ``nodes[kind=retailer]``, ``lanes[lead_time=2]``.
      Several filters must all hold: ``nodes[kind=retailer][initial=100]``.

    A path with a ``*`` or a filter before its last step sets every place it reaches. There
    the last key may be missing and is then created, because selected items differ (only
    some per-SKU rules set ``initial``) and a misspelt key still fails validation as an
    unknown field. Any other missing step is an error: ``nodes.*.inventory.policy.s`` fails
    on a supplier, which has no inventory, so select the kinds meant instead. A path that
    reaches nothing is an error naming the selector that matched nothing. For example
    ``nodes[kind=retailer].inventory.skus.*.policy.s`` reaches only the per-SKU rules that
    exist and set a policy: with no such rule (``skus`` empty) it fails; the retailers'
    default policy is ``nodes[kind=retailer].inventory.policy.s``.

    Args:
        document: The document to change.
        dotted: The path.
        value: The new value; each place set gets its own copy.
        create: Allow the last step to add a key even without a selector before it.

    Returns:
        The document path of every place set.

    Raises:
        ScenarioError: The path is malformed or does not apply. The one problem names the
            document path the walk had reached.
    """
    try:
        steps = _parse(dotted)
        spread = any(step.selects for step in steps[:-1])
        return _set_all(document, steps, value, create or spread)
    except _NoMatch as miss:
        message = f"unknown override path {dotted!r}: {miss.reason}"
        raise ScenarioError([Problem(None, None, miss.walked, message)]) from None


_STEP = re.compile(r"([^\[\]]+)((?:\[[^\[\]=]+=[^\[\]]*\])*)")
_FILTER = re.compile(r"\[([^\[\]=]+)=([^\[\]]*)\]")


def _parse(dotted: str) -> list[_Step]:
    parts: list[str] = []
    depth, start = 0, 0
    for i, char in enumerate(dotted):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "." and depth == 0:  # a filter value may hold dots: [id=dc.2]
            parts.append(dotted[start:i])
            start = i + 1
    parts.append(dotted[start:])
    if "" in parts:
        raise _NoMatch("empty path segment")
    steps = []
    for part in parts:
        match = _STEP.fullmatch(part)
        if match is None or (match[1] == WILDCARD and match[2]):
            raise _NoMatch(f"malformed step {part!r} (expected a key, key[field=value] or *)")
        filters = tuple((key, _scalar(raw)) for key, raw in _FILTER.findall(match[2]))
        steps.append(_Step(match[1], filters))
    return steps


def _scalar(raw: str) -> Any:
    """A filter value as YAML reads it, so that ``[initial=100]`` matches ``100.0``."""
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
    return value if isinstance(value, str | int | float | bool) else raw


def _set_all(root: dict[str, Any], steps: list[_Step], value: Any, create: bool) -> list[DocPath]:
    done: list[DocPath] = []
    empty: _NoMatch | None = None
    # Breadth first, so that a problem is reported for the first place in document order.
    queue: deque[tuple[Any, DocPath, int]] = deque([(root, (), 0)])
    while queue:
        node, walked, i = queue.popleft()
        try:
            targets, used = _resolve(node, steps, i, walked)
        except _NoMatch:
            last = i == len(steps) - 1
            if not (create and last and isinstance(node, dict) and not steps[i].selects):
                raise
            targets, used = [(node, steps[i].name, (*walked, steps[i].name))], 1
        if not targets and empty is None:
            empty = _NoMatch(f"{steps[i + used - 1]} matches nothing", walked)
        for container, key, path in targets:
            if i + used == len(steps):
                container[key] = copy.deepcopy(value)
                done.append(path)
            else:
                queue.append((container[key], path, i + used))
    if not done:
        assert empty is not None  # a walk that sets nothing met an empty selection
        raise empty
    return done


def _resolve(node: Any, steps: list[_Step], i: int, walked: DocPath) -> tuple[list[_Target], int]:
    """The places step ``i`` reaches from ``node``, and how many steps it used."""
    step = steps[i]
    if step.name == WILDCARD:
        if isinstance(node, dict):
            return [(node, key, (*walked, key)) for key in node], 1
        if isinstance(node, list):
            return [(node, j, (*walked, j)) for j in range(len(node))], 1
        raise _NoMatch(_why_not(node, WILDCARD, walked), walked)
    # A dotted id may span several steps; only the last of them may carry filters.
    names: list[str] = []
    for later in steps[i:]:
        if later.name == WILDCARD:
            break
        names.append(later.name)
        if later.filters:
            break
    found = _find_step(node, names)
    if found is None:
        raise _NoMatch(_why_not(node, step.name, walked), walked)
    key, used = found
    filters = steps[i + used - 1].filters
    if not filters:
        return [(node, key, (*walked, key))], used
    items = node[key]
    if not isinstance(items, list):
        raise _NoMatch(f"filters need a list, and {key!r} is not one", (*walked, key))
    kept = [j for j, item in enumerate(items) if _passes(item, filters)]
    return [(items, j, (*walked, key, j)) for j in kept], used


def _passes(item: Any, filters: tuple[tuple[str, Any], ...]) -> bool:
    return isinstance(item, Mapping) and all(
        field in item and (item[field] == wanted or str(item[field]) == str(wanted))
        for field, wanted in filters
    )


def _find_step(node: Any, remaining: Sequence[str]) -> tuple[str | int, int] | None:
    """The key, or index of the item with the matching id, and how many parts it used."""
    for used in range(len(remaining), 0, -1):
        name = ".".join(remaining[:used])
        if isinstance(node, dict) and name in node:
            return name, used
        if isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, Mapping) and "id" in item and str(item["id"]) == name:
                    return index, used
    if isinstance(node, list) and not is_id_list(node) and remaining[0].isdigit():
        index = int(remaining[0])
        if index < len(node):
            return index, 1
    return None


def _why_not(node: Any, name: str, walked: DocPath) -> str:
    if isinstance(node, dict):
        return f"no key {name!r}"
    if isinstance(node, list):
        return f"no item with id {name!r}"
    return f"{format_path(walked) or 'the document'} is not a mapping or list"
