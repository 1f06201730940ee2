"""The HTML report of a study's results: the bridge from a StudyResult to the report tables."""

from __future__ import annotations

from typing import Any

from simulator.experiment.results import StudyResult
from simulator.experiment.stats import HIGHER_IS_BETTER
from simulator.metrics.result import package_versions
from simulator.report.html import CHANNEL_COLUMNS, build_report


def render_study_report(
    result: StudyResult, *, confidence: float = 0.95, wall_time: float | None = None
) -> str:
    """A self-contained HTML page comparing the study's variants.

    Args:
        result: A study's results (complete, or as far as they got).
        confidence: Confidence level of every interval.
        wall_time: Total computing time of the runs, in seconds, if known.
    """
    study = result.study
    baseline = study.variant(study.baseline).scenario
    # Rank by the first KPI of interest that has a better direction (demand has none).
    ranking_metric = next((k for k in study.kpis if k in HIGHER_IS_BETTER), None)
    meta: dict[str, Any] = {
        "name": study.name,
        "description": study.description,
        "baseline": study.baseline,
        "replications": int(result.runs.groupby("variant")["replication"].nunique().min()),
        "seeds": f"{study.seed} + replication"
        if study.common_random_numbers
        else "one per variant and replication",
        "common_random_numbers": study.common_random_numbers,
        "warmup": result.warmup,
        "horizon": baseline.horizon,
        "confidence": confidence,
        "wall_time": wall_time,
        "versions": package_versions(),
        "kpis": list(study.kpis),
        "frontier": study.frontier.model_dump(),
        "currency": baseline.currency,
        "ranking_metric": ranking_metric,
    }
    network = result.runs[result.runs["scope"] == "network"]
    partners = result.runs[
        (result.runs["scope"] == "partner") & (result.runs["variant"] == study.baseline)
    ]
    # Mean over replications of each partner's figures (NaN where a figure is undefined).
    scorecard = (
        partners.pivot_table(index="id", columns="metric", values="value", aggfunc="mean")
        .rename_axis(index="node", columns=None)
        .reset_index()
    )
    return build_report(
        summary=result.summary(metrics=sorted(set(network["metric"])), confidence=confidence),
        paired=result.paired(metrics=sorted(set(network["metric"])), confidence=confidence),
        series=result.series,
        flows=result.flows,
        scenario=baseline,
        meta=meta,
        scorecard=scorecard,
        channels=result.summary(
            scope="channel", metrics=list(CHANNEL_COLUMNS), confidence=confidence
        ),
        ranking=result.ranking(ranking_metric)
        if ranking_metric and len(study.variants()) > 1
        else None,
    )
