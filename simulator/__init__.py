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

from simulator.engine import Simulation
from simulator.experiment import Study, StudyResult, load_study, make_executor
from simulator.metrics.result import Result
from simulator.scenario import Scenario, ScenarioError, load_scenario, with_overrides


def run(scenario: Scenario, seed: int | None = None, days: float | None = None) -> Result:
    """Simulate one replication of ``scenario`` (its own seed and horizon unless given)."""
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
