"""After the game: what each stage ordered, held and owed, its bullwhip and its cost.

The tables come from the games' simulations; the figures are matplotlib figures in the
library's projector style (:mod:`simulator.report.style`); :func:`export_zip` bundles every
table as CSV and every figure as PNG.
"""

from __future__ import annotations

import io
import zipfile

import matplotlib

matplotlib.use("Agg")  # the server draws without a display

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from simulator.report.style import styled
from simulator.workshop.board import ROLES, Board
from simulator.workshop.optimum import game_minimum
from simulator.workshop.predictions import Question
from simulator.workshop.rooms import BOT, Game

COLORS = dict(zip(ROLES, ("#1f77b4", "#2ca02c", "#ff7f0e", "#d62728"), strict=True))


def cost_rates(board: Board) -> tuple[float, float]:
    """(h, b): the game's holding and backlog cost per case and week."""
    (product,) = board.base.products
    return product.unit_cost * product.holding_rate / 365.0, product.backorder_cost


def weekly(game: Game) -> pd.DataFrame:
    """One row per week played and stage: who decided, the order placed, the incoming order
    (what the stage saw when deciding), end customers' demand, end-of-week stock on hand and
    backlog, and the week's cost (h x on hand + b x backlog)."""
    board = game.board
    result = board.sim.result()
    nodes = [result.network.topology.node_ids.index(role) for role in ROLES]
    demand, orders = result.records.node_demand, result.records.node_orders
    series = result.series()
    on_hands, backlogs = (
        series.pivot(index="day", columns="node", values=column)[list(ROLES)].to_numpy(float)
        for column in ("on_hand", "backlog")
    )
    h, b = cost_rates(board)
    rows = []
    for week, deciders in enumerate(game.deciders, start=1):
        day = week - 1
        for i, role in enumerate(ROLES):
            seen = day if i == 0 else day - 1  # as in Board.views
            on_hand, backlog = float(on_hands[day, i]), float(backlogs[day, i])
            rows.append(
                {
                    "team": game.name,
                    "week": week,
                    "role": role,
                    "decided_by": deciders[role],
                    "order": float(orders[day, nodes[i]]),
                    "incoming_order": float(demand[seen, nodes[i]]) if seen >= 0 else 0.0,
                    "customer_demand": float(demand[day, nodes[0]]),
                    "on_hand": on_hand,
                    "backlog": backlog,
                    "cost": h * on_hand + b * backlog,
                }
            )
    return pd.DataFrame(rows, columns=WEEKLY_COLUMNS)


WEEKLY_COLUMNS = [
    "team", "week", "role", "decided_by", "order", "incoming_order", "customer_demand",
    "on_hand", "backlog", "cost",
]  # fmt: skip


def bullwhip(weeks: pd.DataFrame) -> pd.DataFrame:
    """Per team and stage: variance of its orders over the variance of customer demand
    (NaN while customer demand has not varied)."""
    rows = []
    for (team, role), part in weeks.groupby(["team", "role"], sort=False):
        demand = part["customer_demand"].var(ddof=0)
        ratio = part["order"].var(ddof=0) / demand if demand > 0 else float("nan")
        rows.append({"team": team, "role": role, "bullwhip": ratio})
    return pd.DataFrame(rows, columns=["team", "role", "bullwhip"])


def leaderboard(weeks: pd.DataFrame) -> pd.DataFrame:
    """Cost per team: one column per stage and the team's total, lowest total first."""
    if weeks.empty:
        return pd.DataFrame(columns=["team", *ROLES, "total"])
    table = weeks.pivot_table(index="team", columns="role", values="cost", aggfunc="sum")
    table = table.reindex(columns=list(ROLES)).assign(total=lambda t: t.sum(axis=1))
    return table.sort_values("total").reset_index()


def bots_only(game: Game) -> Game:
    """The same game (variant, seed, weeks played so far) with bots at every stage: what the
    team's cost compares with."""
    twin = Game(f"{game.code}-bots", f"{game.name} (bots only)", game.variant, game.weeks,
                game.seed)  # fmt: skip
    for _ in game.deciders:
        twin.play_week(dict.fromkeys(ROLES, BOT), 0.0)
    return twin


FORESIGHT = "foresight"
"""Who decided in the game played with the least cost with foresight."""


def with_foresight(game: Game) -> Game:
    """The same game (variant, seed, weeks played so far) played with the orders that give the
    least team cost with perfect foresight of its customers' demand (a linear programme,
    :func:`~simulator.workshop.optimum.game_minimum`): the floor no team can go below."""
    twin = Game(f"{game.code}-foresight", f"{game.name} (least cost with foresight)",
                game.variant, game.weeks, game.seed)  # fmt: skip
    if not game.deciders:
        return twin
    played = weekly(game)
    demand = played.loc[played["role"] == ROLES[0], "customer_demand"].to_numpy()
    _, orders = game_minimum(game.board.base, demand)
    for week in range(len(demand)):
        twin.pending = {role: max(float(orders[k, week]), 0.0) for k, role in enumerate(ROLES)}
        twin.play_week(dict.fromkeys(ROLES, FORESIGHT), 0.0)
    return twin


def ranked_teams(games: list[Game]) -> pd.DataFrame:
    """The leaderboard of the teams and, beside each, its game played by bots only and with
    the least cost with foresight."""
    weeks = [weekly(g) for game in games for g in (game, bots_only(game), with_foresight(game))]
    return leaderboard(pd.concat(weeks, ignore_index=True))


def predictions_table(questions: list[Question]) -> pd.DataFrame:
    """Every prediction beside the truth, once revealed."""
    rows = [
        {
            "question": q.kind,
            "name": name,
            "prediction": value,
            "truth": q.truth,
            "error": error,
        }
        for q in questions
        for name, value, error in q.ranked()
    ]
    return pd.DataFrame(rows, columns=["question", "name", "prediction", "truth", "error"])


# ------------------------------------------------------------------------------ figures


def _figure(rows: int = 1, cols: int = 1, size: tuple[float, float] = (12, 6)) -> Figure:
    figure = Figure(figsize=size, layout="constrained")
    figure.subplots(rows, cols, squeeze=False)
    return figure


@styled
def plot_orders(weeks: pd.DataFrame, team: str) -> Figure:
    """A team's orders by stage over the weeks, one panel per stage, with customer demand."""
    mine = weeks[weeks["team"] == team]
    figure = _figure(2, 2, (12, 7.5))
    axes = figure.axes
    top = max(mine["order"].max(), mine["customer_demand"].max(), 1.0) * 1.1
    for ax, role in zip(axes, ROLES, strict=True):
        stage = mine[mine["role"] == role]
        ax.plot(stage["week"], stage["customer_demand"], color="grey", ls="--", label="customers")
        ax.plot(stage["week"], stage["order"], color=COLORS[role], lw=3, marker="o", label="orders")
        ax.set_title(role)
        ax.set_ylim(0, top)
        ax.set_xlabel("week")
        ax.set_ylabel("cases a week")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=2)
    figure.suptitle(f"{team}: orders by stage")
    return figure


@styled
def plot_stock(weeks: pd.DataFrame, team: str) -> Figure:
    """A team's net stock (on hand - backlog) by stage: below zero, the stage owes beer."""
    mine = weeks[weeks["team"] == team]
    figure = _figure(size=(12, 5))
    ax = figure.axes[0]
    for role in ROLES:
        stage = mine[mine["role"] == role]
        net = stage["on_hand"] - stage["backlog"]
        ax.plot(stage["week"], net, color=COLORS[role], lw=3, marker="o", label=role)
    ax.axhline(0, color="black", lw=1)
    ax.set_xlabel("week")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("cases (on hand - backlog)")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_title(f"{team}: stock and backlog by stage")
    return figure


@styled
def plot_bullwhip(ratios: pd.DataFrame) -> Figure:
    """Bullwhip ratio by stage, one group of bars per team."""
    figure = _figure(size=(12, 5))
    ax = figure.axes[0]
    teams = list(dict.fromkeys(ratios["team"]))
    width = 0.8 / max(len(teams), 1)
    for k, team in enumerate(teams):
        values = ratios[ratios["team"] == team].set_index("role").reindex(list(ROLES))
        x = np.arange(len(ROLES)) + k * width
        ax.bar(x, values["bullwhip"].fillna(0.0), width, label=team)
        for xi, ratio in zip(x, values["bullwhip"], strict=True):
            if np.isnan(ratio):  # customers asked the same every week: no ratio to show
                ax.text(xi, 0.05, "n/a", ha="center")
    ax.set_xticks(np.arange(len(ROLES)) + 0.4 - width / 2, ROLES)
    ax.axhline(1, color="black", lw=1, ls="--")
    ax.set_ylabel("variance of orders / variance of demand")
    if teams:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    title = "Bullwhip by stage"
    if ratios["bullwhip"].isna().any():
        title += " (n/a: customer demand did not vary)"
    ax.set_title(title)
    return figure


@styled
def plot_predictions(question: Question) -> Figure:
    """Every prediction as a dot, the truth as a line."""
    figure = _figure(size=(12, 1.8 + 0.45 * max(len(question.predictions), 1)))
    ax = figure.axes[0]
    names = [name for name, _, _ in question.ranked()]
    values = [value for _, value, _ in question.ranked()]
    ax.scatter(values, range(len(values)), s=120, color="#1f77b4", zorder=3)
    if question.truth is not None:
        ax.axvline(question.truth, color="#d62728", lw=3, label=f"truth: {question.truth:.3g}")
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel(question.unit)
    ax.set_title("Predictions against the truth")
    return figure


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def figures(games: list[Game], questions: list[Question]) -> dict[str, Figure]:
    """Every debrief figure by file name."""
    weeks = pd.concat([weekly(g) for g in games], ignore_index=True) if games else None
    out: dict[str, Figure] = {}
    if weeks is not None:
        for game in games:
            out[f"orders-{game.code}.png"] = plot_orders(weeks, game.name)
            out[f"stock-{game.code}.png"] = plot_stock(weeks, game.name)
        out["bullwhip.png"] = plot_bullwhip(bullwhip(weeks))
    for k, question in enumerate(questions, start=1):
        out[f"predictions-{k}-{question.kind}.png"] = plot_predictions(question)
    return out


def export_zip(games: list[Game], questions: list[Question]) -> bytes:
    """Every table as CSV and every figure as PNG, in one zip archive."""
    weeks = pd.concat([weekly(g) for g in games], ignore_index=True) if games else pd.DataFrame()
    tables = {"weeks.csv": weeks, "predictions.csv": predictions_table(questions)}
    if not weeks.empty:
        tables |= {"bullwhip.csv": bullwhip(weeks), "leaderboard.csv": ranked_teams(games)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, table in tables.items():
            archive.writestr(name, table.to_csv(index=False))
        for name, figure in figures(games, questions).items():
            archive.writestr(name, png(figure))
    return buffer.getvalue()
