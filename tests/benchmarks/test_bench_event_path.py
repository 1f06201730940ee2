"""The event-path benchmark's smoke run, through its main function as `make bench` runs it."""

from __future__ import annotations

import importlib.util
import math
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "bench_event_path.py"


def load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_event_path", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def final_value(out: str, name: str) -> float:
    found = re.findall(rf"^{name}: (\S+)$", out, flags=re.MULTILINE)
    assert len(found) == 1, f"one '{name}:' line expected"
    return float(found[0])


def test_quick_run_times_all_models_on_equal_work(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_benchmark()
    bench.main(["--quick"])  # exits with an error if the models disagree
    out = capsys.readouterr().out
    lines = out.rstrip().splitlines()
    assert lines[-2].startswith("event_path_vs_supplynetpy: ")
    assert lines[-1].startswith("event_path_vs_bare_simpy: ")
    assert final_value(out, "event_path_vs_bare_simpy") > 0
    vs_supplynetpy = final_value(out, "event_path_vs_supplynetpy")
    if "SupplyNetPy not installed: not run" in out:
        assert math.isnan(vs_supplynetpy)
    else:
        assert vs_supplynetpy > 0
    checks = [line for line in lines if line.endswith((" ok", " DISAGREE"))]
    assert checks and all(line.endswith(" ok") for line in checks)
    assert "customer orders supplysim" in out and "customer orders bare SimPy" in out
    assert "Erlang C mean wait" in out
    assert "at start: load average" in out and "At end: load average" in out


def test_desks_leave_supplynetpy_out_and_compare_waits(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bench = load_benchmark()
    bench.main(["--quick", "--desks"])
    out = capsys.readouterr().out
    assert "SupplyNetPy has no order-processing desks (--desks): not run" in out
    assert math.isnan(final_value(out, "event_path_vs_supplynetpy"))
    assert re.search(r"mean wait / ref supplysim .* ok$", out, flags=re.MULTILINE)


def test_sweep_days_fixes_the_horizon_of_every_size(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_benchmark()
    bench.main(["--quick", "--skip-supplynetpy", "--sweep-days", "4"])
    out = capsys.readouterr().out
    assert "4 days per size" in out
    rows = re.findall(r"^(100|500) +(\d+) +(.*)$", out, flags=re.MULTILINE)
    assert [(streams, days) for streams, days, _ in rows] == [("100", "4"), ("500", "4")]
    # supplysim, bare SimPy, the idle network's ms a day and supplysim's net us per order
    for *_, figures in rows:
        ours, bare, idle_day, net = (float(x) for x in figures.split())
        assert ours > 0 and bare > 0 and idle_day > 0 and math.isfinite(net)
