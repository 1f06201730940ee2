"""The participants' screens: join a game, take a role, order every week, predict."""

from __future__ import annotations

import time

from nicegui import ui

from simulator.workshop.board import ROLES
from simulator.workshop.debrief import plot_orders, weekly
from simulator.workshop.rooms import Game, Player
from simulator.workshop.web.server import image, page_style, redraw_on_change, session


def join_page() -> None:
    ui.label("Beer game workshop").classes("text-4xl font-bold")
    ui.label("Type the code your facilitator shows, and your name.").classes("text-xl")
    with ui.card().classes("w-96"):
        code = ui.input("Join code").props("outlined autofocus").classes("w-full text-2xl")
        name = ui.input("Your name").props("outlined").classes("w-full text-2xl")

        def join() -> None:
            joined: list[Player] = []
            ok = session().act(
                lambda w: joined.append(w.join(code.value or "", name.value or "", time.time()))
            )
            if ok:
                ui.navigate.to(f"/play/{joined[0].id}")

        ui.button("Join", on_click=join).props("size=lg").classes("w-full")


def play_page(player_id: str) -> None:
    workshop = session().workshop
    if player_id not in workshop.players:
        ui.label("This link is not a player of this workshop.").classes("text-2xl")
        ui.link("Join a game", "/")
        return
    page_style()
    ui.timer(1.0, lambda: workshop.seen(player_id, time.time()))
    # What the player is typing outlives a redraw (another player's move redraws the page).
    drafts: dict[str, float | None] = {"order": None, "guess": None}

    @ui.refreshable
    def screen() -> None:
        player = workshop.players[player_id]
        game = workshop.games[player.game]
        with ui.row().classes("items-baseline gap-6"):
            ui.label(game.name).classes("text-3xl font-bold")
            ui.label(_progress(game)).classes("text-xl").props("data-testid=week")
            if player.role:
                ui.label(f"You are the {player.role}").classes("text-xl text-primary")
        if game.finished:
            _game_over(game, player)
        elif player.role is None:
            _choose_role(game, player)
        else:
            _stage(game, player, drafts)
        _question(player, drafts)

    def shown() -> tuple[object, ...]:
        player = workshop.players[player_id]
        game = workshop.games[player.game]
        waiting = tuple(game.waiting_for()) if player.role in game.pending else ()
        question = workshop.questions[-1] if workshop.questions else None
        asked = (
            (len(workshop.questions), question.truth, question.predictions.get(player.name))
            if question
            else None
        )
        return (player.role, game.week, tuple(game.seats.values()), game.sharing, waiting, asked)

    screen()
    redraw_on_change(screen, shown)


def _progress(game: Game) -> str:
    if game.finished:
        return f"game over after {game.weeks} weeks"
    text = f"week {game.week} of {game.weeks}"
    deadline = game.deadline()
    if deadline is not None:
        text += f" · round ends at {time.strftime('%H:%M:%S', time.localtime(deadline))}"
    return text


def _choose_role(game: Game, player: Player) -> None:
    workshop = session().workshop
    ui.label(f"Hello {player.name}: pick your stage.").classes("text-2xl")
    with ui.row():
        for role in ROLES:
            taken = game.seats[role]
            label = role if taken is None else f"{role} ({workshop.players[taken].name})"
            button = ui.button(
                label,
                on_click=lambda r=role: session().act(lambda w: w.take(player.id, r, time.time())),
            ).props("size=xl")
            if taken is not None:
                button.disable()
    ui.label("Stages no one takes are played by Sterman bots.").classes("text-lg text-grey-8")


def _stage(game: Game, player: Player, drafts: dict[str, float | None]) -> None:
    assert player.role is not None
    view = game.view(player.role)
    with ui.row().classes("gap-4"):
        for label, value, mark in (
            ("On hand", view.on_hand, "on-hand"),
            ("Backlog", view.backlog, "backlog"),
            ("Incoming order", view.incoming_order, "incoming"),
            ("On order", view.pipeline, "pipeline"),
        ):
            with ui.card().classes("w-52 items-center"):
                ui.label(label).classes("text-lg")
                ui.label(f"{value:g}").classes("text-5xl font-bold").props(f"data-testid={mark}")
    if game.sharing:
        _shared(game)
    if player.role in game.pending:
        waiting = ", ".join(game.waiting_for()) or "-"
        ui.label(
            f"You ordered {game.pending[player.role]:g} cases. Waiting for: {waiting}."
        ).classes("text-xl").props("data-testid=ordered")
    else:
        with ui.row().classes("items-center"):
            quantity = ui.number("Order (cases)", min=0, precision=0, format="%.0f")
            quantity.bind_value(drafts, "order")
            quantity.props("outlined data-testid=quantity").classes("text-2xl w-48")

            def place() -> None:
                value = drafts["order"]
                if value is None:
                    ui.notify("type a number of cases", type="warning")
                    return
                drafts["order"] = None
                session().act(lambda w: w.order(player.id, float(value), time.time()))

            ui.button("Place order", on_click=place).props("size=lg data-testid=place")
    ui.button(
        "Leave (a bot takes over)",
        on_click=lambda: session().act(lambda w: w.leave(player.id, time.time())),
    ).props("flat color=grey")


def _shared(game: Game) -> None:
    """Information sharing: every stage and the end customers, for everyone."""
    views = game.board.views()
    shared = f"Shared: customers asked {game.board.customer_demand():g} this week"
    ui.label(shared).classes("text-lg font-bold").props("data-testid=shared")
    rows = [
        {"stage": r, "on hand": v.on_hand, "backlog": v.backlog, "incoming": v.incoming_order,
         "on order": v.pipeline}
        for r, v in views.items()
    ]  # fmt: skip
    columns = [{"name": k, "label": k, "field": k} for k in rows[0]]
    ui.table(columns=columns, rows=rows).classes("text-lg")


def _game_over(game: Game, player: Player) -> None:
    weeks = weekly(game)
    if player.role is not None:
        mine = weeks[weeks["role"] == player.role]
        ui.label(f"Game over. Your stage's cost: {mine['cost'].sum():,.1f}").classes("text-2xl")
    ui.label(f"Team cost: {weeks['cost'].sum():,.1f}").classes("text-2xl").props(
        "data-testid=team-cost"
    )
    image(plot_orders(weeks, game.name))


def _question(player: Player, drafts: dict[str, float | None]) -> None:
    questions = session().workshop.questions
    if not questions:
        return
    question = questions[-1]
    with ui.card().classes("w-full max-w-3xl"):
        ui.label("Predict").classes("text-2xl font-bold")
        ui.label(question.text).classes("text-xl")
        mine = question.predictions.get(player.name)
        if not question.open:
            said = "no prediction" if mine is None else f"you said {mine:g}"
            ui.label(f"Truth: {question.truth:.3g} {question.unit} ({said})").classes(
                "text-2xl text-primary"
            ).props("data-testid=truth")
        elif mine is not None:
            ui.label(f"Your prediction: {mine:g} {question.unit}").classes("text-xl")
        else:
            with ui.row().classes("items-center"):
                guess = ui.number(question.unit).bind_value(drafts, "guess")
                guess.props("outlined data-testid=guess")

                def predict() -> None:
                    value = drafts["guess"]
                    if value is not None:
                        drafts["guess"] = None
                        session().act(lambda w: w.predict(player.id, float(value)))

                ui.button("Send", on_click=predict).props("data-testid=send-guess")
