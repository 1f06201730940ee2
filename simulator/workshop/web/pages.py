"""Every page's address."""

from __future__ import annotations

from nicegui import ui

from simulator.workshop.web import facilitate, play


def register() -> None:
    ui.page("/")(play.join_page)
    ui.page("/play/{player_id}")(play.play_page)
    ui.page("/facilitator/{key}")(facilitate.facilitator_page)
    ui.page("/debrief/{key}")(facilitate.debrief_page)
    ui.page("/demo/{key}")(facilitate.demo_page)
