"""Override selectors (``*``, ``[field=value]``) and sweep expansion into named variants."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest

from simulator import with_overrides
from simulator.experiment.study import load_study
from simulator.experiment.variants import Recipe, sweep_recipes
from simulator.scenario import ScenarioError, load_scenario
from simulator.scenario.errors import format_path
from simulator.scenario.overrides import merge_overrides, set_override

SCENARIOS = Path(__file__).parents[2] / "scenarios"

DOC: dict[str, Any] = {
    "nodes": [
        {"id": "supplier", "kind": "supplier"},
        {"id": "dc.2", "kind": "warehouse", "inventory": {"initial": 100.0, "skus": {}}},
        {
            "id": "r1",
            "kind": "retailer",
            "capacity": 100.0,
            "inventory": {"initial": 100.0, "skus": {"a": {"initial": 1}, "b": {}}},
        },
        {"id": "r2", "kind": "retailer", "capacity": 50, "inventory": {"skus": {}}},
    ],
    "horizon": 100,
}


def problems(doc: dict[str, Any], dotted: str, value: Any = 1) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        set_override(copy.deepcopy(doc), dotted, value)
    return [str(problem) for problem in caught.value.problems]


def test_filter_selects_list_items_by_field() -> None:
    doc = copy.deepcopy(DOC)
    paths = set_override(doc, "nodes[kind=retailer].inventory.initial", 7)
    assert paths == [("nodes", 2, "inventory", "initial"), ("nodes", 3, "inventory", "initial")]
    assert [n.get("inventory", {}).get("initial") for n in doc["nodes"]] == [None, 100.0, 7, 7]
    assert DOC["nodes"][2]["inventory"]["initial"] == 100.0  # set_override changed a copy


def test_filters_combine_compare_as_yaml_scalars_and_may_hold_dots() -> None:
    doc = copy.deepcopy(DOC)
    # "100" in the path is read as a number, so it matches the float 100.0.
    assert set_override(doc, "nodes[kind=retailer][capacity=100].kind", "ecommerce") == [
        ("nodes", 2, "kind")
    ]
    assert set_override(doc, "nodes[id=dc.2].inventory.initial", 1) == [
        ("nodes", 1, "inventory", "initial")
    ]


def test_wildcard_spans_lists_and_mappings_and_ids_still_work() -> None:
    doc = copy.deepcopy(DOC)
    assert set_override(doc, "nodes.r1.inventory.skus.*.initial", 5) == [
        ("nodes", 2, "inventory", "skus", "a", "initial"),
        ("nodes", 2, "inventory", "skus", "b", "initial"),  # created: the last step
    ]
    assert doc["nodes"][2]["inventory"]["skus"] == {"a": {"initial": 5}, "b": {"initial": 5}}
    assert len(set_override(doc, "nodes.*.kind", "plant")) == 4
    # Each place gets its own copy of the value.
    set_override(doc, "nodes[kind=plant].tags", ["x"])
    doc["nodes"][0]["tags"].append("y")
    assert doc["nodes"][1]["tags"] == ["x"]


def test_wildcard_over_some_empty_collections_sets_the_others() -> None:
    doc = copy.deepcopy(DOC)
    # r2 and the DC have no per-SKU rules; r1's are set.
    assert len(set_override(doc, "nodes[kind=retailer].inventory.skus.*.initial", 3)) == 2


def test_a_selection_that_reaches_nothing_is_an_error_naming_the_selector() -> None:
    assert problems(DOC, "nodes[kind=plant].inventory.initial") == [
        "unknown override path 'nodes[kind=plant].inventory.initial': "
        "nodes[kind=plant] matches nothing"
    ]
    assert problems(DOC, "nodes[id=r2].inventory.skus.*.policy.s") == [
        "nodes[3].inventory.skus: unknown override path "
        "'nodes[id=r2].inventory.skus.*.policy.s': * matches nothing"
    ]


def test_a_missing_step_before_the_last_is_an_error_on_the_first_item_lacking_it() -> None:
    # The supplier has no inventory: the wildcard is too wide.
    assert problems(DOC, "nodes.*.inventory.initial") == [
        "nodes[0]: unknown override path 'nodes.*.inventory.initial': no key 'inventory'"
    ]
    # r1's rule 'b' has no policy, so nothing can be set under it.
    assert problems(DOC, "nodes.r1.inventory.skus.*.policy.s") == [
        "nodes[2].inventory.skus.a: unknown override path "
        "'nodes.r1.inventory.skus.*.policy.s': no key 'policy'"
    ]


def test_without_a_selector_the_last_key_is_created_only_on_request() -> None:
    assert problems(DOC, "nodes.r1.inventory.order_cost") == [
        "nodes[2].inventory: unknown override path 'nodes.r1.inventory.order_cost': "
        "no key 'order_cost'"
    ]
    doc = copy.deepcopy(DOC)
    assert set_override(doc, "nodes.r1.inventory.order_cost", 2, create=True)


@pytest.mark.parametrize(
    ("dotted", "message"),
    [
        ("nodes[kind=retailer", "malformed step 'nodes[kind=retailer'"),
        ("nodes.*[kind=retailer]", "malformed step '*[kind=retailer]'"),
        ("nodes[kind]", "malformed step 'nodes[kind]'"),
        ("nodes..kind", "empty path segment"),
        ("horizon[a=1]", "filters need a list, and 'horizon' is not one"),
        ("horizon.*", "horizon is not a mapping or list"),
    ],
)
def test_malformed_selectors(dotted: str, message: str) -> None:
    (problem,) = problems(DOC, dotted)
    assert message in problem


def test_selectors_in_scenario_overrides() -> None:
    scenario = load_scenario(SCENARIOS / "quickstart.yaml")
    lean = with_overrides(scenario, {"nodes[kind=retailer].inventory.policy.s": 30})
    policies = {n.id: n.inventory.policy for n in lean.nodes if n.inventory is not None}
    assert {k: p.s for k, p in policies.items() if k != "dc"} == {  # type: ignore[attr-defined]
        f"store-{i}": 30 for i in range(1, 6)
    }
    assert policies["dc"] == scenario.node("dc").inventory.policy  # type: ignore[union-attr]
    # A misspelt last key is created, then rejected by validation at every place it went.
    with pytest.raises(ScenarioError) as caught:
        with_overrides(scenario, {"nodes[kind=retailer].inventory.polcy": 30})
    assert len(caught.value.problems) == 5
    assert all("unknown field 'polcy'" in str(p) for p in caught.value.problems)


def test_sweep_names_follow_the_last_path_step_in_product_order() -> None:
    sweep = {"a[kind=x].policy.s": [20, 30], "a[kind=x].policy.S": [60.5, True]}
    names = [r.name for r in sweep_recipes([Recipe("", ("scenario",), ("scenario",))], sweep)]
    assert names == ["s=20,S=60.5", "s=20,S=true", "s=30,S=60.5", "s=30,S=true"]
    listed = [Recipe("lean", ("variants", 0), ("variants", 0, "name"), [("x", 1, ())])]
    recipes = sweep_recipes(listed, {"y": ["a", "b"]})
    assert [r.name for r in recipes] == ["lean,y=a", "lean,y=b"]
    # The sweep's overrides come after the variant's own.
    assert [o[:2] for o in recipes[1].overrides] == [("x", 1), ("y", "b")]


def test_sweep_labels_grow_until_they_differ() -> None:
    sweep = {"nodes.dc.inventory.policy.S": [1], "nodes[kind=retailer].inventory.policy.S": [2]}
    (recipe,) = sweep_recipes([Recipe("", (), ())], sweep)
    assert recipe.name == "dc.inventory.policy.S=1,nodes.inventory.policy.S=2"


def study_file(tmp_path: Path, body: str) -> Path:
    shutil.copy(SCENARIOS / "quickstart.yaml", tmp_path)
    path = tmp_path / "study.yaml"
    path.write_text("study: s\nscenario: quickstart.yaml\nreplications: 2\n" + body)
    return path


def test_sweep_on_top_of_listed_variants_builds_every_combination(tmp_path: Path) -> None:
    path = study_file(
        tmp_path,
        """\
variants:
  - name: current
  - name: lean
    overrides: {"nodes[kind=retailer].inventory.initial": 10}
sweep:
  "nodes[kind=retailer].inventory.policy.s": [20, 30]
""",
    )
    study = load_study(path)
    assert [v.name for v in study.variants()] == [
        "current,s=20",
        "current,s=30",
        "lean,s=20",
        "lean,s=30",
    ]
    lean = study.variant("lean,s=30")
    assert lean.overrides == {
        "nodes[kind=retailer].inventory.initial": 10,
        "nodes[kind=retailer].inventory.policy.s": 30,
    }
    store = lean.scenario.node("store-3").inventory
    assert store is not None
    assert (store.initial, store.policy.s) == (10, 30)  # type: ignore[attr-defined]


def test_a_bad_sweep_value_is_reported_at_its_line(tmp_path: Path) -> None:
    path = study_file(
        tmp_path,
        """\
sweep:
  "nodes[kind=retailer].inventory.policy.s":
    - 20
    - 500
  "horizon": [90, "long run"]
""",
    )
    with pytest.raises(ScenarioError) as caught:
        load_study(path)
    found = [(p.line, format_path(p.path), p.message) for p in caught.value.problems]
    # A string value makes names with a space, which cannot be folder names.
    assert [f[:2] for f in found[:2]] == [(4, "sweep"), (4, "sweep")]
    assert all(
        "invalid variant name 's=" in f[2] and "horizon=long run'" in f[2] for f in found[:2]
    )
    # s=500 fails at every retailer, at the line of that value.
    assert found[2:] == [
        (7, f"nodes[{i}].inventory.policy", "s must be < S (got s=500, S=120)") for i in range(2, 7)
    ]


def test_merge_overrides_reports_every_failing_selector_and_keeps_its_input() -> None:
    with pytest.raises(ScenarioError) as caught:
        merge_overrides(DOC, {"nodes[kind=plant].x": 1, "nodes.*.inventory.initial": 2})
    assert len(caught.value.problems) == 2
    merged = merge_overrides(DOC, {"nodes[kind=retailer].inventory.initial": 2})
    assert merged["nodes"][3]["inventory"]["initial"] == 2
    assert "initial" not in DOC["nodes"][3]["inventory"]
