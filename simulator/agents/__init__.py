"""Agents that play roles in a run from outside: a Gymnasium environment over the stepping API.

Needs the optional extra ``gym`` (``pip install 'supplysim[gym]'``).
"""

from __future__ import annotations

from simulator.agents.env import FEATURES, SupplyChainEnv

__all__ = ["FEATURES", "SupplyChainEnv"]
