"""The beer game study: bullwhip by stage against theory, costs against the optimum.

Every statistical check is an interval over independent replications, so its width follows
from the number of replications and weeks, never from seeded golden numbers.
"""

from __future__ import annotations

import itertools
import runpy
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from simulator import load_scenario, load_study
from simulator.cli import app
from simulator.experiment import SerialExecutor, StudyResult
from simulator.experiment.stats import summarize
from simulator.workshop.optimum import game_minimum

TEACHING = Path(__file__).resolve().parents[2] / "scenarios" / "teaching"
TOOLS: dict[str, Any] = runpy.run_path(str(TEACHING / "bullwhip.py"))
STAGES = ["retailer", "wholesaler", "distributor", "factory"]


def _study(tmp_path: Path, **changes: Any) -> StudyResult:
    """The shipped bullwhip study with some settings changed (shorter, fewer runs), run."""
    data = yaml.safe_load((TEACHING / "bullwhip.yaml").read_text(encoding="utf-8"))
    data |= {"scenario": str(TEACHING / "beer_game_random.yaml")} | changes
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_study(path).run(executor=SerialExecutor())


def _summary(result: StudyResult, metric: str, confidence: float = 0.99) -> pd.DataFrame:
    figures = TOOLS["stage_figures"](result)
    table = summarize(figures[figures["metric"] == metric], confidence)
    return table.set_index(["variant", "id"])


@pytest.fixture(scope="module")
def bullwhip_study(tmp_path_factory: pytest.TempPathFactory) -> StudyResult:
    return _study(tmp_path_factory.mktemp("study"), replications=8, horizon=156)


def test_base_stock_passes_demand_on_unchanged(bullwhip_study: StudyResult) -> None:
    """Ordering up to a fixed level, each stage orders exactly what it was asked for: the
    ratio is 1 at every stage, in every run, up to rounding."""
    figures = TOOLS["stage_figures"](bullwhip_study)
    base = figures[(figures["variant"] == "base-stock") & (figures["metric"] == "bullwhip")]
    assert sorted(base["id"].unique()) == sorted(STAGES)
    np.testing.assert_allclose(base["value"], 1.0, rtol=1e-9)


def test_sterman_bots_amplify_upstream(bullwhip_study: StudyResult) -> None:
    """Each stage's ratio exceeds the one below it: a paired 99% interval over replications
    of the difference lies above zero."""
    figures = TOOLS["stage_figures"](bullwhip_study)
    bots = figures[(figures["variant"] == "sterman-bots") & (figures["metric"] == "bullwhip")]
    wide = bots.pivot(index="replication", columns="id", values="value")[STAGES]
    steps = pd.DataFrame(
        {
            "variant": "sterman-bots",
            "replication": np.repeat(wide.index, 3),
            "scope": "stage",
            "id": np.tile([f"{a}->{b}" for a, b in itertools.pairwise(STAGES)], len(wide)),
            "metric": "increase",
            "value": np.diff(wide.to_numpy(), axis=1).ravel(),
        }
    )
    assert (summarize(steps, 0.99)["ci_low"] > 0).all()


def test_sharing_customer_demand_tames_the_amplification_upstream(
    bullwhip_study: StudyResult,
) -> None:
    """The factory's ratio over the retailer's (how much the three stages above the retailer
    amplify) is lower when every stage forecasts from the customers' demand: the paired 99%
    interval over replications (same customers in both variants) of the difference lies above
    zero, at every stage above the retailer."""
    figures = TOOLS["stage_figures"](bullwhip_study)
    bullwhip = figures[figures["metric"] == "bullwhip"]
    wide = bullwhip.pivot_table(index=["variant", "replication"], columns="id", values="value")
    amplification = wide[STAGES[1:]].div(wide["retailer"], axis=0)
    gain = amplification.loc["sterman-bots"] - amplification.loc["sterman-sharing"]
    rows = gain.stack().rename("value").reset_index()
    table = summarize(rows.assign(variant="gain", scope="stage", metric="gain"), 0.99)
    assert (table["ci_low"] > 0).all(), table


def test_base_stock_costs_less_than_the_bots(bullwhip_study: StudyResult) -> None:
    cost = _summary(bullwhip_study, "cost")
    assert (
        cost.loc[("base-stock", "team"), "ci_high"] < cost.loc[("sterman-bots", "team"), "ci_low"]
    )


def test_moving_average_order_up_to_matches_chen_et_al(tmp_path: Path) -> None:
    """Order-up-to with a 16-week moving average at every stage: the ratios of the linear
    filter theory (the first stage's is Chen et al.'s 1 + 2L/p + 2L^2/p^2, L = 4 weeks covered).
    Demand of mean 100 and sd 5 keeps orders positive, as the theory assumes. The ratio of two
    sample variances is nearly unbiased here: numerator and denominator share the demand, and
    their O(1/n) biases cancel."""
    variant = {
        "name": "moving-average",
        "overrides": {
            "nodes.*.inventory.policy": {
                "type": "forecast",
                "method": "moving_average",
                "window": 16,
            },
            "demand.random-customers.daily": {"dist": "normal", "mean": 100, "sd": 5},
            "nodes.*.inventory.initial": 400,  # near the levels: no start-up surge
        },
    }
    result = _study(
        tmp_path, replications=10, horizon=400, warmup=80, variants=[variant], baseline=None
    )
    theory = TOOLS["order_up_to_ratios"]([4, 4, 4, 3], 16)
    assert theory[0] == pytest.approx(1 + 2 * 4 / 16 + 2 * 4**2 / 16**2)
    measured = _summary(result, "bullwhip").loc["moving-average"].loc[STAGES]
    assert (measured["ci_low"].to_numpy() <= theory).all()
    assert (np.array(theory) <= measured["ci_high"].to_numpy()).all()


def test_shipped_base_stock_levels_are_the_newsvendor_levels() -> None:
    study = load_study(TEACHING / "bullwhip.yaml")
    scenario = study.variant("base-stock").scenario
    h, b = TOOLS["cost_rates"](scenario)
    assert (h, b) == pytest.approx((0.5, 1.0))
    levels = TOOLS["newsvendor_levels"]([4, 4, 4, 3], 0, 8, h, b)
    assert [scenario.node(stage).inventory.policy.S for stage in STAGES] == levels  # type: ignore[union-attr]


def test_no_policy_beats_the_minimum_on_the_step_game(tmp_path: Path) -> None:
    result = _study(
        tmp_path,
        scenario=str(TEACHING / "beer_game.yaml"),
        horizon=36,
        warmup=0,
        replications=2,
    )
    team = _summary(result, "cost").xs("team", level="id")["mean"]
    step = np.where(np.arange(36) < 4, 4.0, 8.0)
    best, _ = game_minimum(load_scenario(TEACHING / "beer_game.yaml"), step)
    assert (team >= best - 1e-6).all()
    assert team.min() > best  # neither bots nor fixed levels foresee the step


def test_reports_count_in_the_scenarios_period() -> None:
    runner = CliRunner()
    game = runner.invoke(app, ["run", str(TEACHING / "beer_game.yaml")])
    assert game.exit_code == 0, game.output
    assert "seed 1, 36 weeks (first 0 excluded as warm-up)" in game.output
    short = runner.invoke(app, ["run", str(TEACHING.parent / "quickstart.yaml"), "--days", "40"])
    assert "40 days" in short.output
