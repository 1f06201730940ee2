"""The public face: what ``simulator`` and ``policies`` export, and which way imports point.

The list below is the documented API (README, ``simulator/__init__.py``). Changing it is a
deliberate act: update the documentation and this list together.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import simulator

ROOT = Path(__file__).resolve().parents[1]

PUBLIC_API = [
    "Result",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "Study",
    "StudyResult",
    "load_scenario",
    "load_study",
    "make_executor",
    "run",
    "with_overrides",
]


def test_simulator_all_is_the_documented_list() -> None:
    assert simulator.__all__ == PUBLIC_API


@pytest.mark.parametrize("name", PUBLIC_API)
def test_public_name_is_importable(name: str) -> None:
    module = importlib.import_module("simulator")
    assert getattr(module, name, None) is not None, f"simulator.{name} is missing"


def test_public_api_objects_are_what_they_claim() -> None:
    from simulator import Result, Scenario, ScenarioError, Simulation, load_scenario, run

    assert issubclass(ScenarioError, Exception)
    assert isinstance(Result, type) and isinstance(Simulation, type)
    assert hasattr(Scenario, "model_validate")
    assert callable(load_scenario) and callable(run)


def _probe_policies() -> dict[str, Any]:
    """Import ``policies`` in a fresh interpreter, as a user would.

    In-process, pytest puts ``tests/`` on ``sys.path`` and the ``tests/policies`` folder (no
    ``__init__.py``) can stand in for the package as a namespace package, hiding ``__all__``.
    """
    code = textwrap.dedent(
        """
        import json, sys, policies
        names = list(getattr(policies, "__all__", []))
        print(json.dumps({
            "file": getattr(policies, "__file__", None),
            "all": names,
            "missing": [n for n in names if getattr(policies, n, None) is None],
            "loaded": sorted(m for m in sys.modules if m.split(".")[0] in ("simulator", "simpy")),
        }))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def policies_probe() -> dict[str, Any]:
    return _probe_policies()


def test_policies_exports_are_importable(policies_probe: dict[str, Any]) -> None:
    assert policies_probe["file"] is not None, "policies imported as a namespace package"
    assert {"REPLENISHMENT", "InventoryView", "ReplenishmentPolicy"} <= set(policies_probe["all"])
    assert len(policies_probe["all"]) == len(set(policies_probe["all"]))
    assert policies_probe["missing"] == []


def test_importing_policies_loads_neither_simulator_nor_simpy(
    policies_probe: dict[str, Any],
) -> None:
    assert policies_probe["loaded"] == []


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every absolute import in a source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


POLICY_SOURCES = sorted((ROOT / "policies").rglob("*.py"))


def test_policy_sources_are_found() -> None:
    assert ROOT / "policies" / "replenishment.py" in POLICY_SOURCES


@pytest.mark.parametrize("path", POLICY_SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_policies_import_nothing_from_simulator(path: Path) -> None:
    offending = [
        f"{path.name}:{line}: {module}"
        for line, module in _imported_modules(path)
        if module == "simulator"
        or module.startswith("simulator.")
        or module in ("simpy",)
        or module.startswith("simpy.")
    ]
    assert not offending, "policies/ must depend on neither simulator nor SimPy: " + ", ".join(
        offending
    )
