"""``extends`` overlays, merge rules and dotted-path overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.scenario.errors import ScenarioError
from simulator.scenario.overlay import deep_merge, load_with_extends
from simulator.scenario.overrides import merge_overrides
from simulator.scenario.yamlio import load_yaml_text

ROOT = """\
horizon: 100
seed: 1
nodes:
  - id: dc-1
    policy:
      type: sS
      s: 10
      S: 50
  - id: dc-2
    policy:
      type: sS
      s: 5
      S: 20
  - id: store-1
    capacity: 30
"""

MIDDLE = """\
extends: root.yaml
seed: 2
nodes:
  - id: dc-1
    policy:
      s: 15
  - id: store-2
    capacity: 40
"""

LEAF = """\
# leaf variant
extends: middle.yaml
horizon: 200
nodes:
  - id: dc-2
    remove: true
  - id: store-2
    capacity: 45
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def chain(tmp_path: Path) -> Path:
    write(tmp_path / "base", "root.yaml", ROOT)
    write(tmp_path / "base", "middle.yaml", MIDDLE)
    # The leaf lives in another directory: extends paths are relative to the extending file.
    return write(tmp_path, "leaf.yaml", LEAF.replace("middle.yaml", "base/middle.yaml"))


def test_extends_chain_merges_by_id(chain: Path) -> None:
    data, _ = load_with_extends(chain)
    assert data == {
        "horizon": 200,
        "seed": 2,
        "nodes": [
            {"id": "dc-1", "policy": {"type": "sS", "s": 15, "S": 50}},
            {"id": "store-1", "capacity": 30},
            {"id": "store-2", "capacity": 45},
        ],
    }


def test_extends_chain_lines_point_into_the_right_file(chain: Path) -> None:
    _, lines = load_with_extends(chain)
    leaf = str(chain)
    middle = str(chain.parent / "base" / "middle.yaml")
    root = str(chain.parent / "base" / "root.yaml")
    assert lines[("horizon",)] == (leaf, 3)
    assert lines[("seed",)] == (middle, 2)
    assert lines[("nodes", 0, "policy", "s")] == (middle, 6)
    assert lines[("nodes", 0, "policy", "S")] == (root, 8)
    assert lines[("nodes", 0, "policy", "type")] == (root, 6)
    # dc-2 was removed, so store-1 moved from index 2 to 1 and kept its root lines.
    assert lines[("nodes", 1)] == (root, 14)
    assert lines[("nodes", 1, "capacity")] == (root, 15)
    assert lines[("nodes", 2)] == (leaf, 7)
    assert lines[("nodes", 2, "capacity")] == (leaf, 8)
    assert ("nodes", 3) not in lines
    assert not any(path[:1] == ("extends",) for path in lines)


def test_extends_list_applies_bases_in_order(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "x: 1\ny: 1\nz: 1\n")
    write(tmp_path, "b.yaml", "y: 2\nz: 2\n")
    top = write(tmp_path, "top.yaml", "extends: [a.yaml, b.yaml]\nz: 3\n")
    data, lines = load_with_extends(top)
    assert data == {"x": 1, "y": 2, "z": 3}
    assert lines[("y",)] == (str(tmp_path / "b.yaml"), 1)
    assert lines[("z",)] == (str(top), 2)


def test_diamond_is_not_a_cycle(tmp_path: Path) -> None:
    write(tmp_path, "d.yaml", "x: 1\n")
    write(tmp_path, "b.yaml", "extends: d.yaml\ny: 1\n")
    write(tmp_path, "c.yaml", "extends: d.yaml\nz: 1\n")
    top = write(tmp_path, "a.yaml", "extends: [b.yaml, c.yaml]\n")
    assert load_with_extends(top)[0] == {"x": 1, "y": 1, "z": 1}


def test_cycle_is_reported_with_chain(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "extends: b.yaml\nx: 1\n")
    b = write(tmp_path, "b.yaml", "y: 1\nextends: a.yaml\n")
    with pytest.raises(ScenarioError) as caught:
        load_with_extends(a)
    pointer, problem = caught.value.problems  # where a.yaml extends b.yaml, the cycle in b
    assert problem.file == str(b)
    assert problem.line == 2
    assert problem.message == f"circular extends: {a} -> {b} -> {a}"
    assert (pointer.file, pointer.line, pointer.path) == (str(a), 1, ("extends",))


def test_self_extension_is_a_cycle(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "extends: a.yaml\n")
    with pytest.raises(ScenarioError, match="circular extends"):
        load_with_extends(a)


def test_missing_base_names_extending_file_and_line(tmp_path: Path) -> None:
    top = write(tmp_path, "top.yaml", "horizon: 1\nextends:\n  - gone.yaml\n")
    with pytest.raises(ScenarioError) as caught:
        load_with_extends(top)
    assert str(caught.value) == (
        f"{top}:3: extends[0]: base file not found: {tmp_path / 'gone.yaml'}"
    )


def test_malformed_extends(tmp_path: Path) -> None:
    top = write(tmp_path, "top.yaml", "extends: {file: a.yaml}\n")
    with pytest.raises(ScenarioError, match="file name or a list of file names"):
        load_with_extends(top)


def test_top_level_must_be_mapping(tmp_path: Path) -> None:
    top = write(tmp_path, "top.yaml", "- a\n- b\n")
    with pytest.raises(ScenarioError, match="top level must be a mapping"):
        load_with_extends(top)


def test_file_without_extends_is_returned_as_loaded(tmp_path: Path) -> None:
    path = write(tmp_path, "root.yaml", ROOT)
    data, lines = load_with_extends(path)
    assert data["nodes"][2] == {"id": "store-1", "capacity": 30}
    assert lines[("nodes", 2, "capacity")] == (str(path), 15)


def merge_texts(base: str, override: str) -> tuple[Any, dict[Any, tuple[str, int]]]:
    base_data, base_lines = load_yaml_text(base, "base.yaml")
    over_data, over_lines = load_yaml_text(override, "over.yaml")
    return deep_merge(base_data, over_data, base_lines, over_lines)


def test_merge_rules() -> None:
    base = "a: {x: 1, y: [1, 2]}\nb: {k: v}\nc: 1\nd: keep\n"
    over = "a: {y: [3]}\nb: 7\nc: {now: mapping}\nd: null\ne: new\n"
    merged, lines = merge_texts(base, over)
    # Plain lists and scalars replace; a null sets null rather than deleting the key.
    assert merged == {
        "a": {"x": 1, "y": [3]},
        "b": 7,
        "c": {"now": "mapping"},
        "d": None,
        "e": "new",
    }
    assert lines[("a", "x")] == ("base.yaml", 1)
    assert lines[("a", "y", 0)] == ("over.yaml", 1)
    assert ("a", "y", 1) not in lines
    assert ("b", "k") not in lines


def test_merge_does_not_mutate_inputs() -> None:
    base: dict[str, Any] = {"nodes": [{"id": "a", "p": {"s": 1}}]}
    over: dict[str, Any] = {"nodes": [{"id": "a", "p": {"s": 2}}]}
    merged, _ = deep_merge(base, over, {}, {})
    assert merged == {"nodes": [{"id": "a", "p": {"s": 2}}]}
    assert base == {"nodes": [{"id": "a", "p": {"s": 1}}]}
    merged["nodes"][0]["p"]["s"] = 9
    assert over["nodes"][0]["p"]["s"] == 2


def test_id_lists_merge_in_place_and_append() -> None:
    base = "items:\n  - {id: a, v: 1}\n  - {id: b, v: 2}\n"
    over = "items:\n  - {id: c, v: 3}\n  - {id: a, w: 9}\n"
    merged, _ = merge_texts(base, over)
    assert merged["items"] == [
        {"id": "a", "v": 1, "w": 9},
        {"id": "b", "v": 2},
        {"id": "c", "v": 3},
    ]


def test_list_without_ids_replaces_whole() -> None:
    base = "items:\n  - {id: a, v: 1}\n"
    over = "items:\n  - {v: 2}\n"
    assert merge_texts(base, over)[0]["items"] == [{"v": 2}]
    assert merge_texts(base, "items: []\n")[0]["items"] == []


def test_remove_unknown_id_is_an_error_with_line() -> None:
    base = "items:\n  - {id: a}\n"
    over = "items:\n  - {id: a, v: 1}\n  - {id: zz, remove: true}\n"
    with pytest.raises(ScenarioError) as caught:
        merge_texts(base, over)
    assert str(caught.value) == "over.yaml:3: items[1]: cannot remove 'zz': no item has that id"


def test_remove_with_other_fields_is_an_error() -> None:
    with pytest.raises(ScenarioError, match="only have 'id' and 'remove'"):
        merge_texts("items: [{id: a}]\n", "items: [{id: a, remove: true, v: 1}]\n")


def test_remove_in_list_without_ids_is_an_error() -> None:
    with pytest.raises(ScenarioError, match="needs a list whose items all have an 'id'"):
        merge_texts("items: [{id: a}]\n", "items: [{v: 1}, {id: a, remove: true}]\n")


def test_duplicate_ids_in_overlay_are_an_error() -> None:
    with pytest.raises(ScenarioError, match="duplicate id 'a'") as caught:
        merge_texts("items: [{id: a}]\n", "items:\n  - {id: a}\n  - {id: a}\n")
    assert caught.value.problems[0].line == 3


def test_deep_merge_of_a_subtree_keys_lines_by_full_path() -> None:
    base_data, base_lines = load_yaml_text("n:\n  p: {x: 1, y: 2}\n", "base.yaml")
    over_data, over_lines = load_yaml_text("n:\n  p: {y: 3}\n", "over.yaml")
    merged, lines = deep_merge(
        base_data["n"]["p"], over_data["n"]["p"], base_lines, over_lines, ("n", "p")
    )
    assert merged == {"x": 1, "y": 3}
    assert lines == {
        ("n", "p"): ("over.yaml", 2),
        ("n", "p", "x"): ("base.yaml", 2),
        ("n", "p", "y"): ("over.yaml", 2),
    }


SCENARIO: dict[str, Any] = {
    "horizon": 100,
    "nodes": [
        {"id": "dc-1", "policy": {"s": 10, "S": 50}},
        {"id": "dc.2", "policy": {"s": 5}},
    ],
    "lanes": [["a", "b"], ["b", "c"]],
}


def test_merge_overrides_by_dotted_path_and_id() -> None:
    result = merge_overrides(
        SCENARIO,
        {
            "nodes.dc-1.policy.s": 40,
            "horizon": 365,
            "nodes.dc.2.policy": {"s": 1, "S": 2},
            "lanes.1": ["x", "y"],
        },
    )
    assert result["horizon"] == 365
    assert result["nodes"][0]["policy"] == {"s": 40, "S": 50}
    assert result["nodes"][1]["policy"] == {"s": 1, "S": 2}
    assert result["lanes"] == [["a", "b"], ["x", "y"]]
    # The input is untouched.
    assert SCENARIO["horizon"] == 100
    assert SCENARIO["nodes"][0]["policy"]["s"] == 10


def test_merge_overrides_unknown_paths_are_all_reported() -> None:
    with pytest.raises(ScenarioError) as caught:
        merge_overrides(
            SCENARIO, {"nodes.dc-9.policy.s": 1, "horizn": 5, "horizon.days": 1, "a..b": 1}
        )
    assert sorted(str(p) for p in caught.value.problems) == [
        "horizon: unknown override path 'horizon.days': horizon is not a mapping or list",
        "nodes: unknown override path 'nodes.dc-9.policy.s': no item with id 'dc-9'",
        "unknown override path 'a..b': empty path segment",
        "unknown override path 'horizn': no key 'horizn'",
    ]


def test_merge_overrides_create_adds_a_final_key() -> None:
    with pytest.raises(ScenarioError):
        merge_overrides(SCENARIO, {"nodes.dc.2.policy.S": 9})
    result = merge_overrides(SCENARIO, {"nodes.dc.2.policy.S": 9}, create=True)
    assert result["nodes"][1]["policy"] == {"s": 5, "S": 9}
    with pytest.raises(ScenarioError, match="no key 'missing'"):
        merge_overrides(SCENARIO, {"missing.deeper": 1}, create=True)
