"""The ``supplysim`` command line (entry point :func:`main`)."""

from __future__ import annotations

from simulator.cli.app import app as app
from simulator.cli.app import main as main
from simulator.cli.app import register_commands

register_commands()

__all__ = ["app", "main"]
