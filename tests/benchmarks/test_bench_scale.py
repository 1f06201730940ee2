"""The scale benchmark: its network sized by --streams, and a curve of fresh processes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "bench_scale.py"


def load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_scale", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_streams_set_the_retailers_per_dc() -> None:
    bench = load_benchmark()
    args = bench.parse_args(["--streams", "1000000"])
    assert args.retailers_per_dc == 1000
    data = bench.scenario_data(2, 3, 4, 10)
    retailers = [n for n in data["nodes"] if n["kind"] == "retailer"]
    assert len(retailers) * len(data["products"]) == 2 * 3 * 4
    with pytest.raises(SystemExit):
        bench.parse_args(["--streams", "1500"])  # not a multiple of 20 DCs x 50 SKUs


def test_curve_runs_each_size_in_its_own_process(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_benchmark()
    bench.main(["--curve", "20,40", "--dcs", "2", "--skus", "2", "--days", "20", "--no-pin"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert "load average" in lines[0] and lines[-1].startswith("load average at the end")
    rows = lines[2:-1]
    assert [int(row.split()[0].replace(",", "")) for row in rows] == [20, 40]
    for row in rows:
        cpu = [float(x) for x in row.split()[1:]]
        assert all(x >= 0 for x in cpu) and cpu[-1] > 0  # phases, total, peak MB
