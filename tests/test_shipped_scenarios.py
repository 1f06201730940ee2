"""Every scenario shipped under ``scenarios/`` loads, validates and runs with balanced books.

The shipped files are the smoke-test corpus (STYLE.md, point 11). Study files and nameless
overlays are not scenarios on their own and are skipped; named overlays (``extends`` plus a
``name``) are loaded through their base like any user would. Disruption overlays (a file of
``disruptions`` beside a ``baseline.yaml``) are run over that baseline, as ``supplysim stress``
does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from simulator import Result, load_scenario, run

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
STUDY_KEYS = {"study", "variants", "replications"}


def _is_scenario(path: Path) -> bool:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or STUDY_KEYS & data.keys():
        return False
    if _is_overlay(data):
        return False
    return "name" in data or "extends" not in data


def _is_overlay(data: dict[str, object]) -> bool:
    return "nodes" not in data and "name" not in data


SHIPPED = sorted(SCENARIOS.rglob("*.yaml"))
RUNNABLE = [p for p in SHIPPED if _is_scenario(p)]
OVERLAYS = [
    p
    for p in SHIPPED
    if (p.parent / "baseline.yaml").exists()
    and _is_overlay(yaml.safe_load(p.read_text(encoding="utf-8")))
]


def _id(path: Path) -> str:
    return path.relative_to(SCENARIOS).as_posix()


def test_there_are_shipped_scenarios() -> None:
    assert RUNNABLE, "scenarios/ holds no runnable scenario"
    assert SCENARIOS / "quickstart.yaml" in RUNNABLE


def assert_books_balance(result: Result) -> None:
    """Per position: initial + received + returned - issued - wasted - removed == final on
    hand; nothing negative."""
    rec, topo = result.records, result.network.topology
    expected = (
        topo.pos_initial
        + rec.total_received
        + rec.total_returned
        - rec.total_issued
        - rec.total_wasted
        - rec.total_removed
    )
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)), float(rec.total_issued.max()))
    np.testing.assert_allclose(result.final_on_hand, expected, rtol=0, atol=1e-6 * scale)
    assert result.final_on_hand.min(initial=0.0) >= -1e-9
    assert result.final_in_transit.min(initial=0.0) >= -1e-6 * scale
    assert rec.series_on_hand.min(initial=0.0) >= -1e-9


@pytest.mark.parametrize("path", RUNNABLE, ids=_id)
def test_shipped_scenario_loads_and_runs_balanced(path: Path) -> None:
    scenario = load_scenario(path)
    days = min(scenario.horizon, 60.0)
    result = run(scenario, days=days)
    assert result.records.n_days == int(np.ceil(days))
    assert result.records.stream_demand.sum() > 0 or scenario.warmup >= days
    assert_audit_balances(result)


@pytest.mark.parametrize("path", OVERLAYS, ids=_id)
def test_shipped_disruption_overlay_runs_balanced_over_its_baseline(path: Path) -> None:
    scenario = load_scenario(path.parent / "baseline.yaml", [path])
    assert scenario.disruptions
    assert_audit_balances(run(scenario))


def assert_audit_balances(result: Result) -> None:
    assert_books_balance(result)
    audit = result.audit()
    imbalance = audit[[c for c in audit.columns if c.endswith("imbalance")]]
    values = imbalance.to_numpy(dtype=float)
    scale = max(1.0, float(np.nanmax(np.abs(audit["issued"].to_numpy(dtype=float)))))
    assert np.nanmax(np.abs(values)) <= 1e-6 * scale, audit[np.abs(values).max(axis=1) > 0]
