"""Stress tests on a tiny deterministic network, where every resilience KPI is hand-computed.

One external supplier, one shop, one SKU; constant demand 5 a day, lost when unmet; base stock
S = 15 with lead time 2, starting with 15 on hand. Without disruptions the shop receives, sells
and orders 5 every day from day 3 on, so its fill rate is 1 every day.

Closing the shop on days [4, 7): it sells nothing on days 4, 5 and 6 (15 units lost) and does not
receive; the shipments due on days 4, 5 and 6 wait for it and arrive together on day 7, so it
sells in full from day 7. With a one-day service window: service is 0 on days 4-6 and 1
otherwise, so time to survive is 0 (already below target on day 4), time to recover 3 (the last
day below the baseline is day 6: 6 + 1 - 4), and the service lost is 3 service-days.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.experiment import make_executor
from simulator.experiment.stress import (
    BASELINE,
    COMBINED,
    StressSettings,
    case_kpis,
    disruption_cases,
    impact_table,
    removal_cases,
    run_cases,
)
from simulator.scenario import Scenario, scenario_from_data

CLOSED = {
    "id": "closed",
    "type": "facility_outage",
    "nodes": ["shop"],
    "when": {"start": 4, "duration": 3},
}


def tiny(disruptions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "name": "tiny",
        "horizon": 20,
        "products": [{"id": "widget", "unit_cost": 2.0, "price": 5.0, "lost_sale_cost": 1.5}],
        "nodes": [
            {"id": "supplier", "kind": "supplier"},
            {
                "id": "shop",
                "kind": "retailer",
                "inventory": {"policy": {"type": "base_stock", "S": 15}, "initial": 15},
            },
        ],
        "lanes": [{"from": "supplier", "to": "shop", "lead_time": 2}],
        "demand": [{"id": "town", "node": "shop", "daily": 5, "unmet": "lost"}],
        "disruptions": disruptions or [],
    }


def stress(scenario: Scenario, cases: list[Any], n: int = 2) -> Any:
    settings = StressSettings(target=0.95, tolerance=0.02, window=1)
    with make_executor("serial") as pool:
        runs = list(run_cases(scenario, cases, n, pool))
    return runs, case_kpis(runs, settings)


def test_a_closed_shop_gives_the_hand_computed_resilience_kpis() -> None:
    scenario = scenario_from_data(tiny([CLOSED]))
    runs, kpis = stress(scenario, disruption_cases(scenario))
    assert {r.case for r in runs} == {BASELINE, "closed"}
    for k in kpis["closed"]:
        assert (k.time_to_survive, k.time_to_recover) == (0, 3)
        assert k.service_loss_area == pytest.approx(3.0)
        assert k.lost_sales_extra == pytest.approx(15.0)
    baseline = next(r for r in runs if r.case == BASELINE)
    assert (baseline.series.filled == baseline.series.asked).all()  # the baseline never fails


def test_a_triggered_disruption_is_stressed_with_its_cause_and_all_together() -> None:
    follower = {
        "id": "rush",
        "type": "demand_shock",
        "multiplier": 2,
        "when": {"after": "closed", "delay": 3, "duration": 2},
    }
    other = {**CLOSED, "id": "later", "when": {"start": 12, "duration": 1}}
    scenario = scenario_from_data(tiny([CLOSED, follower]))
    cases = {c.name: [d.id for d in c.disruptions] for c in disruption_cases(scenario)}
    # Named after all it contains; one chain: no combined case.
    assert cases == {"closed": ["closed"], "closed + rush": ["closed", "rush"]}
    scenario = scenario_from_data(tiny([CLOSED, follower, other]))
    cases = {c.name: [d.id for d in c.disruptions] for c in disruption_cases(scenario)}
    assert cases[COMBINED] == ["closed", "rush", "later"]


def test_removing_each_node_of_a_kind_closes_it_for_the_given_days() -> None:
    scenario = scenario_from_data(tiny())
    (case,) = removal_cases(scenario, "retailer", start=4, duration=3)
    assert case.name == "remove shop"
    _, kpis = stress(scenario, [case])
    assert [k.service_loss_area for k in kpis["remove shop"]] == pytest.approx([3.0, 3.0])
    with pytest.raises(ValueError, match="no node of kind or id 'dc'"):
        removal_cases(scenario, "dc", start=4, duration=3)


def test_impact_table_ranks_the_most_harmful_case_first() -> None:
    longer = {**CLOSED, "id": "longer", "when": {"start": 4, "duration": 5}}
    scenario = scenario_from_data(tiny([CLOSED, longer]))
    _, kpis = stress(scenario, disruption_cases(scenario))
    table = impact_table(kpis)
    order = list(dict.fromkeys(table.case))
    assert order[0] in (COMBINED, "longer") and order[-1] == "closed"
    area = table[table.metric == "service_loss_area"].set_index("case")["median"]
    assert area["longer"] == pytest.approx(5.0)


def test_the_stress_command_prints_json_and_rejects_a_bad_overlay(tmp_path: Path) -> None:
    base, storm, bad = tmp_path / "base.yaml", tmp_path / "closed.yaml", tmp_path / "bad.yaml"
    base.write_text(yaml.safe_dump(tiny()))
    storm.write_text(yaml.safe_dump({"disruptions": [CLOSED]}))
    bad.write_text(
        "disruptions:\n  - id: x\n    type: facility_outage\n    nodes: [nowhere]\n"
        "    when: {start: 1, duration: 1}\n"
    )
    runner = CliRunner()
    args = ["stress", str(base), "-n", "2", "--executor", "serial", "--window", "1", "--json"]
    report = tmp_path / "stress.html"
    done = runner.invoke(app, [*args, "--overlay", str(storm), "--report", str(report)])
    assert done.exit_code == 0, done.output
    page = report.read_text()
    assert "Recovery curves" in page and "data:image/png;base64" in page
    assert '<td class="name">closed</td>' in page and "<th>Service lost (service-days)</th>" in page
    assert "service_loss_area" not in page.split("<h2>Definitions</h2>")[0]  # human names
    (case,) = json.loads(done.stdout)["cases"]
    assert case["case"] == "closed" and case["metrics"]["service_loss_area"]["median"] == 3.0
    failed = runner.invoke(app, [*args, "--overlay", str(bad)])
    assert failed.exit_code == 2
    assert f"{bad}:4" in failed.stderr and "unknown node 'nowhere'" in failed.stderr
    empty = runner.invoke(app, args)
    assert empty.exit_code == 2 and "no disruptions" in empty.stderr
    unknown = runner.invoke(app, [*args, "--remove-each", "dc"])
    assert unknown.exit_code == 2 and "no node of kind or id 'dc'" in unknown.stderr


def test_list_disruptions_names_every_kind() -> None:
    done = CliRunner().invoke(app, ["list", "disruptions", "--json"])
    kinds = {k["name"] for k in json.loads(done.stdout)}
    assert kinds == {
        "weather",
        "transport_delay",
        "vehicle_breakdowns",
        "demand_shock",
        "supplier_shortage",
        "facility_outage",
        "recall",
        "economic_shift",
        "customer_side",
    }


def test_a_one_off_event_is_measured_from_its_day() -> None:
    # A fire destroying half the shop's stock at the start of day 4 (no duration): the shop
    # holds 0 at the start of each day after its deliveries are sold, so nothing is lost.
    fire = {
        **CLOSED,
        "id": "fire",
        "capacity": 1,
        "destroy": 0.5,
        "when": {"start": 4, "duration": 0},
    }
    scenario = scenario_from_data(tiny([fire]))
    _, kpis = stress(scenario, disruption_cases(scenario))
    assert [(k.start, k.end) for k in kpis["fire"]] == [(4, None), (4, None)]


def test_the_stress_command_ranks_by_the_chosen_kpi_and_marks_ties(tmp_path: Path) -> None:
    longer = {**CLOSED, "id": "longer", "when": {"start": 4, "duration": 5}}
    twin = {**CLOSED, "id": "twin"}  # the same outage under another name: a tie
    base = tmp_path / "base.yaml"
    base.write_text(yaml.safe_dump(tiny([CLOSED, longer, twin])))
    args = ["stress", str(base), "-n", "3", "--executor", "serial", "--window", "1"]
    done = CliRunner().invoke(app, [*args, "--rank-by", "time_to_recover", "--json"])
    assert done.exit_code == 0, done.output
    document = json.loads(done.stdout)
    assert document["ranked_by"] == "time_to_recover"
    medians = [c["metrics"]["time_to_recover"]["median"] for c in document["cases"]]
    assert medians == sorted(medians, reverse=True)  # the slowest to recover first
    tied = {c["case"] for c in document["cases"] if c["tied_with_previous"]}
    assert tied & {"closed", "twin"}
    text = CliRunner().invoke(app, [*args, "--rank-by", "extra_cost"]).stdout
    assert "by extra cost" in " ".join(text.split())  # the title wraps in a narrow terminal
    assert re.search(r"│ \d ≈ │", text)  # a tie marker on a row, not only in the caption
    assert "e+0" not in text and "service_loss_area" not in text
    bad = CliRunner().invoke(app, [*args, "--rank-by", "loudness"])
    assert bad.exit_code == 2
