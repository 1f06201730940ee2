"""Stress-test benchmark: the regional scenario under the combined disruptions overlay.

Runs ``supplysim stress``'s work (the baseline and every case, each ``--replications`` times,
paired by seed) on a local process pool, then prints the impact table, the median wall time of
one disrupted run against one undisrupted run of the same seed (the overhead of disruptions:
drawing their occurrences, conditions each day, exact transit), and ends with
``stress_runs_per_min: X`` (runs of any case per minute of wall time).

Run ``python benchmarks/bench_stress.py [--replications 30] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator import load_scenario
from simulator.experiment import make_executor
from simulator.experiment.stress import (
    BASELINE,
    COMBINED,
    StressSettings,
    case_kpis,
    disruption_cases,
    impact_table,
    run_cases,
)

RESILIENCE = Path(__file__).resolve().parents[1] / "scenarios" / "resilience"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--overlay", type=Path, default=RESILIENCE / "combined.yaml")
    args = parser.parse_args()
    scenario = load_scenario(RESILIENCE / "baseline.yaml", [args.overlay])
    cases = disruption_cases(scenario)
    started = time.perf_counter()
    with make_executor("process", workers=args.workers) as pool:
        runs = list(run_cases(scenario, cases, args.replications, pool))
    wall = time.perf_counter() - started
    table = impact_table(case_kpis(runs, StressSettings()))
    print(table.pivot(index="case", columns="metric", values="median").round(2).to_string())
    undisrupted = {r.replication: r.wall_time for r in runs if r.case == BASELINE}
    combined = COMBINED if len(cases) > 1 else cases[0].name
    ratios = [r.wall_time / undisrupted[r.replication] for r in runs if r.case == combined]
    print(
        f"{len(runs)} runs ({len(cases)} cases + baseline, {args.replications} replications) "
        f"on {args.workers} processes: {wall:.1f} s"
    )
    print(
        f"median run: undisrupted {1000 * statistics.median(undisrupted.values()):.0f} ms; "
        f"'{combined}' / undisrupted, same seed: median {statistics.median(ratios):.2f}x"
    )
    print(f"stress_runs_per_min: {60 * len(runs) / wall:.1f}")


if __name__ == "__main__":
    main()
