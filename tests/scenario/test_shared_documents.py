"""A sub-document held in several places (a YAML alias, one object a program puts under every
node) is validated once, and still reported at every place when it is wrong."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator import ScenarioError, load_scenario
from simulator.scenario import scenario_from_data


def network(
    rules: dict[str, Any], default: dict[str, Any] | None = None, shops: int = 3
) -> dict[str, Any]:
    """A supplier, a DC and ``shops`` shops that all hold the very same ``rules`` and
    ``default`` policy objects."""
    nodes: list[dict[str, Any]] = [{"id": "supplier", "kind": "supplier"}]
    nodes.append(
        {"id": "dc", "kind": "warehouse", "inventory": {"policy": {"type": "base_stock", "S": 90}}}
    )
    default = default or {"type": "sS", "s": 0.0, "S": 1.0}
    nodes += [
        {"id": f"shop{i}", "kind": "retailer", "inventory": {"policy": default, "skus": rules}}
        for i in range(shops)
    ]
    lanes = [{"from": "supplier", "to": "dc", "lead_time": 2}]
    lanes += [{"from": "dc", "to": f"shop{i}", "lead_time": 1} for i in range(shops)]
    return {
        "name": "shared",
        "horizon": 30,
        "products": [{"id": s, "unit_cost": 1.0, "price": 2.0} for s in ("tea", "honey")],
        "nodes": nodes,
        "lanes": lanes,
        "demand": [
            {"id": f"c{i}", "node": f"shop{i}", "daily": {"dist": "poisson", "mean": 3}}
            for i in range(shops)
        ],
    }


RULES = {
    "tea": {"policy": {"type": "sS", "s": 10.0, "S": 30.0}, "initial": 30.0},
    "honey": {"policy": {"type": "sS", "s": 5.0, "S": 12.0}, "case_pack": 6.0},
}


def test_shared_rules_validate_once_to_what_copies_give() -> None:
    shared = scenario_from_data(network(RULES))
    copies = scenario_from_data(copy.deepcopy(network(RULES)))  # no object held twice
    assert shared == copies
    shops = [n for n in shared.nodes if n.kind == "retailer"]
    assert all(n.inventory is not None for n in shops)
    first = shops[0].inventory.skus  # type: ignore[union-attr]
    assert all(n.inventory.skus is first for n in shops)  # type: ignore[union-attr]


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data(data)
    return sorted(str(p) for p in caught.value.problems)


@pytest.mark.parametrize(
    ("where", "field", "value"),
    [("rules", "initial", -1.0), ("rules", "case_pack", "six"), ("default", "S", True)],
)
def test_a_bad_shared_value_is_reported_at_every_place(where: str, field: str, value: Any) -> None:
    rules = copy.deepcopy(RULES)
    default = {"type": "sS", "s": 0.0, "S": 1.0}
    (rules["honey"] if where == "rules" else default)[field] = value
    shared = problems(network(rules, default))
    assert shared == problems(copy.deepcopy(network(rules, default)))
    assert [i for i in range(3) if any(f"nodes[{i + 2}]" in p for p in shared)] == [0, 1, 2]


def test_rules_shared_through_a_yaml_alias_are_validated_once(tmp_path: Path) -> None:
    # PyYAML writes an object held in several places once, with an anchor, then aliases.
    text = yaml.safe_dump(network(RULES), sort_keys=False)
    assert text.count("initial: 30.0") == 1 and text.count("skus: *") == 2
    path = tmp_path / "shared.yaml"
    path.write_text(text)
    scenario = load_scenario(path)
    rules = [n.inventory.skus for n in scenario.nodes if n.inventory and n.kind == "retailer"]
    assert len(rules) == 3 and all(r is rules[0] for r in rules)
    assert scenario.model_dump() == scenario_from_data(copy.deepcopy(network(RULES))).model_dump()
