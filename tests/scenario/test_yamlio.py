"""Safe YAML loading with a line for every key and list item."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from simulator.scenario.errors import ScenarioError
from simulator.scenario.yamlio import load_yaml, load_yaml_text

NESTED = """\
horizon: 100
nodes:
  - id: dc-1
    policy:
      type: sS
      s: 10
  - id: store-1

    policy: {type: sS, s: 5}
lanes: [a, b]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_lines_of_nested_keys_and_list_items(tmp_path: Path) -> None:
    path = write(tmp_path, "net.yaml", NESTED)
    data, lines = load_yaml(path)
    file = str(path)
    assert data == yaml.safe_load(NESTED)
    assert lines[()] == (file, 1)
    assert lines[("horizon",)] == (file, 1)
    assert lines[("nodes",)] == (file, 2)
    assert lines[("nodes", 0)] == (file, 3)
    assert lines[("nodes", 0, "id")] == (file, 3)
    assert lines[("nodes", 0, "policy", "type")] == (file, 5)
    assert lines[("nodes", 0, "policy", "s")] == (file, 6)
    assert lines[("nodes", 1)] == (file, 7)
    assert lines[("nodes", 1, "policy", "s")] == (file, 9)
    assert lines[("lanes", 1)] == (file, 10)


def test_file_is_reported_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "net.yaml", NESTED)
    monkeypatch.chdir(tmp_path)
    _, lines = load_yaml("net.yaml")
    assert lines[("horizon",)] == ("net.yaml", 1)


ANCHORS = """\
defaults: &defaults
  lead_time: 2
  policy: &policy {type: sS, s: 10, S: 50}
more: &more
  review: 7
nodes:
  - id: a
    <<: *defaults
    lead_time: 3
  - id: b
    <<: [*defaults, *more]
  - id: c
    policy: *policy
shared:
  - *policy
  - *policy
"""


def test_anchors_aliases_and_merge_keys_equal_safe_load() -> None:
    data, lines = load_yaml_text(ANCHORS, "a.yaml")
    assert data == yaml.safe_load(ANCHORS)
    # The key written in the node wins over the merged one, and points at its own line.
    assert data["nodes"][0]["lead_time"] == 3
    assert lines[("nodes", 0, "lead_time")] == ("a.yaml", 9)
    # Merged keys point at their definition in the anchored mapping.
    assert lines[("nodes", 1, "review")] == ("a.yaml", 5)
    assert lines[("nodes", 2, "policy", "S")] == ("a.yaml", 3)
    # An aliased list item points at the alias, not at the anchor.
    assert lines[("shared", 1)] == ("a.yaml", 16)


def test_recursive_alias_loads() -> None:
    data, lines = load_yaml_text("a: &a [*a]\nb: 1\n", "r.yaml")
    assert data["a"][0] is data["a"]
    assert lines[("b",)] == ("r.yaml", 2)


def test_duplicate_keys_rejected_with_line() -> None:
    text = "nodes:\n  - id: a\n    s: 1\n    s: 2\nhorizon: 1\nhorizon: 2\n"
    with pytest.raises(ScenarioError) as caught:
        load_yaml_text(text, "dup.yaml")
    assert [(p.line, p.path) for p in caught.value.problems] == [(4, ("nodes", 0)), (6, ())]
    assert str(caught.value).splitlines() == [
        "dup.yaml:4: nodes[0]: duplicate key 's' (first defined on line 3)",
        "dup.yaml:6: duplicate key 'horizon' (first defined on line 5)",
    ]


def test_overriding_a_merged_key_is_not_a_duplicate() -> None:
    data, _ = load_yaml_text("a: &a {x: 1}\nb:\n  <<: *a\n  x: 2\n", "m.yaml")
    assert data["b"] == {"x": 2}


def test_syntax_error_has_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "a: 1\nb: [1, 2\nc: 3\n")
    with pytest.raises(ScenarioError) as caught:
        load_yaml(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert problem.line == 3
    assert problem.message.startswith("invalid YAML")


def test_bad_indentation_has_line() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_yaml_text("a:\n  b: 1\n c: 2\n", "ind.yaml")
    assert caught.value.problems[0].line == 3


def test_unsafe_tags_are_rejected() -> None:
    with pytest.raises(ScenarioError, match="could not determine a constructor"):
        load_yaml_text("a: !!python/object/apply:os.system [echo hi]\n", "evil.yaml")


def test_several_documents_are_rejected() -> None:
    with pytest.raises(ScenarioError, match="single document"):
        load_yaml_text("a: 1\n---\nb: 2\n", "two.yaml")


def test_control_character_has_line() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_yaml_text("a: 1\nb: \x07\n", "ctl.yaml")
    assert caught.value.problems[0].line == 2


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError) as caught:
        load_yaml(missing)
    assert str(caught.value) == f"{missing}: file not found"


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("a: 1\nname: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as caught:
        load_yaml(path)
    (problem,) = caught.value.problems
    assert "not valid UTF-8" in problem.message
    assert problem.line == 2


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert load_yaml(path)[0] == {"a": 1}


def test_empty_document() -> None:
    assert load_yaml_text("# nothing\n", "e.yaml") == (None, {})


def test_non_finite_floats_are_left_to_validation() -> None:
    data, _ = load_yaml_text("a: .nan\nb: -.inf\n", "f.yaml")
    assert math.isnan(data["a"])
    assert data["b"] == -math.inf
