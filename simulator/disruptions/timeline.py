"""When disruptions happen, and the conditions in force at any time.

Every occurrence is drawn before the run starts, from the disruption's own named stream
(``disruption/<id>``): variants of a scenario, which differ in policies or strategy, face the
very same events under one seed. Knowing the future of the conditions also makes transit exact:
a shipment advances at its lane's speed, so a lane closed for three days delays exactly the
shipments that needed it, by exactly the time they would have been on it.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

import numpy as np

from simulator.disruptions.base import Disruption, Window
from simulator.disruptions.conditions import Conditions
from simulator.network import Network
from simulator.network.streams import RandomStreams
from simulator.scenario.disruptions import Recurring, Scheduled, Triggered


def draw_windows(
    disruptions: Sequence[Disruption], streams: RandomStreams, horizon: float
) -> list[Window]:
    """Every occurrence starting within the horizon, sorted by start (ties: scenario order).

    A triggered disruption is drawn after the one it follows (the scenario checks there is no
    cycle). For each start of that one it draws a chance, a delay and a duration, whether it
    follows or not, so its stream stays aligned across variants.
    """
    by_id = {d.params.id: d for d in disruptions}
    drawn: dict[int, list[Window]] = {}

    def windows_of(d: Disruption) -> list[Window]:
        if d.index in drawn:
            return drawn[d.index]
        when = d.params.when
        rng = streams.stream(f"disruption/{d.params.id}")
        out: list[Window] = []
        if isinstance(when, Scheduled):
            out.append(Window(d.index, when.start, when.start + when.duration))
        elif isinstance(when, Recurring):
            t = when.first
            while True:
                t += rng.exponential(when.every)
                if t >= horizon:
                    break
                out.append(Window(d.index, t, t + float(when.duration.sample(rng, 1)[0])))
        else:
            assert isinstance(when, Triggered)
            for cause in windows_of(by_id[when.after]):
                follows = rng.random() < when.probability
                start = cause.start + float(when.delay.sample(rng, 1)[0])
                length = float(when.duration.sample(rng, 1)[0])
                if follows:
                    out.append(Window(d.index, start, start + length))
        drawn[d.index] = [w for w in out if w.start < horizon]
        return drawn[d.index]

    every = [w for d in disruptions for w in windows_of(d)]
    return sorted(every, key=lambda w: (w.start, w.disruption))


class Timeline:
    """Piecewise-constant conditions over the run, one :class:`Conditions` per stretch.

    A disruption with several overlapping occurrences affects the conditions once.
    """

    def __init__(self, disruptions: Sequence[Disruption], windows: list[Window], net: Network):
        self.windows = windows
        cuts = {0.0} | {t for w in windows for t in (w.start, w.end) if t > 0}
        self.times = sorted(cuts)
        self.states: list[Conditions] = []
        for t in self.times:
            conditions = Conditions.normal(net)
            for d in sorted({w.disruption for w in windows if w.active(t)}):
                disruptions[d].affect(conditions)
            self.states.append(conditions)

    def at(self, t: float) -> Conditions:
        """The conditions in force at time ``t``."""
        return self.states[self._stretch(t)]

    def _stretch(self, t: float) -> int:
        return max(bisect.bisect_right(self.times, t + 1e-9) - 1, 0)

    def _next_cut(self, i: int) -> float:
        return self.times[i + 1] if i + 1 < len(self.times) else math.inf

    def transit_end(self, lane: int, depart: float, transit: float) -> float:
        """When a shipment leaving at ``depart`` with ``transit`` days at full speed gets there:
        it advances at its lane's speed, and not at all while the lane is closed."""
        left, t, i = transit, depart, self._stretch(depart)
        while True:
            speed = float(self.states[i].lane_speed[lane])
            cut = self._next_cut(i)
            if speed > 0 and (cut - t) * speed >= left:
                return t + left / speed
            if math.isinf(cut):
                return math.inf
            if speed > 0:
                left -= (cut - t) * speed
            t, i = cut, i + 1

    def open_from(self, node: int, t: float) -> float:
        """The first time at or after ``t`` when ``node`` is open (``inf``: never again)."""
        i = self._stretch(t)
        while not self.states[i].node_open[node]:
            t = self._next_cut(i)
            if math.isinf(t):
                return t
            i += 1
        return t

    def demand_factors(self, times: np.ndarray, streams: np.ndarray) -> np.ndarray | None:
        """Demand multiplier per (time, stream) of ``streams``, shape ``(len(times),
        len(streams))``; ``None`` when no shock ever touches them (the common case, which
        then costs no array of the horizon's size)."""
        per_stretch = np.stack([state.demand[streams] for state in self.states])
        if (per_stretch == 1.0).all():
            return None
        stretch = np.searchsorted(self.times, np.asarray(times) + 1e-9, side="right") - 1
        return per_stretch[np.maximum(stretch, 0)]
