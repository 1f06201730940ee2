"""The initial pipeline: units already on their way at the start, received on their days."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator import ScenarioError, Simulation, load_scenario, run, with_overrides
from simulator.scenario import scenario_from_data
from tests.engine.scenarios import chain

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
STAGES = ("retailer", "wholesaler", "distributor", "factory")


def test_beer_game_starts_in_equilibrium() -> None:
    """With 4 cases in each of a stage's first L + 1 weeks and steady demand of 4, a stage that
    orders up to its starting position (12 on hand + 4 weeks of 4 on their way; 3 weeks at the
    factory) orders 4 every week and holds 12 every week: the board's equilibrium."""
    game = load_scenario(SCENARIOS / "teaching" / "beer_game.yaml")
    levels = {"retailer": 28, "wholesaler": 28, "distributor": 28, "factory": 24}
    steady = with_overrides(
        game,
        {"demand.customers.promotions": []}
        | {f"nodes.{s}.inventory.policy": {"type": "base_stock", "S": levels[s]} for s in STAGES},
    )
    result = run(steady)
    on_hand = result.series().pivot(index="day", columns="node", values="on_hand")
    assert np.allclose(on_hand[list(STAGES)].to_numpy(), 12.0)
    assert np.allclose(result.records.node_orders, 4.0)


@pytest.mark.parametrize("product", [{}, {"shelf_life": 30}], ids=["plain", "perishable"])
def test_pipeline_arrives_on_its_days_and_counts_as_on_order(product: dict[str, float]) -> None:
    """``arriving: [0, 3, 5]`` brings 3 units at the start of day 1 and 5 at day 2; until then
    they are in the pipeline; the audit counts them in and the books balance."""
    base = chain(store_policy={"type": "manual"}, store_initial=2, demand={"daily": 0}, horizon=5)
    data = base.to_dict()
    data["products"][0] |= product
    data["nodes"][1]["inventory"]["arriving"] = [0, 3, 5]
    result = Simulation(scenario_from_data(data)).run()
    series = result.series().set_index("day")
    assert series["on_hand"].tolist() == [2, 5, 10, 10, 10]
    assert series["pipeline"].tolist() == [8, 5, 0, 0, 0]
    network = result.audit().iloc[-1]
    assert (network.arriving, network.received, network.shipped) == (8, 8, 0)
    assert network.transit_imbalance == 0


def test_pipeline_with_a_recall_keeps_the_lot_books() -> None:
    """Traced units arriving from the initial pipeline join the lot books like initial stock:
    at the end, the lots of every traced position add up to its stock on hand."""
    scenario = load_scenario(
        SCENARIOS / "resilience" / "baseline.yaml",
        overlays=[SCENARIOS / "resilience" / "recall.yaml"],
    )
    nodes = [n.id for n in scenario.nodes if n.inventory is not None]
    piped = with_overrides(scenario, {f"nodes.{n}.inventory.arriving": [50, 50] for n in nodes})
    sim = Simulation(piped, days=200)
    sim.run()
    trace = sim.ledger.trace
    assert trace is not None
    book = trace.book
    held = book.stock[book.row[book.positions]].sum(axis=1)
    assert held == pytest.approx(sim.ledger.on_hand[book.positions])


def test_negative_arrivals_are_refused() -> None:
    data = chain().to_dict()
    data["nodes"][1]["inventory"]["arriving"] = [4, -1]
    with pytest.raises(ScenarioError, match="arriving"):
        scenario_from_data(data)
