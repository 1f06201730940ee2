"""A run's files on disk: tables, figure, effective scenario and summary, each written
atomically; ``summary.json`` is written last, so its presence means the directory is complete.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd
import yaml

from simulator.metrics.result import Result
from simulator.output import atomic_write_bytes, atomic_write_text
from simulator.report.plots import plot_run


def network_kpis(result: Result) -> dict[str, float | None]:
    """Network-scope KPIs as ``{metric: value}``; NaN and infinity become None (valid JSON)."""
    table = result.kpis
    rows = table[table.scope == "network"]
    return {
        str(metric): float(value) if math.isfinite(value) else None
        for metric, value in zip(rows.metric, rows.value, strict=True)
    }


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _png(result: Result) -> bytes:
    buffer = io.BytesIO()
    plot_run(result).savefig(buffer, format="png", dpi=120)
    return buffer.getvalue()


def _series(result: Result) -> dict[str, bytes]:
    if result.records.stock.positions is None:
        return {"echelon_series.parquet": _parquet(result.echelon_series())}
    return {"series.parquet": _parquet(result.series())}


def save_result(result: Result, out_dir: str | Path) -> dict[str, Path]:
    """Write a run's tables, plot and summary into ``out_dir`` (created if needed).

    Files: ``kpis.parquet`` and ``kpis.csv`` (tidy KPI table), ``series.parquet`` (end-of-day
    positions; where the run did not keep them, scenario ``detail``, ``echelon_series.parquet``
    instead: the same per echelon), ``audit.csv`` (conservation of units), ``run.png`` (per
    echelon, stock and orders against demand; with fleets, delivery lateness and the routes of
    the first days),
    ``scenario.yaml`` (the effective scenario: overlays and overrides applied, so
    ``supplysim run scenario.yaml --seed N`` repeats the run) and ``summary.json`` (provenance,
    network KPIs and the list of files).

    Args:
        result: The run to save.
        out_dir: Output directory.

    Returns:
        File name -> path of every file written, ``summary.json`` last.
    """
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    contents: dict[str, bytes] = {
        "kpis.parquet": _parquet(result.kpis),
        "kpis.csv": result.kpis.to_csv(index=False).encode("utf-8"),
        **_series(result),
        "audit.csv": result.audit().to_csv(index=False).encode("utf-8"),
        "run.png": _png(result),
        "scenario.yaml": yaml.safe_dump(result.scenario.to_dict(), sort_keys=False).encode("utf-8"),
    }
    written: dict[str, Path] = {}
    for name, data in contents.items():
        written[name] = directory / name
        atomic_write_bytes(written[name], data)
    summary = {
        "provenance": result.provenance(),
        "kpis": network_kpis(result),
        "files": [*written, "summary.json"],
    }
    written["summary.json"] = directory / "summary.json"
    atomic_write_text(written["summary.json"], json.dumps(summary, indent=2) + "\n")
    return written
