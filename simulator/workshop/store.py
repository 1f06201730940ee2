"""The workshop saved as one JSON file, rewritten atomically after every change.

A game is saved as its settings, its seats and the orders of every week played; loading
replays those orders on a fresh simulation (deterministic for its seed), so a game survives a
server restart exactly where it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simulator.output import atomic_write_text
from simulator.workshop.predictions import Question
from simulator.workshop.rooms import Game, Player, Workshop

FILE = "workshop.json"
FORMAT = 1


def to_dict(workshop: Workshop) -> dict[str, Any]:
    """Everything needed to rebuild the workshop."""
    return {
        "format": FORMAT,
        "key": workshop.key,
        "games": [
            {
                "code": g.code,
                "name": g.name,
                "variant": g.variant,
                "weeks": g.weeks,
                "seed": g.seed,
                "round_seconds": g.round_seconds,
                "sharing": g.sharing,
                "seats": g.seats,
                "pending": g.pending,
                "deciders": g.deciders,
                "orders": g.board.orders,
                "round_started": g.round_started,
            }
            for g in workshop.games.values()
        ],
        "players": [vars(p) for p in workshop.players.values()],
        "questions": [vars(q) for q in workshop.questions],
    }


def from_dict(data: dict[str, Any]) -> Workshop:
    """Rebuild a workshop, replaying every game's weeks."""
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown workshop file format {data.get('format')!r}")
    workshop = Workshop(key=data["key"])
    for g in data["games"]:
        settings = {k: g[k] for k in ("variant", "weeks", "seed", "round_seconds", "sharing")}
        game = Game(g["code"], g["name"], **settings)
        for orders in g["orders"]:
            game.board.play(orders)
        game.seats, game.pending = g["seats"], g["pending"]
        game.deciders, game.round_started = g["deciders"], g["round_started"]
        workshop.games[game.code] = game
    workshop.players = {p["id"]: Player(**p) for p in data["players"]}
    workshop.questions = [Question(**q) for q in data["questions"]]
    return workshop


def save(workshop: Workshop, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / FILE, json.dumps(to_dict(workshop), indent=1))


def load(folder: Path) -> Workshop:
    """The workshop saved in ``folder``, or a new one when there is none."""
    path = folder / FILE
    if not path.is_file():
        return Workshop()
    try:
        return from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: not a workshop state file ({error})") from error
