"""Every bad option exits 2 with a message naming the option and what it accepts, before any
work is done; never exit 1 with the name of a Python exception."""

from __future__ import annotations

import ctypes
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from simulator.cli import app

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"  # horizon 180 days, warm-up 30


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def assert_bad_option(result: Result, option: str, *words: str) -> None:
    """Exit 2, the option named as click names it, the words of what is allowed, and no
    Python exception or traceback."""
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    for leak in ("Traceback", "ValidationError", "KeyError", "OSError", "PermissionError"):
        assert leak not in result.stderr, result.stderr


@pytest.fixture
def study(two_variant_study: Callable[[int], Path]) -> Path:
    return two_variant_study(2)


@pytest.mark.parametrize("command", ["run", "study", "compare"])
def test_out_under_a_file_is_refused_before_any_work(
    tmp_path: Path, study: Path, command: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    target = str(blocker / "results")
    files = {"run": [str(QUICKSTART)], "study": [str(study)]}
    args = files.get(command, [str(QUICKSTART), str(QUICKSTART)])
    result = invoke(command, *args, "--out", target)
    assert_bad_option(result, "--out", f"{blocker} is a file")


def test_report_html_on_a_folder_is_refused(tmp_path: Path) -> None:
    result = invoke("report", str(tmp_path), "--html", str(tmp_path))
    assert_bad_option(result, "--html", "is a folder")


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)  # so that the temporary folder can be removed


def _without_root_override() -> None:
    """In the child: give up root's power to write where permissions forbid it (by dropping
    CAP_DAC_OVERRIDE from the capability bounding set), so a read-only folder is one."""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override = 24, 1
    if libc.prctl(pr_capbset_drop, cap_dac_override, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_out_in_a_read_only_folder_is_refused(read_only_folder: Path) -> None:
    target = read_only_folder / "results"
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "run", str(QUICKSTART), "--out", str(target)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        preexec_fn=_without_root_override if os.getuid() == 0 else None,
    )
    assert done.returncode == 2, done.stderr
    assert "Invalid value for '--out'" in done.stderr
    assert f"{read_only_folder} is not writable" in done.stderr
    assert not target.exists()


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("command", ["study", "stress"])
def test_an_unreachable_scheduler_fails_fast_naming_it(study: Path, command: str) -> None:
    pytest.importorskip("distributed")
    address = f"tcp://127.0.0.1:{_unused_port()}"
    target = str(study) if command == "study" else str(QUICKSTART)
    result = invoke(command, target, "--scheduler", address, "--connect-timeout", "0.5")
    assert_bad_option(result, "--scheduler", address, "within 0.5 s", "--executor")


def test_stress_at_beyond_the_horizon_names_the_allowed_days() -> None:
    args = ["stress", str(QUICKSTART), "--remove-each", "dc", "-n", "1", "--executor", "serial"]
    assert_bad_option(invoke(*args, "--at", "400"), "--at", "day 400", "horizon 180")
    # The default day (warm-up + 30) past a short horizon is named as such.
    short = invoke(*args, "--set", "horizon=50")
    assert_bad_option(short, "--at", "day 60 (warm-up + 30, the default)")


@pytest.mark.parametrize("value", ["-1", "0"])
def test_a_precision_must_be_positive(study: Path, value: str) -> None:
    result = invoke("study", str(study), "--precision", value)
    assert_bad_option(result, "--precision", "above 0")


def test_an_unknown_metric_suggests_the_close_ones(study: Path) -> None:
    result = invoke("study", str(study), "--precision", "0.01", "--metric", "fillrate")
    assert_bad_option(result, "--metric", "'fillrate' is not a KPI", "fill_rate", "list kpis")


def test_max_replications_below_the_replications_is_refused(study: Path) -> None:
    args = ["study", str(study), "-n", "5", "--precision", "0.01", "--max-replications", "3"]
    assert_bad_option(invoke(*args), "--max-replications", "at least")


@pytest.mark.parametrize("command", ["run", "study"])
def test_days_within_the_warmup_name_days(study: Path, command: str) -> None:
    target = str(QUICKSTART) if command == "run" else str(study)
    result = invoke(command, target, "--days", "10")
    assert_bad_option(result, "--days", "warm-up", "more than 30")


@pytest.mark.parametrize(
    ("assignment", "words"),
    [
        ("horizon", ["'horizon' is not PATH=VALUE"]),
        ("nodes.nowhere.inventory.initial=5", ["no item with id 'nowhere'"]),
        ("horizon=[1, 2", ["the value is"]),
        ("nodes.dc.inventory.initial=-5", ["nodes[1].inventory.initial"]),
    ],
)
def test_a_bad_set_names_the_path(assignment: str, words: list[str]) -> None:
    assert_bad_option(invoke("run", str(QUICKSTART), "--set", assignment), "--set", *words)
