"""Mistakes authors make: each gets a collected problem at its file and line, with a hint where
one helps; never a raw exception. Warnings for valid but suspicious scenarios."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator import ScenarioError, load_scenario
from simulator.cli import app
from simulator.scenario import ScenarioWarning
from simulator.scenario.errors import format_path
from simulator.scenario.yamlio import MAX_DEPTH

BASE = """\
name: small
horizon: 60
products:
  - {id: tea, unit_cost: 2, price: 5}
  - {id: honey, unit_cost: 4, price: 9}
nodes:
  - {id: supplier, kind: supplier}
  - id: dc
    kind: warehouse
    inventory: {policy: {type: base_stock, S: 100}}
  - id: shop
    kind: retailer
    inventory: {policy: {type: sS, s: 10, S: 40}}
lanes:
  - {from: supplier, to: dc, lead_time: 2}
  - {from: dc, to: shop, lead_time: 1}
demand:
  - {id: buyers, node: shop, daily: {dist: poisson, mean: 4}}
fleets: []
disruptions: []
"""


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    """Every problem as ``LINE: path: message`` (the file is checked to be ``path``)."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert all(p.file == str(path) for p in caught.value.problems), str(caught.value)
    return [f"{p.line}: {format_path(p.path)}: {p.message}" for p in caught.value.problems]


def _edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1
    return BASE.replace(old, new)


# (old text, new text, expected "LINE: path: message start", nothing else reported)
WRONG_SHAPES = {
    "lane-to-a-list": (
        "to: shop, lead_time: 1}",
        "to: [shop], lead_time: 1}",
        "16: lanes[1].to: Input should be a valid string",
    ),
    "skus-a-number": (
        "daily: {dist: poisson, mean: 4}}",
        "daily: {dist: poisson, mean: 4}, skus: 5}",
        "18: demand[0].skus: Input should be a valid list",
    ),
    "carries-a-list-of-lists": (
        "    kind: retailer\n",
        "    kind: retailer\n    carries: [[tea]]\n",
        "13: nodes[2].carries[0]: Input should be a valid string",
    ),
    "fleet-depot-a-list": (
        "fleets: []",
        "fleets: [{depot: [dc], vehicles: [{id: van, count: 1, capacity: {units: 9}}]}]",
        "19: fleets[0].depot: Input should be a valid string",
    ),
    "disruption-nodes-a-list-of-lists": (
        "disruptions: []",
        "disruptions: [{id: x, type: facility_outage, nodes: [[dc]], "
        "when: {start: 5, duration: 1}}]",
        "20: disruptions[0].nodes[0]: Input should be a valid string",
    ),
    "trigger-after-a-list": (
        "disruptions: []",
        "disruptions: [{id: x, type: facility_outage, nodes: [dc], "
        "when: {after: [y], duration: 1}}]",
        "20: disruptions[0].when.after: Input should be a valid string",
    ),
    "horizon-true": ("horizon: 60", "horizon: true", "2: horizon: expected a number"),
    "S-yes": ("S: 100}", "S: yes}", "10: nodes[1].inventory.policy.S: expected a number"),
}


@pytest.mark.parametrize("case", WRONG_SHAPES.values(), ids=WRONG_SHAPES.keys())
def test_a_wrong_shape_is_one_schema_message(tmp_path: Path, case: tuple[str, str, str]) -> None:
    old, new, expected = case
    problems = _problems(_write(tmp_path, _edit(old, new)))
    assert problems[0].startswith(expected), problems
    # Only messages about that value (a list-or-mapping field says it is neither).
    assert all(p.startswith(expected.split(": ")[0] + ": ") for p in problems), problems


def test_an_id_that_is_a_list_is_reported_at_the_id(tmp_path: Path) -> None:
    problems = _problems(_write(tmp_path, _edit("id: dc", "id: [dc]")))
    assert problems[0].startswith("8: nodes[1].id: Input should be a valid string"), problems


HINTS = {
    "field": ("{id: tea, unit_cost:", "{id: tea, unitcost:", "(did you mean 'unit_cost'?)"),
    "policy": ("type: sS", "type: ss", "(did you mean 'sS'?"),
    "distribution": ("dist: poisson", "dist: poison", "(did you mean 'poisson'?"),
    "node-kind": ("kind: retailer", "kind: retaler", "(did you mean 'retailer'?)"),
    "node-id": ("node: shop,", "node: shp,", "unknown node 'shp' (did you mean 'shop'?)"),
    "sku-id": ("kind: retailer\n", "kind: retailer\n    carries: [hony]\n", "'honey'?"),
}


@pytest.mark.parametrize("case", HINTS.values(), ids=HINTS.keys())
def test_misspelt_names_get_a_suggestion(tmp_path: Path, case: tuple[str, str, str]) -> None:
    old, new, hint = case
    problems = _problems(_write(tmp_path, _edit(old, new)))
    assert any(hint in p for p in problems), problems


def test_no_suggestion_for_a_name_like_no_other(tmp_path: Path) -> None:
    problems = _problems(_write(tmp_path, _edit("node: shop,", "node: zzz,")))
    assert problems == ["18: demand[0].node: unknown node 'zzz'"]


def test_an_empty_file_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "# nothing yet\n")
    with pytest.raises(ScenarioError, match=r"s\.yaml: the file is empty"):
        load_scenario(path)


def test_deep_nesting_is_refused_without_a_recursion_error(tmp_path: Path) -> None:
    for depth in (MAX_DEPTH + 5, 5000):
        text = BASE + "templates: {deep: " + "[" * depth + "]" * depth + "}\n"
        with pytest.raises(ScenarioError, match="nested more than"):
            load_scenario(_write(tmp_path, text))


def test_an_alias_bomb_in_templates_is_refused_quickly(tmp_path: Path) -> None:
    rows = ["templates:", "  l0: &l0 [a, a, a, a, a, a, a, a, a, a]"]
    rows += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 10)]
    start = time.perf_counter()
    with pytest.raises(ScenarioError, match="expands to more than"):
        load_scenario(_write(tmp_path, BASE + "\n".join(rows) + "\n"))
    assert time.perf_counter() - start < 5


def test_a_file_too_large_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("simulator.scenario.yamlio.MAX_FILE_BYTES", 100)
    with pytest.raises(ScenarioError, match="larger than"):
        load_scenario(_write(tmp_path, BASE))


def test_extends_naming_a_folder_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    path = _write(tmp_path, "# variant\nextends: folder\nname: v\n", "v.yaml")
    assert _problems(path) == [f"2: extends: base is a folder, not a file: {tmp_path / 'folder'}"]


def test_a_broken_base_is_also_reported_where_it_is_extended(tmp_path: Path) -> None:
    _write(tmp_path, "name: [\n", "base.yaml")
    path = _write(tmp_path, "# variant\nextends: base.yaml\n", "v.yaml")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    where = {(p.file, p.line) for p in caught.value.problems}
    assert (str(path), 2) in where and any(f == str(tmp_path / "base.yaml") for f, _ in where)


def test_trace_and_matrix_errors_name_the_scenario_line_too(tmp_path: Path) -> None:
    (tmp_path / "demand.csv").write_text("day,quantity\n0,4\n1,lots\n", encoding="utf-8")
    (tmp_path / "roads.csv").write_text("from,to,km\ndc,shop,far\n", encoding="utf-8")
    text = _edit("{dist: poisson, mean: 4}", "{dist: trace, file: demand.csv}")
    text += "geography: {matrix: roads.csv}\n"
    problems = _problems(_write(tmp_path, text))
    assert problems == [
        f"18: demand[0].daily.file: {tmp_path / 'demand.csv'}:3: quantity: expected a finite "
        "quantity >= 0, got 'lots'",
        f"21: geography.matrix: {tmp_path / 'roads.csv'}:2: km: expected a number >= 0, got 'far'",
    ]


def test_a_disruption_after_the_horizon_is_a_warning(tmp_path: Path) -> None:
    text = _edit(
        "disruptions: []",
        "disruptions: [{id: late, type: facility_outage, nodes: [dc],\n"
        "               when: {start: 400, duration: 5}}]",
    )
    path = _write(tmp_path, text)
    with pytest.warns(ScenarioWarning, match=r"s\.yaml:21: disruptions\[0\]\.when\.start: "):
        load_scenario(path)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert "warning: " in result.stderr and "after the 60-day horizon" in result.stderr
    as_json = CliRunner().invoke(app, ["validate", "--json", str(path)])
    assert len(json.loads(as_json.stdout)["warnings"]) == 1


def test_a_disruption_within_the_horizon_gives_no_warning(tmp_path: Path) -> None:
    text = _edit(
        "disruptions: []",
        "disruptions: [{id: soon, type: facility_outage, nodes: [dc], "
        "when: {start: 30, duration: 5}}]",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioWarning)
        load_scenario(_write(tmp_path, text))


def test_scenario_repr_is_one_short_line(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, BASE))
    assert repr(scenario) == "Scenario('small': 3 nodes, 2 SKUs, 1 zones, 60 days)"
