"""Road distance matrices: km (and optionally driving hours) between named places, from CSV."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from simulator.scenario.errors import Problem, ScenarioError

RoadLegs = dict[tuple[str, str], tuple[float, float]]
"""``(from, to) -> (km, hours)``; hours is NaN where the file gives none."""


def read_matrix(file: str, base: Path | None) -> RoadLegs:
    """Read a ``from, to, km[, hours]`` CSV; a pair given one way also counts the other way.

    Every problem is reported at once, as ``file.csv:LINE: column: message``.
    """
    path = Path(file) if base is None else base / file
    where = str(path)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
            header = rows[0].keys() if rows else set()
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ScenarioError([Problem(where, None, (), f"cannot read matrix: {exc}")]) from exc
    missing = [c for c in ("from", "to", "km") if c not in header]
    if not rows or missing:
        message = "the matrix has no data rows" if not rows else f"no column {missing[0]!r}"
        raise ScenarioError([Problem(where, 1, (), message)])
    problems: list[Problem] = []
    legs: RoadLegs = {}
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        values = []
        for column in ("km", "hours"):
            text = (row.get(column) or "").strip()
            if column == "hours" and not text:
                values.append(math.nan)
                continue
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not math.isfinite(value) or value < 0:
                problems.append(
                    Problem(where, line, (column,), f"expected a number >= 0, got {text!r}")
                )
            values.append(value)
        a, b = (row.get("from") or "").strip(), (row.get("to") or "").strip()
        legs[a, b] = (values[0], values[1])
        legs.setdefault((b, a), (values[0], values[1]))
    if problems:
        raise ScenarioError(problems)
    return legs
