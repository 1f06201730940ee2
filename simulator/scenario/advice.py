"""Warnings about valid scenarios that probably do not say what their author meant.

They do not stop a load: :func:`simulator.load_scenario` issues each as a
:class:`~simulator.scenario.errors.ScenarioWarning` (``file:line: path: message``), and
``supplysim validate`` lists them.
"""

from __future__ import annotations

from simulator.scenario.disruptions import Recurring, Scheduled
from simulator.scenario.errors import DocPath
from simulator.scenario.models import Scenario


def advice(scenario: Scenario) -> list[tuple[DocPath, str]]:
    """Every warning about ``scenario``, with its document path."""
    found: list[tuple[DocPath, str]] = []
    for i, disruption in enumerate(scenario.disruptions):
        when = disruption.when
        if isinstance(when, Scheduled):
            key, start = "start", when.start
        elif isinstance(when, Recurring):
            key, start = "first", when.first
        else:
            continue  # triggered: starts when its cause does
        if start >= scenario.horizon:
            message = (
                f"starts on day {start:g}, after the {scenario.horizon:g}-day horizon: "
                "it never happens"
            )
            found.append((("disruptions", i, "when", key), message))
    return found
