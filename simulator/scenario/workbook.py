"""A scenario as an Excel workbook, and back: one sheet per section, one row per entity.

The layout follows the templates planners know from supply-chain tools: ``products``,
``nodes``, ``policies`` (each node's inventory rule, then one row per SKU rule), ``lanes``,
``demand``, ``disruptions``, and the scenario's other sections (``market`` and its
``customers``, ``channels``, ``fleets``). A row has one column per field, nested fields by
dotted name (``location.x``, ``policy.type``); the settings of the scenario itself and of its
market are ``field``/``value`` pairs. Cell conventions are in
:mod:`simulator.scenario.workbook_cells`; docs/excel.md shows the layout.

Writing then reading a workbook gives the same scenario (the same :meth:`Scenario.content_hash`).
A workbook that does not make a valid scenario raises :class:`ScenarioError`, every problem
named by sheet, row and column.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from simulator.output import atomic_write_bytes
from simulator.scenario.errors import DocPath, Problem, ScenarioError, format_path
from simulator.scenario.loader import scenario_from_data
from simulator.scenario.models import Scenario
from simulator.scenario.workbook_cells import (
    CellError,
    Place,
    deepest,
    flatten,
    from_cell,
    to_cell,
    unflatten,
)


@dataclass(frozen=True)
class Sheet:
    """Where a sheet's rows live in the scenario document.

    Attributes:
        name: The sheet's name.
        path: The section, e.g. ``("market", "customers")``.
        table: One row per list item (or mapping entry); else ``field``/``value`` rows.
        key: For a mapping section (``channels``), the column holding each entry's key.
        drop: Fields written on other sheets.
        whole: Fields written as one JSON cell, not column by column: free-form data, whose
            numbers must keep their type (``2.0`` is not ``2`` there).
    """

    name: str
    path: tuple[str, ...]
    table: bool = True
    key: str | None = None
    drop: tuple[str, ...] = ()
    whole: tuple[str, ...] = ()


POLICIES = "policies"
_SECTIONS = ("products", "nodes", "lanes", "demand", "market", "channels", "fleets", "disruptions")
SHEETS: tuple[Sheet, ...] = (
    Sheet("scenario", (), table=False, drop=_SECTIONS, whole=("templates",)),
    Sheet("products", ("products",)),
    Sheet("nodes", ("nodes",), drop=("inventory",)),
    Sheet("lanes", ("lanes",)),
    Sheet("demand", ("demand",)),
    Sheet("disruptions", ("disruptions",)),
    Sheet("market", ("market",), table=False, drop=("customers",)),
    Sheet("customers", ("market", "customers")),
    Sheet("channels", ("channels",), key="channel"),
    Sheet("fleets", ("fleets",)),
)
"""Every sheet but ``policies`` (written after ``nodes``), in workbook order."""
_FIELD, _VALUE = "field", "value"
_NODE, _SKU = "node", "sku"


def write_workbook(scenario: Scenario, path: str | Path) -> None:
    """Write ``scenario`` as a workbook (atomically: a reader never sees half a file)."""
    data = scenario.to_dict()
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in SHEETS:
        section = _get(data, sheet.path)
        if section is None:
            continue
        rows = _rows(section, sheet) if sheet.table else _fields(section, sheet)
        _write_sheet(book.create_sheet(sheet.name), rows)
        if sheet.name == "nodes":
            _write_sheet(book.create_sheet(POLICIES), _policy_rows(data["nodes"]))
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write_bytes(path, buffer.getvalue())


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _rows(section: Any, sheet: Sheet) -> list[dict[str, Any]]:
    if sheet.key is not None:
        return [{sheet.key: key, **flatten(value)} for key, value in section.items()]
    return [flatten({k: v for k, v in item.items() if k not in sheet.drop}) for item in section]


def _fields(section: dict[str, Any], sheet: Sheet) -> list[dict[str, Any]]:
    kept = {k: v for k, v in section.items() if k not in sheet.drop + sheet.whole}
    cells = flatten(kept) | {k: v for k, v in section.items() if k in sheet.whole}
    return [{_FIELD: name, _VALUE: value} for name, value in cells.items()]


def _policy_rows(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for node in nodes:
        inventory = node.get("inventory")
        if inventory is None:
            continue
        own = {k: v for k, v in inventory.items() if k != "skus"}
        rows.append({_NODE: node["id"], _SKU: None, **flatten(own)})
        for sku, rule in inventory.get("skus", {}).items():
            rows.append({_NODE: node["id"], _SKU: sku, **flatten(rule)})
    return rows


def _write_sheet(sheet: Worksheet, rows: list[dict[str, Any]]) -> None:
    header = list(dict.fromkeys(name for row in rows for name in row))
    if not header:
        return
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([to_cell(row.get(name)) for name in header])


def read_workbook(path: str | Path, *, source: Path | None = None) -> Scenario:
    """Read a workbook written by :func:`write_workbook` (or by hand in its layout).

    Args:
        path: The ``.xlsx`` file.
        source: The file the scenario will be saved as: relative paths in it (demand traces,
            a road matrix) resolve from there.

    Raises:
        ScenarioError: Every problem found, each naming its sheet, row and column.
    """
    file = str(path)
    reader = _Reader(file, _open(path))
    data = reader.document()
    if reader.problems:
        raise ScenarioError(reader.problems)
    try:
        return scenario_from_data(data, file=file, source=source)
    except ScenarioError as error:
        raise ScenarioError([reader.locate(p) for p in error.problems]) from None


def _open(path: str | Path) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError:
        raise ScenarioError.single("file not found", file=str(path)) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ScenarioError.single(
            f"not an Excel workbook (.xlsx): {exc}", file=str(path)
        ) from None


class _Reader:
    """Builds the scenario document from a workbook, remembering the cell of every value."""

    def __init__(self, file: str, book: openpyxl.Workbook) -> None:
        self.file = file
        self.book = book
        self.index: dict[DocPath, Place] = {}
        self.problems: list[Problem] = []

    def fail(self, place: Place, message: str) -> None:
        self.problems.append(Problem(self.file, None, (), f"{place}: {message}"))

    def locate(self, problem: Problem) -> Problem:
        """The problem at the cell that wrote the value it is about."""
        if problem.line is not None or problem.file not in (self.file, None):
            return problem  # a CSV file the scenario names, with its own line
        place, rest = deepest(self.index, problem.path)
        if place is None:
            return problem
        below = f"{format_path(rest).lstrip('.')}: " if rest else ""
        return Problem(self.file, None, (), f"{place}: {below}{problem.message}")

    def document(self) -> dict[str, Any]:
        known = {sheet.name for sheet in SHEETS} | {POLICIES}
        for name in self.book.sheetnames:
            if name not in known:
                expected = ", ".join(sorted(known))
                self.fail(Place(name), f"unknown sheet (expected some of {expected})")
        data: dict[str, Any] = {}
        for sheet in SHEETS:
            if sheet.name not in self.book.sheetnames:
                continue
            section = self._table(sheet) if sheet.table else self._fields(sheet)
            if not sheet.path:
                data.update(section)
                continue
            self.index.setdefault(sheet.path, Place(sheet.name))
            target = data
            for key in sheet.path[:-1]:  # the market sheet comes before its customers
                target = target.setdefault(key, {})
            target[sheet.path[-1]] = section
        if POLICIES in self.book.sheetnames:
            self._policies(data.get("nodes", []))
        return data

    def _cells(self, name: str) -> Iterator[tuple[int, dict[str, tuple[Any, Place]]]]:
        """Each non-empty row below the header: its number and its values by column name."""
        rows = self.book[name].iter_rows()
        header: list[str | None] = []
        for number, row in enumerate(rows, start=1):
            if number == 1:
                header = [self._header(name, cell.value, i) for i, cell in enumerate(row)]
                continue
            values: dict[str, tuple[Any, Place]] = {}
            for i, cell in enumerate(row):
                if cell.value is None or cell.value == "":
                    continue
                column = header[i] if i < len(header) else None
                place = Place(name, number, get_column_letter(i + 1), column)
                if column is None:
                    self.fail(place, "a value in a column without a name in row 1")
                    continue
                try:
                    values[column] = (from_cell(cell.value, cell.data_type == "f"), place)
                except CellError as exc:
                    self.fail(place, str(exc))
            if values:
                yield number, values

    def _header(self, sheet: str, value: Any, i: int) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.fail(
                Place(sheet, 1, get_column_letter(i + 1), str(value)), "a column name is text"
            )
            return None
        return value.strip()

    def _nested(self, path: DocPath, values: dict[str, tuple[Any, Place]]) -> dict[str, Any]:
        """One entity from its cells, each cell's path recorded in the index."""
        for name, (_, place) in values.items():
            parts = name.split(".")
            for end in range(1, len(parts)):
                self.index.setdefault((*path, *parts[:end]), Place(place.sheet, place.row))
            self.index[(*path, *parts)] = place
        try:
            return unflatten({name: value for name, (value, _) in values.items()})
        except CellError as exc:
            self.fail(values[exc.column][1], str(exc))
            return {}

    def _table(self, sheet: Sheet) -> Any:
        items: list[Any] = []
        mapping: dict[str, Any] = {}
        for number, values in self._cells(sheet.name):
            if sheet.key is None:
                path: DocPath = (*sheet.path, len(items))
                self.index[path] = Place(sheet.name, number)
                items.append(self._nested(path, values))
                continue
            key, place = values.pop(sheet.key, (None, Place(sheet.name, number)))
            if not isinstance(key, str) or key in mapping:
                self.fail(place, f"each row needs its own {sheet.key!r} (got {key!r})")
                continue
            self.index[(*sheet.path, key)] = Place(sheet.name, number)
            mapping[key] = self._nested((*sheet.path, key), values)
        return items if sheet.key is None else mapping

    def _fields(self, sheet: Sheet) -> dict[str, Any]:
        cells: dict[str, tuple[Any, Place]] = {}
        for number, values in self._cells(sheet.name):
            name, place = values.get(_FIELD, (None, Place(sheet.name, number)))
            if not isinstance(name, str) or name in cells:
                self.fail(place, f"each row needs its own {_FIELD!r} name (got {name!r})")
                continue
            if _VALUE in values:
                value, at = values[_VALUE]
                cells[name] = (value, Place(sheet.name, number, at.column, name))
        return self._nested(sheet.path, cells)

    def _policies(self, nodes: list[Any]) -> None:
        """Attach each ``policies`` row to its node: the inventory, or one SKU's rule."""
        where = {n.get("id"): i for i, n in enumerate(nodes) if isinstance(n, dict)}
        rules: list[tuple[int, Any, dict[str, tuple[Any, Place]], Place]] = []
        for number, values in self._cells(POLICIES):
            node, place = values.pop(_NODE, (None, Place(POLICIES, number)))
            sku = values.pop(_SKU, (None, None))[0]
            if node not in where:
                self.fail(place, f"no node {node!r} in sheet 'nodes'")
                continue
            rules.append((where[node], sku, values, Place(POLICIES, number)))
        defaults = {i for i, sku, _, _ in rules if sku is None}
        for i, sku, values, place in sorted(rules, key=lambda rule: rule[1] is not None):
            inventory_path: DocPath = ("nodes", i, "inventory")
            if sku is None:
                if "inventory" in nodes[i]:
                    self.fail(place, f"a second row for node {nodes[i]['id']!r} without a sku")
                    continue
                self.index[inventory_path] = place
                nodes[i]["inventory"] = self._nested(inventory_path, values)
            elif i not in defaults:
                self.fail(place, f"node {nodes[i]['id']!r} needs a row without a sku first")
            else:
                skus = nodes[i]["inventory"].setdefault("skus", {})
                if sku in skus:
                    self.fail(place, f"a second row for node {nodes[i]['id']!r} and sku {sku!r}")
                    continue
                path: DocPath = (*inventory_path, "skus", str(sku))
                self.index[path] = place
                skus[str(sku)] = self._nested(path, values)
