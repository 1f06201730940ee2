"""Study benchmark: the same 64 runs serially, on a local process pool, and on a Dask cluster.

The study is the shipped quickstart scenario in two variants (its own store policy and a lean
one) with 32 replications each: 64 runs of 180 simulated days. Each executor runs the whole
study into a fresh results folder, as ``supplysim study`` does (per-run Parquet file and
manifest included), so the figures are what a user sees.

Prints the wall time of each, checks that all executors give identical KPIs, and ends with
``parallel_speedup: X`` (serial time over process-pool time with ``--workers`` workers; the
goal is X >= 1.8 on 2 cores). Also prints the Dask executor's extra time per run over the
process pool (a local cluster of the same number of worker processes), when Dask is installed.

Run ``python benchmarks/bench_study.py [--workers 2] [--replications 32]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd

from simulator import load_scenario, with_overrides
from simulator.experiment import Study, StudyResult, Variant, make_executor

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "quickstart.yaml"


def make_study(replications: int) -> Study:
    base = load_scenario(SCENARIO)
    lean = with_overrides(base, {"nodes[kind=retailer].inventory.policy.s": 30})
    variants = (Variant(name="base", scenario=base), Variant(name="lean", scenario=lean))
    return Study(
        name="bench", replications=replications, seed=1, baseline="base", variant_list=variants
    )


def timed(study: Study, kind: str, workers: int | None) -> tuple[float, StudyResult]:
    with tempfile.TemporaryDirectory() as folder, make_executor(kind, workers=workers) as pool:  # type: ignore[arg-type]
        started = time.perf_counter()
        result = study.run(executor=pool, out=Path(folder) / "results")
        return time.perf_counter() - started, result


def kpis(result: StudyResult) -> pd.DataFrame:
    columns = ["variant", "replication", "scope", "id", "metric", "value"]
    return result.runs[columns].sort_values(columns[:5]).reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="processes for the parallel runs")
    parser.add_argument("--replications", type=int, default=32, help="per variant (2 variants)")
    args = parser.parse_args()
    study = make_study(args.replications)
    runs = 2 * args.replications

    timed(study, "serial", None)  # warm-up: imports, caches
    serial, reference = timed(study, "serial", None)
    parallel, pooled = timed(study, "process", args.workers)
    pd.testing.assert_frame_equal(kpis(reference), kpis(pooled))
    print(f"{runs} runs: serial {serial:.2f} s ({1000 * serial / runs:.1f} ms a run)")
    print(f"{runs} runs: {args.workers} processes {parallel:.2f} s")
    if importlib.util.find_spec("distributed") is not None:
        clustered, dask_result = timed(study, "dask", args.workers)
        pd.testing.assert_frame_equal(kpis(reference), kpis(dask_result))
        overhead = 1000 * (clustered - parallel) / runs
        print(f"{runs} runs: Dask local cluster, {args.workers} workers {clustered:.2f} s")
        print(f"dask_overhead_ms_per_run: {overhead:.1f} (over the process pool)")
    else:
        print("Dask is not installed (pip install 'supplysim[dask]'): no Dask figures")
    print("KPIs identical across executors: yes")
    print(f"parallel_speedup: {serial / parallel:.2f}")


if __name__ == "__main__":
    main()
