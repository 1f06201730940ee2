"""The KPI catalogue agrees with what runs compute, with the docs and with its consumers."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from tiny_networks import desk_shop

from simulator import Result, load_scenario, run
from simulator.experiment.stats import HIGHER_IS_BETTER, NEUTRAL_METRICS
from simulator.metrics import KPI_DEFINITIONS
from simulator.metrics.catalogue import CATALOGUE, SCORECARD, Feature
from simulator.metrics.catalogue.doc import END, refresh
from simulator.metrics.scorecard import SCORECARD_DEFINITIONS
from simulator.report.labels import difference_label, metric_direction, metric_label
from tests.test_shipped_scenarios import RUNNABLE

DOC = Path(__file__).resolve().parents[2] / "docs" / "kpis.md"


def features(result: Result) -> set[Feature]:
    """What the run's scenario has that some KPIs need, read from the scenario itself."""
    scenario = result.scenario
    found: set[Feature] = set()
    if any(product.shelf_life is not None for product in scenario.products):
        found.add("perishable")
    if scenario.fleets:
        found.add("fleet")
    event_nodes = {zone.node for zone in scenario.demand if zone.orders is not None}
    if not event_nodes:
        found.add("daily_path")
    desks = {node.id for node in scenario.nodes if node.processing is not None}
    if desks:
        found.add("desk")
    if desks & event_nodes:
        found.add("customer_desk")
    return found


@pytest.fixture(scope="module")
def runs() -> dict[str, Result]:
    """A short run of every shipped scenario, and the tiny one with a customer desk."""
    out = {}
    for path in RUNNABLE:
        scenario = load_scenario(path)
        out[path.name] = run(scenario, days=min(scenario.horizon, math.ceil(scenario.warmup) + 20))
    out["desk"] = desk_shop(rate=8.0, processing_time=0.1, horizon=10, seed=1)
    return out


def test_each_run_computes_exactly_the_kpis_its_features_call_for(
    runs: dict[str, Result],
) -> None:
    for name, result in runs.items():
        have = features(result)
        expected = {m for m, kpi in CATALOGUE.items() if kpi.needs in {None, *have}}
        assert set(result.kpis.metric) == expected, name
        assert result.kpis.value.dtype == np.float64


def test_rows_are_in_the_declared_scopes_and_every_scope_is_seen(
    runs: dict[str, Result],
) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for result in runs.values():
        for metric, scopes in result.kpis.groupby("metric").scope:
            seen[metric] |= set(scopes)
    assert {m: set(kpi.scopes) for m, kpi in CATALOGUE.items()} == seen


def test_definitions_and_directions_are_views_of_the_catalogue() -> None:
    assert {m: kpi.definition for m, kpi in CATALOGUE.items()} == KPI_DEFINITIONS
    assert set(HIGHER_IS_BETTER) | NEUTRAL_METRICS == set(CATALOGUE)
    for metric in CATALOGUE:
        direction = CATALOGUE[metric].direction
        assert metric_direction(metric) == {"higher": 1, "lower": -1, "neutral": 0}[direction]
        assert (metric in NEUTRAL_METRICS) == (direction == "neutral")
    assert {c: kpi.definition for c, kpi in SCORECARD.items()} == SCORECARD_DEFINITIONS


def test_report_labels_come_from_the_catalogue() -> None:
    assert metric_label("purchases", "EUR") == "purchases (EUR)"
    assert metric_label("on_hand_time_mean") == "on hand, time average (units)"
    assert metric_label("desk_wait_probability") == "P(wait at desk) (share, %)"
    assert metric_label("transport_cost_per_unit", "USD") == "transport cost per unit (USD/unit)"
    assert difference_label("desk_wait_probability") == "P(wait at desk) (percentage points)"
    assert metric_label("not_a_kpi") == "not a kpi"


def test_docs_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert refresh(text) == text, (
        "docs/kpis.md is stale; regenerate it with "
        "`python -m simulator.metrics.catalogue.doc docs/kpis.md`"
    )
    for name in [*CATALOGUE, *SCORECARD]:
        assert f"| `{name}` |" in text, name


def test_a_stale_or_missing_table_is_rewritten_or_reported() -> None:
    text = DOC.read_text(encoding="utf-8")
    stale = text.replace("| `purchases` |", "| `spend` |")
    assert stale != text and refresh(stale) == text
    start = text.index("<!-- catalogue: desks -->")
    without = text[:start] + text[text.index(END, start) + len(END) :]
    with pytest.raises(ValueError, match="desks"):
        refresh(without)
    with pytest.raises(ValueError, match="no KPI section 'queues'"):
        refresh(text.replace("catalogue: desks", "catalogue: queues"))
