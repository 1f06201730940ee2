"""supplysim: discrete-event simulation of distribution networks.

The public API::

    from simulator import load_scenario, run
    result = run(load_scenario("scenarios/quickstart.yaml"), seed=1)
    result.kpis          # tidy KPI table

    study = load_study("scenarios/studies/regional_policies.yaml")
    with make_executor("process") as pool:
        comparison = study.run(executor=pool, out="out/regional-policies")
    comparison.paired()  # differences from the baseline, with confidence intervals
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.engine import Simulation
    from simulator.experiment import Study, StudyResult, load_study, make_executor
    from simulator.metrics.result import Result
    from simulator.scenario import Scenario, ScenarioError, load_scenario, with_overrides

# Each public name is imported from its home on first use, so that importing a submodule (the
# `supplysim` command, whose --help must be quick) does not load numpy, pandas and SimPy.
_HOMES = {
    name: module
    for module, names in {
        "simulator.engine": ("Simulation",),
        "simulator.experiment": ("Study", "StudyResult", "load_study", "make_executor"),
        "simulator.metrics.result": ("Result",),
        "simulator.scenario": ("Scenario", "ScenarioError", "load_scenario", "with_overrides"),
    }.items()
    for name in names
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'simulator' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def run(scenario: Scenario, seed: int | None = None, days: float | None = None) -> Result:
    """Simulate one replication of ``scenario`` (its own seed and horizon unless given)."""
    from simulator.engine import Simulation

    return Simulation(scenario, seed=seed, days=days).run()


__all__ = [
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
