"""The workshop app: the beer game for a room, predict-then-reveal rounds and demos.

The game logic lives in plain modules that know nothing of the web:

- :mod:`~simulator.workshop.board`: one beer game on the engine, stepped week by week, with
  Sterman bots for the stages no person plays;
- :mod:`~simulator.workshop.rooms`: games, join codes, players, roles, rounds and timers;
- :mod:`~simulator.workshop.predictions`: questions, predictions and the truth revealed;
- :mod:`~simulator.workshop.debrief`: tables, figures and CSV export after a game;
- :mod:`~simulator.workshop.demo`: a shipped study run live, with progress;
- :mod:`~simulator.workshop.store`: the workshop saved as JSON after every change.

:mod:`~simulator.workshop.web` is the thin NiceGUI layer on top.
"""
