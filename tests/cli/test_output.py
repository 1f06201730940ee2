"""Result files: atomic writes and the set of files a run saves."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator import Result, load_scenario, run
from simulator.output import atomic_write_bytes, atomic_write_text
from simulator.report.run_files import network_kpis, save_result

QUICKSTART = Path(__file__).parents[2] / "scenarios" / "quickstart.yaml"


@pytest.fixture(scope="module")
def result() -> Result:
    """A real run whose tables are fixed here, so these tests do not depend on the metrics."""
    outcome = run(load_scenario(QUICKSTART), days=40)
    outcome.__dict__["kpis"] = pd.DataFrame(
        {
            "scope": ["network", "network", "node"],
            "id": ["network", "network", "dc"],
            "metric": ["fill_rate", "inventory_turns", "fill_rate"],
            "value": [0.95, np.nan, 0.5],
        }
    )
    outcome.__dict__["series"] = lambda: pd.DataFrame({"day": [0, 1], "on_hand": [5.0, 4.0]})
    outcome.__dict__["audit"] = lambda: pd.DataFrame({"node": ["dc"], "balanced": [True]})
    return outcome


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    atomic_write_text(target, "first")
    atomic_write_text(target, "second")
    assert target.read_text() == "second"
    assert os.listdir(tmp_path) == ["summary.json"]


def test_atomic_write_gives_the_usual_file_mode(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    atomic_write_bytes(tmp_path / "atomic", b"")
    assert (tmp_path / "atomic").stat().st_mode == plain.stat().st_mode


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failed_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "kpis.csv"
    target.write_text("old")

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new, half written")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["kpis.csv"]  # no temporary file left behind


def test_network_kpis_are_json_ready(result: Result) -> None:
    assert network_kpis(result) == {"fill_rate": 0.95, "inventory_turns": None}


def test_save_result_writes_every_file(result: Result, tmp_path: Path) -> None:
    out = tmp_path / "new" / "dir"
    files = save_result(result, out)
    names = [
        "kpis.parquet",
        "kpis.csv",
        "series.parquet",
        "audit.csv",
        "run.png",
        "scenario.yaml",
        "summary.json",
    ]
    assert list(files) == names
    assert sorted(os.listdir(out)) == sorted(names)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "kpis.parquet"), result.kpis)
    assert pd.read_csv(out / "audit.csv").balanced.all()
    assert (out / "run.png").read_bytes().startswith(b"\x89PNG")
    # The effective scenario reloads to the very scenario that ran.
    assert load_scenario(out / "scenario.yaml").content_hash() == result.scenario.content_hash()
    summary = json.loads((out / "summary.json").read_text())
    assert summary == {
        "provenance": json.loads(json.dumps(result.provenance())),
        "kpis": {"fill_rate": 0.95, "inventory_turns": None},
        "files": names,
    }
