"""Replenishment policy groups: who reviews with which policy instance, and when reviews fall due.

All positions of one tier that use the same policy type share one policy instance holding
per-position parameter arrays, so a tier's daily review is one vectorised call per type. Each
replication builds fresh groups, because policies may keep state (forecasts).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from policies.registry import REPLENISHMENT
from policies.replenishment import ReplenishmentPolicy
from simulator.network.topology import Topology

_EPS = 1e-9


@dataclass
class PolicyGroup:
    """Positions of one tier sharing a policy type: one policy instance with array parameters."""

    tier: int
    positions: np.ndarray
    policy: ReplenishmentPolicy
    period: np.ndarray  # days between reviews; NaN for continuous review
    offset: np.ndarray  # day of the first review

    def __post_init__(self) -> None:
        self.continuous = np.isnan(self.period)
        self.all_continuous = bool(self.continuous.all())

    def due(self, time: float) -> np.ndarray:
        """Which positions review at ``time``: continuous ones always, periodic ones on schedule."""
        if self.all_continuous:
            return np.ones(len(self.positions), dtype=bool)
        phase = (time - self.offset) / np.where(self.continuous, 1.0, self.period)
        on_schedule = (time >= self.offset - _EPS) & (np.abs(phase - np.round(phase)) < _EPS)
        return self.continuous | on_schedule


def build_policy_groups(topology: Topology, pos_tier: np.ndarray) -> list[PolicyGroup]:
    """Fresh policy instances, one per (tier, policy type), in a stable order."""
    groups = []
    for tier in range(len(topology.tiers)):
        by_type: dict[str, list[int]] = defaultdict(list)
        for p in np.flatnonzero(pos_tier == tier):
            by_type[topology.pos_policy[p].type].append(int(p))  # type: ignore[attr-defined]
        for name, positions in sorted(by_type.items()):
            params = [topology.pos_policy[p] for p in positions]
            period = [getattr(q, "review_period", None) for q in params]
            groups.append(
                PolicyGroup(
                    tier=tier,
                    positions=np.asarray(positions, dtype=np.int64),
                    policy=REPLENISHMENT.get(name).from_params(params),
                    period=np.asarray([math.nan if r is None else r for r in period]),
                    offset=np.asarray([getattr(q, "review_offset", 0.0) for q in params]),
                )
            )
    return groups
