"""The workshop's web pages (NiceGUI): thin screens over :mod:`simulator.workshop.rooms`.

Every browser talks to the one server over a websocket and the game lives on the server, so a
room of browsers sees the same game, and a reload loses nothing: a page is drawn again from the
server's state (a player's page address carries the player's id).
"""

from simulator.workshop.web.pages import serve as serve

__all__ = ["serve"]
