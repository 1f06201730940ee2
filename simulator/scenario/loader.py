"""Load a scenario file: YAML (with ``extends`` overlays) -> validated, frozen :class:`Scenario`."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from policies.registry import load_entry_points
from simulator.scenario.advice import advice
from simulator.scenario.base import SHARED
from simulator.scenario.collection import paused_collection
from simulator.scenario.customers import DemandZone, MarketZone, Trace
from simulator.scenario.errors import (
    DocPath,
    Problem,
    ScenarioError,
    ScenarioWarning,
    problems_from_validation_error,
)
from simulator.scenario.matrix import read_matrix
from simulator.scenario.models import Scenario
from simulator.scenario.overlay import deep_merge, load_with_extends
from simulator.scenario.overrides import merge_overrides
from simulator.scenario.references import check_references
from simulator.scenario.traces import read_trace
from simulator.scenario.types_first import boolean_numbers, well_typed
from simulator.scenario.yamlio import LineIndex


def _line_of(lines: LineIndex, path: tuple[str | int, ...]) -> tuple[str | None, int | None]:
    for cut in range(len(path), -1, -1):
        hit = lines.get(tuple(path[:cut]))
        if hit is not None:
            return hit
    return None, None


def scenario_from_data(
    data: Any,
    *,
    lines: LineIndex | None = None,
    file: str | None = None,
    source: Path | None = None,
) -> Scenario:
    """Validate a scenario document, collecting every problem into one :class:`ScenarioError`."""
    with paused_collection():  # millions of models for a large network
        lines = lines or {}
        problems: list[Problem] = []
        scenario = None
        checked = data
        try:
            scenario = Scenario.model_validate(data, context={SHARED: {}})
        except ValidationError as exc:
            problems += problems_from_validation_error(exc, lines, file, data, Scenario)
            checked = well_typed(data, exc)
        issues = check_references(checked)
        message = "expected a number, got a boolean (true/false/yes/no)"
        issues += [(path, message) for path in boolean_numbers(Scenario, data)]
        for path, message in issues:
            where, line = _line_of(lines, path)
            problems.append(Problem(where or file, line, path, message))
        if scenario is not None:
            problems += _trace_problems(scenario, source, lines, file)
        if problems or scenario is None:
            raise ScenarioError(problems)
    for path, message in advice(scenario):
        where, line = _line_of(lines, path)
        warning = Problem(where or file, line, path, message)
        warnings.warn(str(warning), ScenarioWarning, stacklevel=2)
    scenario._source = source
    return scenario


def _trace_problems(
    scenario: Scenario, source: Path | None, lines: LineIndex, file: str | None
) -> list[Problem]:
    """Read every demand trace and the road matrix once now, so a bad CSV is reported with
    the other problems: at the scenario line that names the CSV, followed by the CSV's own
    file, line and column."""
    base = source.parent if source else None
    reads: list[tuple[DocPath, Callable[[], object]]] = []
    if scenario.geography.matrix:
        matrix = scenario.geography.matrix
        reads.append((("geography", "matrix"), partial(read_matrix, matrix, base)))
    zones: list[tuple[DocPath, DemandZone | MarketZone]] = [
        (("demand", i), z) for i, z in enumerate(scenario.demand)
    ]
    if scenario.market is not None:
        zones += [(("market", "customers", i), z) for i, z in enumerate(scenario.market.customers)]
    for at, zone in zones:
        if isinstance(zone.daily, Trace):
            reads.append(
                (
                    (*at, "daily", "file"),
                    partial(read_trace, zone.daily, base, scenario.zone_skus(zone)),
                )
            )
    problems: list[Problem] = []
    for path, read in reads:
        try:
            read()
        except ScenarioError as exc:
            where, line = _line_of(lines, path)
            found = [Problem(where or file, line, path, str(p)) for p in exc.problems]
            problems += [p for p in dict.fromkeys(found) if p not in problems]
    return problems


def load_scenario(path: str | Path, overlays: Sequence[str | Path] = ()) -> Scenario:
    """Read, merge the files it extends, then ``overlays`` in order, and validate.

    An overlay is merged over the scenario as if it extended it, e.g. a storm's
    ``disruptions:`` over a baseline network. Raises :class:`ScenarioError` listing every
    problem, each at the file and line that defined the value.
    """
    load_entry_points()
    data, lines = load_with_extends(path)
    for overlay in overlays:
        more, more_lines = load_with_extends(overlay)
        data, lines = deep_merge(data, more, lines, more_lines)
    return scenario_from_data(data, lines=lines, file=str(path), source=Path(path).resolve())


def with_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """A new scenario with dotted-path overrides, e.g. ``{"nodes.dc-1.inventory.initial": 50}``.

    List items are addressed by their ``id``. The result is validated like a loaded file.
    """
    data = merge_overrides(scenario.to_dict(), overrides)
    return scenario_from_data(data, source=scenario.source)
