"""When disruptions happen, and exact transit and reopening times under them.

Occurrences are drawn before the run from each disruption's own named stream: scheduled ones
are where the scenario puts them, random ones (``every``) form a Poisson process of rate
1 / every, triggered ones follow each start of their cause with a probability and a delay.
Statistical checks allow 4 standard deviations of the estimate, derived from its sample size.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from simulator import Simulation
from simulator.disruptions import DisruptionPlan, Window
from simulator.disruptions.timeline import Timeline
from simulator.network import compile_network
from simulator.network.streams import RandomStreams
from simulator.scenario import scenario_from_data
from tests.disruptions.test_kinds import Data, shops

HORIZON = 100.0


def spans(data: Data, seed: int, disruption: str | None = None) -> list[tuple[float, float]]:
    """``(start, end)`` of the occurrences of every disruption, or of the one named, in the
    simulation of ``data`` under ``seed``."""
    sim = Simulation(scenario_from_data(data), seed=seed)
    assert sim.ctx.disruptions is not None
    ids = [d.id for d in sim.scenario.disruptions]
    return [
        (w.start, w.end)
        for w in sim.ctx.disruptions.windows
        if disruption is None or ids[w.disruption] == disruption
    ]


class Plans:
    """Occurrences of a scenario's disruptions under many seeds, the network compiled once."""

    def __init__(self, *disruptions: Data) -> None:
        self.scenario = scenario_from_data(shops(*disruptions, horizon=int(HORIZON)))
        self.net = compile_network(self.scenario)

    def windows(self, seed: int) -> list[Window]:
        plan = DisruptionPlan(self.scenario, self.net, RandomStreams(seed), HORIZON)
        return plan.windows


def jam(when: Data, id: str = "jam") -> Data:
    return {"id": id, "type": "transport_delay", "lanes": ["to-a"], "closed": True, "when": when}


def every(mean: float, duration: Any = 2, **extra: Any) -> Data:
    return {"every": mean, "duration": duration, **extra}


def after(cause: str, probability: float, delay: Any = 0, duration: Any = 1) -> Data:
    return {"after": cause, "probability": probability, "delay": delay, "duration": duration}


# --------------------------------------------------------------------------- drawing


def test_a_scheduled_disruption_happens_once_where_it_is_put() -> None:
    assert Plans(jam({"start": 30, "duration": 5})).windows(0) == [Window(0, 30, 35)]
    assert Plans(jam({"start": HORIZON, "duration": 5})).windows(0) == []


def test_random_windows_are_the_same_for_every_policy_and_other_disruption() -> None:
    # Variants differ in their base-stock level and in another disruption listed first: the
    # random jam draws from its own stream, so under one seed it strikes at the same times.
    storm = jam(every(7), id="storm")
    base = shops(jam(every(10)), horizon=int(HORIZON))
    variants = [
        {**base, "nodes": shops(S=60)["nodes"]},
        {**base, "disruptions": [storm, *base["disruptions"]]},
    ]
    for seed in (1, 2):
        reference = spans(base, seed)
        assert len(reference) > 3
        for variant in variants:
            assert spans(variant, seed, "jam") == reference
    assert spans(base, 1) != spans(base, 2)


def test_random_starts_are_a_poisson_process_of_rate_one_over_every() -> None:
    # Starts after day 20 on [20, 100), mean 10 days apart: Poisson(8) occurrences per run;
    # over 400 runs the mean count has standard deviation sqrt(8 / 400).
    plans, runs, expected = Plans(jam(every(10, first=20))), 400, (HORIZON - 20) / 10
    counts = []
    for seed in range(runs):
        windows = plans.windows(seed)
        assert all(20 <= w.start < HORIZON and w.end == w.start + 2 for w in windows)
        counts.append(len(windows))
    mean = sum(counts) / runs
    assert abs(mean - expected) <= 4 * math.sqrt(expected / runs), mean


def test_a_certain_trigger_follows_every_start_after_its_delay() -> None:
    plans = Plans(jam(every(10)), jam(after("jam", 1.0, delay=3, duration=2), id="fire"))
    for seed in range(5):
        windows = plans.windows(seed)
        causes = [w for w in windows if w.disruption == 0]
        followers = [w for w in windows if w.disruption == 1]
        starts = [c.start + 3 for c in causes if c.start + 3 < HORIZON]
        assert followers and [w.start for w in followers] == pytest.approx(starts)
        assert [w.end - w.start for w in followers] == pytest.approx([2] * len(starts))


def test_an_impossible_trigger_never_follows() -> None:
    plans = Plans(jam(every(10)), jam(after("jam", 0.0), id="fire"))
    for seed in range(5):
        assert {w.disruption for w in plans.windows(seed)} == {0}


def test_a_trigger_follows_half_of_the_starts_at_probability_one_half() -> None:
    # Over all causes of 100 runs (about 1000), the share followed is within 4 standard
    # deviations, sqrt(0.25 / n), of one half. Under one seed, the occurrences with
    # probability 1/2 are some of those with probability 1: same draws, fewer kept.
    half = Plans(jam(every(10)), jam(after("jam", 0.5), id="fire"))
    certain = Plans(jam(every(10)), jam(after("jam", 1.0), id="fire"))
    causes = followed = 0
    for seed in range(100):
        windows = half.windows(seed)
        causes += sum(w.disruption == 0 for w in windows)
        kept = [w for w in windows if w.disruption == 1]
        followed += len(kept)
        assert set(kept) <= {w for w in certain.windows(seed) if w.disruption == 1}
    assert abs(followed / causes - 0.5) <= 4 * math.sqrt(0.25 / causes), (followed, causes)


# --------------------------------------------------------------------------- timeline


LATER = {"start": 1000, "duration": 1}  # never drawn: the tests give the windows
KINDS = (
    jam(LATER),  # 0: lane to-a closed
    {"id": "slow", "type": "transport_delay", "lanes": ["to-a"], "lead_time_factor": 2},
    {"id": "storm", "type": "weather", "region": {"nodes": ["a"]}, "speed": 0.5},
    {"id": "outage", "type": "facility_outage", "nodes": ["a"]},
)
CLOSED, SLOW, STORM, OUTAGE = range(4)
TO_A, A, B = 0, 1, 2  # lane to-a; nodes a and b


def timeline(*windows: tuple[int, float, float]) -> Timeline:
    data = shops(*({**k, "when": LATER} for k in KINDS))
    scenario = scenario_from_data(data)
    net = compile_network(scenario)
    plan = DisruptionPlan(scenario, net, RandomStreams(0), HORIZON)
    assert net.topology.lane_ids[TO_A] == "to-a"
    assert net.topology.node_ids[A] == "a" and net.topology.node_ids[B] == "b"
    return Timeline(plan.disruptions, [Window(*w) for w in windows], net)


def test_a_closed_lane_holds_what_is_on_it_for_the_closure() -> None:
    line = timeline((CLOSED, 2, 5))
    assert line.transit_end(TO_A, 1, 3) == 7  # 1 day, 3 days stopped, 2 more
    assert line.transit_end(TO_A, 0, 2) == 2  # there as it closes
    assert line.transit_end(TO_A, 3, 2) == 7  # leaves into the closure: waits until 5
    assert line.transit_end(TO_A, 3, 0) == 5  # even a zero transit needs the lane
    assert line.transit_end(TO_A, 5, 2) == 7  # after it


def test_a_slowed_lane_advances_at_its_speed() -> None:
    # Half speed on [2, 5): 1 day by 2, 1.5 on [2, 5), the last 0.5 at full speed.
    assert timeline((SLOW, 2, 5)).transit_end(TO_A, 1, 3) == 5.5


def test_overlapping_disruptions_multiply_their_speeds() -> None:
    # Half speed on [2, 6), a half-speed storm on [4, 8): speeds 1, 1/2, 1/4, 1/2, 1 on the
    # cuts 2, 4, 6, 8. Leaving at 0 with 4 days: 2 by 2, 1 more by 4, 0.5 by 6, 0.5 by 7.
    line = timeline((SLOW, 2, 6), (STORM, 4, 8))
    assert line.transit_end(TO_A, 0, 4) == 7


def test_a_closure_wins_over_a_slowdown() -> None:
    # Half speed on [2, 6), closed on [3, 4): 0.5 by 3, nothing until 4, 1 more by 6, then
    # the last 0.5 at full speed.
    assert timeline((SLOW, 2, 6), (CLOSED, 3, 4)).transit_end(TO_A, 2, 2) == 6.5


def test_overlapping_occurrences_of_one_disruption_count_once() -> None:
    # Half speed on [2, 6) and on [4, 8), not a quarter on [4, 6): 3 days' way in [2, 8).
    assert timeline((SLOW, 2, 6), (SLOW, 4, 8)).transit_end(TO_A, 2, 3) == 8


def test_a_lane_that_never_reopens_delivers_never() -> None:
    line = timeline((CLOSED, 2, math.inf))
    assert line.transit_end(TO_A, 1, 3) == math.inf
    assert line.transit_end(TO_A, 0, 2) == 2


def test_a_closed_facility_opens_at_the_end_of_every_closure_covering_the_time() -> None:
    line = timeline((OUTAGE, 2, 5))
    assert [line.open_from(A, t) for t in (1, 2, 4.5, 5, 6)] == [1, 5, 5, 5, 6]
    assert line.open_from(B, 3) == 3
    assert timeline((OUTAGE, 2, 5), (OUTAGE, 4, 8)).open_from(A, 3) == 8
    assert timeline((OUTAGE, 2, 5), (OUTAGE, 5, 7)).open_from(A, 3) == 7
    assert timeline((OUTAGE, 2, math.inf)).open_from(A, 3) == math.inf
    # A storm closes its facilities too; a slowdown does not.
    assert timeline((STORM, 2, 5)).open_from(A, 3) == 5
    assert timeline((SLOW, 2, 5)).open_from(A, 3) == 3
