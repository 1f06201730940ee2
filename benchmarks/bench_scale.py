"""Scale benchmark: 100,000 retailer-SKU demand streams for a year on one core.

Network: one plant (unlimited production, 2-day production lead time) -> 20 DCs -> 2,000
retailers (100 per DC), 50 SKUs everywhere, so 100,000 retailer-SKU demand streams plus 1,000
DC and 50 plant positions. Daily demand per retailer and SKU is Poisson with a mean between 1 and
20 units (SKU ``k`` of 50 has mean ``1 + 19 k / 49``); unmet demand is backordered. Lanes take
3 days plant -> DC and 1 day DC -> retailer.

Replenishment is (s, S) at every stocking point, reviewed daily, sized with the textbook normal
approximation ``s = T mu + z sd sqrt(T)``, ``S = s + Q``, ``z = 1.65`` (about 95 % cycle
service). ``T = L + 1`` is the protection interval: the engine places and ships the day's
orders at its end, so an order placed on day ``t`` is usable from day ``t + 1 + L`` (``L`` =
transit or production days); the reorder point covers ``L`` days plus one review day. Upstream
of the retailers demand comes in lots: lots of size ``Q`` at a mean of ``mu`` units a day have a
daily variance of about ``Q mu``, which sets ``sd`` there.

* retailer (1-day lane, ``T = 2``, mean ``m`` of 1..20): ``sd = sqrt(m)``, ``Q = 3 m`` (an
  order about every 3 days);
* DC (3-day lane, ``T = 4``, 100 retailers, ``M = 100 m``): ``sd = sqrt(100 x 3m x m)``,
  ``Q = 7 M`` (about weekly);
* plant (2-day production, ``T = 3``, 20 DCs, ``P = 20 M``): ``sd = sqrt(20 x 7M x M)``,
  ``Q = 7 P``.

Every position starts at its ``S``. Seed fixed (0). Timed phases: building the scenario dict,
validating it (``scenario_from_data``), compiling (``Simulation(...)``: network arrays, policy
groups, demand pre-draw), running, and ``result.kpis`` if the metrics layer exists. Wall and CPU
seconds are both shown (CPU time is the fairer figure on a shared machine). Peak RSS is
``ru_maxrss`` of this process.

Run ``python benchmarks/bench_scale.py``; ``--profile`` prints the cProfile top 25 (cumulative)
to stderr. The last two lines are ``stream_days_per_s: X`` (streams x days over compile + run
wall time) and ``peak_rss_mb: Y``.

``--streams N`` sizes the network for N retailer-SKU streams by the number of retailers per DC
(N / (DCs x SKUs), so 1,000 per DC for a million streams). ``--curve 10000,100000,1000000``
runs each size in a fresh process (peak memory is per process) and prints one row per size:
CPU seconds per phase, total CPU and peak RSS.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator import Simulation
from simulator.metrics.result import Result
from simulator.scenario import scenario_from_data

Z = 1.65  # safety factor: about 95 % cycle service under a normal approximation
RETAILER_LEAD, DC_LEAD, PLANT_LEAD = 1, 3, 2  # days: DC -> retailer, plant -> DC, production
RETAILER_COVER, DC_COVER, PLANT_COVER = 3, 7, 7  # order size Q in days of mean demand


def sku_means(n_skus: int) -> list[float]:
    """Daily mean demand per SKU at one retailer: evenly spread over 1..20."""
    if n_skus == 1:
        return [10.0]
    return [1.0 + 19.0 * k / (n_skus - 1) for k in range(n_skus)]


def s_S(mean: float, sd: float, lead: float, cover: float) -> dict[str, Any]:
    """(s, S) for daily review: ``T = lead + 1``, ``s = T mean + z sd sqrt(T)``, ``S = s + Q``.

    ``Q = cover x mean``; both levels are rounded up to whole units.
    """
    protection = lead + 1
    s = math.ceil(protection * mean + Z * sd * math.sqrt(protection))
    return {"type": "sS", "s": float(s), "S": float(s + math.ceil(cover * mean))}


def stock_rules(policies: list[dict[str, Any]], skus: list[str]) -> dict[str, Any]:
    """Per-SKU inventory rules of one node type: the policy, starting at its ``S``."""
    return {
        sku: {"policy": policy, "initial": policy["S"]}
        for sku, policy in zip(skus, policies, strict=True)
    }


def scenario_data(
    n_dcs: int = 20, retailers_per_dc: int = 100, n_skus: int = 50, days: int = 365
) -> dict[str, Any]:
    """The scale network as a scenario document (see the module docstring)."""
    skus = [f"sku{k:02d}" for k in range(n_skus)]
    means = sku_means(n_skus)
    n_retailers = n_dcs * retailers_per_dc
    retail: list[dict[str, Any]] = []
    dc: list[dict[str, Any]] = []
    plant: list[dict[str, Any]] = []
    for m in means:
        retail.append(s_S(m, math.sqrt(m), RETAILER_LEAD, RETAILER_COVER))
        dc_mean = retailers_per_dc * m
        dc_sd = math.sqrt(retailers_per_dc * RETAILER_COVER * m * m)  # lots of Q = 3 m
        dc.append(s_S(dc_mean, dc_sd, DC_LEAD, DC_COVER))
        plant_mean = n_dcs * dc_mean
        plant_sd = math.sqrt(n_dcs * DC_COVER * dc_mean * dc_mean)  # lots of Q = 7 M
        plant.append(s_S(plant_mean, plant_sd, PLANT_LEAD, PLANT_COVER))
    retail_rules, dc_rules, plant_rules = (stock_rules(p, skus) for p in (retail, dc, plant))
    # A node's default policy is required; every SKU overrides it.
    default = {"type": "sS", "s": 0.0, "S": 1.0}

    nodes: list[dict[str, Any]] = [
        {
            "id": "plant",
            "kind": "plant",
            "production": {"lead_time": PLANT_LEAD},
            "inventory": {"policy": default, "skus": plant_rules},
        }
    ]
    nodes += [
        {
            "id": f"dc{d:02d}",
            "kind": "warehouse",
            "inventory": {"policy": default, "skus": dc_rules},
        }
        for d in range(n_dcs)
    ]
    nodes += [
        {
            "id": f"r{r:04d}",
            "kind": "retailer",
            "inventory": {"policy": default, "skus": retail_rules},
        }
        for r in range(n_retailers)
    ]
    lanes = [{"from": "plant", "to": f"dc{d:02d}", "lead_time": DC_LEAD} for d in range(n_dcs)]
    lanes += [
        {"from": f"dc{r // retailers_per_dc:02d}", "to": f"r{r:04d}", "lead_time": RETAILER_LEAD}
        for r in range(n_retailers)
    ]
    mix = dict(zip(skus, means, strict=True))  # multiplier on a Poisson mean of 1
    demand = [
        {
            "id": f"c{r:04d}",
            "node": f"r{r:04d}",
            "daily": {"dist": "poisson", "mean": 1.0},
            "skus": mix,
        }
        for r in range(n_retailers)
    ]
    return {
        "name": f"scale-{n_retailers * n_skus}",
        "horizon": days,
        "seed": 0,
        "products": [{"id": s, "unit_cost": 1.0, "price": 2.0} for s in skus],
        "nodes": nodes,
        "lanes": lanes,
        "demand": demand,
    }


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports ru_maxrss in KiB)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 if sys.platform != "darwin" else rss / 2**20


def _cpu_busy() -> dict[int, int]:
    """Busy jiffies per CPU from /proc/stat (empty where unavailable)."""
    busy: dict[int, int] = {}
    try:
        with open("/proc/stat") as stat:
            for line in stat:
                name, *fields = line.split()
                if name.startswith("cpu") and name != "cpu":
                    values = [int(v) for v in fields]
                    busy[int(name[3:])] = sum(values) - values[3] - values[4]  # minus idle, iowait
    except OSError:
        pass
    return busy


def pin_one_core() -> str:
    """Restrict this process to one CPU: the least busy over a short sample, where allowed."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    allowed = sorted(os.sched_getaffinity(0))
    before = _cpu_busy()
    time.sleep(0.5)
    after = _cpu_busy()
    load = {c: after.get(c, 0) - before.get(c, 0) for c in allowed}
    cpu = min(allowed, key=lambda c: load[c])
    os.sched_setaffinity(0, {cpu})
    return f"pinned to cpu {cpu}"


class Phases:
    """Wall and CPU seconds of consecutive phases."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._wall = time.perf_counter()
        self._cpu = time.process_time()

    def lap(self, name: str) -> None:
        """Close the phase ``name`` (started at the previous lap)."""
        wall, cpu = time.perf_counter(), time.process_time()
        self.wall[name], self.cpu[name] = wall - self._wall, cpu - self._cpu
        self._wall, self._cpu = wall, cpu


def measure(args: argparse.Namespace) -> tuple[Phases, Simulation, Result, bool]:
    """Run the phases once. Returns their times, the simulation, its result, KPIs computed."""
    phases = Phases()
    data = scenario_data(args.dcs, args.retailers_per_dc, args.skus, args.days)
    phases.lap("dict")
    scenario = scenario_from_data(data)
    phases.lap("validate")
    sim = Simulation(scenario)
    phases.lap("compile")
    result = sim.run()
    phases.lap("run")
    try:
        _ = result.kpis
    except ImportError:  # the metrics layer is not there (yet)
        return phases, sim, result, False
    phases.lap("kpis")
    return phases, sim, result, True


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Scale benchmark: plant -> 20 DCs -> 2,000 retailers x 50 SKUs "
        "(100,000 demand streams), 365 days, on one core."
    )
    parser.add_argument("--dcs", type=int, default=20, help="number of DCs (default 20)")
    parser.add_argument(
        "--retailers-per-dc", type=int, default=100, help="retailers per DC (default 100)"
    )
    parser.add_argument("--skus", type=int, default=50, help="SKUs (default 50)")
    parser.add_argument("--days", type=int, default=365, help="simulated days (default 365)")
    parser.add_argument(
        "--streams",
        type=int,
        default=None,
        help="retailer-SKU streams: sets --retailers-per-dc to streams / (dcs x skus)",
    )
    parser.add_argument(
        "--curve",
        default=None,
        metavar="N,N,...",
        help="run each number of streams in a fresh process; one row per size",
    )
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # for --curve
    parser.add_argument(
        "--profile", action="store_true", help="cProfile top 25 by cumulative time to stderr"
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    args = parser.parse_args(argv)
    if args.streams is not None:
        per_dc, left = divmod(args.streams, args.dcs * args.skus)
        if per_dc < 1 or left:
            parser.error(f"--streams must be a multiple of dcs x skus = {args.dcs * args.skus}")
        args.retailers_per_dc = per_dc
    return args


def curve(args: argparse.Namespace) -> None:
    """One fresh process per size; a row of CPU seconds per phase and peak RSS each."""
    sizes = [int(n) for n in args.curve.split(",")]
    phases = ("validate", "compile", "run", "kpis")
    print(
        f"scale curve: {args.days} days, {args.dcs} DCs, {args.skus} SKUs, CPU seconds; "
        f"load average {load_average()}"
    )
    print(
        f"  {'streams':>10}" + "".join(f"{p:>10}" for p in phases) + f"{'total':>10}{'peak MB':>10}"
    )
    for n in sizes:
        command = [sys.executable, __file__, "--json", "--streams", str(n)]
        command += ["--dcs", str(args.dcs), "--skus", str(args.skus), "--days", str(args.days)]
        if args.no_pin:
            command.append("--no-pin")
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        row = json.loads(done.stdout.splitlines()[-1])
        cpu = row["cpu"]
        print(
            f"  {n:>10,}"
            + "".join(f"{cpu.get(p, float('nan')):>10.2f}" for p in phases)
            + f"{sum(cpu.values()):>10.2f}{row['peak_rss_mb']:>10.0f}",
            flush=True,
        )
    print(f"load average at the end {load_average()}")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, or n/a where the platform has none."""
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except (AttributeError, OSError):
        return "n/a"


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.curve:
        curve(args)
        return
    pinned = "not pinned (--no-pin)" if args.no_pin else pin_one_core()
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    phases, sim, result, has_kpis = measure(args)
    if profiler is not None:
        profiler.disable()
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(25)
        print(buffer.getvalue(), file=sys.stderr)
    rss = peak_rss_mb()
    if args.json:
        print(json.dumps({"cpu": phases.cpu, "wall": phases.wall, "peak_rss_mb": rss}))
        return

    streams = sim.net.demand.n_streams
    rec = result.records
    demand = float(rec.stream_demand.sum())
    filled = float(rec.stream_filled_now.sum())
    wall, cpu = phases.wall, phases.cpu
    sim_wall = wall["compile"] + wall["run"]

    print(
        f"scale benchmark: {streams:,} demand streams, {sim.net.topology.n_positions:,} "
        f"positions, {args.days} days, seed 0, {pinned}"
        + (" (profiled: times inflated)" if args.profile else "")
    )
    print(f"  {'phase':<28}{'wall s':>8}{'cpu s':>8}")
    labels = {
        "dict": "build scenario dict",
        "validate": "validate (dict->Scenario)",
        "compile": "compile (Simulation())",
        "run": "run",
        "kpis": "KPIs (result.kpis)",
    }
    for key, label in labels.items():
        if key in wall:
            print(f"  {label:<28}{wall[key]:8.2f}{cpu[key]:8.2f}")
    if not has_kpis:
        print(f"  {labels['kpis']:<28}{'n/a':>8}  (result.kpis not available: not timed)")
    print(f"  {'compile + run':<28}{sim_wall:8.2f}{cpu['compile'] + cpu['run']:8.2f}")
    print(f"  {'total':<28}{sum(wall.values()):8.2f}{sum(cpu.values()):8.2f}")
    print(f"  demand {demand:,.0f} units, fill rate from stock {filled / demand:.4f}")
    print(f"  replenishment order lines {rec.pos_order_lines.sum():,.0f}")
    print(f"stream_days_per_s: {streams * args.days / sim_wall:.0f}")
    print(f"peak_rss_mb: {rss:.0f}")


if __name__ == "__main__":
    main()
