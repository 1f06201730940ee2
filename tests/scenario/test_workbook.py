"""``supplysim export --xlsx`` and ``supplysim import --yaml``: the Excel round trip keeps every
shipped scenario exactly, edits made in the workbook come back, and bad cells are named by
sheet, row and column."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from simulator import load_scenario
from simulator.cli import app
from simulator.cli.app import EXIT_BAD_INPUT
from tests.test_shipped_scenarios import RUNNABLE, SCENARIOS

QUICKSTART = SCENARIOS / "quickstart.yaml"
REGIONAL = SCENARIOS / "regional.yaml"


def _cli(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def _export(scenario: Path, book: Path) -> None:
    result = _cli("export", scenario, "--xlsx", book)
    assert result.exit_code == 0, result.output


def _column(sheet: openpyxl.worksheet.worksheet.Worksheet, name: str) -> int:
    return [cell.value for cell in sheet[1]].index(name) + 1


@pytest.mark.parametrize("path", RUNNABLE, ids=lambda p: p.relative_to(SCENARIOS).as_posix())
def test_export_then_import_gives_the_same_scenario(path: Path, tmp_path: Path) -> None:
    _export(path, tmp_path / "book.xlsx")
    result = _cli("import", tmp_path / "book.xlsx", "--yaml", tmp_path / "out.yaml")
    assert result.exit_code == 0, result.output
    again = load_scenario(tmp_path / "out.yaml")
    assert again.content_hash() == load_scenario(path).content_hash()


def test_sheets_hold_one_row_per_entity_with_dotted_columns(tmp_path: Path) -> None:
    _export(REGIONAL, tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    assert book.sheetnames[:6] == ["scenario", "products", "nodes", "policies", "lanes", "demand"]
    scenario = load_scenario(REGIONAL)
    assert book["products"].max_row == 1 + len(scenario.products)
    assert book["nodes"]["A1"].value == "id"
    assert "location.x" in [cell.value for cell in book["nodes"][1]]
    policies = book["policies"]
    rows = [[cell.value for cell in row] for row in policies.iter_rows(min_row=2)]
    dc = next(n for n in scenario.nodes if n.kind == "warehouse")
    assert dc.inventory is not None
    dc_rows = [row for row in rows if row[0] == dc.id]
    # The node's own rule, then one row per SKU rule.
    assert [row[1] for row in dc_rows] == [None, *dc.inventory.skus]
    level = _column(policies, "policy.S") - 1
    assert dc_rows[1][level] == dc.inventory.skus["a01"].policy.S  # type: ignore[union-attr]


def test_an_edit_in_the_workbook_comes_back_in_the_yaml(tmp_path: Path) -> None:
    _export(QUICKSTART, tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    policies = book["policies"]
    policies.cell(2, _column(policies, "policy.S")).value = 1500  # the DC, first node stocking
    lanes = book["lanes"]
    lanes.cell(2, _column(lanes, "lead_time.high")).value = 9
    book.save(tmp_path / "book.xlsx")
    result = _cli("import", tmp_path / "book.xlsx", "--yaml", tmp_path / "out.yaml")
    assert result.exit_code == 0, result.output
    scenario = load_scenario(tmp_path / "out.yaml")
    dc = next(n for n in scenario.nodes if n.id == "dc")
    assert dc.inventory is not None and dc.inventory.policy.S == 1500  # type: ignore[attr-defined]
    assert scenario.lanes[0].lead_time.high == 9  # type: ignore[union-attr]


def _broken(tmp_path: Path, sheet: str, column: str, value: object, row: int = 2) -> Result:
    _export(QUICKSTART, tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    book[sheet].cell(row, _column(book[sheet], column)).value = value
    book.save(tmp_path / "book.xlsx")
    return _cli("import", tmp_path / "book.xlsx", "--yaml", tmp_path / "out.yaml")


@pytest.mark.parametrize(
    ("sheet", "column", "value", "where", "message"),
    [
        (
            "policies",
            "policy.S",
            -5,
            "sheet 'policies', row 2, column E (policy.S)",
            "greater than or equal",
        ),
        ("products", "price", "dear", "sheet 'products', row 2, column C (price)", "'dear'"),
        (
            "demand",
            "seasonality.weekly",
            "[1, 2",
            "sheet 'demand', row 2, column E (seasonality.weekly)",
            "cannot read '[1, 2' as JSON",
        ),
        ("policies", "node", "nowhere", "sheet 'policies', row 2, column A (node)", "no node"),
        ("lanes", "to", "mars", "sheet 'lanes', row 2, column C (to)", "mars"),
    ],
)
def test_a_bad_cell_is_named_by_sheet_row_and_column(
    tmp_path: Path, sheet: str, column: str, value: object, where: str, message: str
) -> None:
    result = _broken(tmp_path, sheet, column, value)
    assert result.exit_code == EXIT_BAD_INPUT
    assert where in result.stderr and message in result.stderr, result.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_a_missing_required_field_names_the_row(tmp_path: Path) -> None:
    result = _broken(tmp_path, "products", "unit_cost", None, row=3)
    assert result.exit_code == EXIT_BAD_INPUT
    assert "sheet 'products', row 3: missing required field 'unit_cost'" in result.stderr


def test_an_unknown_sheet_and_a_file_that_is_no_workbook_are_bad_input(tmp_path: Path) -> None:
    _export(QUICKSTART, tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    book.create_sheet("notes")
    book.save(tmp_path / "book.xlsx")
    result = _cli("import", tmp_path / "book.xlsx", "--yaml", tmp_path / "out.yaml")
    assert result.exit_code == EXIT_BAD_INPUT
    assert "sheet 'notes': unknown sheet" in result.stderr
    (tmp_path / "text.xlsx").write_text("name: not a workbook\n")
    result = _cli("import", tmp_path / "text.xlsx", "--yaml", tmp_path / "out.yaml")
    assert result.exit_code == EXIT_BAD_INPUT
    assert "not an Excel workbook" in result.stderr
