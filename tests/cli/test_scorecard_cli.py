"""``supplysim run --scorecard``: the ranked partner table, and its place in ``--json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from simulator.cli import app

QUICKSTART = Path(__file__).parents[2] / "scenarios" / "quickstart.yaml"

# A distributor without customers: its stockout days are undefined.
CHAIN = """\
name: chain
horizon: 20
products:
  - {id: cola, unit_cost: 0.4, price: 1.2}
nodes:
  - {id: supplier, kind: supplier}
  - {id: dist, kind: distributor, inventory: {policy: {type: base_stock, S: 40}, initial: 40}}
  - {id: store, kind: retailer, inventory: {policy: {type: base_stock, S: 15}, initial: 15}}
lanes:
  - {from: supplier, to: dist, lead_time: 1}
  - {from: dist, to: store, lead_time: 1}
demand:
  - {id: shoppers, node: store, daily: {dist: constant, value: 5}}
"""


def run_json(scenario: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["run", str(scenario), "--scorecard", "--json"])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_json_has_a_ranked_row_per_retailer() -> None:
    document = run_json(QUICKSTART)
    assert set(document) == {"provenance", "kpis", "scorecard", "files"}
    card = document["scorecard"]
    assert isinstance(card, list)
    assert sorted(row["node"] for row in card) == [f"store-{k}" for k in range(1, 6)]
    assert {row["kind"] for row in card} == {"retailer"}
    assert [row["rank"] for row in card] == [1, 2, 3, 4, 5]
    assert all(0 <= row["fill_rate_given"] <= 1 for row in card)


def test_undefined_figures_are_null(tmp_path: Path) -> None:
    scenario = tmp_path / "chain.yaml"
    scenario.write_text(CHAIN)
    rows = {row["node"]: row for row in run_json(scenario)["scorecard"]}
    assert rows["dist"]["stockout_days"] is None
    assert rows["store"]["stockout_days"] == 0


def test_table_follows_the_kpi_table() -> None:
    result = CliRunner().invoke(app, ["run", str(QUICKSTART), "--days", "60", "--scorecard"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("network KPIs") < out.index("quickstart: partners")
    assert all(f"store-{k}" in out for k in range(1, 6))
