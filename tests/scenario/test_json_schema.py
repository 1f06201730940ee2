"""The exported JSON Schemas are standard, shipped current, accept every shipped file and reject
typical mistakes, as an editor or the ``jsonschema`` package applies them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from simulator import ScenarioError, load_scenario
from simulator.cli import app
from simulator.experiment import load_study

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "schemas"
SHIPPED = sorted((ROOT / "scenarios").rglob("*.yaml"))
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)\n")
KINDS = ("scenario", "overlay", "study")


def _schema(kind: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(_schema(kind))


def _declared(path: Path) -> Path:
    """The schema file a YAML file's first line names."""
    match = MODELINE.match(path.read_text(encoding="utf-8"))
    assert match, f"{path.name}: the first line must be '# yaml-language-server: $schema=...'"
    return (path.parent / match.group(1)).resolve()


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_schema_files_are_current(kind: str) -> None:
    printed = CliRunner().invoke(app, ["schema", kind])
    assert printed.exit_code == 0
    assert (SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8") == printed.stdout, (
        f"docs/schemas/{kind}.schema.json is stale; regenerate it with "
        f"`supplysim schema {kind} > docs/schemas/{kind}.schema.json`"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_schemas_are_standard_2020_12_with_an_id(kind: str) -> None:
    schema = _schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:supplysim:schema:{kind}"
    # Only standard keywords: pydantic's own bound names and OpenAPI's discriminator are gone.
    assert not {"ge", "gt", "le", "lt", "discriminator"} & set(_keywords(schema))


def _keywords(node: Any, named: bool = False) -> list[str]:
    """Every keyword used in a schema; ``named`` marks a mapping of names (properties)."""
    if isinstance(node, list):
        return [key for item in node for key in _keywords(item)]
    if not isinstance(node, dict):
        return []
    found = [] if named else list(node)
    for key, value in node.items():
        names = not named and key in ("properties", "patternProperties", "$defs")
        found += _keywords(value, names)
    return found


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT / "scenarios")))
def test_every_shipped_file_names_a_shipped_schema_that_accepts_it(path: Path) -> None:
    schema_file = _declared(path)
    assert schema_file.parent == SCHEMAS.resolve() and schema_file.is_file()
    validator = jsonschema.Draft202012Validator(json.loads(schema_file.read_text("utf-8")))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [error.message for error in validator.iter_errors(data)] == []


def _named(kind: str) -> list[Path]:
    return [p for p in SHIPPED if _declared(p).name == f"{kind}.schema.json"]


def test_files_are_declared_as_what_they_are() -> None:
    # Scenarios load on their own (a nameless one that extends overlays merges over the
    # baseline, as stress runs it); overlays merge over the baseline; studies load as studies.
    baseline = ROOT / "scenarios" / "resilience" / "baseline.yaml"
    for path in _named("scenario"):
        named = "name" in yaml.safe_load(path.read_text(encoding="utf-8"))
        load_scenario(path) if named else load_scenario(baseline, [path])
    for path in _named("overlay"):
        with pytest.raises(ScenarioError):
            load_scenario(path)  # incomplete on its own
        load_scenario(baseline, [path])
    assert {p.name for p in _named("study")} == {
        "routing.yaml",
        "strategies.yaml",
        "regional_policies.yaml",
        "bullwhip.yaml",
    }


def test_shipped_studies_load() -> None:
    study = load_study(ROOT / "scenarios" / "studies" / "regional_policies.yaml")
    assert len(study.variant_list) == 4
    assert _validator("study").is_valid(
        yaml.safe_load((ROOT / "scenarios" / "studies" / "regional_policies.yaml").read_text())
    )


QUICK = yaml.safe_load((ROOT / "scenarios" / "quickstart.yaml").read_text(encoding="utf-8"))


def _changed(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(QUICK))
    *head, last = path
    target = data
    for step in head:
        target = target[step]
    target[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("colour",), "blue"),  # unknown top-level key
        (("nodes", 1, "inventory", "polcy"), {}),  # unknown nested key
        (("products", 0, "unitcost"), 1.0),  # a typo next to the real key
        (("horizon",), "a year"),  # wrong type
        (("horizon",), True),  # a boolean is not a number
        (("horizon",), 0),  # out of bounds
        (("nodes", 1, "inventory", "policy", "type"), "ss"),  # unknown policy
        (("lanes", 0, "lead_time"), {"dist": "poison", "mean": 3}),  # unknown distribution
        (("lanes", 0, "lead_time"), {"mean": 3}),  # a distribution without its tag
        (("lanes", 1, "lead_time"), "soon"),  # not a duration
        (("lanes", 1, "to"), ["store-1"]),  # a list where an id goes
        (("nodes", 1, "carries"), [["cola"]]),
    ],
)
def test_the_scenario_schema_rejects_typical_mistakes(
    path: tuple[str | int, ...], value: Any
) -> None:
    validator = _validator("scenario")
    assert validator.is_valid(QUICK)
    assert not validator.is_valid(_changed(path, value))


def test_a_missing_section_is_rejected_unless_the_file_extends_another() -> None:
    without_products = {key: value for key, value in QUICK.items() if key != "products"}
    assert not _validator("scenario").is_valid(without_products)
    assert _validator("scenario").is_valid({"extends": "base.yaml", **without_products})


def test_overlays_may_remove_items_but_not_invent_keys() -> None:
    validator = _validator("overlay")
    assert validator.is_valid({"nodes": [{"id": "store-5", "remove": True}]})
    assert validator.is_valid({"nodes": [{"id": "store-1", "inventory": {"initial": 5}}]})
    assert not validator.is_valid({"nodes": [{"id": "store-5", "remove": True, "kind": "x"}]})
    assert not validator.is_valid({"nodes": [{"id": "store-1", "colour": "blue"}]})
    assert not validator.is_valid({"horizon": "long"})


def test_the_study_schema_rejects_typical_mistakes() -> None:
    validator = _validator("study")
    good = {"study": "s", "scenario": "a.yaml", "replications": 5}
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "replication": 5})
    assert not validator.is_valid({**good, "replications": "many"})
    assert not validator.is_valid({key: value for key, value in good.items() if key != "study"})
