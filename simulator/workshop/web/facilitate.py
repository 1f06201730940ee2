"""The facilitator's screens: games and rounds, questions, the debrief and the demos."""

from __future__ import annotations

import time

import pandas as pd
from nicegui import run, ui

from simulator.workshop import debrief
from simulator.workshop.board import GAMES, ROLES
from simulator.workshop.demo import DEMOS, run_demo
from simulator.workshop.predictions import KINDS
from simulator.workshop.rooms import Game
from simulator.workshop.web.server import image, page_style, redraw_on_change, session


def allowed(key: str) -> bool:
    """The facilitator's pages open only with the workshop's key."""
    if key == session().workshop.key:
        return True
    ui.label("This page needs the facilitator's link.").classes("text-2xl")
    return False


def nav(key: str) -> None:
    page_style()
    with ui.row().classes("gap-6 text-xl"):
        ui.link("Games", f"/facilitator/{key}")
        ui.link("Debrief", f"/debrief/{key}")
        ui.link("Demo", f"/demo/{key}")


def facilitator_page(key: str) -> None:
    if not allowed(key):
        return
    nav(key)
    ui.label("Games").classes("text-3xl font-bold")
    _new_game_form()

    @ui.refreshable
    def games() -> None:
        for game in session().workshop.games.values():
            _game_card(game)
        _questions()

    games()
    redraw_on_change(games)


def _new_game_form() -> None:
    variants = sorted(p.stem for p in GAMES.glob("beer_game*.yaml"))
    with ui.row().classes("items-end gap-4"):
        name = ui.input("Team name", value="Team 1").props("outlined data-testid=team-name")
        variant = ui.select(variants, value="beer_game", label="Game").props("outlined")
        weeks = ui.number("Weeks", value=36, min=1, max=36, precision=0).props("outlined")
        weeks.props("data-testid=weeks")
        timer = ui.number("Seconds a round (0: none)", value=0, min=0, precision=0)
        timer.props("outlined")

        def create() -> None:
            settings = {
                "variant": variant.value,
                "weeks": int(weeks.value or 36),
                "round_seconds": float(timer.value or 0),
            }
            session().act(lambda w: w.create_game(name.value or "", time.time(), **settings))

        ui.button("New game", on_click=create).props("size=lg data-testid=new-game")


def _game_card(game: Game) -> None:
    workshop = session().workshop
    with ui.card().classes("w-full"):
        with ui.row().classes("items-baseline gap-6"):
            ui.label(game.name).classes("text-2xl font-bold")
            ui.label("join code").classes("text-lg")
            ui.label(game.code).classes("text-4xl font-mono text-primary").props("data-testid=code")
            status = "game over" if game.finished else f"week {game.week} of {game.weeks}"
            ui.label(status).classes("text-xl").props("data-testid=status")
        rows = []
        for role in ROLES:
            seat = game.seats[role]
            who = workshop.players[seat].name if seat else "bot"
            thinking = "-" if seat is None or game.finished else "thinking"
            ordered = "yes" if role in game.pending else thinking
            rows.append({"stage": role, "played by": who, "ordered": ordered})
        columns = [{"name": k, "label": k, "field": k, "align": "left"} for k in rows[0]]
        ui.table(columns=columns, rows=rows).classes("text-lg").props("data-testid=seats")
        with ui.row().classes("items-center"):
            ui.switch(
                "Information sharing",
                value=game.sharing,
                on_change=lambda e: session().act(lambda w: w.set_sharing(game.code, e.value)),
            )
            if not game.finished:
                ui.button(
                    "Close the week (bots order for the rest)",
                    on_click=lambda: session().act(lambda w: w.bots_play(game.code, time.time())),
                ).props("data-testid=close-week")


def _questions() -> None:
    workshop = session().workshop
    ui.label("Predict, then reveal").classes("text-3xl font-bold mt-6")
    with ui.row().classes("items-end"):
        choice = ui.select({k: v.text for k, v in KINDS.items()}, value="factory_peak")
        choice.props("outlined").classes("w-[40rem]").props("data-testid=question")
        ui.button("Ask", on_click=lambda: session().act(lambda w: w.ask(choice.value))).props(
            "data-testid=ask"
        )
    if not workshop.questions:
        return
    question = workshop.questions[-1]
    ui.label(question.text).classes("text-xl")
    ui.label(f"{len(question.predictions)} predictions so far").classes("text-lg").props(
        "data-testid=count"
    )
    if question.open:

        async def reveal() -> None:
            button.disable()
            await run.io_bound(workshop.reveal)
            session().save()

        button = (
            ui.button("Reveal the truth", on_click=reveal)
            .props("size=lg")
            .props("data-testid=reveal")
        )
    else:
        ui.label(f"Truth: {question.truth:.3g} {question.unit}").classes("text-2xl")
        image(debrief.plot_predictions(question))


def debrief_page(key: str) -> None:
    if not allowed(key):
        return
    nav(key)
    workshop = session().workshop

    @ui.refreshable
    def page() -> None:
        games = list(workshop.games.values())
        ui.label("Debrief").classes("text-3xl font-bold")
        ui.button(
            "Download all data and figures (zip)",
            on_click=lambda: ui.download.content(
                debrief.export_zip(games, workshop.questions), "workshop-debrief.zip"
            ),
        ).props("data-testid=export")
        weeks = pd.concat([debrief.weekly(g) for g in games]) if games else pd.DataFrame()
        if not weeks.empty:
            ui.label("Cost leaderboard").classes("text-2xl font-bold")
            _table(debrief.ranked_teams(games).round(1), "leaderboard")
            ratios = debrief.bullwhip(weeks)
            if ratios["bullwhip"].notna().any():
                image(debrief.plot_bullwhip(ratios))
            else:
                ui.label(
                    "Bullwhip: the customers asked the same every week so far, so there is no "
                    "ratio to their demand's variance yet."
                ).classes("text-xl")
            for game in games:
                image(debrief.plot_orders(weeks, game.name))
                image(debrief.plot_stock(weeks, game.name))
        if workshop.questions:
            ui.label("Predictions against outcomes").classes("text-2xl font-bold")
            _table(debrief.predictions_table(workshop.questions).round(3), "predictions")
            for question in workshop.questions:
                if not question.open:
                    image(debrief.plot_predictions(question))

    page()
    redraw_on_change(page)


def _table(frame: pd.DataFrame, mark: str) -> None:
    columns = [{"name": c, "label": c, "field": c, "align": "left"} for c in frame.columns]
    rows = frame.astype(object).where(frame.notna(), "-").to_dict("records")
    ui.table(columns=columns, rows=rows).classes("text-lg").props(f"data-testid={mark}")


def demo_page(key: str) -> None:
    if not allowed(key):
        return
    nav(key)
    ui.label("Demo").classes("text-3xl font-bold")
    with ui.row().classes("items-end"):
        choice = ui.select({k: d.label for k, d in DEMOS.items()}, value="strategies")
        choice.props("outlined").classes("w-[36rem]").props("data-testid=demo")
        replications = ui.number("Replications", value=3, min=2, max=30, precision=0)
        replications.props("outlined").classes("w-36")
        start = ui.button("Run", on_click=lambda: go()).props("size=lg data-testid=run-demo")
    bar = ui.linear_progress(value=0, show_value=False).props("size=20px")
    result = ui.column().classes("w-full")

    def progress(share: float) -> None:
        bar.value = share

    async def go() -> None:
        start.disable()
        bar.value = 0
        result.clear()
        outcome = await run.io_bound(run_demo, choice.value, int(replications.value or 3), progress)
        if outcome is None:  # the server is shutting down
            return
        summary, figure = outcome
        with result:
            shown = summary[["variant", "metric", "n", "mean", "ci_low", "ci_high"]]
            _table(shown.round(3), "demo-summary")
            image(figure)
        start.enable()
