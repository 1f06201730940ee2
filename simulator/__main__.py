"""``python -m simulator``: the ``supplysim`` command, for environments without its script."""

from __future__ import annotations

from simulator.cli import app

if __name__ == "__main__":
    app(prog_name="python -m simulator")
