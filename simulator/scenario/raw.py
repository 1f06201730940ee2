"""Reading the raw document safely in the cross-reference checks.

The checks run on the document as written, beside pydantic's validation, so any value may have
the wrong shape (a list where an id goes, a number where a list goes). These helpers hand the
checks only values of the shape they expect; wrong shapes are left to pydantic's messages.
"""

from __future__ import annotations

from typing import Any


def items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    """The mapping items of the list ``data[key]``, with their indices."""
    found = data.get(key) if isinstance(data, dict) else None
    if not isinstance(found, list):
        return []
    return [(i, item) for i, item in enumerate(found) if isinstance(item, dict)]


def text(value: Any) -> str | None:
    """``value`` if it is a string (an id), else None."""
    return value if isinstance(value, str) else None


def names(values: Any) -> list[tuple[int, str]]:
    """The string entries of a list of ids, with their indices; nothing for a non-list."""
    if not isinstance(values, list):
        return []
    return [(j, value) for j, value in enumerate(values) if isinstance(value, str)]


def keys(values: Any) -> list[str]:
    """The string entries of a list of ids, or the string keys of a mapping keyed by id."""
    if isinstance(values, dict):
        return [key for key in values if isinstance(key, str)]
    return [value for _, value in names(values)]


def ids(data: Any, key: str) -> list[str]:
    """The string ids of the items of ``data[key]``, in order (repeats kept)."""
    return [item["id"] for _, item in items(data, key) if isinstance(item.get("id"), str)]


def carried(node: dict[str, Any], every: set[str]) -> set[str]:
    """The SKUs a raw node carries: its ``carries`` list, or ``every`` SKU without one."""
    listed = node.get("carries")
    return set(keys(listed)) if isinstance(listed, list) and listed else set(every)


def cold_skus(data: Any) -> set[str]:
    """Ids of the products that need refrigerated transport."""
    return {
        p["id"]
        for _, p in items(data, "products")
        if p.get("cold_chain") is True and isinstance(p.get("id"), str)
    }
