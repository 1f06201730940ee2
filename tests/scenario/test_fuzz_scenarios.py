"""Fuzzing the shipped scenarios: random structural mistakes are reported, never crash.

Every shipped scenario (and every disruption overlay merged over its baseline) is mutated a
few times: a key or item deleted, a value of another type, a number set to 0, -1, NaN or
1e12, an item duplicated, two ids swapped. Loading a mutant either succeeds or raises a
:class:`ScenarioError` whose every problem names a file and line; ``supplysim validate`` on a
rejected mutant exits 2 and prints ``file:LINE:``. An accepted mutant runs for 20 days within
a time budget, or fails with a ScenarioError.

Seeds are fixed, so a failure names a reproducible mutant. ``SUPPLYSIM_FUZZ=N`` runs N times as
many mutants (the default suite runs a few hundred).
"""

from __future__ import annotations

import copy
import math
import os
import random
import re
import signal
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from simulator import Scenario, ScenarioError, run
from simulator.cli import app
from simulator.scenario.errors import DocPath, ScenarioWarning, format_path
from simulator.scenario.loader import scenario_from_data
from simulator.scenario.overlay import deep_merge, load_with_extends
from simulator.scenario.yamlio import LineIndex

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SCALE = int(os.environ.get("SUPPLYSIM_FUZZ", "1"))
PER_DOCUMENT = 25 * SCALE
RUN_DAYS = 20.0
RUN_BUDGET_SECONDS = 60  # wall time, generous for a loaded machine; a run takes about 1 s
OTHER_TYPES: tuple[Any, ...] = ("x", 5, -3.5, True, None, [], {}, ["x"], [["x"]], {"a": 1})
NUMBERS = (0, -1, math.nan, 1e12)


@dataclass(frozen=True)
class Corpus:
    """One document to mutate: as loaded (extends merged), with its line index."""

    name: str
    file: Path
    data: dict[str, Any]
    lines: LineIndex


def _corpus() -> list[Corpus]:
    found: list[Corpus] = []
    baseline = SCENARIOS / "resilience" / "baseline.yaml"
    for path in sorted(SCENARIOS.rglob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "study" in raw:
            continue
        data, lines = load_with_extends(path)
        if "name" not in raw and "products" not in raw:  # an overlay of the baseline
            base, base_lines = load_with_extends(baseline)
            data, lines = deep_merge(base, data, base_lines, lines)
        found.append(Corpus(path.relative_to(SCENARIOS).as_posix(), path, data, lines))
    return found


CORPUS = _corpus()


def _children(node: Any) -> list[str | int]:
    if isinstance(node, dict):
        return list(node)
    return list(range(len(node))) if isinstance(node, list) else []


def _pick(data: dict[str, Any], rng: random.Random) -> DocPath:
    """A random place: walk down from the top, stopping at each level with probability 1/4
    (at a leaf always), so top-level sections and deep values are both hit."""
    path: DocPath = ()
    node: Any = data
    while _children(node) and (not path or rng.random() > 0.25):
        step = rng.choice(_children(node))
        path, node = (*path, step), node[step]
    return path if path else (rng.choice(_children(data)),)


def _at(data: Any, path: DocPath) -> Any:
    for step in path:
        data = data[step]
    return data


def _mutate(data: dict[str, Any], rng: random.Random) -> str:
    """Apply one random mutation in place; return what it did."""
    path = _pick(data, rng)
    parent, step = _at(data, path[:-1]), path[-1]
    value = parent[step]
    where = format_path(path)
    kind = rng.choice(("delete", "type", "number", "duplicate", "swap"))
    if kind == "delete":
        del parent[step]
        return f"delete {where}"
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        parent[step] = rng.choice(NUMBERS)
        return f"{where} = {parent[step]}"
    if kind == "duplicate" and isinstance(parent, list):
        parent.insert(step, copy.deepcopy(value))
        return f"duplicate {where}"
    if kind == "swap":  # two strings, typically ids: a lane's ends, a node and a SKU
        a, b = (_pick(data, rng) for _ in range(2))
        pa, pb = _at(data, a[:-1]), _at(data, b[:-1])
        if a != b and isinstance(pa[a[-1]], str) and isinstance(pb[b[-1]], str):
            pa[a[-1]], pb[b[-1]] = pb[b[-1]], pa[a[-1]]
            return f"swap {format_path(a)} and {format_path(b)}"
    parent[step] = copy.deepcopy(rng.choice(OTHER_TYPES))
    return f"{where} = {parent[step]!r}"


@dataclass(frozen=True)
class Mutant:
    corpus: Corpus
    seed: int
    data: dict[str, Any]
    changes: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.corpus.name} seed {self.seed}: {'; '.join(self.changes)}"


def mutants(corpus: Corpus, count: int) -> Iterator[Mutant]:
    for seed in range(count):
        rng = random.Random(f"{corpus.name}/{seed}")
        data = copy.deepcopy(corpus.data)
        changes = tuple(_mutate(data, rng) for _ in range(rng.randint(1, 3)))
        yield Mutant(corpus, seed, data, changes)


def _load(mutant: Mutant) -> Scenario | ScenarioError:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            return scenario_from_data(
                mutant.data,
                lines=mutant.corpus.lines,
                file=str(mutant.corpus.file),
                source=mutant.corpus.file.resolve(),
            )
    except ScenarioError as error:
        return error


class _OverBudget(Exception):
    pass


def _over_budget(signum: int, frame: object) -> None:
    raise _OverBudget


def _run_briefly(scenario: Scenario, mutant: Mutant) -> None:
    previous = signal.signal(signal.SIGALRM, _over_budget)
    signal.alarm(RUN_BUDGET_SECONDS)
    try:
        run(scenario, days=min(RUN_DAYS, scenario.horizon))
    except ScenarioError:
        pass  # refused with a clear message: fine
    except _OverBudget:
        pytest.fail(f"{mutant}: {RUN_DAYS:g} days took over {RUN_BUDGET_SECONDS} s")
    except Exception as crash:
        pytest.fail(f"{mutant}: the run crashed: {type(crash).__name__}: {crash}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("corpus", CORPUS, ids=lambda c: c.name)
def test_mutants_are_reported_with_their_place_or_run(corpus: Corpus) -> None:
    rejected = 0
    for mutant in mutants(corpus, PER_DOCUMENT):
        try:
            loaded = _load(mutant)
        except Exception as crash:  # the defect this test exists to find
            pytest.fail(f"{mutant}: {type(crash).__name__}: {crash}")
        if isinstance(loaded, Scenario):
            _run_briefly(loaded, mutant)
            continue
        rejected += 1
        assert loaded.problems, str(mutant)
        unplaced = [str(p) for p in loaded.problems if p.file is None or p.line is None]
        assert not unplaced, f"{mutant}: problems without a file and line: {unplaced}"
    assert rejected > 0  # the mutations do reach the validation


LOCATED = re.compile(r"^\S+\.yaml:\d+: ", re.MULTILINE)


@pytest.mark.parametrize("corpus", CORPUS[::3], ids=lambda c: c.name)
def test_validate_exits_2_naming_file_and_line(corpus: Corpus, tmp_path: Path) -> None:
    # A few rejected mutants per document, written out as a user's file would be.
    shown = 0
    for mutant in mutants(corpus, PER_DOCUMENT):
        if shown == 2 or isinstance(_load(mutant), Scenario):
            continue
        path = tmp_path / f"mutant-{mutant.seed}.yaml"
        path.write_text(yaml.safe_dump(mutant.data, sort_keys=False), encoding="utf-8")
        result = CliRunner().invoke(app, ["validate", str(path)])
        assert result.exit_code == 2, f"{mutant}: exit {result.exit_code}\n{result.output}"
        lines = result.stderr.strip().splitlines()
        assert lines and all(LOCATED.match(line) for line in lines), f"{mutant}:\n{result.stderr}"
        shown += 1
    assert shown > 0
