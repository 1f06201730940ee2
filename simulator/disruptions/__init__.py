"""Disruptions: one module per kind, each changing the network's conditions while it lasts
and acting once when it starts. See :mod:`simulator.disruptions.base`."""

from simulator.disruptions.base import Disruption, Window, World
from simulator.disruptions.conditions import Conditions
from simulator.disruptions.plan import DisruptionPlan
from simulator.disruptions.registry import DISRUPTIONS

__all__ = ["DISRUPTIONS", "Conditions", "Disruption", "DisruptionPlan", "Window", "World"]
