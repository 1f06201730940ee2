"""The ``supplysim`` command: output on the right stream, exit statuses, determinism."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

import simulator.cli.run as cli
from simulator.cli import app

QUICKSTART = Path(__file__).parents[2] / "scenarios" / "quickstart.yaml"
SHORT = ["--days", "60"]  # past the 30-day warm-up, quick to simulate

BAD = """\
name: bad
horizon: 60
colour: blue
products:
  - {id: cola, unit_cost: 0.4, price: 1.2}
nodes:
  - {id: supplier, kind: supplier}
  - id: store
    kind: retailer
    inventory:
      policy: {type: sS, s: 70, S: 25}
lanes:
  - {from: supplier, to: store, lead_time: 1}
  - {from: supplier, to: nowhere, lead_time: 1}
demand:
  - {id: shoppers, node: store, daily: {dist: poisson, mean: 5}}
"""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def run_json(*args: str) -> dict[str, Any]:
    result = invoke("run", str(QUICKSTART), *SHORT, "--json", *args)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.fixture
def bad_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    return path


def line_of(text: str) -> int:
    return next(n for n, line in enumerate(BAD.splitlines(), 1) if text in line)


def test_run_json_is_the_only_output() -> None:
    result = invoke("run", str(QUICKSTART), *SHORT, "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no progress: not a terminal, and --json
    document = json.loads(result.stdout)
    assert set(document) == {"provenance", "kpis", "files"}
    assert document["provenance"]["scenario"] == "quickstart"
    assert document["files"] == {}
    assert 0 <= document["kpis"]["fill_rate"] <= 1


def test_run_prints_a_table_of_network_kpis() -> None:
    result = invoke("run", str(QUICKSTART), *SHORT)
    assert result.exit_code == 0, result.output
    assert "quickstart: network KPIs" in result.stdout
    assert "Fill rate" in result.stdout


def test_run_out_writes_every_file(tmp_path: Path) -> None:
    out = tmp_path / "results"
    document = run_json("--out", str(out))
    expected = {
        "kpis.parquet",
        "kpis.csv",
        "series.parquet",
        "audit.csv",
        "run.png",
        "scenario.yaml",
    }
    expected.add("summary.json")
    assert set(document["files"]) == expected
    assert {path.name for path in out.iterdir()} == expected
    summary = json.loads((out / "summary.json").read_text())
    assert summary["kpis"] == document["kpis"]
    assert summary["provenance"]["scenario_hash"] == document["provenance"]["scenario_hash"]


def test_same_seed_gives_the_same_kpis() -> None:
    first, second = run_json("--seed", "7"), run_json("--seed", "7")
    assert first["provenance"]["seed"] == 7
    assert first["kpis"] == second["kpis"]


def test_validate_ok() -> None:
    result = invoke("validate", str(QUICKSTART))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "ok: 7 nodes, 6 lanes, 3 SKUs, 5 demand zones"


def test_validate_json() -> None:
    result = invoke("validate", str(QUICKSTART), "--json")
    assert json.loads(result.stdout) == {
        "ok": True,
        "scenario": "quickstart",
        "nodes": 7,
        "lanes": 6,
        "skus": 3,
        "demand_zones": 5,
    }


@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_scenario_lists_every_problem_and_exits_2(bad_scenario: Path, command: str) -> None:
    result = invoke(command, str(bad_scenario))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    expected = [
        f"{bad_scenario}:{line_of('colour')}: colour: unknown field 'colour'",
        f"{bad_scenario}:{line_of('policy:')}: nodes[1].inventory.policy: s must be < S",
        f"{bad_scenario}:{line_of('nowhere')}: lanes[1].to: unknown node 'nowhere'",
    ]
    lines = result.stderr.splitlines()
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)


def test_bad_scenario_json_lists_problems_on_stdout(bad_scenario: Path) -> None:
    result = invoke("validate", str(bad_scenario), "--json")
    assert result.exit_code == 2
    problems = json.loads(result.stdout)["problems"]
    assert {p["path"] for p in problems} == {"colour", "nodes[1].inventory.policy", "lanes[1].to"}
    assert all(p["file"] == str(bad_scenario) and p["line"] for p in problems)


@pytest.mark.parametrize("command", ["validate", "run"])
def test_missing_file_exits_2_naming_it(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nowhere.yaml"
    result = invoke(command, str(missing))
    assert result.exit_code == 2
    assert str(missing) in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["run"],
        ["run", str(QUICKSTART), "--seed", "-1"],
        ["run", str(QUICKSTART), "--days", "0"],
        ["frobnicate"],
    ],
)
def test_bad_arguments_exit_2(args: list[str]) -> None:
    assert invoke(*args).exit_code == 2


def test_days_within_the_warmup_is_bad_input() -> None:
    result = invoke("run", str(QUICKSTART), "--days", "10")
    assert result.exit_code == 2
    assert "warmup" in result.stderr


def test_a_failing_run_exits_1_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("engine on fire")

    monkeypatch.setattr(cli, "simulate", broken)
    result = invoke("run", str(QUICKSTART))
    assert result.exit_code == 1
    assert "RuntimeError: engine on fire" in result.stderr
    assert "Traceback" not in result.stderr
    debug = invoke("--debug", "run", str(QUICKSTART))
    assert isinstance(debug.exception, RuntimeError)


def test_schema_is_json_schema() -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert {"name", "nodes", "lanes", "demand"} <= set(schema["$defs"]["Scenario"]["properties"])
    assert "from" in schema["$defs"]["Lane"]["properties"]  # YAML names, not Python ones


def test_schema_markdown_is_the_reference() -> None:
    from simulator.scenario.reference import render_reference

    result = invoke("schema", "--markdown")
    assert result.exit_code == 0
    assert result.stdout == render_reference()


def test_list_policies() -> None:
    result = invoke("list", "policies")
    assert result.exit_code == 0
    assert "sS" in result.stdout
    assert "rQ" in result.stdout


def test_list_policies_json() -> None:
    result = invoke("list", "policies", "--json")
    policies = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert {"sS", "rQ", "base_stock"} <= set(policies)
    assert {p["name"] for p in policies["sS"]["parameters"]} >= {"s", "S"}
    families = {entry["name"]: entry["family"] for entry in json.loads(result.stdout)}
    assert families["fair_share"] == families["priority"] == "allocation"
    assert families["sS"] == "replenishment"


def test_validate_counts_market_zones() -> None:
    market = QUICKSTART.parent / "strategies" / "market.yaml"
    result = invoke("validate", str(market), "--json")
    assert json.loads(result.stdout)["market_zones"] == 300
