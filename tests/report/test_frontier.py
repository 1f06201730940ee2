"""The frontier chart plots the KPIs the study file chooses, from the file to the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from typer.testing import CliRunner

from simulator.cli import app
from simulator.report.html import build_report
from simulator.report.study_plots import efficient_variants, plot_frontier
from tests.report.test_study_plots import make_study

SCENARIOS = Path(__file__).parents[2] / "scenarios"
# Per variant: (otif, fleet cost) means. On these KPIs "lean" dominates, while on the default
# ones (fill rate, total cost) every variant of the synthetic study is efficient.
FLEET = {"base": (0.94, 5_000.0), "lean": (0.97, 4_000.0), "fast": (0.96, 4_500.0)}
FRONTIER = {"cost": "fleet_cost", "service": "otif"}


def _with_fleet_kpis(summary: pd.DataFrame) -> pd.DataFrame:
    template = summary[summary["metric"] == "fill_rate"]
    rows = []
    for k, metric in enumerate(("otif", "fleet_cost")):
        means = template["variant"].map(lambda v, k=k: FLEET[v][k])
        rows.append(template.assign(metric=metric, mean=means, half_width=0.01 * means))
    return pd.concat([summary, *rows], ignore_index=True)


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    return _with_fleet_kpis(make_study().summary)


def test_efficient_variants_follow_the_chosen_kpis(summary: pd.DataFrame) -> None:
    assert efficient_variants(summary) == ["lean", "base", "fast"]
    assert efficient_variants(summary, "otif", "fleet_cost") == ["lean"]


def test_frontier_plots_the_chosen_kpis(summary: pd.DataFrame) -> None:
    figure = plot_frontier(summary, "otif", "fleet_cost", currency="EUR")
    (ax,) = figure.axes
    points = {
        bar.get_label(): (bar.lines[0].get_xdata()[0], bar.lines[0].get_ydata()[0])
        for bar in ax.containers
        if isinstance(bar, ErrorbarContainer)
    }
    assert points == {v: pytest.approx((cost, 100 * otif)) for v, (otif, cost) in FLEET.items()}
    assert ax.get_xlabel() == "fleet cost (EUR), lower is better"
    assert ax.get_ylabel() == "otif (share, %), higher is better"
    assert ax.get_title().startswith("otif against fleet cost")


def _frontier_section(html: str) -> str:
    start = html.index("<h2>Service against cost</h2>")
    return html[start : html.index("</section>", start)]


def _report(summary: pd.DataFrame, meta: dict[str, Any]) -> str:
    study = make_study()
    return build_report(
        summary, study.paired, study.series, study.flows, study.scenario, {**study.meta, **meta}
    )


def test_report_frontier_uses_the_kpis_in_meta(summary: pd.DataFrame) -> None:
    default = _frontier_section(_report(summary, {}))
    assert "cheapest first: lean, base, fast." in default
    assert 'alt="fill rate against total cost' in default
    chosen = _frontier_section(_report(summary, {"frontier": FRONTIER}))
    assert "cheapest first: lean." in chosen
    assert 'alt="otif against fleet cost' in chosen


def test_report_frontier_without_its_kpis_is_a_note() -> None:
    section = _frontier_section(_report(make_study().summary, {"frontier": FRONTIER}))
    assert "Not shown: the study has no network otif and fleet_cost." in section
    assert "<img" not in section


def _study_file(tmp_path: Path, frontier: str) -> Path:
    path = tmp_path / "study.yaml"
    path.write_text(
        f"""\
study: small
scenario: {SCENARIOS / "quickstart.yaml"}
replications: 2
seed: 5
horizon: 40
variants:
  - name: base
  - name: lean
    overrides: {{"nodes[kind=retailer].inventory.policy.s": 30}}
report:
  frontier: {frontier}
"""
    )
    return path


def test_the_study_files_frontier_reaches_the_report(tmp_path: Path) -> None:
    path = _study_file(tmp_path, "{cost: holding_cost, service: cycle_service_level}")
    out = tmp_path / "results"
    cli = CliRunner()
    ran = cli.invoke(app, ["study", str(path), "--out", str(out), "--executor", "serial"])
    assert ran.exit_code == 0, ran.output
    reported = cli.invoke(app, ["report", str(out)])
    assert reported.exit_code == 0, reported.output
    section = _frontier_section((out / "report.html").read_text())
    assert 'alt="cycle service level against holding cost' in section


def test_an_unknown_frontier_kpi_is_bad_input_with_its_line(tmp_path: Path) -> None:
    path = _study_file(tmp_path, "{cost: fleet_cost, service: otiff}")
    result = CliRunner().invoke(app, ["study", str(path), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert f"{path}:11: report.frontier.service: unknown KPI 'otiff'" in result.stderr
    assert not (tmp_path / "r").exists()
