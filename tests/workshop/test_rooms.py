"""The workshop's game logic without a browser: joining, seats, rounds, bots, timers."""

from __future__ import annotations

import pytest

from simulator.workshop.board import ROLES, Board, load_base
from simulator.workshop.rooms import ABSENT_AFTER, BOT, Workshop


def seated(names: dict[str, str], weeks: int = 4, **settings: float) -> tuple[Workshop, str, dict]:
    """A workshop with one game and a player per given role."""
    workshop = Workshop()
    game = workshop.create_game("Red", 0.0, weeks=weeks, **settings)
    players = {}
    for role, name in names.items():
        player = workshop.join(game.code.lower(), name, 0.0)  # codes are read case-blind
        workshop.take(player.id, role, 0.0)
        players[role] = player.id
    return workshop, game.code, players


def test_a_week_closes_when_every_seated_player_has_ordered() -> None:
    workshop, code, players = seated({"retailer": "Ann", "factory": "Bob"})
    game = workshop.games[code]
    workshop.order(players["retailer"], 6, 1.0)
    assert game.week == 1 and game.waiting_for() == ["factory"]
    workshop.order(players["factory"], 5, 2.0)
    assert game.week == 2
    assert game.deciders[0] == {"retailer": "Ann", "wholesaler": BOT, "distributor": BOT,
                                "factory": "Bob"}  # fmt: skip
    assert game.board.orders[0]["retailer"] == 6 and game.board.orders[0]["factory"] == 5


def test_bots_order_what_sterman_rule_orders_from_the_same_view() -> None:
    workshop, code, players = seated({"retailer": "Ann"})
    game = workshop.games[code]
    # A bot-only twin of the game, played by the bots alone, gives the same bot orders.
    twin = Board(load_base("beer_game"), 4, 1)
    expected = twin.bot_orders()
    workshop.order(players["retailer"], expected["retailer"], 1.0)
    assert game.board.orders[0] == expected


def test_the_round_timer_hands_late_orders_to_bots() -> None:
    workshop, code, players = seated({"retailer": "Ann", "factory": "Bob"}, round_seconds=30)
    game = workshop.games[code]
    workshop.order(players["retailer"], 9, 10.0)
    workshop.tick(29.0)
    assert game.week == 1
    workshop.tick(30.0)
    assert game.week == 2
    assert game.deciders[0]["factory"] == BOT and game.deciders[0]["retailer"] == "Ann"
    assert game.round_started == 30.0


def test_a_player_who_leaves_or_goes_silent_is_replaced_by_a_bot() -> None:
    workshop, code, players = seated({"retailer": "Ann", "factory": "Bob"})
    game = workshop.games[code]
    workshop.order(players["retailer"], 4, 1.0)
    workshop.leave(players["factory"], 2.0)  # Ann had ordered: the week closes
    assert game.week == 2 and game.seats["factory"] is None
    workshop.seen(players["retailer"], 100.0)
    workshop.tick(100.0 + ABSENT_AFTER + 1)
    assert game.seats["retailer"] is None
    assert workshop.players[players["retailer"]].role is None


def test_seats_codes_and_orders_are_checked() -> None:
    workshop, code, players = seated({"retailer": "Ann"})
    with pytest.raises(KeyError, match="no game"):
        workshop.join("ZZZZZ", "Cy", 0.0)
    with pytest.raises(ValueError, match="give a name"):
        workshop.join(code, "  ", 0.0)
    cy = workshop.join(code, "Cy", 0.0)
    with pytest.raises(ValueError, match="the retailer is taken"):
        workshop.take(cy.id, "retailer", 0.0)
    with pytest.raises(ValueError, match="no role"):
        workshop.take(cy.id, "brewer", 0.0)
    with pytest.raises(ValueError, match="0 or more"):
        workshop.order(players["retailer"], -1, 0.0)


def test_a_game_ends_after_its_weeks() -> None:
    workshop, code, players = seated({"wholesaler": "Ann"}, weeks=2)
    for _ in range(2):
        workshop.order(players["wholesaler"], 4, 0.0)
    game = workshop.games[code]
    assert game.finished and len(game.board.orders) == 2
    with pytest.raises(ValueError, match="no order"):
        workshop.order(players["wholesaler"], 4, 0.0)


def test_each_stage_sees_its_own_stock_and_incoming_order() -> None:
    board = Board(load_base("beer_game"), 6, 1)
    views = board.views()
    # Week 1: every stage received the first 4 cases of its initial pipeline; the retailer
    # served 4 cases; nobody upstream has an order yet.
    assert (views["retailer"].on_hand, views["retailer"].incoming_order) == (12, 4)
    assert all(views[r].on_hand == 16 and views[r].incoming_order == 0 for r in ROLES[1:])
    assert [views[r].pipeline for r in ROLES] == [12, 12, 12, 8]
    board.play(dict.fromkeys(ROLES, 5.0))
    views = board.views()
    assert views["wholesaler"].incoming_order == 5  # the retailer's order of week 1
    # Two weeks of the initial pipeline left (one at the factory), and the order of week 1.
    assert views["retailer"].pipeline == 8 + 5 and views["factory"].pipeline == 4 + 5
    # The wholesaler shipped that order from its 16 at the close of week 1, then received 4.
    assert views["wholesaler"].on_hand == 16 - 5 + 4
    assert views["retailer"].on_hand == 12 + 4 - 4


def test_shared_information_changes_what_the_bots_forecast_from() -> None:
    """The retailer's incoming orders are the customers' demand, so sharing changes nothing
    there; upstream, after the step, the customers' 8 and the incoming orders differ, and so
    do the orders. In the sharing game's file every bot shares, switch or not."""
    board = Board(load_base("beer_game"), 12, 1)
    for _ in range(8):
        board.play(board.bot_orders())
    plain, shared = board.bot_orders(), board.bot_orders(sharing=True)
    assert plain["retailer"] == shared["retailer"]
    assert plain["factory"] != shared["factory"]
    sharing = Board(load_base("beer_game_sharing"), 12, 1)
    for _ in range(8):
        assert sharing.bot_orders() == sharing.bot_orders(sharing=True)
        sharing.play(sharing.bot_orders())


def test_a_sharing_game_shows_the_players_what_its_bots_see() -> None:
    workshop = Workshop()
    assert workshop.create_game("A", 0.0, variant="beer_game_sharing").sharing
    assert not workshop.create_game("B", 0.0, variant="beer_game").sharing
