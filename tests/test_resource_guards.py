"""Scenarios that validate but cannot run are refused by `validate` and `run` before any work.

Each case changes one field of a shipped scenario and expects exit status 2 with the file,
line and field named, and the estimate or limit in words; no traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from simulator import with_overrides
from simulator.cli import app
from simulator.network import Limits, check_budget
from simulator.network.budget import estimate
from simulator.scenario import load_scenario

SCENARIOS = Path(__file__).parents[1] / "scenarios"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def variant(tmp_path: Path, base: str, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of a shipped scenario with one change, written as a file (anchors expanded)."""
    data = yaml.safe_load((SCENARIOS / base).read_text())
    data.pop("templates", None)
    change(data)
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def refused(result: Result, path: Path, field: str, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    line = next(s for s in result.stderr.splitlines() if f": {field}:" in s)
    assert line.startswith(f"{path}:"), line
    for word in words:
        assert word in line, line


def huge_horizon(data: dict[str, Any]) -> None:
    data["horizon"] = 1e9


def minute_storms(data: dict[str, Any]) -> None:
    every_minute = {"every": 1 / 1440, "duration": 0.01}
    data["disruptions"] = [
        {"id": "flicker", "type": "facility_outage", "nodes": ["dc"], "when": every_minute}
    ]


def flood_of_orders(data: dict[str, Any]) -> None:
    del data["demand"][0]["daily"], data["demand"][0]["seasonality"]
    data["demand"][0]["orders"] = {"rate": 1e8}


def poisson_peak_too_large(data: dict[str, Any]) -> None:
    data["demand"][1]["daily"] = {"dist": "poisson", "mean": 9e11}  # x 1.4 on Saturdays


def level_past_float32(data: dict[str, Any]) -> None:
    data["nodes"][1]["inventory"]["policy"]["S"] = 1e40


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (huge_horizon, "horizon", ("GiB of memory", "limit")),
        (minute_storms, "disruptions[0].when.every", ("start about", "limit")),
        (flood_of_orders, "demand[0].orders.rate", ("events", "limit")),
        (poisson_peak_too_large, "demand[1].daily.mean", ("Poisson mean", "1.26e+12")),
        (level_past_float32, "nodes[1].inventory.policy.S", ("1e+40 units is too large",)),
    ],
)
@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_scenario_too_big_to_run_is_refused_naming_the_field(
    tmp_path: Path,
    command: str,
    change: Callable[[dict[str, Any]], None],
    field: str,
    words: tuple[str, ...],
) -> None:
    path = variant(tmp_path, "quickstart.yaml", change)
    refused(invoke(command, str(path)), path, field, *words)


def test_run_refuses_a_horizon_given_on_the_command_line() -> None:
    result = invoke("run", str(SCENARIOS / "quickstart.yaml"), "--days", "1000000000")
    assert result.exit_code == 2, result.output
    assert "horizon: one run needs about" in result.stderr


def test_a_level_past_exact_float32_counts_is_a_warning_not_a_refusal(tmp_path: Path) -> None:
    def large(data: dict[str, Any]) -> None:
        data["nodes"][1]["inventory"]["policy"]["S"] = 5e7

    path = variant(tmp_path, "quickstart.yaml", large)
    result = invoke("validate", str(path))
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "nodes[1].inventory.policy.S" in result.stderr


def test_a_product_larger_than_every_vehicle_is_refused(tmp_path: Path) -> None:
    def bulky(data: dict[str, Any]) -> None:
        data["products"][1]["volume"] = 11  # both van types carry 10

    path = variant(tmp_path, "fleet/last_mile.yaml", bulky)
    refused(invoke("validate", str(path)), path, "products[1]", "fits in no vehicle", "'fc'")


def test_a_distance_matrix_naming_an_unknown_place_is_refused(tmp_path: Path) -> None:
    def with_matrix(data: dict[str, Any]) -> None:
        data["geography"]["matrix"] = "roads.csv"

    (tmp_path / "roads.csv").write_text("from,to,km\nfc,lyon-1,17.2\nfc,lyon-99,3\n")
    path = variant(tmp_path, "fleet/last_mile.yaml", with_matrix)
    result = invoke("validate", str(path))
    assert result.exit_code == 2, result.output
    assert f"{tmp_path / 'roads.csv'}: 'lyon-99' is neither a node nor a customer zone" in (
        result.stderr
    )


@pytest.mark.parametrize("name", ["quickstart.yaml", "regional.yaml", "fleet/last_mile.yaml"])
def test_shipped_scenarios_are_within_budget_without_warnings(name: str) -> None:
    assert check_budget(load_scenario(SCENARIOS / name)) == []


def test_the_estimate_grows_linearly_with_the_horizon() -> None:
    scenario = load_scenario(SCENARIOS / "regional.yaml")
    short, long = (estimate(with_overrides(scenario, {"horizon": h})) for h in (100, 1000))
    assert long.memory / short.memory == pytest.approx(1001 / 101, rel=0.01)
    assert long.events / short.events == pytest.approx(1001 / 101, rel=0.01)
    tight = Limits(memory=short.memory * 2)
    assert check_budget(with_overrides(scenario, {"horizon": 100}), tight) != []  # a warning
