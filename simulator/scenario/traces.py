"""Demand traces: daily quantities per SKU read from a CSV file next to the scenario."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from simulator.scenario.customers import Trace
from simulator.scenario.errors import Problem, ScenarioError


def read_trace(trace: Trace, base: Path | None, skus: list[str]) -> dict[str, np.ndarray]:
    """Daily quantities per SKU from a trace CSV: ``day``, then a column per SKU or ``quantity``.

    Rows are days in file order; a run longer than the trace repeats it. Every problem is
    reported at once, as ``file.csv:LINE: column: message``.
    """
    path = Path(trace.file) if base is None else base / trace.file
    where = str(path)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ScenarioError([Problem(where, None, (), f"cannot read trace: {exc}")]) from exc
    if not rows:
        raise ScenarioError([Problem(where, 1, (), "the trace has no data rows")])
    problems: list[Problem] = []
    series: dict[str, np.ndarray] = {}
    for sku in skus:
        column = sku if sku in rows[0] else "quantity"
        if column not in rows[0]:
            problems.append(Problem(where, 1, (), f"no column '{sku}' (or 'quantity')"))
            continue
        values = np.empty(len(rows))
        for row, record in enumerate(rows):
            text = record[column] or ""
            try:
                values[row] = float(text)
            except ValueError:
                values[row] = np.nan
            if not np.isfinite(values[row]) or values[row] < 0:
                message = f"expected a finite quantity >= 0, got {text!r}"
                problems.append(Problem(where, row + 2, (column,), message))  # line 1: header
        series[sku] = values
    if problems:
        raise ScenarioError(problems)
    return series
