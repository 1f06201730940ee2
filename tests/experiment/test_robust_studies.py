"""Studies that survive kills, crashes and a second writer, and runs with float residue."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pytest
from typer.testing import CliRunner

from simulator import Result, ScenarioError, load_scenario, run, with_overrides
from simulator.cli import app
from simulator.experiment import Study, load_study
from simulator.experiment import store as store_module
from simulator.experiment.stress import run_series

SCENARIOS = Path(__file__).parents[2] / "scenarios"
SUPPLYSIM = str(Path(sys.executable).parent / "supplysim")

STUDY = """\
study: long
scenario: quickstart.yaml
replications: {replications}
seed: 3
horizon: {horizon}
variants:
  - name: current
  - name: lean
    overrides: {{"nodes[kind=retailer].inventory.policy.s": 20}}
"""


def write_study(folder: Path, replications: int, horizon: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SCENARIOS / "quickstart.yaml", folder)
    path = folder / "study.yaml"
    path.write_text(STUDY.format(replications=replications, horizon=horizon))
    return path


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def start_study(study: Path, out: Path) -> subprocess.Popen[bytes]:
    """``supplysim study`` on two local worker processes, in the background."""
    return subprocess.Popen(
        [SUPPLYSIM, "study", str(study), "--workers", "2", "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_killing_a_study_ends_its_pool_workers(tmp_path: Path) -> None:
    study = write_study(tmp_path / "in", replications=4, horizon=400)
    parent = start_study(study, tmp_path / "out")
    alive: list[psutil.Process] = []
    try:
        process = psutil.Process(parent.pid)
        wait_for(lambda: len(process.children(recursive=True)) >= 2, "the pool's workers")
        workers = process.children(recursive=True)
        parent.send_signal(signal.SIGKILL)  # no clean-up of any kind in the parent
        parent.wait()
        _, alive = psutil.wait_procs(workers, timeout=20)
    finally:
        parent.kill()
        parent.wait()
        for orphan in alive:  # do not leave them behind when the test fails
            orphan.kill()
    assert not alive, f"workers outlived their parent: {[p.pid for p in alive]}"


def test_a_second_writer_is_refused_and_a_killed_writer_leaves_the_folder_usable(
    tmp_path: Path,
) -> None:
    study = write_study(tmp_path / "in", replications=4, horizon=200)
    out = tmp_path / "out"
    first = start_study(study, out)
    try:
        wait_for(lambda: (out / "manifest.json").exists(), "the first writer's manifest")
        second = CliRunner().invoke(app, ["study", str(study), "--out", str(out)])
        assert first.poll() is None, "the first writer ended before the second one tried"
        workers = psutil.Process(first.pid).children(recursive=True)
        first.send_signal(signal.SIGKILL)
        first.wait()
        psutil.wait_procs(workers, timeout=20)  # they share the lock's open file
    finally:
        first.kill()
        first.wait()
    assert second.exit_code == 2, second.output
    assert f"{out}: the results folder is in use by another study" in second.stderr

    # The OS released the killed writer's lock: a third writer completes the study.
    result = load_study(study).run(out=out).to_frame()
    assert sorted(set(zip(result.variant, result.replication, strict=True))) == [
        (v, r) for v in ("current", "lean") for r in range(4)
    ]


def test_a_failure_during_set_up_leaves_a_folder_that_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    study = load_study(write_study(tmp_path / "in", replications=2, horizon=45))
    out = tmp_path / "out"
    real_write = store_module.atomic_write_text

    def disk_full_at_the_manifest(path: str | Path, text: str) -> None:
        if Path(path).name == store_module.MANIFEST:
            raise OSError(28, "No space left on device")
        real_write(path, text)

    monkeypatch.setattr(store_module, "atomic_write_text", disk_full_at_the_manifest)
    with pytest.raises(OSError, match="No space left"):
        study.run(out=out)
    assert (out / "study.yaml").is_file() and not (out / "manifest.json").exists()

    monkeypatch.undo()
    resumed = study.run(out=out)  # neither refused as a foreign folder nor as locked
    whole = study.run(out=tmp_path / "whole")
    pd.testing.assert_frame_equal(resumed.to_frame(), whole.to_frame())


def test_a_folder_with_other_files_is_still_refused(tmp_path: Path) -> None:
    study: Study = load_study(write_study(tmp_path / "in", replications=2, horizon=45))
    out = tmp_path / "notes"
    out.mkdir()
    (out / "study.yaml").write_text("mine")
    (out / "draft.txt").write_text("x")
    with pytest.raises(ScenarioError, match="not a results folder"):
        study.run(out=out)
    assert (out / "study.yaml").read_text() == "mine"


def residue_result() -> Result:
    """A finished run whose books carry float residue just below zero."""
    scenario = load_scenario(SCENARIOS / "quickstart.yaml")
    result = run(with_overrides(scenario, {"horizon": 60}), seed=1)
    result.records.stock.echelon_backlog[:, :] = -1e-12
    result.records.stock.on_hand_end[:] = -1e-12
    result.records.node_filled[5, :] = np.where(result.records.node_filled[5, :] == 0, -1e-13, 1)
    return result


def test_float_residue_below_zero_crashes_no_kpi_and_no_stress_series() -> None:
    result = residue_result()
    kpis = result.kpis
    assert not np.isinf(kpis.value.to_numpy(float)).any()
    series = run_series(result)
    assert series.backlog is not None
    assert series.backlog.min() == 0.0 and series.filled.min() >= 0.0


def test_a_real_shortfall_is_not_taken_for_residue() -> None:
    result = residue_result()
    result.records.stock.echelon_backlog[:, 0] = -5.0
    with pytest.raises(ValueError, match="non-negative"):
        run_series(result)
