"""Scenario layer: YAML in, a validated and frozen :class:`Scenario` out. Knows nothing of SimPy."""

from simulator.scenario.errors import Problem, ScenarioError, ScenarioWarning
from simulator.scenario.loader import load_scenario, scenario_from_data, with_overrides
from simulator.scenario.models import Scenario

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioWarning",
    "load_scenario",
    "scenario_from_data",
    "with_overrides",
]
