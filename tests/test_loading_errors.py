"""Bad scenario files: one load reports every problem, each at its file, line and path.

Each case edits a small valid scenario. The expected line is found by looking for a marker in
the edited text, so the cases stay correct when the base text changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from simulator import ScenarioError, load_scenario
from simulator.scenario.errors import format_path

QUICKSTART = Path(__file__).resolve().parents[1] / "scenarios" / "quickstart.yaml"

GOOD = """\
name: good
horizon: 30
warmup: 5
products:
  - {id: a, unit_cost: 1, price: 2}
  - {id: b, unit_cost: 1, price: 2}
nodes:
  - {id: supplier, kind: supplier}
  - id: dc
    kind: warehouse
    inventory:
      policy: {type: sS, s: 20, S: 60}
      initial: 40
  - id: store
    kind: retailer
    carries: [a]
    inventory:
      policy: {type: base_stock, S: 10}
      initial: 5
lanes:
  - {id: inbound, from: supplier, to: dc, lead_time: 2}
  - {id: outbound, from: dc, to: store, lead_time: 1}
demand:
  - id: buyers
    node: store
    daily: {dist: poisson, mean: 3}
    seasonality: {annual_amplitude: 0.5}
"""


@dataclass(frozen=True)
class Expected:
    """A problem the loader must report: on the line holding ``marker``, at ``path``."""

    marker: str
    path: str
    message: str


@dataclass(frozen=True)
class Case:
    old: str
    new: str
    expected: tuple[Expected, ...]


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur once in the base text"
    return text.replace(old, new)


def line_of(text: str, marker: str) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if marker in line]
    assert len(hits) == 1, f"marker {marker!r} must be on exactly one line"
    return hits[0]


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def load_problems(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return caught.value


def assert_reported(error: ScenarioError, file: Path, text: str, expected: Expected) -> None:
    line = line_of(text, expected.marker)
    hits = [
        p
        for p in error.problems
        if p.file == str(file) and p.line == line and format_path(p.path) == expected.path
    ]
    assert hits, f"no problem at {file.name}:{line}: {expected.path}; got:\n{error}"
    assert any(expected.message in p.message for p in hits), (
        f"{expected.path}: expected {expected.message!r}, got {[p.message for p in hits]}"
    )
    # The printed form is what users read: file:line: path: message.
    assert f"{file}:{line}: {expected.path}: " in str(error)


CASES = {
    "unknown-field": Case(
        "      initial: 40",
        "      intial: 40",
        (Expected("intial: 40", "nodes[1].inventory.intial", "unknown field 'intial'"),),
    ),
    "lane-to-unknown-node": Case(
        "  - {id: outbound, from: dc, to: store, lead_time: 1}",
        "  - {id: outbound, from: dc, to: store, lead_time: 1}\n"
        "  - {id: astray, from: dc, to: shop, lead_time: 1}",
        (Expected("id: astray", "lanes[2].to", "unknown node 'shop'"),),
    ),
    "policy-for-sku-not-carried": Case(
        "      initial: 5",
        "      initial: 5\n      skus: {b: {policy: {type: base_stock, S: 3}}}",
        (Expected("skus: {b:", "nodes[2].inventory.skus.b", "not carried"),),
    ),
    "nan": Case(
        "  - {id: b, unit_cost: 1, price: 2}",
        "  - {id: b, unit_cost: .nan, price: 2}",
        (Expected(".nan", "products[1].unit_cost", "finite"),),
    ),
    "negative-lead-time": Case(
        "to: dc, lead_time: 2}",
        "to: dc, lead_time: -2}",
        (Expected("lead_time: -2", "lanes[0].lead_time", "greater than or equal to 0"),),
    ),
    "amplitude-above-one": Case(
        "annual_amplitude: 0.5",
        "annual_amplitude: 1.5",
        (Expected("annual_amplitude", "demand[0].seasonality.annual_amplitude", "less than or"),),
    ),
    "s-not-below-S": Case(
        "{type: sS, s: 20, S: 60}",
        "{type: sS, s: 60, S: 60}",
        (Expected("type: sS", "nodes[1].inventory.policy", "s must be < S"),),
    ),
    "unknown-policy-type": Case(
        "{type: sS, s: 20, S: 60}",
        "{type: Ss, s: 20, S: 60}",
        (Expected("type: Ss", "nodes[1].inventory.policy.type", "unknown type 'Ss'"),),
    ),
    "duplicate-ids": Case(
        "  - {id: b, unit_cost: 1, price: 2}",
        "  - {id: a, unit_cost: 1, price: 3}",
        (
            Expected("price: 2}", "products[0].id", "duplicate id 'a'"),
            Expected("price: 3}", "products[1].id", "duplicate id 'a'"),
        ),
    ),
    "cycle": Case(
        "lanes:\n",
        "  - {id: w1, kind: warehouse, inventory: {policy: {type: base_stock, S: 5}}}\n"
        "  - {id: w2, kind: warehouse, inventory: {policy: {type: base_stock, S: 5}}}\n"
        "lanes:\n"
        "  - {from: w1, to: w2, lead_time: 1}\n"
        "  - {from: w2, to: w1, lead_time: 1}\n",
        (Expected("lanes:", "lanes", "cycle: w1 -> w2 -> w1"),),
    ),
    "warmup-not-below-horizon": Case(
        "warmup: 5",
        "warmup: 30",
        (Expected("warmup: 30", "warmup", "shorter than the horizon"),),
    ),
    "node-without-supplier": Case(
        "  - {id: outbound, from: dc, to: store, lead_time: 1}\n",
        "",
        (Expected("id: store", "nodes[2]", "'store' has no supplier"),),
    ),
}


def test_the_base_text_is_valid(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, "good.yaml", GOOD))
    assert scenario.name == "good"


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_problem_is_reported_where_it_was_written(tmp_path: Path, case: Case) -> None:
    text = edit(GOOD, case.old, case.new)
    path = write(tmp_path, "bad.yaml", text)
    error = load_problems(path)
    for expected in case.expected:
        assert_reported(error, path, text, expected)


ALL_AT_ONCE = """\
name: bad
horizon: 30
warmup: 30
products:
  - {id: a, unit_cost: 1, price: 2}
  - {id: b, unit_cost: .nan, price: 2}
  - {id: a, unit_cost: 1, price: 3}
nodes:
  - {id: supplier, kind: supplier}
  - id: dc
    kind: warehouse
    carries: [a]
    inventory:
      policy: {type: sS, s: 50, S: 40}
      intial: 10
      skus:
        b: {policy: {type: base_stock, S: 5}}
  - {id: x1, kind: warehouse, inventory: {policy: {type: base_stock, S: 10}}}
  - {id: x2, kind: warehouse, inventory: {policy: {type: base_stock, S: 10}}}
  - id: lonely
    kind: retailer
    carries: [a]
    inventory: {policy: {type: base_stock, S: 10}}
lanes:
  - {from: supplier, to: dc, lead_time: -2}
  - {from: dc, to: nowhere, lead_time: 1}
  - {from: x1, to: x2, lead_time: 1}
  - {from: x2, to: x1, lead_time: 1}
demand:
  - id: buyers
    node: dc
    daily: {dist: poisson, mean: 3}
    seasonality: {annual_amplitude: 1.5}
"""

ALL_EXPECTED = (
    Expected("warmup: 30", "warmup", "shorter than the horizon"),
    Expected("{id: a, unit_cost: 1, price: 2}", "products[0].id", "duplicate id 'a'"),
    Expected(".nan", "products[1].unit_cost", "finite"),
    Expected("price: 3}", "products[2].id", "duplicate id 'a'"),
    Expected("s: 50, S: 40", "nodes[1].inventory.policy", "s must be < S"),
    Expected("intial: 10", "nodes[1].inventory.intial", "unknown field 'intial'"),
    Expected("b: {policy", "nodes[1].inventory.skus.b", "not carried"),
    Expected("id: lonely", "nodes[4]", "'lonely' has no supplier"),
    Expected("lanes:", "lanes", "cycle: x1 -> x2 -> x1"),
    Expected("lead_time: -2", "lanes[0].lead_time", "greater than or equal to 0"),
    Expected("to: nowhere", "lanes[1].to", "unknown node 'nowhere'"),
    Expected("annual_amplitude", "demand[0].seasonality.annual_amplitude", "less than or equal"),
)


def test_one_load_lists_every_problem_in_file_order(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", ALL_AT_ONCE)
    error = load_problems(path)
    for expected in ALL_EXPECTED:
        assert_reported(error, path, ALL_AT_ONCE, expected)
    assert len(error.problems) == len(ALL_EXPECTED), str(error)
    lines = [p.line or 0 for p in error.problems]
    assert lines == sorted(lines)
    assert len(str(error).splitlines()) == len(ALL_EXPECTED)


# ----------------------------------------------------------------------------- overlays

OVERLAY = """\
# a variant of base.yaml with mistakes of its own
extends: base.yaml
name: variant
nodes:
  - id: dc
    inventory:
      policy: {type: sS, s: 70, S: 60}
lanes:
  - {id: outbound, lead_tme: 2}
  - {id: astray, from: dc, to: shop, lead_time: 1}
"""


def test_overlay_errors_point_into_the_overlay(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", GOOD)
    overlay = write(tmp_path, "variant.yaml", OVERLAY)
    error = load_problems(overlay)
    for expected in (
        Expected("s: 70, S: 60", "nodes[1].inventory.policy", "s must be < S"),
        Expected("lead_tme", "lanes[1].lead_tme", "unknown field 'lead_tme'"),
        Expected("id: astray", "lanes[2].to", "unknown node 'shop'"),
    ):
        assert_reported(error, overlay, OVERLAY, expected)
    assert len(error.problems) == 3, str(error)


def test_base_errors_still_point_into_the_base(tmp_path: Path) -> None:
    base_text = edit(GOOD, "{id: b, unit_cost: 1,", "{id: b, unit_cost: .inf,")
    base = write(tmp_path, "base.yaml", base_text)
    overlay = write(tmp_path, "variant.yaml", "extends: base.yaml\nhorizon: 40\n")
    error = load_problems(overlay)
    assert_reported(error, base, base_text, Expected(".inf", "products[1].unit_cost", "finite"))
    assert len(error.problems) == 1


def test_overlay_of_quickstart_changes_one_policy_parameter(tmp_path: Path) -> None:
    base = load_scenario(QUICKSTART)
    store = base.node("store-1")
    assert store.inventory is not None
    old = store.inventory.policy
    overlay = write(
        tmp_path,
        "lean.yaml",
        f"extends: {json.dumps(str(QUICKSTART))}\n"
        "nodes:\n"
        "  - {id: store-1, inventory: {policy: {s: 12}}}   # type and S come from the base\n",
    )
    variant = load_scenario(overlay)

    changed = variant.node("store-1").inventory
    assert changed is not None
    assert changed.policy.type == old.type == "sS"
    assert changed.policy.s == 12  # type: ignore[union-attr]
    assert changed.policy.S == old.S  # type: ignore[union-attr]
    expected = base.to_dict()
    next(n for n in expected["nodes"] if n["id"] == "store-1")["inventory"]["policy"]["s"] = 12
    assert variant.to_dict() == expected
    assert variant.source == overlay.resolve()


# ----------------------------------------------------------------------------- known defects


def test_a_bad_value_in_a_daily_law_is_one_problem(tmp_path: Path) -> None:
    text = edit(GOOD, "{dist: poisson, mean: 3}", "{dist: poisson, mean: .nan}")
    path = write(tmp_path, "bad.yaml", text)
    error = load_problems(path)
    assert_reported(error, path, text, Expected(".nan", "demand[0].daily.mean", "finite"))
    assert len(error.problems) == 1, str(error)


def test_a_bare_number_is_a_constant_daily_law(tmp_path: Path) -> None:
    path = write(tmp_path, "good.yaml", edit(GOOD, "{dist: poisson, mean: 3}", "5"))
    daily = load_scenario(path).demand[0].daily
    assert daily is not None and daily.dist == "constant" and daily.mean == 5  # type: ignore[union-attr]


def test_a_cycle_message_names_only_the_nodes_on_the_cycle(tmp_path: Path) -> None:
    text = edit(
        GOOD,
        "  - {id: outbound, from: dc, to: store, lead_time: 1}",
        "  - {id: outbound, from: dc, to: store, lead_time: 1}\n"
        "  - {id: loop, from: dc, to: dc, lead_time: 1}",
    )
    path = write(tmp_path, "bad.yaml", text)
    error = load_problems(path)
    cycles = [p.message for p in error.problems if "cycle" in p.message]
    assert cycles == ["lanes form a cycle: dc -> dc"], cycles
