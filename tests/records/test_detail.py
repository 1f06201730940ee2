"""A run keeps its per-position series and line log only when asked; its sums are the same."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator import Result, Simulation, load_scenario
from simulator.metrics.operations import grouped_quantile
from simulator.records import AUTO_DETAIL_CELLS, DetailNotKept, keeps_detail
from simulator.report.run_files import save_result
from simulator.scenario import scenario_from_data

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


# A plain network, and a bad year of disruptions over a bigger one (recalls, stock destroyed,
# economic shifts that revalue the goods).
@pytest.fixture(scope="module", params=[(), ("resilience/combined.yaml",)])
def runs(request: pytest.FixtureRequest) -> tuple[Result, Result]:
    base = "resilience/baseline.yaml" if request.param else "quickstart.yaml"
    scenario = load_scenario(SCENARIOS / base, [SCENARIOS / p for p in request.param])
    full = Simulation(scenario, detail="full").run()
    summary = Simulation(scenario, detail="summary").run()
    return full, summary


def test_kpis_and_scorecard_do_not_depend_on_the_detail_kept(runs: tuple[Result, Result]) -> None:
    full, summary = runs
    pd.testing.assert_frame_equal(full.kpis, summary.kpis)
    pd.testing.assert_frame_equal(full.scorecard(), summary.scorecard())


def test_stock_sums_are_those_of_the_series(runs: tuple[Result, Result]) -> None:
    full, _ = runs
    rec, topo = full.records, full.network.topology
    start = rec.n_days - rec.kpi_days
    window = rec.series_on_hand[start:]
    assert np.array_equal(rec.stock.on_hand_days, window.sum(axis=0, dtype=np.float64))
    assert np.array_equal(rec.stock.ready_days, np.count_nonzero(window > 1e-9, axis=0))
    assert np.array_equal(rec.stock.on_hand_end, rec.series_on_hand[-1])
    for k, tier in enumerate(topo.tiers):
        for summed, series in (
            (rec.stock.echelon_on_hand, rec.series_on_hand),
            (rec.stock.echelon_backlog, rec.series_backlog),
            (rec.stock.echelon_pipeline, rec.series_pipeline),
        ):
            per_day = series[:, tier.positions].sum(axis=1, dtype=np.float64)
            np.testing.assert_allclose(summed[:, k], per_day, rtol=1e-12)
    facing = full.network.demand.stream_pos
    for node in np.unique(topo.pos_node[facing]):
        span = topo.node_positions[node]
        mine = np.intersect1d(np.arange(span.start, span.stop), facing)
        short = (rec.series_backlog[:, mine] > 1e-9).any(axis=1)
        assert np.array_equal(rec.stock.node_short[:, node], short)


def test_line_sums_are_those_of_the_log(runs: tuple[Result, Result]) -> None:
    full, _ = runs
    rec, topo = full.records, full.network.topology
    log = rec.order_lines
    keep = rec.in_window(log.column("day"))
    pos = log.column("position")[keep].astype(np.int64)
    cycle = log.column("cycle")[keep].astype(np.float64)
    n_pos, n_nodes = topo.n_positions, len(topo.node_ids)
    assert np.array_equal(rec.lines.lines, np.bincount(pos, minlength=n_pos))
    np.testing.assert_allclose(
        rec.lines.cycle_days, np.bincount(pos, weights=cycle, minlength=n_pos), rtol=1e-12
    )
    node = topo.pos_node[pos]
    for ids, n_ids in ((np.arange(n_nodes), n_nodes), (topo.node_level, 1 + topo.node_level.max())):
        got = rec.lines.cycles.quantile(ids, n_ids, 0.95)
        np.testing.assert_array_equal(got, grouped_quantile(ids[node], cycle, n_ids, 0.95))


def test_a_summary_run_names_the_setting_for_what_it_did_not_keep(
    runs: tuple[Result, Result], tmp_path: Path
) -> None:
    _, summary = runs
    for read in (
        lambda: summary.records.series_on_hand,
        lambda: summary.records.order_lines,
        summary.series,
    ):
        with pytest.raises(DetailNotKept, match="detail: full"):
            read()
    written = save_result(summary, tmp_path)
    assert "series.parquet" not in written
    echelons = pd.read_parquet(written["echelon_series.parquet"])
    tiers = summary.network.topology.tiers
    assert len(echelons) == summary.records.n_days * len(tiers)
    last = echelons[echelons.day == summary.records.n_days - 1]
    np.testing.assert_allclose(last.on_hand.sum(), summary.records.stock.on_hand_end.sum())


def test_auto_keeps_the_detail_of_small_runs_only() -> None:
    assert keeps_detail("auto", 1000, 365)
    assert not keeps_detail("auto", AUTO_DETAIL_CELLS // 365 + 1, 365)
    assert keeps_detail("full", 10**9, 365) and not keeps_detail("summary", 1, 1)
    scenario = load_scenario(SCENARIOS / "quickstart.yaml")
    assert Simulation(scenario).run().records.stock.positions is not None
    summary = scenario_from_data({**scenario.to_dict(), "detail": "summary"})
    assert Simulation(summary).run().records.stock.positions is None
