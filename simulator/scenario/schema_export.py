"""Standard JSON Schemas (draft 2020-12) of scenario and overlay files, for editors and tools.

Pydantic writes a few things only pydantic reads: bounds under their keyword names (``ge``
where a validator precedes the bound), OpenAPI's ``discriminator``, and tags that are optional
because they have a default. :func:`standard_schema` rewrites those into the standard keywords
so that any validator (the ``jsonschema`` package, an editor's YAML language server) agrees
with the loader on the shipped files.

An overlay (a file with ``extends``, or one merged with ``--overlay``) lists only what it
changes, so its schema is the scenario's with nothing required, list items that may match
several kinds until merged, and ``{id: x, remove: true}`` allowed in lists of items with ids.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel

from simulator.scenario.models import Scenario
from simulator.scenario.overlay import EXTENDS_KEY

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCENARIO_ID = "urn:supplysim:schema:scenario"
OVERLAY_ID = "urn:supplysim:schema:overlay"

JsonSchema = dict[str, Any]

_BOUNDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}
_TIGHTER: dict[str, Callable[[float, float], float]] = {
    "minimum": max,
    "exclusiveMinimum": max,
    "maximum": min,
    "exclusiveMaximum": min,
}
# Keywords whose value is a schema, a list of schemas, or a mapping of names to schemas.
_ONE = ("items", "additionalProperties", "not", "if", "then", "else", "propertyNames")
_MANY = ("anyOf", "oneOf", "allOf", "prefixItems")
_NAMED = ("properties", "patternProperties", "$defs")
_PARTIAL = "Partial"


def _children(node: JsonSchema) -> Iterator[JsonSchema]:
    for key in _ONE:
        if isinstance(node.get(key), dict):
            yield node[key]
    for key in _MANY:
        yield from node.get(key, [])
    for key in _NAMED:
        yield from node.get(key, {}).values()


def _walk(node: JsonSchema) -> Iterator[JsonSchema]:
    """Every schema object in ``node``, ``node`` first (never a ``properties`` mapping)."""
    stack = [node]
    while stack:
        here = stack.pop()
        yield here
        stack.extend(_children(here))


def _def_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _standard_bounds(node: JsonSchema) -> None:
    """``ge: 0`` -> ``minimum: 0``, pushed into the numeric members of a union."""
    bounds = {_BOUNDS[key]: node.pop(key) for key in list(node) if key in _BOUNDS}
    numeric = [m for m in node.get("anyOf", []) if m.get("type") in ("number", "integer")]
    for target in numeric or [node]:
        for key, value in bounds.items():
            target[key] = _TIGHTER[key](target[key], value) if key in target else value


def standard_schema(model: type[BaseModel], schema_id: str, title: str) -> JsonSchema:
    """The JSON Schema of ``model`` in standard 2020-12 keywords, named by ``schema_id``."""
    schema = model.model_json_schema(by_alias=True)
    tagged: list[tuple[str, list[str]]] = []
    for node in _walk(schema):
        _standard_bounds(node)
        discriminator = node.pop("discriminator", None)
        if isinstance(discriminator, dict):
            refs = [_def_name(ref) for ref in discriminator.get("mapping", {}).values()]
            tagged.append((discriminator["propertyName"], refs))
    # A tag with a default is still required where it chooses among several models.
    for tag, names in tagged:
        for name in names:
            required = schema["$defs"][name].setdefault("required", [])
            if tag not in required:
                required.insert(0, tag)
    return {"$schema": DIALECT, "$id": schema_id, **schema, "title": title}


def _has_ids(schema: JsonSchema, defs: dict[str, JsonSchema]) -> bool:
    """Whether list items of this schema are merged by ``id`` in overlays."""
    members = schema.get("anyOf") or schema.get("oneOf") or [schema]
    for member in members:
        target = defs.get(_def_name(member["$ref"]), {}) if "$ref" in member else member
        if "id" not in target.get("properties", {}):
            return False
    return True


_REMOVAL_REF = "#/$defs/Removal"
_REMOVAL: JsonSchema = {
    "type": "object",
    "description": "Deletes the item with this id from the list it extends.",
    "properties": {"id": {"type": ["string", "number"]}, "remove": {"const": True}},
    "required": ["id", "remove"],
    "additionalProperties": False,
}

_EXTENDS: JsonSchema = {
    "description": "Files this one is merged over, relative to it; a list applies in order.",
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    ],
}


def _partial(schemas: dict[str, JsonSchema], defs: dict[str, JsonSchema]) -> dict[str, JsonSchema]:
    """Overlay versions of ``schemas`` (which refer to ``defs``), named ``Partial<Name>``."""
    out: dict[str, JsonSchema] = {}
    for name, original in schemas.items():
        partial = copy.deepcopy(original)
        for node in _walk(partial):
            node.pop("required", None)
            if "oneOf" in node:  # an item missing its tag may match several kinds until merged
                node["anyOf"] = node.pop("oneOf")
            if "$ref" in node and node["$ref"] != _REMOVAL_REF:
                node["$ref"] = f"#/$defs/{_PARTIAL}{_def_name(node['$ref'])}"
            if node.get("type") == "array" and _has_ids(node.get("items", {}), defs):
                node["items"] = {"anyOf": [{"$ref": _REMOVAL_REF}, node["items"]]}
        out[_PARTIAL + name] = partial
    return out


def _overlay_root(scenario: JsonSchema, defs: dict[str, JsonSchema]) -> JsonSchema:
    root = {key: scenario[key] for key in ("properties", "additionalProperties", "type")}
    root = copy.deepcopy(root)
    root["properties"] = {EXTENDS_KEY: _EXTENDS, **root["properties"]}
    root["description"] = "An overlay: only what changes in the files it extends."
    return _partial({"Overlay": root}, defs)[_PARTIAL + "Overlay"]


def scenario_schemas() -> tuple[JsonSchema, JsonSchema]:
    """The schemas of scenario files and of overlays.

    A scenario file with ``extends`` is an overlay of its bases; one without must be complete.
    """
    full = standard_schema(Scenario, SCENARIO_ID, "supplysim scenario")
    defs = full.pop("$defs")
    body = {key: value for key, value in full.items() if key not in ("$schema", "$id", "title")}
    partial_defs = _partial(defs, defs) | {"Removal": _REMOVAL}
    partial_defs["Overlay"] = _overlay_root(body, defs)
    overlay: JsonSchema = {
        "$schema": DIALECT,
        "$id": OVERLAY_ID,
        "title": "supplysim scenario overlay",
        "$ref": "#/$defs/Overlay",
        "$defs": partial_defs,
    }
    scenario: JsonSchema = {
        "$schema": DIALECT,
        "$id": SCENARIO_ID,
        "title": "supplysim scenario",
        "description": body.get("description", ""),
        "if": {"type": "object", "required": [EXTENDS_KEY]},
        "then": {"$ref": "#/$defs/Overlay"},
        "else": {"$ref": "#/$defs/Scenario"},
        "$defs": {**defs, "Scenario": body, **partial_defs},
    }
    return scenario, overlay
