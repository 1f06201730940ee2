"""Disruptions: one module per kind's effect, each changing the network's conditions while it
lasts and acting once when it starts (see :mod:`simulator.disruptions.base`); the kinds'
parameters and checks are in :mod:`simulator.disruptions.kinds`."""

from simulator.disruptions.base import Disruption, Window, World
from simulator.disruptions.conditions import Conditions
from simulator.disruptions.plan import DisruptionPlan
from simulator.scenario.disruptions import KINDS as DISRUPTIONS

__all__ = ["DISRUPTIONS", "Conditions", "Disruption", "DisruptionPlan", "Window", "World"]
