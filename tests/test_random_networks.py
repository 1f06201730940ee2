"""Random valid networks mixing every feature keep their books, stay finite and repeat exactly.

Each example is a scenario document from ``tests/strategies/networks.py``, loaded like a
file. The default suite draws 200 of them (about half a minute) and reports a failing
document as drawn. Set ``SUPPLYSIM_PROPERTY_EXAMPLES`` to explore: it draws that many (for
example 5000 before a release) and shrinks a failure to a small document, which can take
minutes. Save it under ``tests/regressions/`` as YAML, with a comment saying what goes wrong,
and it becomes a regression test.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings

from simulator import run
from simulator.scenario import scenario_from_data
from tests.strategies.invariants import assert_sound
from tests.strategies.networks import networks

EXPLORING = "SUPPLYSIM_PROPERTY_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("SUPPLYSIM_PROPERTY_EXAMPLES", "200"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    # Shrinking these documents takes minutes: only when exploring.
    phases=[p for p in Phase if p is not Phase.shrink or EXPLORING],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(networks())
def test_random_networks_keep_their_books_and_repeat_exactly(data: dict[str, Any]) -> None:
    scenario = scenario_from_data(data)  # a generated document must be valid
    result = run(scenario)
    assert_sound(result)
    again = run(scenario)
    pd.testing.assert_frame_equal(again.kpis, result.kpis)
    pd.testing.assert_frame_equal(again.audit(), result.audit())
