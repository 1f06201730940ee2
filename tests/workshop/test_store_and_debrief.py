"""Saved state, the debrief's tables and export, predictions, and the command line."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.workshop import debrief, store
from simulator.workshop.board import ROLES
from simulator.workshop.predictions import KINDS
from simulator.workshop.rooms import Workshop


def played(weeks: int = 6) -> tuple[Workshop, str, str]:
    """A game with one player (the distributor) half played, a question asked."""
    workshop = Workshop()
    game = workshop.create_game("Blue", 0.0, weeks=weeks, variant="beer_game_random", seed=7)
    ann = workshop.join(game.code, "Ann", 0.0)
    workshop.take(ann.id, "distributor", 0.0)
    for week in range(weeks // 2):
        workshop.order(ann.id, 4 + week, 0.0)
    workshop.ask("factory_peak")
    workshop.predict(ann.id, 30)
    return workshop, game.code, ann.id


def test_a_saved_workshop_resumes_where_it_was(tmp_path: Path) -> None:
    workshop, code, ann = played()
    store.save(workshop, tmp_path)
    again = store.load(tmp_path)
    game, before = again.games[code], workshop.games[code]
    assert again.key == workshop.key and game.week == before.week == 4
    pd.testing.assert_frame_equal(debrief.weekly(game), debrief.weekly(before))
    assert game.board.views() == before.board.views()
    assert again.players[ann].role == "distributor"
    assert again.questions[0].predictions == {"Ann": 30.0}
    # Play on in both: the same orders give the same game.
    for w in (workshop, again):
        w.order(ann, 9, 0.0)
    assert again.games[code].board.views() == workshop.games[code].board.views()


def test_the_state_file_is_written_whole(tmp_path: Path) -> None:
    workshop, _, _ = played()
    store.save(workshop, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [store.FILE]  # no temporary file left
    assert json.loads((tmp_path / store.FILE).read_text())["format"] == store.FORMAT
    (tmp_path / store.FILE).write_text("{}")
    with pytest.raises(ValueError, match="not a workshop state file"):
        store.load(tmp_path)


def test_weekly_costs_follow_the_games_cost_rates() -> None:
    workshop, code, _ = played()
    weeks = debrief.weekly(workshop.games[code])
    assert len(weeks) == 3 * len(ROLES)
    assert (weeks["cost"] == 0.5 * weeks["on_hand"] + 1.0 * weeks["backlog"]).all()
    assert weeks.loc[weeks["role"] == "distributor", "decided_by"].eq("Ann").all()
    # The leaderboard ranks the team beside the same weeks played by bots alone and with the
    # least cost with foresight, which nobody beats.
    ranked = debrief.ranked_teams(list(workshop.games.values()))
    floor = "Blue (least cost with foresight)"
    assert ranked["team"].iloc[0] == floor
    assert set(ranked["team"]) == {"Blue", "Blue (bots only)", floor}
    assert ranked.set_index("team").loc["Blue", "total"] == pytest.approx(weeks["cost"].sum())


def test_bullwhip_is_the_variance_ratio_to_customer_demand() -> None:
    weeks = pd.DataFrame(
        {
            "team": "T",
            "role": ["retailer"] * 4 + ["factory"] * 4,
            "order": [4, 6, 4, 6, 0, 10, 0, 10],
            "customer_demand": [4, 6, 4, 6] * 2,
        }
    )
    ratios = debrief.bullwhip(weeks).set_index("role")["bullwhip"]
    assert ratios["retailer"] == 1.0 and ratios["factory"] == 25.0


def test_the_export_holds_every_table_and_figure() -> None:
    workshop, code, _ = played()
    workshop.questions[0].truth = 47.7  # as revealed
    archive = zipfile.ZipFile(io.BytesIO(debrief.export_zip(list(workshop.games.values()),
                                                            workshop.questions)))  # fmt: skip
    names = set(archive.namelist())
    assert {"weeks.csv", "leaderboard.csv", "bullwhip.csv", "predictions.csv"} <= names
    assert {f"orders-{code}.png", f"stock-{code}.png", "bullwhip.png"} <= names
    predictions = pd.read_csv(archive.open("predictions.csv"))
    assert predictions.loc[0, "error"] == pytest.approx(30 - 47.7)


def test_predictions_close_once_the_truth_is_out() -> None:
    workshop, _, ann = played()
    question = workshop.questions[-1]
    question.truth = 10.0
    with pytest.raises(ValueError, match="closed"):
        workshop.predict(ann, 5)
    with pytest.raises(ValueError, match="no question"):
        workshop.ask("tomorrow's weather")


def test_the_factory_peak_is_the_largest_factory_order_of_the_bot_game() -> None:
    truth = KINDS["factory_peak"].truth()
    # The bullwhip: the factory orders far more than the 8 cases customers want at most.
    assert 8 < truth < 200


def test_the_command_is_listed_and_refuses_a_bad_state_file(tmp_path: Path) -> None:
    runner = CliRunner()
    assert "workshop" in runner.invoke(app, ["--help"]).output
    (tmp_path / store.FILE).write_text("not json")
    result = runner.invoke(app, ["workshop", "--state", str(tmp_path), "--port", "1"])
    assert result.exit_code == 2
    assert "not a workshop state file" in result.output
