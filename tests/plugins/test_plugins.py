"""Plug-ins found through entry points only: a policy and a disruption kind from a package
that supplysim does not import, used from a YAML scenario.

Each test runs the command line in a fresh process whose path holds the package and its
distribution metadata (``entry_points.txt``), as an installed plug-in would be found; the
test process's registries stay as they were.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator import run
from simulator.scenario import scenario_from_data

PACKAGE_ROOT = Path(__file__).parent
ENTRY_POINTS = """\
[supplysim.policies]
fixed = supplysim_testplugin.policy:register

[supplysim.disruptions]
closure = supplysim_testplugin.closure:KIND
"""


def shop(policy: dict[str, Any], disruption: dict[str, Any]) -> dict[str, Any]:
    """A shop reordering under ``policy``, closed by ``disruption`` on days 5 to 8."""
    return {
        "name": "plug-ins",
        "horizon": 20,
        "products": [{"id": "a", "unit_cost": 1, "price": 2}],
        "nodes": [
            {"id": "s", "kind": "supplier"},
            {"id": "shop", "kind": "retailer", "inventory": {"policy": policy, "initial": 200}},
        ],
        "lanes": [{"from": "s", "to": "shop", "lead_time": 2}],
        "demand": [{"id": "z", "node": "shop", "daily": {"dist": "poisson", "mean": 10}}],
        "disruptions": [{"id": "shut", "when": {"start": 5, "duration": 3}, **disruption}],
    }


PLUGGED = shop(
    {"type": "fixed", "quantity": 30, "review_period": 3},
    {"type": "closure", "node": "shop"},
)


@pytest.fixture
def supplysim(tmp_path: Path) -> Any:
    """Runs ``supplysim ARGS`` with the plug-in installed; returns the completed process."""
    info = tmp_path / "site" / "supplysim_testplugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: supplysim-testplugin\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(info.parent), str(PACKAGE_ROOT)])}

    def supplysim(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", "from simulator.cli import main; main()", *args]
        return subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True)

    return supplysim


def write(folder: Path, data: dict[str, Any]) -> str:
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def test_a_scenario_runs_with_a_plug_in_policy_and_disruption_kind(
    supplysim: Any, tmp_path: Path
) -> None:
    done = supplysim("run", write(tmp_path, PLUGGED), "--seed", "4", "--json")
    assert done.returncode == 0, done.stderr
    kpis = json.loads(done.stdout)["kpis"]
    # The plug-ins do what built-in ones do: (T, Q) orders Q every T days, and an outage at
    # no capacity closes the node. Same seed, same demand: the very same run.
    same = shop(
        {"type": "TQ", "T": 3, "Q": 30},
        {"type": "facility_outage", "nodes": ["shop"], "capacity": 0},
    )
    built_in = run(scenario_from_data(same), seed=4)
    for metric in ("units_sold", "fill_rate", "backorders_mean", "on_hand_mean", "total_cost"):
        assert kpis[metric] == pytest.approx(built_in.kpi(metric), rel=1e-12), metric
    # ... and the closure acted: without it the shop serves its customers from stock.
    open_all_along = run(scenario_from_data({**same, "disruptions": []}), seed=4)
    assert (open_all_along.kpi("fill_rate"), open_all_along.kpi("backorders_max")) == (1, 0)
    assert kpis["fill_rate"] < 1 and kpis["backorders_max"] > 0


def test_plug_in_parameters_and_references_are_checked_at_their_line(
    supplysim: Any, tmp_path: Path
) -> None:
    bad = shop(
        {"type": "fixed", "quantity": -1, "review_period": 3},
        {"type": "closure", "node": "nowhere"},
    )
    bad["nodes"].append({"id": "dc", "kind": "warehouse", "inventory": {"policy": {"type": "fix"}}})
    path = write(tmp_path, bad)
    done = supplysim("validate", path)
    assert done.returncode == 2
    lines = yaml.safe_dump(bad, sort_keys=False).splitlines()

    def line_of(text: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if line.endswith(text))

    assert (
        f"{path}:{line_of('quantity: -1')}: nodes[1].inventory.policy.quantity: "
        "Input should be greater than 0" in done.stderr
    )
    assert f"{path}:{line_of('node: nowhere')}: disruptions[0].node: unknown node 'nowhere'" in (
        done.stderr
    )
    # An unknown type lists the valid ones, the plug-in's among them.
    unknown = next(line for line in done.stderr.splitlines() if "unknown type 'fix'" in line)
    assert f"{path}:{line_of('type: fix')}: nodes[2].inventory.policy.type:" in unknown
    assert "'fixed'" in unknown and "'TQ'" in unknown


def test_the_list_of_kinds_shows_the_plug_in(supplysim: Any) -> None:
    kinds = json.loads(supplysim("list", "disruptions", "--json").stdout)
    closure = next(k for k in kinds if k["name"] == "closure")
    assert [p["name"] for p in closure["parameters"]] == ["node"]
