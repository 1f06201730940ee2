"""Predict, then reveal: questions whose answer a run of a shipped scenario gives.

The facilitator opens a question, participants type what they expect, and the facilitator
reveals the simulated truth beside their predictions. Each question knows how to find its
truth: one run of a shipped scenario or study variant, a few seconds at most.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simulator.engine import Simulation
from simulator.experiment import load_study
from simulator.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@dataclass(frozen=True)
class Kind:
    """A question: its wording, its unit and how to compute its answer."""

    text: str
    unit: str
    truth: Callable[[], float]


def _beer_game_orders(file: str) -> tuple[np.ndarray, np.ndarray]:
    """Weekly customer demand and every stage's orders (stage x week) of a beer game run."""
    result = Simulation(load_scenario(SCENARIOS / "teaching" / file)).run()
    nodes = result.network.topology.node_ids
    records = result.records
    stages = [nodes.index(n) for n in ("retailer", "wholesaler", "distributor", "factory")]
    return records.node_demand[:, stages[0]], records.node_orders[:, stages].T


def factory_peak() -> float:
    """The largest weekly order the factory places in the classic game played by bots."""
    _, orders = _beer_game_orders("beer_game.yaml")
    return float(orders[-1].max())


def factory_bullwhip() -> float:
    """Variance of the factory's orders over that of customer demand, random-demand game."""
    demand, orders = _beer_game_orders("beer_game_random.yaml")
    return float(orders[-1].var() / demand.var())


def exclusive_fill_rate() -> float:
    """Fill rate (%) of exclusive distribution in the market study, first replication."""
    study = load_study(SCENARIOS / "strategies" / "strategies.yaml")
    variant = study.variant("exclusive")
    result = Simulation(variant.scenario, seed=study.seed_of("exclusive", 0)).run()
    return 100.0 * result.kpi("fill_rate")


KINDS: dict[str, Kind] = {
    "factory_peak": Kind(
        "Customers go from 4 to 8 cases a week. With bots at every stage, what is the largest "
        "weekly order the factory places?",
        "cases a week",
        factory_peak,
    ),
    "factory_bullwhip": Kind(
        "Customer demand is random (0 to 8 cases a week). How many times more variable are the "
        "factory's orders than the customers' demand (variance ratio)?",
        "× customer variance",
        factory_bullwhip,
    ),
    "exclusive_fill_rate": Kind(
        "In the market study, one partner shop per territory (exclusive distribution): what "
        "share of the customers' demand is filled?",
        "% of demand",
        exclusive_fill_rate,
    ),
}
"""The questions a facilitator can ask, by id."""


@dataclass
class Question:
    """One question asked in the workshop, the predictions it got and, once revealed, its truth."""

    kind: str
    predictions: dict[str, float] = field(default_factory=dict)
    """Player name -> predicted value."""
    truth: float | None = None

    @property
    def text(self) -> str:
        return KINDS[self.kind].text

    @property
    def unit(self) -> str:
        return KINDS[self.kind].unit

    @property
    def open(self) -> bool:
        return self.truth is None

    def predict(self, name: str, value: float) -> None:
        if not self.open:
            raise ValueError("the answer is out: predictions are closed")
        if not np.isfinite(value):
            raise ValueError("a prediction is a number")
        self.predictions[name] = float(value)

    def reveal(self) -> float:
        """Compute the truth (a run) and close the predictions."""
        self.truth = KINDS[self.kind].truth()
        return self.truth

    def ranked(self) -> list[tuple[str, float, float]]:
        """(name, prediction, error) closest first; error is prediction - truth."""
        truth = self.truth if self.truth is not None else float("nan")
        rows = [(name, value, value - truth) for name, value in self.predictions.items()]
        return sorted(rows, key=lambda row: abs(row[2]))
