"""Scenarios the random-network property found broken, kept as reproducers in this folder.

Each YAML file's opening comment says what goes wrong and what is expected. A scenario that
can run must run with balanced books, no negative stock and finite KPIs; one that cannot must
be refused at load with collected problems, never fail later with a raw exception.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import ScenarioError, load_scenario, run
from tests.strategies.invariants import assert_sound

HERE = Path(__file__).parent
REFUSED_AT_LOAD = {"market_sku_nobody_sells.yaml": "market.customers"}
"""Reproducers that must not load, and the field their problem names."""
RUNS = sorted(p.name for p in HERE.glob("*.yaml") if p.name not in REFUSED_AT_LOAD)


@pytest.mark.parametrize("name", RUNS)
def test_reproducer_runs_with_sound_books(name: str) -> None:
    assert_sound(run(load_scenario(HERE / name)))


@pytest.mark.parametrize(("name", "field"), sorted(REFUSED_AT_LOAD.items()))
def test_reproducer_is_refused_at_load(name: str, field: str) -> None:
    with pytest.raises(ScenarioError) as refusal:
        load_scenario(HERE / name)
    assert any(field in str(problem) for problem in refusal.value.problems), refusal.value
