"""The generated scenario reference covers the schema and is current in docs/."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel

from policies.replenishment import SSParams
from policies.routing import OrToolsParams, SavingsParams
from simulator import load_scenario, run
from simulator.scenario.base import Location, OneOf
from simulator.scenario.customers import MarketZone
from simulator.scenario.distributions import Poisson
from simulator.scenario.models import Scenario
from simulator.scenario.reference import render_reference
from simulator.scenario.transport import Capacity, Dispatch, Fleet, Geography, VehicleType

DOC = Path(__file__).parents[2] / "docs" / "scenario.md"
ROW = re.compile(r"^\| `([^`]+)` \|", re.MULTILINE)


def test_docs_are_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render_reference(), (
        "docs/scenario.md is stale; regenerate it with "
        "`supplysim schema --markdown > docs/scenario.md`"
    )


# The walk below is written independently of the generator's, so that a model the generator
# skips (in a union, a mapping, a policy family) shows up as undocumented fields.
def _models_in(annotation: Any, metadata: Sequence[Any] = ()) -> Iterator[type[BaseModel]]:
    one_of = [meta for meta in metadata if isinstance(meta, OneOf)]
    if one_of:  # a registry's members, whatever type the field is annotated with
        yield from (model for meta in one_of for model in meta.registry.params_models())
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        if get_origin(arg) is Annotated:
            yield from _models_in(get_args(arg)[0], get_args(arg)[1:])
        else:
            yield from _models_in(arg)


def _scenario_models() -> set[type[BaseModel]]:
    """Every model reachable from a scenario's fields, recursively."""
    found: set[type[BaseModel]] = set()
    pending: list[type[BaseModel]] = [Scenario]
    while pending:
        model = pending.pop()
        if model not in found:
            found.add(model)
            for field in model.model_fields.values():
                pending.extend(_models_in(field.annotation, field.metadata))
    return found


def _documented(text: str) -> dict[str, set[str]]:
    """Field names in each section's table, by heading; a heading may repeat across groups."""
    fields: dict[str, set[str]] = {}
    for block in re.split(r"^(?=#{2,3} )", text, flags=re.MULTILINE)[1:]:
        heading, _, body = block.partition("\n")
        fields.setdefault(heading, set()).update(ROW.findall(body))
    return fields


def _headings(model: type[BaseModel]) -> list[str]:
    """Where a model is documented: under its name, or under its tag value in a family."""
    # The tag's value is its one literal (a default too, for policies and distributions).
    tags = [
        get_args(model.model_fields[tag].annotation)[0]
        for tag in ("dist", "type")
        if tag in model.model_fields
    ]
    return [f"## {model.__name__}", *(f"### {tag}" for tag in tags)]


def _undocumented(text: str) -> list[str]:
    """``Model.field`` for every field of every scenario model the reference does not list."""
    sections = _documented(text)
    missing = []
    for model in sorted(_scenario_models(), key=lambda model: model.__name__):
        listed = set().union(*(sections.get(heading, set()) for heading in _headings(model)))
        names = [field.alias or name for name, field in model.model_fields.items()]
        missing += [f"{model.__name__}.{name}" for name in names if name not in listed]
    return missing


def test_every_model_and_field_is_documented() -> None:
    assert _undocumented(render_reference()) == []


def test_the_walk_reaches_nested_models() -> None:
    # Through lists (fleets, vehicles), optional fields (location) and tagged unions (routing,
    # distributions, replenishment), so that the check above covers them.
    expected = {Geography, Fleet, VehicleType, Capacity, Dispatch, Location, MarketZone}
    expected |= {SavingsParams, OrToolsParams, SSParams, Poisson}
    assert expected <= _scenario_models()


def test_a_missing_field_or_section_is_reported() -> None:
    text = render_reference()
    without_row = re.sub(r"^\| `circuity` \|.*\n", "", text, flags=re.MULTILINE)
    assert without_row != text
    assert _undocumented(without_row) == ["Geography.circuity"]
    without_section = text.replace("## Capacity\n", "## Capacities\n")
    assert _undocumented(without_section) == [f"Capacity.{name}" for name in Capacity.model_fields]


def test_the_example_at_the_top_runs(tmp_path: Path) -> None:
    # The first YAML block of the reference, exactly as a reader would copy it.
    block = re.search(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert block is not None and DOC.read_text(encoding="utf-8").index(block.group(0)) < 2000
    example = tmp_path / "first.yaml"
    example.write_text(block.group(1), encoding="utf-8")
    scenario = load_scenario(example)
    kpis = run(scenario, seed=1).kpis
    network = kpis[kpis["scope"] == "network"].set_index("metric")["value"]
    assert network["demand"] > 0
    assert 0.5 < network["fill_rate"] <= 1
    assert [d.id for d in scenario.disruptions] == ["strike"]
