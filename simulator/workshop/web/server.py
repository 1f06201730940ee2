"""The server: one workshop shared by every page, saved after every change."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable, Hashable
from pathlib import Path

from matplotlib.figure import Figure
from nicegui import ui

from simulator.workshop import store
from simulator.workshop.debrief import png
from simulator.workshop.rooms import Workshop


class Session:
    """The workshop, where it is saved, and the one way pages change it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.workshop = store.load(folder)

    def act(self, change: Callable[[Workshop], object]) -> bool:
        """Apply a change; show the problem to the person who asked if it is refused."""
        try:
            change(self.workshop)
        except (ValueError, KeyError) as error:
            ui.notify(str(error).strip("'\""), type="warning")
            return False
        self.save()
        return True

    def save(self) -> None:
        store.save(self.workshop, self.folder)

    async def ticking(self) -> None:
        """Round timers and absent players, checked every second."""
        while True:
            before = self.workshop.version
            self.workshop.tick(time.time())
            if self.workshop.version != before:
                self.save()
            await asyncio.sleep(1.0)


SESSION: Session | None = None


def session() -> Session:
    if SESSION is None:
        raise RuntimeError("the workshop server is not started")
    return SESSION


def image(figure: Figure) -> ui.image:
    """A figure shown as a PNG, as exported."""
    data = base64.b64encode(png(figure)).decode("ascii")
    return ui.image(f"data:image/png;base64,{data}").classes("w-full max-w-6xl")


def page_style() -> None:
    """Larger table text than Quasar's default: the facilitator's screen is projected."""
    ui.add_css(".q-table td, .q-table th { font-size: 1.15rem !important; }")


def redraw_on_change(
    draw: ui.refreshable[[], None], shown: Callable[[], Hashable] | None = None
) -> None:
    """Redraw when the workshop changes (checked every half second).

    ``shown`` sums up what the page shows: when given, the page is redrawn only when that
    changes, so another player's move does not redraw a page under someone's fingers.
    """
    workshop = session().workshop
    last = workshop.version, shown() if shown else None

    def check() -> None:
        nonlocal last
        if workshop.version == last[0]:
            return
        now = workshop.version, shown() if shown else None
        if shown is None or now[1] != last[1]:
            draw.refresh()
        last = now

    ui.timer(0.5, check)
