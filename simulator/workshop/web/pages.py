"""Every page's address, and the server that serves them."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from nicegui import app, ui

from simulator.workshop.web import facilitate, play, server


def register() -> None:
    ui.page("/")(play.join_page)
    ui.page("/play/{player_id}")(play.play_page)
    ui.page("/facilitator/{key}")(facilitate.facilitator_page)
    ui.page("/debrief/{key}")(facilitate.debrief_page)
    ui.page("/demo/{key}")(facilitate.demo_page)


def serve(folder: Path, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve the workshop until interrupted; its state lives in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("NICEGUI_STORAGE_PATH", str(folder / "nicegui"))
    server.SESSION = workshop = server.Session(folder)
    workshop.save()
    register()
    app.on_startup(lambda: asyncio.create_task(workshop.ticking()))
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"Participants join at   http://{shown}:{port}/", flush=True)
    print(f"Facilitator's page:    http://{shown}:{port}/facilitator/{workshop.workshop.key}")
    print(f"State saved in         {folder}", flush=True)
    ui.run(
        host=host,
        port=port,
        title="supplysim workshop",
        reload=False,
        show=False,
        show_welcome_message=False,
        favicon="🍺",
    )
