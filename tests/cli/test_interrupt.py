"""Ctrl-C during a study: exit 130 with the command that resumes it, and that command resumes."""

from __future__ import annotations

import json
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _runs(manifest: Path) -> list[dict[str, object]]:
    if not manifest.exists():
        return []
    runs: list[dict[str, object]] = json.loads(manifest.read_text())["runs"]
    return runs


def _hears_ctrl_c() -> None:
    """In the child: SIGINT acts as in a terminal, even where this test's runner ignores it (a
    background job of a non-interactive shell does, and its children inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_an_interrupted_study_says_how_to_resume(
    tmp_path: Path, two_variant_study: Callable[[int], Path]
) -> None:
    two_variant_study(30)
    # Sixteen runs, so that the signal lands with most of them still to do, however busy the
    # machine is when the first one is saved.
    args = ["study", "study.yaml", "--replications", "8", "--days", "300", "--set", "seed=4"]
    args += ["--executor", "serial"]
    command = [sys.executable, "-m", "simulator", *args]
    manifest = tmp_path / "out" / "small" / "manifest.json"
    study = subprocess.Popen(
        command,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_hears_ctrl_c,
    )
    deadline = time.monotonic() + 120
    while not _runs(manifest) and study.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    study.send_signal(signal.SIGINT)
    _, err = study.communicate(timeout=120)

    assert study.returncode == 130, err
    assert "Traceback" not in err
    saved = re.search(r"interrupted: (\d+) runs? saved in out/small; to resume, run", err)
    assert saved is not None, err
    first = {str(run["file"]) for run in _runs(manifest)}
    assert 1 <= int(saved.group(1)) == len(first) < 16
    resume = err.strip().splitlines()[-1].strip()
    assert shlex.split(resume) == [
        *("python", "-m", "simulator"),
        *args,
        *("--out", "out/small"),
    ]

    done = subprocess.run(
        [sys.executable, *shlex.split(resume)[1:], "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert {row["n"] for row in json.loads(done.stdout)["summary"]} == {8}
    runs = _runs(manifest)
    assert len(runs) == 16 and first <= {str(run["file"]) for run in runs}
