"""The ``supplysim`` command line (entry point :func:`main`)."""

from __future__ import annotations

# Importing the command modules registers their commands on the app.
from simulator.cli import optimise as optimise
from simulator.cli import run as run
from simulator.cli import schema as schema
from simulator.cli import stress as stress
from simulator.cli import study as study
from simulator.cli.app import app as app
from simulator.cli.app import main as main

__all__ = ["app", "main"]
