"""Results folders: layout, reloading, resuming after a crash, refusing another study."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from simulator.experiment import RunSpec, Study, StudyResult, load_study
from simulator.experiment import runs as runs_module
from simulator.scenario import ScenarioError

SCENARIOS = Path(__file__).parents[2] / "scenarios"
ROOT = Path(__file__).parents[2]

STUDY = """\
study: tiny
scenario: quickstart.yaml
replications: {replications}
seed: 7
horizon: {horizon}
warmup: 10
variants:
  - name: current
  - name: lean
    overrides: {{"nodes[kind=retailer].inventory.policy.s": 20}}
"""


def write_study(folder: Path, replications: int = 3, horizon: int = 40) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SCENARIOS / "quickstart.yaml", folder)
    path = folder / "study.yaml"
    path.write_text(STUDY.format(replications=replications, horizon=horizon))
    return path


@pytest.fixture
def study(tmp_path: Path) -> Study:
    return load_study(write_study(tmp_path / "in"))


def manifest(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "manifest.json").read_text())


def assert_same(a: StudyResult, b: StudyResult) -> None:
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    assert (a.warmup, a.notes) == (b.warmup, b.notes)


def test_folder_layout_and_reload(study: Study, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = study.run(out=out)
    record = manifest(out)
    assert (record["study"], record["study_hash"]) == ("tiny", study.content_hash())
    assert record["warmup"] == 10
    assert [(r["variant"], r["replication"], r["seed"]) for r in record["runs"]] == [
        (v, r, 7 + r) for v in ("current", "lean") for r in range(3)
    ]
    for run in record["runs"]:
        assert run["file"] == f"runs/{run['variant']}/rep-{run['replication']:04d}.parquet"
        assert (out / run["file"]).is_file() and run["wall_time"] > 0
    loaded = StudyResult.load(out)
    assert_same(loaded, result)
    assert loaded.study.content_hash() == study.content_hash()
    hashes = [[v.scenario.content_hash() for v in s.variants()] for s in (loaded.study, study)]
    assert hashes[0] == hashes[1]
    assert loaded.study.variant("lean").overrides == study.variant("lean").overrides
    # Nothing is left half-written.
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_a_rerun_runs_nothing_again(
    study: Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    first = study.run(out=out)

    def fail(spec: RunSpec) -> pd.DataFrame:
        raise AssertionError(f"{spec.variant} {spec.replication} ran again")

    monkeypatch.setattr(runs_module, "run_one", fail)
    assert_same(study.run(out=out), first)
    assert len(manifest(out)["runs"]) == 6


def test_a_folder_of_another_study_is_refused(study: Study, tmp_path: Path) -> None:
    out = tmp_path / "out"
    study.run(out=out)
    other = load_study(write_study(tmp_path / "other", replications=4))
    with pytest.raises(ScenarioError, match="holds results of another study"):
        other.run(out=out)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("x")
    with pytest.raises(ScenarioError, match="not a results folder"):
        study.run(out=tmp_path / "notes")


def test_unlisted_run_files_are_run_again_and_missing_files_too(
    study: Study, tmp_path: Path
) -> None:
    expected = study.run(out=tmp_path / "whole")
    out = tmp_path / "out"
    study.run(out=out)
    # A crash between writing a run file and the manifest leaves a file the manifest does not
    # list; it may be incomplete in any way, so it is run again and overwritten.
    record = manifest(out)
    record["runs"] = [r for r in record["runs"] if (r["variant"], r["replication"]) != ("lean", 1)]
    (out / "manifest.json").write_text(json.dumps(record))
    (out / "runs/lean/rep-0001.parquet").write_bytes(b"not parquet")
    # A listed run whose file is gone is not done either.
    (out / "runs/current/rep-0002.parquet").unlink()
    assert_same(study.run(out=out), expected)
    assert len(manifest(out)["runs"]) == 6
    assert_same(StudyResult.load(out), expected)


def test_a_killed_study_resumes_without_losing_or_repeating_runs(tmp_path: Path) -> None:
    path = write_study(tmp_path / "in", replications=12, horizon=90)
    out = tmp_path / "out"
    code = f"import simulator.experiment as e; e.load_study({str(path)!r}).run(out={str(out)!r})"
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and child.poll() is None:
            if (out / "manifest.json").exists() and len(manifest(out)["runs"]) >= 3:
                break
            time.sleep(0.005)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL  # killed, not finished
    done = len(manifest(out)["runs"])
    assert 3 <= done < 24

    study = load_study(path)
    resumed = study.run(out=out)
    whole = study.run(out=tmp_path / "whole")
    assert_same(resumed, whole)
    assert len(manifest(out)["runs"]) == 24
    assert_same(StudyResult.load(out), whole)
