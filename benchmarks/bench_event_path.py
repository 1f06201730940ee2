"""Per-order speed of supplysim's event path against bare SimPy and SupplyNetPy.

The network of ``bench_vs_supplynetpy`` (see ``network_spec.py``), with each retailer's
customers as a Poisson stream of orders, one a day on average, of Uniform{5..15} units: the
event path (a zone with ``orders: {rate, size}``). Three models run it in the same process:

* supplysim: dict -> ``scenario_from_data`` -> ``Simulation`` -> ``run`` -> ``result.kpis``;
* a bare SimPy model of the same shape, written by hand (``bare_simpy_model.py``);
* SupplyNetPy (``supplynetpy_model.py``), when installed, with exponential times between
  customer orders.

Sections: a grid of (distributors, retailers) sizes over 365 days; a sweep of 100 to 20,000
retailer streams (10 distributors, a horizon that gives about ``--sweep-orders`` orders, or
``--sweep-days`` days for every size, so each stream orders about as often) for
the cost per order against network size, split into what the same network costs a day when
its customers never order (the day's phases and books) and what each order adds; the M/M/2
desk case (``desk_case.py``, 36,500 customers) against Ciw when installed and the bare model.
``--desks`` gives every retailer an M/M/2 order-processing desk (SupplyNetPy has none, so it
sits those runs out).

Every figure is the median of ``--repeats`` runs after one untimed warm-up of each model.
Times are CPU seconds of this process (wall seconds are printed too, but a busy machine
inflates them); the cost per order is the CPU time of the run alone (not building, validating
or KPIs) over the customer orders. ``agreement.py`` checks that the models did the same work.

The last lines are ``event_path_vs_supplynetpy: X`` (SupplyNetPy's CPU time over supplysim's at
(10,1000), so above 1 means supplysim is faster) and ``event_path_vs_bare_simpy: Y``
(supplysim's over the bare model's); ``--quick`` takes them at its largest size, (5,100).
"""

from __future__ import annotations

import argparse
import gc
import math
import platform
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

import desk_case
from agreement import Check, erlang_c_wait, network_checks, wait_check
from bare_simpy_model import run_bare_simpy
from network_spec import DESK_SERVERS, ORDER_RATE, SEED, desk_time_mean, scenario_data
from supplynetpy_model import build_and_run_supplynetpy, supplynetpy_available
from supplysim_model import run_supplysim
from timing import Timing, fmt_times, load_average, median_timing, timed

GRID = ((2, 10), (5, 100), (10, 1000))
STREAMS = (100, 1000, 5000, 20000)
SWEEP_DISTRIBUTORS = 10
IDLE_RATE = 1e-9  # customer orders a day per retailer of the idle network
DAYS = 365
OURS, BARE, SUPPLYNETPY, CIW = "supplysim", "bare SimPy", "SupplyNetPy", "Ciw"

Outcomes = dict[str, float]
NetworkModel = Callable[[int, int, int], Outcomes]  # (distributors, retailers, days)


@dataclass(frozen=True)
class Plan:
    """What one invocation runs."""

    grid: tuple[tuple[int, int], ...]
    days: int
    streams: tuple[int, ...]
    sweep_orders: int
    sweep_days: int | None  # a fixed horizon for every sweep size instead of sweep_orders
    desk_days: int
    repeats: int
    desks: bool


@dataclass(frozen=True)
class Measured:
    """Medians over the repeats of one model at one size, and its last run's totals."""

    total: Timing
    run_cpu: float
    outcomes: Outcomes

    @property
    def us_per_order(self) -> float:
        return 1e6 * self.run_cpu / self.outcomes["customer_orders"]


def measure(label: str, fn: Callable[[], Outcomes], repeats: int) -> Measured:
    """Run ``fn`` ``repeats`` times; progress goes to stderr."""
    timings, run_cpu = [], []
    for _ in range(repeats):
        gc.collect()  # not the previous run's garbage on this run's clock
        timing, outcomes = timed(fn)
        timings.append(timing)
        run_cpu.append(outcomes["run_cpu_s"])
    print(f"{label}: {fmt_times(timings)}", file=sys.stderr, flush=True)
    return Measured(median_timing(timings), statistics.median(run_cpu), outcomes)


class Supplysim:
    """supplysim as a network model; remembers whether ``result.kpis`` failed."""

    def __init__(self, desks: bool) -> None:
        self.desks = desks
        self.kpi_error: str | None = None

    def __call__(self, n_distributors: int, n_retailers: int, days: int) -> Outcomes:
        data = scenario_data(n_distributors, n_retailers, days, event_path=True, desks=self.desks)
        outcomes, self.kpi_error = run_supplysim(data)
        return outcomes


def network_models(plan: Plan, with_supplynetpy: bool) -> dict[str, NetworkModel]:
    models: dict[str, NetworkModel] = {
        OURS: Supplysim(plan.desks),
        BARE: lambda d, r, days: run_bare_simpy(d, r, days, SEED, plan.desks),
    }
    if with_supplynetpy:
        models[SUPPLYNETPY] = lambda d, r, days: build_and_run_supplynetpy(
            d, r, days, SEED, order_rate=ORDER_RATE
        )
    return models


def run_size(
    models: dict[str, NetworkModel], d: int, r: int, days: int, repeats: int
) -> dict[str, Measured]:
    return {
        name: measure(f"({d},{r}) {days} d {name}", partial(model, d, r, days), repeats)
        for name, model in models.items()
    }


def print_size(label: str, measured: dict[str, Measured]) -> None:
    ours = measured[OURS].total.cpu
    for name, m in measured.items():
        print(
            f"{label:<14}{name:<13}{m.outcomes['customer_orders']:>10.0f}{m.total.wall:>9.3f}"
            f"{m.total.cpu:>9.3f}{m.run_cpu:>9.3f}{m.us_per_order:>10.2f}"
            f"{m.total.cpu / ours:>10.3f}"
        )


def grid_section(plan: Plan, models: dict[str, NetworkModel]) -> dict[tuple[int, int], dict]:
    results = {(d, r): run_size(models, d, r, plan.days, plan.repeats) for d, r in plan.grid}
    print(f"\nGrid: {plan.days} days, seed {SEED}; medians of {plan.repeats} run(s), seconds")
    print(
        f"{'size (D,R)':<14}{'model':<13}{'orders':>10}{'wall':>9}{'cpu':>9}{'run cpu':>9}"
        f"{'us/order':>10}{'cpu/ours':>10}"
    )
    for (d, r), measured in results.items():
        print_size(f"({d},{r})", measured)
    print("\nAgreement (tolerances in agreement.py; SupplyNetPy's customers also order at time 0)")
    mean_time = desk_time_mean(ORDER_RATE)
    in_system = ORDER_RATE * (erlang_c_wait(ORDER_RATE, mean_time, DESK_SERVERS) + mean_time)
    for (_, r), measured in results.items():
        checks = network_checks(
            {name: m.outcomes for name, m in measured.items()},
            ORDER_RATE * plan.days * r,
            extra_orders={SUPPLYNETPY: float(r)},
            reference=BARE,
            at_desks=r * in_system if plan.desks else 0.0,
        )
        print(f" {r} retailers:")
        print_checks(checks)
    return results


def idle_supplysim(n_distributors: int, n_retailers: int, days: int, desks: bool) -> Outcomes:
    """supplysim on the same network with customers who (almost surely) never order."""
    data = scenario_data(
        n_distributors, n_retailers, days, event_path=True, desks=desks, order_rate=IDLE_RATE
    )
    return run_supplysim(data)[0]


def sweep_section(plan: Plan, models: dict[str, NetworkModel]) -> None:
    per_size = f"{plan.sweep_days} days" if plan.sweep_days else f"about {plan.sweep_orders} orders"
    print(
        f"\nSweep: {SWEEP_DISTRIBUTORS} distributors, {per_size} per size;"
        " us per order = CPU time of the run alone / customer orders"
    )
    print(
        "  idle day: supplysim's run on the same network whose customers never order, ms a day"
        " (the day's phases and books); net: supplysim's us per order beyond that"
    )
    names = "".join(f"{name:>14}" for name in models)
    print(f"{'streams':<10}{'days':>6}{names}{'idle day':>10}{'net':>8}")
    for streams in plan.streams:
        days = plan.sweep_days or max(3, round(plan.sweep_orders / (ORDER_RATE * streams)))
        d = min(SWEEP_DISTRIBUTORS, streams)
        measured = run_size(models, d, streams, days, plan.repeats)
        idle = measure(
            f"({d},{streams}) {days} d supplysim, idle",
            partial(idle_supplysim, d, streams, days, plan.desks),
            plan.repeats,
        ).run_cpu
        ours = measured[OURS]
        net = 1e6 * (ours.run_cpu - idle) / ours.outcomes["customer_orders"]
        row = "".join(f"{m.us_per_order:>14.2f}" for m in measured.values())
        print(f"{streams:<10}{days:>6}{row}{1e3 * idle / days:>10.3f}{net:>8.2f}")


def desk_section(plan: Plan) -> None:
    models: dict[str, Callable[[int], Outcomes]] = {
        OURS: desk_case.run_desk_supplysim,
        BARE: desk_case.run_desk_bare,
    }
    if desk_case.ciw_available():
        models[CIW] = desk_case.run_desk_ciw
    days = plan.desk_days
    measured = {
        name: measure(f"desk {name}", partial(model, days), plan.repeats)
        for name, model in models.items()
    }
    rate, mean_time = desk_case.RATE, desk_time_mean(desk_case.RATE)
    theory = erlang_c_wait(rate, mean_time, DESK_SERVERS)
    print(
        f"\nM/M/2 desk: {rate:.0f} orders a day for {days} days, mean processing "
        f"{mean_time:.4f} days; Erlang C mean wait {theory:.5f} days"
        + ("" if CIW in models else "; Ciw not installed")
    )
    print(f"{'model':<13}{'customers':>10}{'mean wait':>11}{'cpu':>9}{'us/order':>10}")
    for name, m in measured.items():
        print(
            f"{name:<13}{m.outcomes['customer_orders']:>10.0f}{m.outcomes['wait_mean']:>11.5f}"
            f"{m.total.cpu:>9.3f}{m.us_per_order:>10.2f}"
        )
    print_checks([wait_check(name, m.outcomes, theory) for name, m in measured.items()])
    other = CIW if CIW in measured else BARE
    ratio = measured[OURS].total.cpu / measured[other].total.cpu
    print(f"desk: supplysim CPU / {other} CPU = {ratio:.2f}")


def print_checks(checks: list[Check]) -> None:
    for check in checks:
        print(check.line())
    failed = [c for c in checks if not c.ok]
    if failed:
        raise SystemExit(f"the models disagree ({len(failed)} checks): not equal work")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: small sizes, 1 repeat")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--desks", action="store_true", help="M/M/2 desks at the retailers")
    parser.add_argument(
        "--streams",
        type=lambda text: tuple(int(s) for s in text.split(",")),
        default=STREAMS,
        help="retailer streams of the sweep, comma-separated (default 100,1000,5000,20000)",
    )
    parser.add_argument("--sweep-orders", type=int, default=50_000, help="orders per sweep size")
    parser.add_argument(
        "--sweep-days",
        type=int,
        default=None,
        help="a fixed horizon for every sweep size (each stream orders about as often), "
        "instead of --sweep-orders",
    )
    parser.add_argument("--skip-supplynetpy", action="store_true", help="time supplysim only")
    return parser.parse_args(argv)


def make_plan(args: argparse.Namespace) -> Plan:
    if args.quick:
        return Plan(GRID[:2], 30, (100, 500), 2_000, args.sweep_days, 10, 1, args.desks)
    return Plan(
        GRID,
        DAYS,
        args.streams,
        args.sweep_orders,
        args.sweep_days,
        DAYS,
        args.repeats,
        args.desks,
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    plan = make_plan(args)
    why_not = (
        "skipped (--skip-supplynetpy)"
        if args.skip_supplynetpy
        else "has no order-processing desks (--desks)"
        if plan.desks
        else None
        if supplynetpy_available()
        else "not installed"
    )
    print(f"Python {platform.python_version()}; at start: {load_average()}")
    if why_not:
        print(f"SupplyNetPy {why_not}: not run")
    models = network_models(plan, with_supplynetpy=why_not is None)
    for model in models.values():  # untimed warm-up: imports, first-call caches
        model(2, 10, 30)
    grid = grid_section(plan, models)
    ours = models[OURS]
    assert isinstance(ours, Supplysim)
    if ours.kpi_error:
        print(f"result.kpis failed, so it is not in supplysim's times: {ours.kpi_error}")
    sweep_section(plan, models)
    desk_section(plan)
    print(f"\nAt end: {load_average()}")
    size = plan.grid[-1]
    headline = grid[size]
    print(f"Final ratios at {size}, CPU seconds, medians")
    theirs = headline[SUPPLYNETPY].total.cpu if SUPPLYNETPY in headline else math.nan
    print(f"event_path_vs_supplynetpy: {theirs / headline[OURS].total.cpu:.4f}")
    print(f"event_path_vs_bare_simpy: {headline[OURS].total.cpu / headline[BARE].total.cpu:.4f}")


if __name__ == "__main__":
    main()
