"""A Gymnasium environment in which agents place the orders of ``manual`` inventory positions.

One step is one period. Each step the environment pauses in the middle of day ``k``
(instant ``k + 0.5``: the day's arrivals and daily-path customers are done), shows the agents'
positions, and places the chosen quantities at that day's close, as a replenishment policy
would. The reward is the negative cost the agents' nodes booked during the step. See
docs/agents.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from simulator.engine import Simulation
from simulator.metrics.result import Result
from simulator.network import compile_network
from simulator.scenario.models import Scenario

FEATURES = ("on_hand", "backlog", "pipeline", "incoming_orders", "last_demand")
"""The columns of an agent's row in the observation, in order (see ``Simulation.state``)."""

# Where in the day an agent decides: after the day's arrivals and customers, before its close,
# so that every close of the run, the last one included, places the agents' orders.
_DECIDE_AT = 0.5


class SupplyChainEnv(gym.Env[np.ndarray, np.ndarray]):
    """Agents order for ``manual`` positions of a scenario, one period per step.

    Args:
        scenario: The scenario to play; its horizon is the episode's length in periods.
        agents: ``(node, sku)`` positions the agents order for, each with policy ``manual``;
            omit for every ``manual`` position of the scenario.
        max_order: Largest quantity an agent may order in one period (the action's bound).
        bins: Give a list of quantities to choose among them instead (discrete actions):
            ``Discrete(len(bins))`` for one agent, ``MultiDiscrete`` for several.
    """

    metadata = {"render_modes": []}  # noqa: RUF012 (Gymnasium declares it so)

    def __init__(
        self,
        scenario: Scenario,
        agents: Sequence[tuple[str, str]] | None = None,
        *,
        max_order: float = 1000.0,
        bins: Sequence[float] | None = None,
    ) -> None:
        topo = compile_network(scenario).topology
        manual = [p for p in range(topo.n_positions) if topo.pos_policy[p].type == "manual"]  # type: ignore[attr-defined]
        if agents is None:
            agents = [
                (topo.node_ids[topo.pos_node[p]], topo.sku_ids[topo.pos_sku[p]]) for p in manual
            ]
        self.agents = tuple((str(node), str(sku)) for node, sku in agents)
        if not self.agents:
            raise ValueError("no agents: give positions, or set some positions' policy to 'manual'")
        self.positions = np.asarray([topo.position_of(n, s) for n, s in self.agents])
        for (node, sku), pos in zip(self.agents, self.positions, strict=True):
            if pos not in manual:
                raise ValueError(f"agent {node}/{sku}: its policy must be 'manual' to take orders")
        self.nodes = sorted({node for node, _ in self.agents})
        self.scenario = scenario
        n = len(self.agents)
        self.observation_space = spaces.Box(0.0, np.inf, shape=(n, len(FEATURES)), dtype=np.float32)
        self.bins = None if bins is None else np.asarray(bins, dtype=np.float64)
        if self.bins is None:
            self.action_space: spaces.Space[Any] = spaces.Box(
                0.0, float(max_order), shape=(n,), dtype=np.float32
            )
        elif n == 1:
            self.action_space = spaces.Discrete(len(self.bins))
        else:
            self.action_space = spaces.MultiDiscrete([len(self.bins)] * n)
        self.sim: Simulation | None = None
        self._period = 0
        self._cost = 0.0

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Start a new run. ``reset(seed=s)`` plays ``Simulation(scenario, seed=s)``; without a
        seed, the run's seed is drawn from the environment's generator."""
        super().reset(seed=seed)
        run_seed = seed if seed is not None else int(self.np_random.integers(2**31))
        self.sim = Simulation(self.scenario, seed=run_seed)
        self._period = 0
        self.sim.run(until=_DECIDE_AT)
        self._cost = self._booked(self.sim.result())
        return self._observe(), self._info()

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        """Place the agents' orders at the close of the current day and play to the next."""
        sim = self.sim
        if sim is None:
            raise RuntimeError("call reset() before step()")
        for (node, sku), quantity in zip(self.agents, self._quantities(action), strict=True):
            if quantity > 0:
                sim.order(node, sku, quantity)
        self._period += 1
        done = self._period >= sim.n_days
        result = sim.run() if done else sim.run(until=self._period + _DECIDE_AT)
        cost = self._booked(result)
        reward = self._cost - cost
        self._cost = cost
        return self._observe(), reward, done, False, self._info()

    def _quantities(self, action: Any) -> np.ndarray:
        if self.bins is not None:
            return self.bins[np.atleast_1d(np.asarray(action, dtype=np.int64))]
        quantities = np.asarray(action, dtype=np.float64).reshape(len(self.agents))
        if not np.isfinite(quantities).all():
            raise ValueError(f"order quantities must be finite numbers (got {quantities})")
        high = self.action_space.high  # type: ignore[attr-defined]
        return np.clip(quantities, 0.0, high.astype(np.float64))

    def _observe(self) -> np.ndarray:
        assert self.sim is not None
        state = self.sim.state()[list(FEATURES)].to_numpy()
        return np.maximum(state[self.positions], 0.0).astype(np.float32)

    def _booked(self, result: Result) -> float:
        """Total cost booked so far at the agents' nodes (the ``total_cost`` KPI)."""
        kpis = result.kpis
        mine = (kpis.scope == "node") & kpis.id.isin(self.nodes) & (kpis.metric == "total_cost")
        return float(kpis.value[mine].sum())

    def _info(self) -> dict[str, Any]:
        assert self.sim is not None
        return {"time": self.sim.now, "total_cost": self._cost}
