"""Result files on disk, each written atomically.

A reader (a notebook, a dashboard, a resumed sweep) never sees a half-written file: every file
is written to a temporary file in the same directory, flushed to disk, then renamed over the
target. ``summary.json`` is written last, so its presence means the directory is complete.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    import pandas as pd

    from simulator.metrics.result import Result


@cache
def _file_mode() -> int:
    # mkstemp creates files readable by the owner only; give results the mode open() would.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that the file is either the old one or the complete new one.

    Args:
        path: Target file; its directory must exist.
        data: The complete new contents.

    Raises:
        OSError: If writing fails; the target is then untouched and no temporary file remains.
    """
    target = Path(path)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _file_mode())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_directory(target.parent)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _fsync_directory(directory: Path) -> None:
    # The rename itself survives a crash only once the directory entry is on disk (POSIX).
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    from simulator.report.plots import plot_run

    buffer = io.BytesIO()
    plot_run(result).savefig(buffer, format="png", dpi=120)
    return buffer.getvalue()


def save_result(result: Result, out_dir: str | Path) -> dict[str, Path]:
    """Write a run's tables, plot and summary into ``out_dir`` (created if needed).

    Files: ``kpis.parquet`` and ``kpis.csv`` (tidy KPI table), ``series.parquet`` (end-of-day
    positions), ``audit.csv`` (conservation of units), ``run.png`` (inventory and orders by
    echelon; with fleets, delivery lateness and the routes of the first days),
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
        "series.parquet": _parquet(result.series()),
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
