"""The simulation engine: one idea per module.

- :mod:`~simulator.engine.simulation`: wiring, the day's phases, stepping;
- :mod:`~simulator.engine.clock`: the day as an explicit sequence of events;
- :mod:`~simulator.engine.stock`: the ledger every unit moves through;
- :mod:`~simulator.engine.customers` and :mod:`~simulator.engine.orders`: demand service on
  the daily and the per-order path; :mod:`~simulator.engine.arrivals` draws the per-order
  path's customer orders ahead and :mod:`~simulator.engine.served` counts them in bulk;
- :mod:`~simulator.engine.replenishment`: reviews and order placement;
  :mod:`~simulator.engine.single_line` places, ships and receives one line with scalars;
- :mod:`~simulator.engine.fulfilment` and :mod:`~simulator.engine.shipping`: allocation, desks,
  shipping and arrivals;
- :mod:`~simulator.engine.facilities`: the tiers' work and node classes;
- :mod:`~simulator.engine.draws` and :mod:`~simulator.engine.lane_draws`: named random streams,
  and lanes' transit times taken a batch at a time.
"""

from simulator.engine.simulation import Simulation as Simulation

__all__ = ["Simulation"]
