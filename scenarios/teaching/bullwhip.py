"""Bullwhip and cost of every stage of the beer game, from a study's results, with benchmarks.

Measures, per variant and replication, after the warm-up:

- the bullwhip ratio of each stage: variance of the orders it places / variance of the
  end customers' demand (the retailer's incoming orders);
- the game's cost of each stage and of the team: holding h per unit and period on end-of-period
  stock on hand plus backlog b per unit and period owed, at every stage (the engine's
  ``total_cost`` charges backlog only to customers, so this reads the stock series instead).

And the benchmarks to read them against:

- :func:`order_up_to_ratios`: the bullwhip ratio of a chain of order-up-to stages that forecast
  with a p-period moving average (Chen et al. 2000; the first stage's ratio is their bound
  ``1 + 2L/p + 2L²/p²``, met exactly without safety stock);
- :func:`newsvendor_levels`: base-stock levels at the fractile b / (b + h) of the demand over
  each stage's lead time plus one review period;
- :func:`simulator.workshop.optimum.game_minimum`: the least cost a team with perfect
  foresight can reach on a deterministic demand (a linear programme).

Run the study and print every figure (from the project root)::

    python scenarios/teaching/bullwhip.py
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import randint

from simulator import Scenario, load_scenario, load_study, make_executor
from simulator.experiment import StudyResult
from simulator.experiment.stats import summarize
from simulator.network.topology import compile_topology
from simulator.workshop.optimum import game_minimum

STUDY = Path(__file__).with_name("bullwhip.yaml")
GAME = Path(__file__).with_name("beer_game.yaml")


def stage_names(scenario: Scenario) -> dict[str, str]:
    """Echelon id (``level-0`` ...) -> the node at that stage, retailer first."""
    topology = compile_topology(scenario)
    return {
        f"level-{tier.level}": "+".join(topology.node_ids[n] for n in tier.nodes)
        for tier in topology.tiers
    }


def cost_rates(scenario: Scenario) -> tuple[float, float]:
    """(h, b): holding and backlog cost per unit and period of the scenario's only product."""
    (product,) = scenario.products
    return product.unit_cost * product.holding_rate / 365.0, product.backorder_cost


def stage_figures(result: StudyResult) -> pd.DataFrame:
    """Bullwhip ratio and game cost per variant, replication and stage, in the KPI window.

    Returns:
        Long table ``variant, replication, scope, id, metric, value`` (scope ``stage``, id the
        stage's node or ``team``, metrics ``bullwhip`` and ``cost``), ready for
        :func:`simulator.experiment.stats.summarize`.
    """
    series = result.series
    rows = series[(series["scope"] == "echelon") & (series["day"] >= math.ceil(result.warmup))]
    keys = ["variant", "replication", "id"]
    orders = rows[rows["metric"] == "orders"].groupby(keys)["value"].var()
    customers = rows[(rows["metric"] == "demand") & (rows["id"] == "level-0")]
    demand = customers.groupby(["variant", "replication"])["value"].var()
    bullwhip = orders / demand.reindex(orders.index.droplevel("id")).to_numpy()
    parts = []
    for variant in result.study.variants():
        h, b = cost_rates(variant.scenario)
        mine = rows[rows["variant"] == variant.name]
        stock = mine.pivot_table(index=keys, columns="metric", values="value", aggfunc="sum")
        cost = h * stock["on_hand"] + b * stock["backlog"]
        team = cost.groupby(["variant", "replication"]).sum()
        team.index = pd.MultiIndex.from_tuples([(v, r, "team") for v, r in team.index], names=keys)
        names = stage_names(variant.scenario) | {"team": "team"}
        for metric, values in (("bullwhip", bullwhip), ("cost", pd.concat([cost, team]))):
            part = values.loc[[variant.name]].rename("value").reset_index()
            parts.append(part.assign(id=part["id"].map(names), scope="stage", metric=metric))
    return pd.concat(parts, ignore_index=True)


def order_up_to_ratios(covers: list[float], window: int) -> list[float]:
    """Bullwhip ratio of each stage of a chain of moving-average order-up-to stages.

    A stage that orders up to ``c`` times the mean of its last ``p`` demands orders
    ``D_t + (c/p)(D_t - D_{t-p})``: a linear filter of its demand. Applied stage after stage to
    i.i.d. customer demand, the variance ratio is the sum of the squared coefficients of the
    product of the filters (negative orders allowed, as in Chen et al. 2000).

    Args:
        covers: Periods of demand each stage covers (lead time + review period), retailer first.
        window: The moving-average window p.
    """
    filter_ = np.array([1.0])
    ratios = []
    for cover in covers:
        stage = np.zeros(window + 1)
        stage[0], stage[window] = 1 + cover / window, -cover / window
        filter_ = np.convolve(filter_, stage)
        ratios.append(float(filter_ @ filter_))
    return ratios


def newsvendor_levels(covers: list[int], low: int, high: int, h: float, b: float) -> list[int]:
    """Base-stock level of each stage: the b / (b + h) quantile of demand over its cover.

    Weekly demand is uniform on the integers ``low..high``; the demand over ``c`` weeks is the
    sum of ``c`` independent draws, its distribution the c-fold convolution.
    """
    week = randint(low, high + 1).pmf(np.arange(high + 1))
    levels = []
    for cover in covers:
        pmf = np.array([1.0])
        for _ in range(cover):
            pmf = np.convolve(pmf, week)
        levels.append(int(np.searchsorted(np.cumsum(pmf), b / (b + h) - 1e-12)))
    return levels


def main() -> None:
    """Run the bullwhip study and print bullwhip and cost by stage, with the benchmarks."""
    study = load_study(STUDY)
    with make_executor("process") as pool:
        result = study.run(executor=pool, progress=sys.stderr.isatty())
    table = summarize(stage_figures(result))
    game = study.variant(study.baseline).scenario
    order = [*stage_names(game).values(), "team"]
    pd.set_option("display.width", 120)
    for metric in ("bullwhip", "cost"):
        rows = table[table["metric"] == metric]
        print(f"\n{metric} by stage (mean, 95% half-width over {study.replications} runs)")
        for column in ("mean", "half_width"):
            wide = rows.pivot(index="variant", columns="id", values=column)
            print(wide[[c for c in order if c in wide.columns]].round(2))
    h, b = cost_rates(game)
    print("newsvendor base-stock levels:", newsvendor_levels([4, 4, 4, 3], 0, 8, h, b))
    step = np.where(np.arange(36) < 4, 4.0, 8.0)
    best, _ = game_minimum(load_scenario(GAME), step)
    print(f"step demand, least team cost with foresight over 36 weeks: {best:.2f}")


if __name__ == "__main__":
    main()
