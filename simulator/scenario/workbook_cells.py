"""Cells of a scenario workbook: flattening sections into dotted columns and back.

A section becomes one row of cells, one per leaf field, named by its dotted path
(``inventory.policy.type``). What a cell cannot hold as one value (a list, an empty mapping, a
mapping whose keys contain dots) is written as JSON text. Text that starts with ``[``, ``{``
or ``"`` is read as JSON (or a YAML flow value such as ``[cola, chips]``), so a plain string
that starts that way, or with ``=``, is written JSON-quoted. A cell keeps 16 significant
digits; a number that needs more (7 h is 0.29166666666666663 days) is written as a formula
holding its exact literal, ``=0.29166666666666663``, which spreadsheets show as the number.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

import yaml

from simulator.scenario.errors import DocPath

STRUCTURED = ("[", "{", '"')
"""First characters of a text cell that holds JSON or a YAML flow value."""
_ESCAPED = (*STRUCTURED, "=")


@dataclass(frozen=True)
class Place:
    """Where a value sits in the workbook: a sheet, and a row and column when it has them."""

    sheet: str
    row: int | None = None
    column: str | None = None  # the column letter
    header: str | None = None  # the column's dotted name

    def __str__(self) -> str:
        parts = [f"sheet {self.sheet!r}"]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column} ({self.header})")
        return ", ".join(parts)


class CellError(ValueError):
    """A cell that holds no readable value; the caller knows where the cell is, or ``column``
    names it."""

    def __init__(self, message: str, column: str = "") -> None:
        super().__init__(message)
        self.column = column


def flatten(section: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Leaf values of ``section`` by dotted path, e.g. ``{"policy.type": "sS", ...}``."""
    out: dict[str, Any] = {}
    for key, value in section.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value and all(_plain(k) for k in value):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _plain(key: object) -> bool:
    return isinstance(key, str) and key != "" and "." not in key


def unflatten(cells: dict[str, Any]) -> dict[str, Any]:
    """The nested mapping of dotted-path ``cells`` (inverse of :func:`flatten`).

    Raises:
        CellError: Naming the column whose value collides with another column's.
    """
    out: dict[str, Any] = {}
    for name, value in cells.items():
        *parents, leaf = name.split(".")
        node = out
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise CellError(f"{'.'.join(parents)} already has a value", name)
            node = child
        if leaf in node:
            raise CellError(f"a value is also given in columns below {name}", name)
        node[leaf] = value
    return out


def to_cell(value: Any) -> Any:
    """What to write in a cell for one leaf value (see the module's conventions)."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_ESCAPED):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        return f"={value!r}"
    return value


def from_cell(value: Any, formula: bool) -> Any:
    """The scenario value of a cell as read (``formula`` when the cell holds one).

    Raises:
        CellError: The cell holds a formula other than a number, a date, or unreadable JSON.
    """
    if formula:
        try:
            return float(str(value).removeprefix("="))
        except ValueError:
            raise CellError(f"formulas are not read, only values (got {value})") from None
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        raise CellError(f"dates are not scenario values: write days as a number (got {value})")
    if isinstance(value, str) and value.startswith(STRUCTURED):
        return _structured(value)
    return value


def _structured(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        reason = str(exc).splitlines()[0]
        raise CellError(f"cannot read {text!r} as JSON or a YAML flow value: {reason}") from None


def deepest(index: dict[DocPath, Place], path: DocPath) -> tuple[Place | None, DocPath]:
    """The place of the longest prefix of ``path`` that ``index`` knows, and the rest."""
    for end in range(len(path), -1, -1):
        hit = index.get(path[:end])
        if hit is not None:
            return hit, path[end:]
    return None, path
