"""One beer game on the engine, stepped a week at a time.

Every stage of the game scenario orders by hand (``manual``): each week the board takes a
number per stage, from a player or from a bot, and gives it to the simulation through
:meth:`Simulation.order`. A bot is Sterman's rule (:mod:`policies.sterman`) with the
parameters the base scenario gives that stage, fed the same view a player sees, so a bot can
take over a stage in any week and a player can take it back. When the facilitator shares
information, the bots forecast from the end customers' demand instead of their incoming orders,
as in the information-sharing game (``beer_game_sharing.yaml``).

Week ``w`` (1-based) is day ``w - 1`` of the engine. The board pauses at instant ``w``: the
week's beer has arrived and the week's customers are served; the orders given then are placed
at the close of the week. The game runs ``weeks + 1`` days so that the last week's pause comes
before the run's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from policies.sterman import StermanParams, StermanPolicy
from policies.view import InventoryView
from simulator.engine import Simulation
from simulator.scenario import Scenario, load_scenario, with_overrides

ROLES = ("retailer", "wholesaler", "distributor", "factory")
"""The stages, downstream first: each is a node id of the beer game scenarios."""
SKU = "beer"
GAMES = Path(__file__).resolve().parents[2] / "scenarios" / "teaching"
"""Where the shipped beer game scenarios live (a source checkout)."""


@dataclass(frozen=True)
class StageView:
    """What the player of one stage knows at the start of a week's decision."""

    role: str
    week: int
    on_hand: float
    backlog: float
    pipeline: float
    """Ordered and not yet received."""
    incoming_order: float
    """The latest order from downstream (at the retailer: this week's customers)."""

    @property
    def net_stock(self) -> float:
        return self.on_hand - self.backlog


def game_scenario(base: Scenario) -> Scenario:
    """The base beer game with every stage's policy replaced by ``manual``."""
    return with_overrides(base, {f"nodes.{r}.inventory.policy": {"type": "manual"} for r in ROLES})


def load_base(variant: str) -> Scenario:
    """A shipped beer game scenario by file stem (``beer_game``, ``beer_game_random`` ...)."""
    path = GAMES / f"{variant}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in GAMES.glob("beer_game*.yaml"))
        raise ValueError(f"no beer game called {variant!r}; known: {', '.join(known)}")
    return load_scenario(path)


class Board:
    """The simulation of one game and the bots' memory, one week at a time."""

    def __init__(self, base: Scenario, weeks: int, seed: int) -> None:
        if not 1 <= weeks <= base.horizon:
            raise ValueError(f"weeks must be in 1..{base.horizon:g} (got {weeks})")
        self.weeks = weeks
        self.base = base
        self.sim = Simulation(game_scenario(base), seed=seed, days=weeks + 1)
        params = {n.id: n.inventory.policy for n in base.nodes if n.inventory is not None}
        stages = [_sterman(params.get(role)) for role in ROLES]  # same order as ROLES
        # Two bots per stage, so that either can take over in any week: one forecasts from the
        # stage's incoming orders, one from the end customers' demand (information sharing).
        self._bots = StermanPolicy.from_params(stages)
        self._sharing_bots = StermanPolicy.from_params(stages)
        self._shares = np.array([p.forecast_from == "customers" for p in stages])
        """Stages whose bot forecasts from the customers' demand whether shared or not."""
        self._node = [self.sim.net.topology.node_ids.index(role) for role in ROLES]
        self.week = 0
        self.orders: list[dict[str, float]] = []
        """The orders given each week, week 1 first."""
        self._advance()

    @property
    def shared(self) -> bool:
        """The game's file shares the customers' demand with every stage's bot."""
        return bool(self._shares[1:].all())

    @property
    def finished(self) -> bool:
        return self.week > self.weeks

    def views(self) -> dict[str, StageView]:
        """Every stage's view of the current week."""
        state = self.sim.state().set_index("node")
        stocks = state.loc[list(ROLES), ["on_hand", "backlog", "pipeline"]].to_numpy(dtype=float)
        demand = self.sim.result().records.node_demand
        views = {}
        for i, role in enumerate(ROLES):
            # The retailer has served this week's customers; a supplier sees a downstream
            # order once it is placed, at the close of the week before.
            day = self.week - 1 if i == 0 else self.week - 2
            incoming = float(demand[day, self._node[i]]) if day >= 0 else 0.0
            on_hand, backlog, pipeline = (float(x) for x in stocks[i])
            views[role] = StageView(role, self.week, on_hand, backlog, pipeline, incoming)
        return views

    def customer_demand(self) -> float:
        """What end customers asked for this week (shown when information is shared)."""
        return float(self.sim.result().records.node_demand[self.week - 1, self._node[0]])

    def bot_orders(self, sharing: bool = False) -> dict[str, float]:
        """What Sterman's rule orders this week at every stage, from the stages' views; with
        ``sharing`` (or where the game's file says so) forecasting from the customers' demand."""
        views = [self.views()[role] for role in ROLES]
        n = len(ROLES)
        view = InventoryView(
            time=float(self.week),
            on_hand=np.array([v.on_hand for v in views]),
            on_order=np.array([v.pipeline for v in views]),
            backlog=np.array([v.backlog for v in views]),
            due=np.ones(n, dtype=bool),
            lead_time=np.zeros(n),
        )
        quantities = np.where(
            self._shares | sharing, self._sharing_bots.order(view), self._bots.order(view)
        )
        return {role: float(round(q)) for role, q in zip(ROLES, quantities, strict=True)}

    def play(self, orders: dict[str, float]) -> None:
        """Place this week's order of every stage and move to the next week."""
        if self.finished:
            raise ValueError("the game is over")
        missing = set(ROLES) - set(orders)
        if missing:
            raise ValueError(f"no order for {', '.join(sorted(missing))}")
        for role in ROLES:
            if not orders[role] >= 0:
                raise ValueError(f"an order must be a number >= 0 ({role}: {orders[role]!r})")
            self.sim.order(role, SKU, orders[role])
        self.orders.append({role: float(orders[role]) for role in ROLES})
        self._advance()

    def _advance(self) -> None:
        self.week += 1
        self.sim.run(until=self.week)
        if not self.finished:
            # The bots learn every week, played or not, so that one can take over any stage.
            views = self.views()
            self._bots.observe(np.array([views[r].incoming_order for r in ROLES]))
            self._sharing_bots.observe(np.full(len(ROLES), self.customer_demand()))


def _sterman(params: object) -> StermanParams:
    """A stage's Sterman parameters: the base scenario's if it uses the rule, else defaults."""
    return params if isinstance(params, StermanParams) else StermanParams()
