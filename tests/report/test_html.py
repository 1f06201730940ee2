"""The self-contained HTML report of a study, built from synthetic tables."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pandas as pd
import pytest

from simulator.report.html import build_report
from simulator.report.page import write_report
from tests.report.test_study_plots import KPIS, VARIANTS, Study, make_study

SECTIONS = [
    "Ranking",
    "Comparison of variants",
    "Differences from the baseline",
    "Service against cost",
    "Intervals per KPI",
    "Inventory and backlog by echelon",
    "Orders against demand",
    "Network maps",
    "Study",
    "KPI definitions",
]
# frontier, intervals, paired, on hand, backlog, orders vs demand, a map per variant
N_FIGURES = 6 + len(VARIANTS)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMG = re.compile(r'<img alt="[^"<>]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)">')


def _build(study: Study, *, ranking: bool = True, channels: pd.DataFrame | None = None) -> str:
    return build_report(
        study.summary,
        study.paired,
        study.series,
        study.flows,
        study.scenario,
        study.meta,
        study.ranking if ranking else None,
        channels=channels,
    )


@pytest.fixture(scope="module")
def study() -> Study:
    return make_study()


@pytest.fixture(scope="module")
def report(study: Study) -> str:
    return _build(study)


def test_every_section_has_a_heading(report: str) -> None:
    headings = re.findall(r"<h2>(.*?)</h2>", report)
    assert headings == SECTIONS
    assert report.count("How to read this.") == len(SECTIONS) - 2  # not header, glossary


def test_one_valid_png_per_figure(report: str) -> None:
    images = IMG.findall(report)
    assert len(images) == report.count("<img") == N_FIGURES
    for data in images:
        assert base64.b64decode(data, validate=True).startswith(PNG_SIGNATURE)


def test_self_contained(report: str) -> None:
    assert "<script" not in report and "<link" not in report
    assert "http://" not in report and "https://" not in report
    assert "<style>" in report


def test_header_and_tables(report: str) -> None:
    assert "<h1>Store policy study</h1>" in report
    for text in ("Replications</th><td>8", "5 days", "40 days", "12.5 s", "supplysim 0.1.0"):
        assert text in report
    for variant in VARIANTS:
        assert variant in report
    assert "(baseline)" in report
    for kpi in KPIS:
        assert f"<dt>{kpi}</dt>" in report
    assert "yes, better" in report or "yes, worse" in report


def test_best_mean_is_highlighted(report: str) -> None:
    # Fill rate is the first KPI column; "fast" has the highest fill rate, "lean" the lowest cost.
    table = report.split("<h2>Comparison of variants</h2>")[1].split("</section>")[0]
    rows = {v: row for v in VARIANTS for row in re.findall(r"<tr>.*?</tr>", table) if v in row}
    cells = {v: re.findall(r"<td( class=\"best\")?>", rows[v]) for v in VARIANTS}
    assert cells["fast"][0] == ' class="best"'
    assert cells["lean"][-1] == ' class="best"'
    assert cells["base"] == [""] * len(KPIS)


def test_ranking_is_optional(study: Study) -> None:
    report = _build(study, ranking=False)
    assert "<h2>Ranking</h2>" not in report
    assert report.count("<img") == N_FIGURES


def test_text_is_escaped() -> None:
    study = make_study(variants=("base", "<script>", "a&b"))
    study.meta["description"] = 'Tries <b>bold</b> & "quotes"'
    report = _build(study)
    assert "<script" not in report
    assert "&lt;script&gt;" in report and "a&amp;b" in report
    assert "Tries &lt;b&gt;bold&lt;/b&gt; &amp; &#34;quotes&#34;" in report


def test_report_is_deterministic(study: Study, report: str) -> None:
    assert _build(study) == report


def test_write_report(tmp_path: Path, report: str) -> None:
    path = tmp_path / "study.html"
    write_report(path, report)
    assert path.read_text(encoding="utf-8") == report
    assert list(tmp_path.iterdir()) == [path]


def test_missing_data_becomes_a_note(study: Study) -> None:
    series = study.series[~study.series["metric"].isin(["backlog", "orders", "demand"])]
    ranking = study.ranking.drop(columns="metric")
    meta = {**study.meta, "ranking_metric": "fill_rate"}
    report = build_report(
        study.summary, study.paired, series, study.flows, study.scenario, meta, ranking
    )
    assert report.count("<img") == N_FIGURES - 2
    assert "Not shown: the study has no daily backlog series." in report
    assert "Not shown: the study has no daily orders and demand series." in report
    assert "<th>fill rate (%)</th><th>probability of best</th>" in report


def test_channel_section_shows_each_channel_and_variant(study: Study) -> None:
    rows = [
        {
            "variant": variant,
            "scope": "channel",
            "id": channel,
            "metric": metric,
            "mean": 0.5 if metric == "fill_rate" else 1000.0,
            "half_width": 0.01 if metric == "fill_rate" else 20.0,
        }
        for variant in VARIANTS
        for channel in ("retail", "ecommerce")
        for metric in ("fill_rate", "revenue")
    ]
    html = _build(study, ranking=False, channels=pd.DataFrame(rows))
    section = html[html.index("<h2>Channels</h2>") :]
    section = section[: section.index("</section>")]
    assert section.count("<tr>") == 1 + 2 * len(VARIANTS)
    assert "50.0 ± 1.0" in section and "1,000 ± 20" in section
    assert "n/a" in section  # margins were not given
