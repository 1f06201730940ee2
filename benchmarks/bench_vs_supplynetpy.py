"""Wall time of supplysim against SupplyNetPy on the same two-echelon network.

Network (see ``supplynetpy_model.py`` for the SupplyNetPy side): one external supplier feeds
``D`` distributors, which feed ``R`` retailers (retailer ``i`` is served by distributor
``i % D``). Each retailer sells Uniform{5..15} units once a day, unmet demand is lost; retailers
run (s, S) = (30, 80) from 50 units; distributors hold ``cap = 80 R / D`` units at most and run
(s, S) = (cap / 3, cap) from ``cap / 2``. Lead times are Uniform{2, 3, 4} days supplier ->
distributor and Uniform{1, 2} days distributor -> retailer. 365 days.

Timing conventions differ (see README): supplysim places and ships the day's orders at the end
of the day, so a lead time of ``L`` days leaves the ordering site ``L`` days of demand without
the order; in SupplyNetPy an order placed at time ``t`` arrives at ``t + L``, before the
customer order of that instant when ``L >= 2`` and after it when ``L = 1`` (events at one instant
run in scheduling order). The timed runs use the same nominal lead times on both sides; the
outcome check adds an untimed supplysim run with *aligned* lead times (1..3 days supplier ->
distributor, 1 day distributor -> retailer) that gives both simulators the same exposure.

Our time is end to end: building the scenario dict, validating it (``scenario_from_data``),
compiling the network, running it and computing ``result.kpis`` when the metrics layer provides
it. SupplyNetPy's time covers building its objects and running them.

Run ``python benchmarks/bench_vs_supplynetpy.py`` (``--quick`` for fewer repeats). The last line
printed is ``ratio_vs_supplynetpy: X``, our median time over SupplyNetPy's at the largest size.
"""

from __future__ import annotations

import argparse
import math
import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from network_spec import SEED, scenario_data
from supplynetpy_model import build_and_run_supplynetpy, supplynetpy_available
from supplysim_model import our_outcomes
from timing import Timing, fmt_times, repeat

from simulator import Simulation
from simulator.metrics.result import Result
from simulator.scenario import scenario_from_data

SIZES: tuple[tuple[int, int], ...] = ((2, 10), (5, 100), (10, 1000))
DAYS = 365


def kpis_if_available(result: Result) -> bool:
    """Compute ``result.kpis``; False when the metrics layer is not there yet."""
    try:
        _ = result.kpis
    except ImportError:
        return False
    return True


def run_ours(n_distributors: int, n_retailers: int, days: int) -> tuple[Result, bool]:
    """Build the dict, validate, compile, run and compute KPIs once.

    Returns:
        The result, and whether KPIs were computed.
    """
    scenario = scenario_from_data(scenario_data(n_distributors, n_retailers, days))
    result = Simulation(scenario).run()
    return result, kpis_if_available(result)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time supplysim against SupplyNetPy on a supplier -> D distributors -> "
        "R retailers network (sizes (2,10), (5,100), (10,1000); 365 days)."
    )
    parser.add_argument("--days", type=int, default=DAYS, help="simulated days (default 365)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer repeats: ours 3 (1 at the largest size), SupplyNetPy 1",
    )
    parser.add_argument(
        "--skip-supplynetpy", action="store_true", help="time supplysim only (ratio is nan)"
    )
    parser.add_argument(
        "--max-size",
        type=int,
        choices=range(1, len(SIZES) + 1),
        default=len(SIZES),
        metavar="N",
        help="run only the first N sizes (1-3, default 3)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sizes = SIZES[: args.max_size]
    theirs_ok = supplynetpy_available() and not args.skip_supplynetpy
    why_not = "skipped (--skip-supplynetpy)" if args.skip_supplynetpy else "not installed"

    # Warm-up (imports, first-call caches) on the smallest size, untimed.
    run_ours(*SIZES[0], days=args.days)
    if theirs_ok:
        build_and_run_supplynetpy(*SIZES[0], days=args.days, seed=SEED)

    nan = Timing(math.nan, math.nan)
    rows: list[tuple[str, Timing, Timing]] = []
    outcomes: list[tuple[str, dict[str, float], dict[str, float], dict[str, float] | None]] = []
    kpis_done = True
    for i, (d, r) in enumerate(sizes):
        largest = i == len(SIZES) - 1
        ours_repeats = (1 if largest else 3) if args.quick else (3 if largest else 5)
        theirs_repeats = 1 if args.quick else 3
        label = f"({d},{r})"
        ours, ours_all, (result, has_kpis) = repeat(
            partial(run_ours, d, r, args.days), ours_repeats
        )
        kpis_done = kpis_done and has_kpis
        print(f"{label}: ours {fmt_times(ours_all)}", file=sys.stderr, flush=True)
        theirs, theirs_out = nan, None
        if theirs_ok:
            theirs, theirs_all, theirs_out = repeat(
                partial(build_and_run_supplynetpy, d, r, days=args.days, seed=SEED),
                theirs_repeats,
            )
            print(f"{label}: SupplyNetPy {fmt_times(theirs_all)}", file=sys.stderr, flush=True)
        rows.append((label, ours, theirs))
        aligned = Simulation(scenario_from_data(scenario_data(d, r, args.days, aligned=True))).run()
        outcomes.append((label, our_outcomes(result), our_outcomes(aligned), theirs_out))

    print(f"\nsupplysim vs SupplyNetPy, {args.days} days, seed {SEED} (medians, seconds)")
    print(
        "ours = dict -> scenario -> compile -> run"
        + (" -> result.kpis" if kpis_done else " (result.kpis unavailable: not timed)")
        + "; theirs = build objects -> run"
    )
    print(
        f"{'size (D,R)':<12}{'ours s':>9}{'theirs s':>10}{'ratio':>8}"
        f"{'ours cpu':>11}{'theirs cpu':>12}{'cpu ratio':>11}"
    )
    for label, ours, theirs in rows:
        print(
            f"{label:<12}{ours.wall:>9.3f}{theirs.wall:>10.3f}{ours.wall / theirs.wall:>8.3f}"
            f"{ours.cpu:>11.3f}{theirs.cpu:>12.3f}{ours.cpu / theirs.cpu:>11.3f}"
        )

    print("\nOutcomes (whole run, all retailers): ours | ours, aligned lead times | SupplyNetPy")
    keys = (
        "demand_units",
        "sold_units",
        "lost_sales_units",
        "fill_rate",
        "retailer_replenishment_orders",
        "distributor_replenishment_orders",
        "retailer_inventory_end",
        "distributor_inventory_end",
    )
    for label, ours_out, aligned_out, theirs_out in outcomes:
        print(f"{label:<34}{'ours':>12}{'aligned':>12}{'SupplyNetPy':>13}")
        for key in keys:
            other = theirs_out[key] if theirs_out is not None else math.nan
            print(
                f"  {key:<32}{_fmt(ours_out[key]):>12}{_fmt(aligned_out[key]):>12}{_fmt(other):>13}"
            )

    if not theirs_ok:
        print(f"SupplyNetPy {why_not}: no ratio")
    elif len(sizes) < len(SIZES):
        print("largest size not run (--max-size): no ratio")
    complete = theirs_ok and len(sizes) == len(SIZES)
    final = rows[-1][1].wall / rows[-1][2].wall if complete else math.nan
    print(f"ratio_vs_supplynetpy: {final:.4f}" if final == final else "ratio_vs_supplynetpy: nan")


def _fmt(value: float) -> str:
    if value != value:
        return "-"
    return f"{value:.4f}" if abs(value) < 10 else f"{value:.0f}"


if __name__ == "__main__":
    main()
