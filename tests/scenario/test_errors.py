"""Problem formatting and translation of pydantic errors into document locations."""

from __future__ import annotations

import pickle
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from simulator.scenario.errors import (
    Problem,
    ScenarioError,
    format_path,
    problems_from_validation_error,
)
from simulator.scenario.yamlio import load_yaml_text


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((), ""),
        (("horizon",), "horizon"),
        (("nodes", 3, "policy", "s"), "nodes[3].policy.s"),
        ((0, "id"), "[0].id"),
        (("lanes", "a.b", "cost"), "lanes['a.b'].cost"),
        (("dc-1", "s_max"), "dc-1.s_max"),
    ],
)
def test_format_path(path: tuple[str | int, ...], text: str) -> None:
    assert format_path(path) == text


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (Problem("s.yaml", 12, ("nodes", 3, "s"), "too small"), "s.yaml:12: nodes[3].s: too small"),
        (Problem("s.yaml", None, (), "file not found"), "s.yaml: file not found"),
        (Problem("s.yaml", 2, (), "bad"), "s.yaml:2: bad"),
        (Problem(None, 4, ("a",), "bad"), "<input>:4: a: bad"),
        (Problem(None, None, ("a", 0), "bad"), "a[0]: bad"),
        (Problem(None, None, (), "bad"), "bad"),
    ],
)
def test_problem_str(problem: Problem, text: str) -> None:
    assert str(problem) == text


def test_scenario_error_sorts_by_file_and_line() -> None:
    error = ScenarioError(
        [
            Problem("b.yaml", 1, (), "third"),
            Problem("a.yaml", 9, (), "second"),
            Problem("a.yaml", 2, (), "first"),
            Problem(None, None, (), "programmatic"),
        ]
    )
    assert str(error) == "programmatic\na.yaml:2: first\na.yaml:9: second\nb.yaml:1: third"
    assert [p.message for p in error.problems] == ["programmatic", "first", "second", "third"]


def test_scenario_error_single_and_pickle() -> None:
    error = ScenarioError.single("file not found", file="x.yaml")
    assert error.problems == [Problem("x.yaml", None, (), "file not found")]
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, ScenarioError)
    assert copy.problems == error.problems


class Fixed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["fixed"]
    quantity: int


class MinMax(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["sS"]
    s: int
    S: int

    @field_validator("s")
    @classmethod
    def _non_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("must be >= 0")
        return value


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    policy: Annotated[Fixed | MinMax, Field(discriminator="type")]


class Network(BaseModel):
    model_config = ConfigDict(extra="forbid")
    horizon: int
    nodes: list[Node]


DOC = """\
horizon: 10
nodes:
  - id: dc-1
    policy:
      type: sS
      s: -1
      S: 50
  - id: dc-2
    policy:
      type: fixed
      quantity: many
      colour: red
  - id: dc-3
    policy:
      type: sS
      s: 1
  - id: dc-4
    policy: {type: magic}
"""


def validation_problems(text: str, *, with_data: bool) -> list[Problem]:
    data, lines = load_yaml_text(text, "net.yaml")
    with pytest.raises(ValidationError) as caught:
        Network.model_validate(data)
    if with_data:
        return problems_from_validation_error(caught.value, lines, "net.yaml", data)
    return problems_from_validation_error(caught.value, lines, "net.yaml")


@pytest.mark.parametrize("with_data", [True, False])
def test_union_tags_are_stripped_and_lines_found(with_data: bool) -> None:
    problems = validation_problems(DOC, with_data=with_data)
    shown = [str(p) for p in problems]
    assert shown == [
        "net.yaml:6: nodes[0].policy.s: must be >= 0",
        "net.yaml:11: nodes[1].policy.quantity: "
        "Input should be a valid integer, unable to parse string as an integer (got 'many')",
        "net.yaml:12: nodes[1].policy.colour: unknown field 'colour'",
        "net.yaml:14: nodes[2].policy: missing required field 'S'",
        "net.yaml:18: nodes[3].policy.type: unknown type 'magic' (expected one of 'fixed', 'sS')",
    ]


def test_missing_discriminator_and_top_level_field() -> None:
    problems = validation_problems("nodes:\n  - id: a\n    policy: {s: 1}\n", with_data=True)
    assert [str(p) for p in problems] == [
        "net.yaml:1: missing required field 'horizon'",
        "net.yaml:3: nodes[0].policy: missing required field 'type'",
    ]


def test_data_without_lines_uses_default_file() -> None:
    data: dict[str, Any] = {"horizon": "soon", "nodes": []}
    with pytest.raises(ValidationError) as caught:
        Network.model_validate(data)
    (problem,) = problems_from_validation_error(caught.value, {}, None, data)
    assert problem.file is None
    assert problem.line is None
    assert problem.path == ("horizon",)
    assert str(problem).startswith("horizon: Input should be a valid integer")
