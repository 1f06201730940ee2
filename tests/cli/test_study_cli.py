"""The study, compare and report commands: outputs, resumption and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from simulator.cli import app

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def write_study(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "study.yaml"
    path.write_text(
        f"""
study: small
scenario: {SCENARIOS / "quickstart.yaml"}
replications: 3
seed: 5
horizon: 60
kpis: [fill_rate, total_cost]
variants:
  - name: base
  - name: lean
    overrides: {{"nodes[kind=retailer].inventory.policy.s": 30}}
{extra}"""
    )
    return path


def test_study_writes_results_and_resumes_without_rerunning(tmp_path: Path) -> None:
    out = tmp_path / "results"
    first = invoke(
        "study", str(write_study(tmp_path)), "--out", str(out), "--executor", "serial", "--json"
    )
    assert first.exit_code == 0, first.output
    document = json.loads(first.stdout)
    variants = {row["variant"] for row in document["summary"]}
    assert variants == {"base", "lean"}
    assert {row["variant"] for row in document["paired"]} == {"lean"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["runs"]) == 6
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet")}

    again = invoke(
        "study", str(write_study(tmp_path)), "--out", str(out), "--executor", "serial", "--json"
    )
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["summary"] == document["summary"]
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet")} == stamps  # nothing rerun


def test_report_writes_a_self_contained_page(tmp_path: Path) -> None:
    out = tmp_path / "results"
    assert (
        invoke(
            "study", str(write_study(tmp_path)), "--out", str(out), "--executor", "serial"
        ).exit_code
        == 0
    )
    page = tmp_path / "page.html"
    result = invoke("report", str(out), "--html", str(page))
    assert result.exit_code == 0, result.output
    html = page.read_text()
    assert html.count("data:image/png;base64,") >= 5
    assert "lean" in html and "<script" not in html
    assert "Partner scorecard (base)" in html
    assert all(f"store-{k}" in html for k in range(1, 6))  # every retailer has a row


def test_compare_pairs_two_scenario_files(tmp_path: Path) -> None:
    result = invoke(
        "compare",
        str(SCENARIOS / "quickstart.yaml"),
        str(SCENARIOS / "quickstart_lean.yaml"),
        "-n",
        "3",
        "--executor",
        "serial",
        "--json",
    )
    assert result.exit_code == 0, result.output
    paired = json.loads(result.stdout)["paired"]
    assert {row["variant"] for row in paired} == {"quickstart_lean"}
    assert all(row["n"] == 3 for row in paired)


def test_a_bad_study_file_is_bad_input_with_its_line(tmp_path: Path) -> None:
    path = write_study(tmp_path, extra="replicatoins: 4\n")
    result = invoke("study", str(path), "--out", str(tmp_path / "r"), "--executor", "serial")
    assert result.exit_code == 2
    assert f"{path}:" in result.stderr and "replicatoins" in result.stderr


def test_a_precision_target_adds_replications_up_to_the_cap(tmp_path: Path) -> None:
    out = tmp_path / "results"
    result = invoke(
        "study",
        str(write_study(tmp_path)),
        "--out",
        str(out),
        "--executor",
        "serial",
        "--precision",
        "0.00001",  # unreachably tight: the cap decides
        "--metric",
        "fill_rate",
        "--max-replications",
        "5",
        "--json",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert {row["n"] for row in document["summary"]} == {5}
    assert document["notes"], "the study says whether the target was met"


def test_the_table_lists_kpis_in_the_study_files_order(tmp_path: Path) -> None:
    study = write_study(tmp_path)
    study.write_text(
        study.read_text().replace("[fill_rate, total_cost]", "[total_cost, fill_rate]")
    )
    result = invoke("study", str(study), "--out", str(tmp_path / "r"), "--executor", "serial")
    assert result.exit_code == 0, result.output
    assert result.stdout.index("total cost") < result.stdout.index("fill rate")
