"""One run to a tidy outcome table; warm-up pilots and precision batches of a study."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator import Simulation, load_scenario, with_overrides
from simulator.experiment import RunSpec, load_study, run_one
from simulator.experiment import runs as runs_module
from simulator.experiment.runner import MIN_BATCH
from simulator.experiment.runs import COLUMNS, ECHELON_SERIES
from simulator.experiment.warmup import mser5
from simulator.metrics.intervals import half_width

SCENARIOS = Path(__file__).parents[2] / "scenarios"


@pytest.fixture(scope="module")
def spec() -> RunSpec:
    scenario = with_overrides(load_scenario(SCENARIOS / "quickstart.yaml"), {"horizon": 60})
    return RunSpec("current", 3, 42, scenario)


@pytest.fixture(scope="module")
def table(spec: RunSpec) -> pd.DataFrame:
    return run_one(spec)


def test_table_columns_and_whole_run_kpis(spec: RunSpec, table: pd.DataFrame) -> None:
    assert tuple(table.columns) == COLUMNS
    assert (table.variant == "current").all() and (table.replication == 3).all()
    assert (table.seed == 42).all()
    result = Simulation(spec.scenario, seed=42).run()
    # The run adds units per lane (the flows) and the partner scorecard to the KPI table.
    flows = (table.scope == "lane") & (table.metric == "units")
    kpis = table[(table.day == -1) & ~flows & (table.scope != "partner")]
    expected = result.kpis
    assert kpis[["scope", "id", "metric"]].to_numpy().tolist() == (
        expected[["scope", "id", "metric"]].to_numpy().tolist()
    )
    np.testing.assert_array_equal(kpis.value.to_numpy(), expected.value.to_numpy())


def test_the_partner_scorecard_is_kept_in_long_form(spec: RunSpec, table: pd.DataFrame) -> None:
    card = Simulation(spec.scenario, seed=42).run().scorecard().set_index("node")
    rows = table[table.scope == "partner"]
    assert set(rows.id) == set(card.index)
    for row in rows.itertuples():
        expected = card.loc[row.id, row.metric]
        assert (np.isnan(row.value) and pd.isna(expected)) or row.value == expected


def test_echelon_series_sum_the_echelon_positions_and_nodes(
    spec: RunSpec, table: pd.DataFrame
) -> None:
    result = Simulation(spec.scenario, seed=42).run()
    rec, topo = result.records, result.network.topology
    series = table[table.day >= 0]
    assert set(series.scope) == {"echelon"}
    assert set(series.metric) == set(ECHELON_SERIES)
    assert len(series) == len(topo.tiers) * len(ECHELON_SERIES) * 60
    stores = topo.tiers[0]
    on_hand = series[(series.id == "level-0") & (series.metric == "on_hand")]
    assert on_hand.day.tolist() == list(range(60))
    np.testing.assert_allclose(on_hand.value, rec.series_on_hand[:, stores.positions].sum(axis=1))
    demand = series[(series.id == "level-1") & (series.metric == "demand")]
    # The DC's demand is what the stores ordered from it, day by day.
    orders = series[(series.id == "level-0") & (series.metric == "orders")]
    np.testing.assert_allclose(demand.value.to_numpy(), orders.value.to_numpy())


def test_lane_flows_conserve_units() -> None:
    # Without warm-up, the KPI window is the whole run: every unit shipped to a store on its
    # lane was received by it or is still in transit at the end.
    scenario = with_overrides(
        load_scenario(SCENARIOS / "quickstart.yaml"), {"horizon": 60, "warmup": 0}
    )
    out = run_one(RunSpec("x", 0, 5, scenario))
    result = Simulation(scenario, seed=5).run()
    topo = result.network.topology
    flows = out[(out.scope == "lane") & (out.metric == "units")].set_index("id").value
    assert list(flows.index) == list(topo.lane_ids)
    for store in range(1, 6):
        span = topo.node_positions[topo.node_ids.index(f"store-{store}")]
        arrived = result.records.total_received[span].sum() + result.final_in_transit[span].sum()
        assert flows[f"dc-store-{store}"] == pytest.approx(arrived)


def test_spec_pickles_and_a_run_is_a_function_of_its_spec(
    spec: RunSpec, table: pd.DataFrame
) -> None:
    pd.testing.assert_frame_equal(run_one(pickle.loads(pickle.dumps(spec))), table)
    assert len(table) < 2_500  # small enough to keep thousands of runs


def write_study(tmp_path: Path, body: str) -> Path:
    shutil.copy(SCENARIOS / "quickstart.yaml", tmp_path)
    path = tmp_path / "study.yaml"
    path.write_text(
        "study: s\nscenario: quickstart.yaml\nseed: 10\nhorizon: 60\n"
        "variants:\n  - name: current\n  - name: lean\n"
        '    overrides: {"nodes[kind=retailer].inventory.policy.s": 20}\n' + body
    )
    return path


def test_precision_batches_until_every_variant_is_precise(tmp_path: Path) -> None:
    target = 0.006
    study = load_study(
        write_study(
            tmp_path,
            "replications: 3\nwarmup: 10\n"
            f"precision: {{metric: fill_rate, half_width: {target}, max_replications: 40}}\n",
        )
    )
    result = study.run()
    counts = result.runs.groupby("variant").replication.nunique()
    n = int(counts.iloc[0])
    assert (counts == n).all()
    fill = result.runs[(result.runs.scope == "network") & (result.runs.metric == "fill_rate")]
    widths = {v: half_width(rows.value.to_numpy()) for v, rows in fill.groupby("variant")}
    assert max(widths.values()) <= target
    # The first replications were not enough: a batch of at least MIN_BATCH was added.
    first = fill[fill.replication < 3]
    assert max(half_width(r.value.to_numpy()) for _, r in first.groupby("variant")) > target
    assert n >= 3 + MIN_BATCH
    assert result.notes == [
        f"precision reached with {n} replications: fill_rate half-width "
        f"{max(widths.values()):.4g} (largest: lean)"
    ]


def test_precision_stops_at_max_replications(tmp_path: Path) -> None:
    body = (
        "replications: 3\nwarmup: 10\n"
        "precision: {metric: fill_rate, half_width: 0.00001, max_replications: 5}\n"
    )
    result = load_study(write_study(tmp_path, body)).run()
    assert result.runs.replication.max() == 4
    assert result.notes[0].startswith("precision not reached with max_replications (5)")


def test_mser5_warmup_from_pilots_is_used_by_every_run(tmp_path: Path) -> None:
    study = load_study(
        write_study(tmp_path, "replications: 2\nwarmup: {method: mser5, pilot_replications: 3}\n")
    )
    result = study.run()
    pilots = {}
    for variant in study.variants():
        scenario = with_overrides(variant.scenario, {"warmup": 0})
        paths = []
        for r in range(3):
            out = run_one(RunSpec(variant.name, r, study.seed_of(variant.name, r), scenario))
            rows = out[(out.id == "level-0") & (out.metric == "on_hand") & (out.day >= 0)]
            paths.append(rows.value.to_numpy())
        pilots[variant.name] = mser5(np.vstack(paths))
    assert result.warmup == max(pilots.values()) > 0
    assert result.notes[0].startswith(f"warm-up {result.warmup:g} days, by MSER-5")
    lean = with_overrides(study.variant("lean").scenario, {"warmup": result.warmup})
    expected = run_one(RunSpec("lean", 1, study.seed_of("lean", 1), lean))
    runs = result.runs[(result.runs.variant == "lean") & (result.runs.replication == 1)]
    np.testing.assert_array_equal(runs.value.to_numpy(), expected[expected.day == -1].value)


def test_a_failed_run_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    study = load_study(write_study(tmp_path, "replications: 2\n"))

    def fail(spec: RunSpec) -> pd.DataFrame:
        raise ValueError("boom")

    monkeypatch.setattr(runs_module, "run_one", fail)
    with pytest.raises(RuntimeError, match=r"run current, replication 0 \(seed 10\) failed: boom"):
        study.run()
