"""Types first, then references: what the cross-reference checks may see, and booleans.

Pydantic reports a value of the wrong shape (a list where an id goes, a number where a list
goes) with a clear message. The cross-reference checks then read a copy of the document with
those values taken out, so they never trip over them and never add a second, confusing message
about the same mistake.

YAML reads ``yes`` and ``true`` as booleans, and pydantic would take a boolean as the number
1 in lax mode (``horizon: true`` as one day). :func:`boolean_numbers` finds every number that
was written as a boolean.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ValidationError

from simulator.scenario.errors import DocPath, path_in_data
from simulator.scenario.fieldtypes import types_at

# Error kinds that mean "not the shape this field needs"; value errors (a bound, a model's own
# rule) leave the value in place, because its shape is right.
_SHAPE_KINDS = {
    "union_tag_invalid",
    "union_tag_not_found",
    "literal_error",
    "enum",
    "extra_forbidden",
    "string_pattern_mismatch",
    "string_too_short",
    "string_too_long",
}
_SHAPE_SUFFIXES = ("_type", "_parsing")


def _is_shape_error(kind: str) -> bool:
    return kind in _SHAPE_KINDS or kind.endswith(_SHAPE_SUFFIXES)


def well_typed(data: Any, error: ValidationError) -> Any:
    """``data`` without the values that failed their type checks (a copy if any did).

    A value in a mapping is removed. An item of a list of mappings (nodes, lanes) is replaced
    by None, which every check skips, so the other items keep their indices (and the places the
    checks report); a list of ids with a bad item (``carries: [[a]]``) is removed whole.
    """
    paths = {path_in_data(e["loc"], data) for e in error.errors() if _is_shape_error(e["type"])}
    paths.discard(())
    if not paths:
        return data
    pruned = copy.deepcopy(data)
    for path in sorted(paths, key=len, reverse=True):  # the deepest first: parents stay put
        _remove(pruned, path)
    return pruned


def _remove(document: Any, path: DocPath) -> None:
    parents = [document]
    for step in path[:-1]:
        try:
            parents.append(parents[-1][step])
        except (KeyError, IndexError, TypeError):
            return  # gone already: a YAML alias shares it with a path removed before
    parent = parents[-1]
    if isinstance(parent, dict):
        parent.pop(path[-1], None)
    elif any(isinstance(item, dict) for item in parent) or len(path) == 1:
        parent[path[-1]] = None
    elif isinstance(parents[-2], dict):
        parents[-2].pop(path[-2], None)
    else:
        parents[-2][path[-2]] = None


def boolean_numbers(model: type[BaseModel], data: Any) -> list[DocPath]:
    """Paths where ``data`` gives a boolean for a field of ``model`` that takes only numbers."""
    found: list[DocPath] = []
    booleans: list[DocPath] = [()] if isinstance(data, bool) else []
    # Paths are built for containers and booleans only: a big network has millions of numbers.
    # A container the document holds in many places (an alias) is walked at each only if it
    # holds a boolean somewhere.
    holds = _holds_booleans(data)
    stack: list[tuple[DocPath, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        for key, item in _items(value):
            if isinstance(item, bool):
                booleans.append((*path, key))
            elif isinstance(item, dict | list) and holds.get(id(item), True):
                stack.append(((*path, key), item))
    for path in booleans:
        kinds = types_at(model, path)
        if kinds and all(kind in (int, float) for kind in kinds):
            found.append(path)
    return sorted(found, key=str)


def _items(value: Any) -> Any:
    """The (key, item) pairs of a dict (string or integer keys) or a list; none otherwise."""
    if isinstance(value, dict):
        return ((k, v) for k, v in value.items() if isinstance(k, str | int))
    if isinstance(value, list):
        return enumerate(value)
    return ()


def _holds_booleans(data: Any) -> dict[int, bool]:
    """Whether each container of ``data`` holds a boolean at any depth, by ``id``: each
    container is walked once, however many places share it (one a container holds itself
    through counts as holding one)."""
    holds: dict[int, bool] = {}
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        value, done = stack.pop()
        if not isinstance(value, dict | list) or (id(value) in holds and not done):
            continue
        items = [item for _, item in _items(value)]
        if done:
            holds[id(value)] = any(
                isinstance(item, bool) or holds.get(id(item), False) for item in items
            )
            continue
        holds[id(value)] = True  # until it is done: a container inside itself is walked
        stack.append((value, True))
        stack.extend((item, False) for item in items if isinstance(item, dict | list))
    return holds
