"""A workshop: its games (one per team), the players who joined them, and the rounds.

Plain Python, no web: the web layer calls these methods and shows what they return. A game
advances a week when every seated player has ordered; Sterman bots order for empty seats, for
players who left or went silent, and for anyone still thinking when the round timer runs out.
Everything a game needs to be rebuilt is in :meth:`Workshop.to_dict`: the orders of every week
are replayed on a fresh simulation, which is deterministic for a given seed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from simulator.workshop.board import ROLES, Board, StageView, load_base
from simulator.workshop.predictions import KINDS, Question

BOT = "bot"
ABSENT_AFTER = 60.0
"""Seconds without a sign of life after which a player's seat goes to a bot."""
_CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_code(taken: set[str], length: int = 5) -> str:
    """A fresh join code, easy to read aloud and to type."""
    while True:
        code = "".join(secrets.choice(_CODE_LETTERS) for _ in range(length))
        if code not in taken:
            return code


@dataclass
class Player:
    id: str
    name: str
    game: str
    """The join code of the player's game."""
    role: str | None = None
    last_seen: float = 0.0


@dataclass
class Game:
    """One team's beer game."""

    code: str
    name: str
    variant: str = "beer_game"
    weeks: int = 36
    seed: int = 1
    round_seconds: float = 0.0
    """Time for a week's decision (0: no timer)."""
    sharing: bool = False
    """Every player sees every stage and the end customers' demand."""
    seats: dict[str, str | None] = field(default_factory=lambda: dict.fromkeys(ROLES))
    pending: dict[str, float] = field(default_factory=dict)
    """This week's orders given so far by players."""
    deciders: list[dict[str, str]] = field(default_factory=list)
    """Who decided each stage's order each week: a player's name or ``bot``."""
    round_started: float = 0.0
    board: Board = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.board = Board(load_base(self.variant), self.weeks, self.seed)
        self.sharing = self.sharing or self.board.shared  # players see what the bots see

    @property
    def week(self) -> int:
        return self.board.week

    @property
    def finished(self) -> bool:
        return self.board.finished

    def deadline(self) -> float | None:
        return self.round_started + self.round_seconds if self.round_seconds > 0 else None

    def waiting_for(self) -> list[str]:
        """Seated roles whose player has not ordered this week."""
        return [r for r, p in self.seats.items() if p is not None and r not in self.pending]

    def view(self, role: str) -> StageView:
        return self.board.views()[role]

    def play_week(self, names: dict[str, str], now: float) -> None:
        """Close the week: bots order for every stage without a player's order."""
        bots = self.board.bot_orders(self.sharing)
        orders = {r: self.pending.get(r, bots[r]) for r in ROLES}
        self.deciders.append({r: names[r] if r in self.pending else BOT for r in ROLES})
        self.pending = {}
        self.board.play(orders)
        self.round_started = now


class Workshop:
    """Every game, player and prediction question of one workshop."""

    def __init__(self, key: str | None = None) -> None:
        self.key = key or secrets.token_urlsafe(9)
        """The facilitator's key: it opens the facilitator's pages."""
        self.games: dict[str, Game] = {}
        self.players: dict[str, Player] = {}
        self.questions: list[Question] = []
        self.version = 0
        """Counts changes, so that screens know when to redraw."""

    def changed(self) -> None:
        self.version += 1

    # ---------------------------------------------------------------- facilitator

    def create_game(self, name: str, now: float, **settings: Any) -> Game:
        game = Game(new_code(set(self.games)), name.strip() or "Team", **settings)
        game.round_started = now
        self.games[game.code] = game
        self.changed()
        return game

    def set_sharing(self, code: str, on: bool) -> None:
        self.games[code].sharing = on
        self.changed()

    def bots_play(self, code: str, now: float) -> None:
        """Close the current week of a game now: bots order for whoever has not."""
        game = self.games[code]
        if not game.finished:
            game.play_week(self._names(game), now)
            self.changed()

    # ---------------------------------------------------------------- players

    def join(self, code: str, name: str, now: float) -> Player:
        game = self.games.get(code.strip().upper())
        if game is None:
            raise KeyError("no game has this code")
        if not name.strip():
            raise ValueError("give a name")
        player = Player(secrets.token_urlsafe(9), name.strip(), game.code, last_seen=now)
        self.players[player.id] = player
        self.changed()
        return player

    def take(self, player_id: str, role: str, now: float) -> None:
        player = self.players[player_id]
        game = self.games[player.game]
        if game.seats.get(role, "") is not None:
            raise ValueError(f"the {role} is taken" if role in game.seats else f"no role {role}")
        self._vacate(player, now)
        game.seats[role] = player.id
        player.role = role
        self.changed()

    def leave(self, player_id: str, now: float) -> None:
        """The player gives up their seat: a bot plays it from now on."""
        self._vacate(self.players[player_id], now)
        self.changed()

    def order(self, player_id: str, quantity: float, now: float) -> None:
        """A player's order for this week; the week closes once every seated player ordered."""
        player = self.players[player_id]
        game = self.games[player.game]
        if player.role is None or game.finished:
            raise ValueError("no order to give now")
        if not 0 <= quantity < 1e6:
            raise ValueError("an order is a number of cases, 0 or more")
        game.pending[player.role] = float(quantity)
        if not game.waiting_for():
            game.play_week(self._names(game), now)
        self.changed()

    def seen(self, player_id: str, now: float) -> None:
        """A sign of life from a player's browser."""
        if player_id in self.players:
            self.players[player_id].last_seen = now

    # ---------------------------------------------------------------- predictions

    def ask(self, kind: str) -> Question:
        """Open a question; it is the one participants see until the next is asked."""
        if kind not in KINDS:
            raise ValueError(f"no question {kind!r}; known: {', '.join(KINDS)}")
        question = Question(kind)
        self.questions.append(question)
        self.changed()
        return question

    def predict(self, player_id: str, value: float) -> None:
        if not self.questions:
            raise ValueError("no question is open")
        self.questions[-1].predict(self.players[player_id].name, value)
        self.changed()

    def reveal(self) -> float:
        """Run the simulation that answers the current question and show the truth."""
        if not self.questions:
            raise ValueError("no question to reveal")
        truth = self.questions[-1].reveal()
        self.changed()
        return truth

    # ---------------------------------------------------------------- time

    def tick(self, now: float) -> None:
        """Give silent players' seats to bots and close weeks whose timer ran out."""
        for player in self.players.values():
            if player.role is not None and now - player.last_seen > ABSENT_AFTER:
                self._vacate(player, now)
                self.changed()
        for game in self.games.values():
            deadline = game.deadline()
            if not game.finished and deadline is not None and now >= deadline:
                if game.waiting_for() or game.pending:
                    game.play_week(self._names(game), now)
                    self.changed()
                else:
                    game.round_started = now  # no one seated: wait for players

    # ---------------------------------------------------------------- helpers

    def _vacate(self, player: Player, now: float) -> None:
        if player.role is not None:
            game = self.games[player.game]
            game.seats[player.role] = None
            game.pending.pop(player.role, None)
            player.role = None
            if not game.finished and game.pending and not game.waiting_for():
                game.play_week(self._names(game), now)

    def _names(self, game: Game) -> dict[str, str]:
        return {r: self.players[p].name if p else BOT for r, p in game.seats.items()}
