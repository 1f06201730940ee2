"""What a user expects of a command-line tool: version, completion, ``python -m``, quiet and
verbose output, overlays and ``--set`` overrides, a KPI list, and help that is quick to load and
speaks in metavars rather than Python types."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from simulator.cli import app
from simulator.metrics import KPI_DEFINITIONS

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"
SHORT = ["--days", "40"]  # past the 30-day warm-up, quick to simulate


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def run_json(*args: str) -> dict[str, Any]:
    result = invoke("run", str(QUICKSTART), "--json", *args)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_version_is_the_installed_one() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"supplysim {version('supplysim')}"


def test_python_m_simulator_is_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "validate", str(QUICKSTART)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: 7 nodes")


def test_shell_completion_is_offered(monkeypatch: pytest.MonkeyPatch) -> None:
    # The shell named, not detected from the process tree (which has none under some runners).
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = invoke("--show-completion", "bash")
    assert result.exit_code == 0, result.output
    assert "_SUPPLYSIM_COMPLETE" in result.stdout
    assert "--install-completion" in invoke("--help").stdout


def test_quiet_prints_the_results_only() -> None:
    normal, quiet = (
        invoke("run", str(QUICKSTART), *SHORT),
        invoke("-q", "run", str(QUICKSTART), *SHORT),
    )
    assert normal.exit_code == quiet.exit_code == 0, quiet.output
    assert "Fill rate" in quiet.stdout
    assert "excluded as warm-up" in normal.stdout
    assert "excluded as warm-up" not in quiet.stdout


def test_verbose_shows_every_network_kpi_and_the_provenance() -> None:
    normal = invoke("run", str(QUICKSTART), *SHORT)
    verbose = invoke("-v", "run", str(QUICKSTART), *SHORT)
    assert verbose.exit_code == 0, verbose.output
    assert "scenario hash" in verbose.stdout and "simpy" in verbose.stdout
    assert "days of supply" in verbose.stdout and "days of supply" not in normal.stdout


def test_quiet_and_verbose_together_are_bad_arguments() -> None:
    result = invoke("-q", "-v", "run", str(QUICKSTART))
    assert result.exit_code == 2
    assert "--quiet" in result.stderr and "--verbose" in result.stderr


def test_run_merges_overlays_in_order(tmp_path: Path) -> None:
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text("horizon: 50\n")
    second.write_text("horizon: 45\n")
    assert run_json("--overlay", str(first))["provenance"]["horizon_days"] == 50
    both = run_json("--overlay", str(first), "--overlay", str(second))
    assert both["provenance"]["horizon_days"] == 45


def test_run_set_overrides_scenario_values() -> None:
    baseline = run_json(*SHORT)
    document = run_json(
        *SHORT, "--set", "nodes[kind=retailer].inventory.policy.s=0", "--set", "seed=3"
    )
    assert document["provenance"]["seed"] == 3
    # Stores that reorder only when empty serve fewer customers from stock.
    assert document["kpis"]["fill_rate"] < baseline["kpis"]["fill_rate"]


def test_validate_set_checks_the_changed_scenario() -> None:
    result = invoke("validate", str(QUICKSTART), "--set", "horizon=-1")
    assert result.exit_code == 2
    assert "'--set'" in result.stderr and "horizon" in result.stderr


def test_study_takes_replications_days_and_set_from_the_command_line(
    tmp_path: Path, two_variant_study: Callable[[int], Path]
) -> None:
    study = two_variant_study(5)
    out = tmp_path / "results"
    args = ["study", str(study), "-n", "2", "--days", "40", "--set", "nodes.dc.inventory.initial=0"]
    result = invoke(*args, "--executor", "serial", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert {row["n"] for row in document["summary"]} == {2}
    scenarios = [json.loads(path.read_text()) for path in (out / "scenarios").glob("*.json")]
    assert len(scenarios) == 2
    assert all(scenario["horizon"] == 40 for scenario in scenarios)
    assert all(
        node["inventory"]["initial"] == 0
        for scenario in scenarios
        for node in scenario["nodes"]
        if node["id"] == "dc"
    )


def test_stress_takes_set_overrides() -> None:
    result = invoke(
        "stress",
        str(QUICKSTART),
        "--remove-each",
        "dc",
        "--at",
        "35",
        "--for",
        "3",
        "-n",
        "1",
        "--executor",
        "serial",
        "--set",
        "horizon=50",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert [case["case"] for case in json.loads(result.stdout)["cases"]] == ["remove dc"]


def test_list_kpis_gives_every_kpi_its_direction_and_definition() -> None:
    result = invoke("list", "kpis", "--json")
    assert result.exit_code == 0, result.output
    entries = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert set(entries) == set(KPI_DEFINITIONS)
    assert entries["fill_rate"]["better"] == "higher"
    assert entries["total_cost"]["better"] == "lower"
    assert entries["demand"]["better"] == "neither"
    assert all(entry["definition"] == KPI_DEFINITIONS[name] for name, entry in entries.items())
    table = invoke("list", "kpis")
    assert "fill_rate" in table.stdout and "higher" in table.stdout


# Run in a fresh interpreter: every command's help, then which modules that loaded.
_HELP_PROBE = """
import json, sys
import typer
from simulator.cli import app

def paths(command, prefix):
    yield prefix
    for name, sub in getattr(command, "commands", {}).items():
        yield from paths(sub, [*prefix, name])

shown = {}
for path in paths(typer.main.get_command(app), []):
    try:
        app([*path, "--help"], prog_name="supplysim")
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)))
"""
HEAVY = ("numpy", "pandas", "simpy", "matplotlib", "ortools", "scipy", "pyarrow", "rich")


@pytest.fixture(scope="module")
def help_probe() -> tuple[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _HELP_PROBE], capture_output=True, text=True, check=True, cwd=ROOT
    )
    *pages, modules = done.stdout.rstrip().rsplit("\n", 1)
    return "\n".join(pages), json.loads(modules)


def test_help_loads_no_heavy_module(help_probe: tuple[str, list[str]]) -> None:
    _, modules = help_probe
    heavy = [m for m in modules if m.split(".")[0] in HEAVY]
    assert heavy == [], "imported while showing help: " + ", ".join(heavy[:10])
    simulator = [m for m in modules if m.startswith("simulator.") and ".cli" not in m]
    assert simulator == []


def test_help_shows_no_python_types(help_probe: tuple[str, list[str]]) -> None:
    pages, _ = help_probe
    assert "Usage: supplysim stress" in pages and "Usage: supplysim list kpis" in pages
    for leak in ("list[", "Literal", "None", "<bool>", "<str>", "<int", "<float"):
        assert leak not in pages, leak
    assert "--set PATH=VALUE" in pages and "--overlay FILE" in pages
