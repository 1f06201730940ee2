"""The registry of disruption kinds: built-in kinds found by module, effects by name, and
the kinds' modules kept on the scenario side of the layering."""

from __future__ import annotations

import ast
import pkgutil
import sys
from pathlib import Path

import pytest

import simulator.disruptions.kinds as kinds_package
from simulator.disruptions import Disruption
from simulator.disruptions.registry import effect
from simulator.scenario.disruptions import KINDS, DisruptionKind

BUILT_IN = [
    "customer_side",
    "demand_shock",
    "economic_shift",
    "facility_outage",
    "recall",
    "supplier_shortage",
    "transport_delay",
    "vehicle_breakdowns",
    "weather",
]
KIND_MODULES = sorted(Path(kinds_package.__file__).parent.glob("[!_]*.py"))


def test_every_module_of_the_kinds_package_is_a_registered_kind() -> None:
    modules = [m.name for m in pkgutil.iter_modules(kinds_package.__path__)]
    assert modules == BUILT_IN == KINDS.names()
    for name in BUILT_IN:
        kind = KINDS.get(name)
        assert isinstance(kind, DisruptionKind) and kind.name == name


@pytest.mark.parametrize("name", BUILT_IN)
def test_each_kind_names_an_effect_for_its_own_parameters(name: str) -> None:
    found = effect(name)
    assert issubclass(found, Disruption)
    # The effect module is the kind's namesake, and reads the kind's own parameters.
    assert found.__module__ == f"simulator.disruptions.{name}"
    assert (
        KINDS.params_model(name).__name__
        in Path(sys.modules[found.__module__].__file__ or "").read_text()
    )


def test_an_unknown_kind_lists_the_valid_ones() -> None:
    with pytest.raises(KeyError, match="unknown disruption kind 'flood'; valid: customer_side, "):
        effect("flood")


@pytest.mark.parametrize("path", KIND_MODULES, ids=lambda path: path.stem)
def test_a_kind_module_imports_nothing_from_the_simulation(path: Path) -> None:
    # The scenario layer reads these modules: they may use the scenario layer and pydantic,
    # never the network, the engine or the effects.
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    allowed = ("__future__", "typing", "collections", "pydantic", "simulator.scenario.")
    assert [module for module in imported if not module.startswith(allowed)] == []
