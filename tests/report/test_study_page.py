"""The report of a small study, as a user gets it from the command line: the verdict first,
every table downloadable as CSV and in one Excel workbook, the page rendered from templates."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from importlib import resources
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from simulator.cli import app

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
STUDY = f"""
study: small
scenario: {SCENARIOS / "quickstart.yaml"}
replications: 4
seed: 5
horizon: 60
kpis: [fill_rate, total_cost, holding_cost, ordering_cost, lost_sales, on_hand_mean]
objectives:
  cost_per_unit_filled: {{expr: total_cost / (fill_rate * 100), direction: min, unit: EUR}}
constraints: ["fill_rate >= 0.5", "lost_sales <= 1e9"]
variants:
  - name: base
  - name: lean
    overrides: {{"nodes[kind=retailer].inventory.policy.s": 30}}
"""
LINK = re.compile(r'<a download="([^"]+)" href="data:([^;]+)(?:;charset=utf-8)?;base64,([^"]+)">')


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("study")
    study = folder / "study.yaml"
    study.write_text(STUDY)
    out = folder / "results"
    args = ["study", str(study), "--out", str(out), "--executor", "serial"]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    return out, done.stdout


def test_the_study_command_opens_with_the_verdict(results: tuple[Path, str]) -> None:
    _, text = results
    first = text.strip().splitlines()[0]
    assert re.match(
        r"(base|lean) is best on the cost per unit filled: [\d.,]+ ± [\d.,]+ EUR", first
    )
    assert "probability of being best" in text
    assert "Constraint fill rate ≥ 50%: holds for" in text


def test_the_json_output_carries_the_verdict(results: tuple[Path, str]) -> None:
    out, _ = results
    study = out.parent / "study.yaml"
    args = ["study", str(study), "--out", str(out), "--executor", "serial", "--json"]
    verdict = json.loads(CliRunner().invoke(app, args).stdout)["verdict"]
    assert verdict["best"] in ("base", "lean") and verdict["runner_up"] in ("base", "lean")
    assert verdict["objective"]["name"] == "cost_per_unit_filled"
    assert {c["constraint"] for c in verdict["checks"]} == {"fill_rate >= 0.5", "lost_sales <= 1e9"}
    assert verdict["best"] in verdict["selection"]["subset"]


@pytest.fixture(scope="module")
def page(results: tuple[Path, str]) -> str:
    out, _ = results
    done = CliRunner().invoke(app, ["report", str(out)])
    assert done.exit_code == 0, done.output
    return (out / "report.html").read_text(encoding="utf-8")


def test_the_page_opens_with_the_verdict(page: str) -> None:
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert headings[0] == "Verdict"
    verdict = page.split('<section id="verdict"')[1].split("</section>")[0]
    assert re.search(r"<b>(base|lean)</b> is best on the cost per unit filled", verdict)


def test_every_table_is_a_csv_download_and_a_sheet_of_the_workbook(page: str) -> None:
    tables = re.findall(r'<table id="table-([\w-]+)">', page)
    links = {name: (mime, data) for name, mime, data in LINK.findall(page)}
    assert len(tables) >= 4  # ranking, comparison (split in two), differences
    for key in tables:
        mime, data = links[f"{key}.csv"]
        assert mime == "text/csv"
        header = next(csv.reader(io.StringIO(base64.b64decode(data).decode("utf-8"))))
        assert "variant" in header or "node" in header  # the partner scorecard: by node
    (book,) = [name for name in links if name.endswith(".xlsx")]
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(links[book][1])))
    assert len(workbook.sheetnames) == len(tables)


def test_wide_tables_are_split_to_fit_a_screen(page: str) -> None:
    assert "Comparison (1 of 2)" in page and "Comparison (2 of 2)" in page
    assert page.count('<div class="scroll">') == len(re.findall(r'<table id="table-', page))


def test_the_page_is_rendered_from_the_shipped_templates(page: str) -> None:
    templates = resources.files("simulator.report") / "templates"
    base = (templates / "base.html.j2").read_text(encoding="utf-8")
    assert page.startswith(base.split("<title>")[0])  # the template's head, as shipped
    assert {"base.html.j2", "macros.html.j2", "study.html.j2", "stress.html.j2"} <= {
        p.name for p in templates.iterdir()
    }
    assert len(re.findall(r'<img alt="[^"]*" src="data:image/png;base64,', page)) == 6 + 2
