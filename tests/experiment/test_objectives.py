"""Objectives and constraints: read safely from a study file, evaluated per run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.experiment import load_study
from simulator.experiment.objectives import formula_rows, parse_constraint, parse_formula
from simulator.scenario.errors import ScenarioError

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_a_formula_is_arithmetic_over_kpis() -> None:
    formula = parse_formula("(gross_margin - total_cost) / 2 + -1")
    assert formula.names == ("gross_margin", "total_cost")
    values = {"gross_margin": np.array([10.0, 20.0]), "total_cost": np.array([4.0, 2.0])}
    assert formula.evaluate(values).tolist() == [2.0, 8.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('true')", "only \\+ - \\* / and parentheses"),
        ("fill_rate.real", "only \\+ - \\* / and parentheses"),
        ("fill_rate ** 2", "only \\+ - \\* / and parentheses"),
        ("fill_rate if True else 0", "only \\+ - \\* / and parentheses"),
        ("'text'", "only numbers and KPI names"),
        ("True + fill_rate", "only numbers and KPI names"),
        ("gross_margin - totl_cost", "unknown KPI 'totl_cost' at column 16"),
        ("gross_margin -", "is not an expression"),
    ],
)
def test_anything_but_arithmetic_over_kpis_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_formula(text)


def test_a_constraint_is_judged_on_its_interval() -> None:
    at_least = parse_constraint("fill_rate >= 0.95")
    assert (at_least.op, at_least.bound) == (">=", 0.95)
    assert at_least.status(0.96, 0.97) == "holds"
    assert at_least.status(0.94, 0.96) == "unclear"
    assert at_least.status(0.90, 0.94) == "fails"
    at_most = parse_constraint("total_cost < -(-1000)")
    assert at_most.status(900, 950) == "holds" and at_most.status(1001, 1100) == "fails"
    for bad in ("fill_rate", "fill_rate == 1", "fill_rate >= lost_sales", "0 < fill_rate < 1"):
        with pytest.raises(ValueError):
            parse_constraint(bad)


def test_formula_rows_follow_the_study_order_and_pair_by_replication() -> None:
    runs = pd.DataFrame(
        [
            {"variant": v, "replication": r, "scope": "network", "id": "network"}
            | {"metric": m, "value": float(10 * r + k)}
            for k, v in enumerate(["zeta", "alpha"])
            for r in range(2)
            for m in ("gross_margin", "total_cost")
        ]
    )
    rows = formula_rows(runs, {"bottom_line": parse_formula("gross_margin - 2 * total_cost")})
    assert rows["variant"].tolist() == ["zeta", "zeta", "alpha", "alpha"]
    assert rows["value"].tolist() == [-0.0, -10.0, -1.0, -11.0]
    assert set(rows["scope"]) == {"objective"}


def _study(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "study.yaml"
    path.write_text(
        f"study: s\nscenario: {SCENARIOS / 'quickstart.yaml'}\nreplications: 2\n{extra}"
    )
    return path


def test_a_study_file_declares_objectives_and_constraints(tmp_path: Path) -> None:
    study = load_study(
        _study(
            tmp_path,
            "objectives:\n  margin: {expr: gross_margin - total_cost, direction: max, unit: EUR}\n"
            "constraints: ['fill_rate >= 0.9']\n",
        )
    )
    assert study.objective is not None and study.objective.label == "margin (EUR)"
    assert study.constraints == ("fill_rate >= 0.9",)


def test_a_study_without_objectives_decides_on_its_first_directional_kpi(tmp_path: Path) -> None:
    study = load_study(_study(tmp_path, "kpis: [demand, total_cost]\n"))
    assert study.objective is not None
    assert (study.objective.expr, study.objective.direction) == ("total_cost", "min")


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        ("objectives:\n  m: {expr: gross_margn - 1, direction: max}\n", 5, "unknown KPI"),
        ("objectives:\n  m: {expr: open('x'), direction: max}\n", 5, "only \\+ - \\* /"),
        ("objectives:\n  fill_rate: {expr: fill_rate, direction: max}\n", 5, "is a KPI"),
        ("objectives:\n  m: {expr: fill_rate, direction: up}\n", 5, "'max' or 'min'"),
        ("constraints:\n  - fill_rat >= 0.9\n", 5, "unknown KPI 'fill_rat'"),
    ],
)
def test_a_bad_objective_or_constraint_names_its_line(
    tmp_path: Path, extra: str, line: int, message: str
) -> None:
    path = _study(tmp_path, extra)
    with pytest.raises(ScenarioError, match=message) as error:
        load_study(path)
    assert f"{path}:{line}:" in str(error.value)
