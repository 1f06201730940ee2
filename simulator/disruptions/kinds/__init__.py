"""The built-in disruption kinds, one module each: its parameters, its checks, and where its
effect is (a :class:`~simulator.scenario.disruptions.DisruptionKind` named ``KIND``).

The scenario layer reads these modules, so they import nothing from the simulation: the
effects live in :mod:`simulator.disruptions` and are imported by name when a run needs them. A
module added here is a new kind; nothing else is edited.
"""
