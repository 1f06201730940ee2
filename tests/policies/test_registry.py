"""Tests of the policy registries and plugin loading."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Annotated, Any, Literal

import numpy as np
import pytest
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

import policies.registry as registry
from policies.registry import DISTRIBUTION, REPLENISHMENT, Registry, load_entry_points
from policies.replenishment import OrderUpToPolicy, RSParams, SSParams, SSPolicy
from policies.view import InventoryView
from simulator.scenario.base import OneOf

BUILT_INS = [
    "RS",
    "TQ",
    "base_stock",
    "forecast",
    "manual",
    "min_max",
    "none",
    "rQ",
    "sS",
    "sterman",
]
MINIMAL: dict[str, dict[str, Any]] = {
    "RS": {"S": 10, "review_period": 7},
    "TQ": {"T": 7, "Q": 20},
    "base_stock": {"S": 10},
    "forecast": {"method": "moving_average", "window": 3},
    "manual": {},
    "min_max": {"min": 2, "max": 10},
    "none": {},
    "rQ": {"r": 2, "Q": 5},
    "sS": {"s": 2, "S": 10},
    "sterman": {},
}


class _DemoParams(BaseModel):
    """Demo plugin policy."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    type: Literal["demo"] = "demo"


class _Demo:
    """Stand-in policy class."""


def test_builtins_registered_and_sorted() -> None:
    assert REPLENISHMENT.names() == BUILT_INS
    assert REPLENISHMENT.get("sS") is SSPolicy
    assert REPLENISHMENT.get("RS") is OrderUpToPolicy
    assert REPLENISHMENT.params_model("RS") is RSParams
    assert [m.model_fields["type"].default for m in REPLENISHMENT.params_models()] == BUILT_INS


def test_unknown_name_lists_valid_names() -> None:
    valid = ", ".join(BUILT_INS)
    with pytest.raises(KeyError, match=f"unknown replenishment policy 'xx'; valid: {valid}"):
        REPLENISHMENT.get("xx")
    with pytest.raises(KeyError, match="unknown replenishment policy 'xx'"):
        REPLENISHMENT.params_model("xx")


def test_register_rejects_duplicates_and_mismatched_type_tag() -> None:
    family: Registry[object] = Registry("routing")
    family.register("demo", _Demo, _DemoParams)
    family.register("demo", _Demo, _DemoParams)  # the same again: nothing changes
    with pytest.raises(ValueError, match="routing policy 'demo' is already registered"):
        family.register("demo", object, _DemoParams)
    with pytest.raises(ValueError, match="_DemoParams needs a field type: Literal\\['other'\\]"):
        family.register("other", _Demo, _DemoParams)


def test_discriminated_union_round_trip_builds_every_builtin() -> None:
    union: Any = Annotated[reduce(or_, REPLENISHMENT.params_models()), Field(discriminator="type")]
    adapter: TypeAdapter[Any] = TypeAdapter(union)
    view = InventoryView(
        0.0, np.zeros(1), np.zeros(1), np.zeros(1), np.ones(1, dtype=bool), np.ones(1)
    )
    for name in BUILT_INS:
        params = adapter.validate_python({"type": name, **MINIMAL[name]})
        assert isinstance(params, REPLENISHMENT.params_model(name))
        policy = REPLENISHMENT.get(name).from_params([params])
        policy.observe(np.ones(1))
        assert policy.order(view).shape == (1,)
    with pytest.raises(ValueError, match="s must be < S"):
        adapter.validate_python({"type": "sS", "s": 10, "S": 2})


def test_describe_lists_parameters() -> None:
    info = REPLENISHMENT.describe("sS")
    assert (info.name, info.family) == ("sS", "replenishment")
    assert info.doc == SSParams.__doc__
    params = {p.name: p for p in info.parameters}
    assert list(params) == ["review_period", "review_offset", "s", "S"]
    assert (params["s"].type, params["s"].required, params["s"].doc) == (
        "float",
        True,
        "Reorder point: order when IP <= s.",
    )
    assert (params["review_period"].type, params["review_period"].default) == ("float | None", None)
    assert params["review_offset"].default == 0.0
    assert set(info.json_schema["properties"]) == {
        "type",
        "review_period",
        "review_offset",
        "s",
        "S",
    }
    forecast = {p.name: p.type for p in REPLENISHMENT.describe("forecast").parameters}
    assert forecast["method"] == "Literal['moving_average', 'exp_smoothing']"


@dataclass
class _FakeEntryPoint:
    name: str
    value: str
    target: Any

    def load(self) -> Any:
        return self.target


def _install(monkeypatch: pytest.MonkeyPatch, points: list[_FakeEntryPoint]) -> None:
    def fake_entry_points(group: str) -> list[_FakeEntryPoint]:
        return points if group == "supplysim.policies" else []

    monkeypatch.setattr(registry, "entry_points", fake_entry_points)
    monkeypatch.setattr(registry, "_loaded", set())


def test_load_entry_points_calls_no_arg_plugins_once(monkeypatch: pytest.MonkeyPatch) -> None:
    family: Registry[object] = Registry("replenishment")
    calls: list[str] = []

    def plugin() -> None:
        family.register("demo", _Demo, _DemoParams)

    def needs_argument(family: Registry[object]) -> None:
        calls.append("called")

    _install(
        monkeypatch,
        [
            _FakeEntryPoint("demo", "demo_pkg:plugin", plugin),
            _FakeEntryPoint("module", "demo_pkg.module", object()),
            _FakeEntryPoint("needs_arg", "demo_pkg:needs_argument", needs_argument),
            _FakeEntryPoint("class", "demo_pkg:_Demo", _Demo),
        ],
    )
    load_entry_points()
    load_entry_points()  # idempotent: a second call must not register twice
    assert family.names() == ["demo"]
    assert calls == []


def test_load_entry_points_wraps_plugin_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise ImportError("missing dependency")

    _install(monkeypatch, [_FakeEntryPoint("broken", "bad_pkg:broken", broken)])
    with pytest.raises(
        RuntimeError, match=r"supplysim.policies plugin 'broken' \(bad_pkg:broken\) failed"
    ):
        load_entry_points()


def test_described_types_leave_validators_out() -> None:
    # Explicit outlet lists carry a validator; the listing shows the plain type, with no
    # object address that would change from one run to the next.
    params = {p.name: p for p in DISTRIBUTION.describe("selective").parameters}
    assert params["outlets"].type == "list[str] | None"


def test_a_schema_field_accepts_members_registered_after_it_was_defined() -> None:
    family: Registry[object] = Registry("demo", load=lambda: None)
    family.register("sS", SSPolicy, SSParams)

    class Holder(BaseModel):
        policy: Annotated[BaseModel, OneOf(family)]

    with pytest.raises(ValueError, match="does not match any of the expected tags: 'sS'"):
        Holder.model_validate({"policy": {"type": "demo"}})
    family.register("demo", _Demo, _DemoParams)
    assert isinstance(Holder.model_validate({"policy": {"type": "demo"}}).policy, _DemoParams)
    # The union is built again only when the members change.
    assert family.union() is family.union()
    assert Holder.model_json_schema()["properties"]["policy"]["discriminator"][
        "mapping"
    ].keys() == {
        "demo",
        "sS",
    }


def test_a_registry_loads_its_plugins_once_on_first_read() -> None:
    calls: list[str] = []

    def load() -> None:
        calls.append("load")
        family.register("demo", _Demo, _DemoParams)

    family: Registry[object] = Registry("demo", load=load)
    assert calls == []  # nothing at construction: plug-ins load after import
    assert family.names() == ["demo"]
    assert family.get("demo") is _Demo
    assert calls == ["load"]
