"""The day as an explicit sequence of events.

Time is in days; day ``d`` is the interval ``[d, d + 1)``. Several things happen at each whole
instant ``t``, always in this order (the SimPy priority of the events, lowest first):

====================  =====================================================================
phase                 what happens at instant ``t``
====================  =====================================================================
``CLOSE``             end of day ``t - 1``: each tier, most downstream first, ships its
                      ready order lines from stock, reviews its positions and places orders
                      (end-of-day placement), and ships the lines to outside suppliers and
                      to production. Orders placed here depart at ``t``.
``ACCOUNT``           end-of-day snapshot of day ``t - 1`` (stock, backlog, pipeline), days
                      without backorders, lost sales; customers' backorders age by a day.
``OPEN``              start of day ``t``: lane, plant and supplier capacities reset; the
                      disruptions due begin; the day's conditions apply.
``ARRIVE``            shipments due at ``t`` are received (any shipment arrives at its exact
                      time; those landing on a whole instant come here).
``SPOIL``             lots that cannot be sold on day ``t`` are wasted.
``SERVE``             the day's customers of daily demand streams: oldest backorders first,
                      then the day's demand.
``REVIEW``            review-instant placement only: positions due review now, right after
                      the day's demand, and their orders depart at ``t``.
====================  =====================================================================

A run ends at the horizon ``n`` right after ``ACCOUNT`` of day ``n - 1``: nothing due at ``n``
itself happens (a shipment arriving then is still in transit at the end). A stepped run
(``Simulation.run(until=t)``) pauses at instant ``t`` before its ``CLOSE``, so orders given
from outside (``Simulation.order``) are placed by the close of day ``t - 1``.

Customer orders of event-path streams arrive at any time in ``(t, t + 1)``, in arrival order.
An event at a whole instant that is not one of the phases (an order-path customer, a desk
finishing, a vehicle delivering) comes after ``REVIEW``.

The sequence is the same whether or not event-path streams exist, so the two demand paths can
share a scenario without changing each other's results.
"""

from __future__ import annotations

from enum import IntEnum

import simpy
from simpy.events import EventPriority


class Phase(IntEnum):
    """Priorities of the day's phases at a whole instant (lower runs first)."""

    PAUSE = -10  # a stepped run stops here: nothing at this instant has happened yet
    CLOSE = -9
    ACCOUNT = -8
    END = -7  # the run ends after the last day's close and snapshot
    OPEN = -6
    ARRIVE = -5
    SPOIL = -4
    SERVE = -3
    REVIEW = -2


def at_phase(env: simpy.Environment, delay: float, phase: Phase) -> simpy.Event:
    """An event ``delay`` days from now that fires in ``phase``'s slot of its instant.

    SimPy orders simultaneous events by priority, then by scheduling order; its ``Timeout``
    always has normal priority (1), so the phases use lower ones (set up as ``Timeout`` does).
    """
    event = simpy.Event(env)
    event._ok = True
    event._value = None
    env.schedule(event, EventPriority(int(phase)), delay)
    return event
