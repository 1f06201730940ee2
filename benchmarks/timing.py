"""Timing helpers shared by the benchmarks: wall and CPU seconds, medians of repeats."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import NamedTuple, TypeVar

T = TypeVar("T")


class Timing(NamedTuple):
    """Wall-clock and CPU seconds of one run."""

    wall: float
    cpu: float


def timed(fn: Callable[[], T]) -> tuple[Timing, T]:
    """Call ``fn`` and time it."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu), value


def repeat(fn: Callable[[], T], repeats: int) -> tuple[Timing, list[Timing], T]:
    """Time ``fn`` ``repeats`` times: median wall and CPU seconds, every timing, last value."""
    timings: list[Timing] = []
    for _ in range(repeats):
        timing, value = timed(fn)
        timings.append(timing)
    return median_timing(timings), timings, value


def median_timing(timings: list[Timing]) -> Timing:
    """Median wall and median CPU seconds (each on its own)."""
    return Timing(
        statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings)
    )


def fmt_times(times: list[Timing]) -> str:
    """Every timing of a repeat, for the progress lines."""
    wall = ", ".join(f"{t.wall:.3f}" for t in times)
    cpu = ", ".join(f"{t.cpu:.3f}" for t in times)
    return f"wall [{wall}] s, cpu [{cpu}] s"


def load_average() -> str:
    """The machine's 1, 5 and 15-minute load averages (timings are noisy when it is busy)."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"
